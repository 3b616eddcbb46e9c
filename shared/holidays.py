"""The holiday calendar as data: `chinese-calendar` plus years an administrator loads.

民诉法 (2023) art. 85: a period whose last day is a statutory holiday ends on the first working day
after it; weekends count as rest days, make-up working days (调休) as working days. For a year
with no data (neither the package nor an administrator's schedule) only weekends are known: the
calendar says so, and every date computed from it is flagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import chinese_calendar

PACKAGE = "chinese_calendar"
LOADED = "administrator"
FALLBACK = "weekend_fallback"


@lru_cache(maxsize=8192)
def _package_workday(day: date) -> bool | None:
    """The package's answer for ``day`` (None: a year it has no data for). Pure, so cached."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


@dataclass(frozen=True)
class YearSchedule:
    """One year's schedule as published by the State Council: days off and make-up working days."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date] = frozenset()


@dataclass(frozen=True)
class HolidayCalendar:
    loaded: Mapping[int, YearSchedule] = field(default_factory=dict)
    # Answers of pure functions of this calendar (periods.count_period), kept with it.
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def with_years(cls, schedules: Iterable[YearSchedule]) -> HolidayCalendar:
        return cls({s.year: s for s in schedules})

    def source(self, day: date) -> str:
        if day.year in self.loaded:
            return LOADED
        return FALLBACK if _package_workday(day) is None else PACKAGE

    def is_workday(self, day: date) -> bool:
        schedule = self.loaded.get(day.year)
        if schedule is not None:
            if day in schedule.workdays:
                return True
            if day in schedule.holidays:
                return False
            return day.weekday() < 5
        package = _package_workday(day)
        return day.weekday() < 5 if package is None else package

    def roll_forward(self, day: date) -> tuple[date, list[date], bool]:
        """The first working day on or after ``day``, the rest days skipped, and whether any day
        came from the weekend-only fallback."""
        skipped: list[date] = []
        fallback = self.source(day) == FALLBACK
        while not self.is_workday(day):
            skipped.append(day)
            day += timedelta(days=1)
            fallback = fallback or self.source(day) == FALLBACK
        return day, skipped, fallback
