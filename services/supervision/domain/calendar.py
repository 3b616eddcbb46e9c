"""The holiday calendar, shared by every service that counts a legal period: see shared/holidays.py."""

from shared.holidays import FALLBACK, LOADED, PACKAGE, HolidayCalendar, YearSchedule

__all__ = ["FALLBACK", "LOADED", "PACKAGE", "HolidayCalendar", "YearSchedule"]
