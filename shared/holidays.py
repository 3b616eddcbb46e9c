"""The holiday calendar as data: `chinese-calendar` plus years an administrator loads.

民诉法 (2023) art. 85: a period whose last day is a statutory holiday ends on the first working day
after it; weekends count as rest days, make-up working days (调休) as working days. For a year
with no data (neither the package nor an administrator's schedule) only weekends are known: the
calendar says so, and every date computed from it is flagged.

The lookup order, for a day of year Y: the schedule an administrator loaded for Y (the whole year:
a loaded year replaces the package's for that year), else the package's schedule, else weekends
only. ``COURT`` is this process's court calendar: the years loaded so far on the calendar topic
(``shared/calendar_topic.py``), which every process of every service applies before it serves — so
all services count every period on one calendar.
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


def package_years() -> tuple[int, int]:
    """The first and last year the package has a schedule for."""
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


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

    def note(self, day: date) -> str:
        """What a refusal or a due date adds when ``day``'s year is known by weekends only (the same
        words supervision's explanations use), else nothing."""
        if self.source(day) != FALLBACK:
            return ""
        return f"（{day.year} 年节假日安排未加载，仅按周末判断；需管理员导入当年安排）"

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


@dataclass(frozen=True)
class LoadedYear:
    """A year's schedule as loaded on the calendar topic: by whom, why, from which publication."""

    schedule: YearSchedule
    source: str
    loaded_by: str
    reason: str
    event_id: str
    recorded_at: str


class CourtYears:
    """The years loaded into one process's court calendar; the latest load of a year wins."""

    def __init__(self) -> None:
        self._years: dict[int, YearSchedule] = {}
        self.calendar = HolidayCalendar(self._years)  # the same object throughout: loads change it
        self.loaded: dict[int, LoadedYear] = {}

    def load(self, year: LoadedYear) -> None:
        self._years[year.schedule.year] = year.schedule
        self.loaded[year.schedule.year] = year
        self.calendar.memo.clear()  # periods counted on the old schedule are stale

    def describe(self) -> dict[str, Any]:
        """For /readyz: which years come from an administrator's load, and which from the package."""
        first, last = package_years()
        return {
            "years_loaded": sorted(self.loaded),
            "source_per_year": {
                str(y): {"source": LOADED, "document": v.source, "loaded_by": v.loaded_by, "event_id": v.event_id,
                         "holidays": len(v.schedule.holidays), "workdays": len(v.schedule.workdays)}
                for y, v in sorted(self.loaded.items())
            },
            "package_years": f"{first}-{last}",
            "otherwise": FALLBACK,
        }


# This process's court calendar (see the module's docstring).
COURT_YEARS = CourtYears()
COURT = COURT_YEARS.calendar
