"""One calendar for every service (issue 14): the lookup order of the court calendar — a year an
administrator loaded first, the package otherwise, weekends only where neither knows — and the
calendar topic's records applied into a process's court calendar (shared/calendar_topic.py)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import orjson
import pytest

from shared.calendar_topic import CalendarFollower, CalendarYear, describe
from shared.clock import SHANGHAI
from shared.holidays import FALLBACK, LOADED, PACKAGE, CourtYears, HolidayCalendar, YearSchedule, package_years
from shared.periods import registration_decide_by

WEDNESDAY_OFF = date(2031, 3, 12)  # a Wednesday a made-up 2031 schedule gives off


def record(year: int, holidays: list[date], workdays: list[date] | None = None, **over: object) -> CalendarYear:
    return CalendarYear.model_validate({
        "event_id": uuid.uuid4(), "year": year, "holidays": holidays, "workdays": workdays or [],
        "source": "国办发明电〔2030〕1号（测试）", "actor_id": "admin-cal-01", "actor_name": "管理员",
        "reason": "导入 2031 年安排", "recorded_at": datetime(2030, 11, 12, 10, tzinfo=SHANGHAI), **over,
    })


def test_a_loaded_year_comes_first_then_the_package_then_weekends() -> None:
    assert WEDNESDAY_OFF.weekday() == 2
    first, last = package_years()
    assert first <= 2024 <= last < 2031
    plain = HolidayCalendar()
    # 2031: the package knows nothing, weekends only (and said so)
    assert plain.is_workday(WEDNESDAY_OFF) and plain.source(WEDNESDAY_OFF) == FALLBACK
    # 2024: the package's schedule (National Day off; a Sunday of 调休 worked)
    assert not plain.is_workday(date(2024, 10, 1)) and plain.is_workday(date(2024, 9, 29))
    assert plain.source(date(2024, 10, 1)) == PACKAGE
    loaded = HolidayCalendar.with_years([
        YearSchedule(2031, frozenset({WEDNESDAY_OFF}), frozenset({date(2031, 3, 15)})),
        YearSchedule(2024, frozenset(), frozenset()),  # a loaded year replaces the package's whole year
    ])
    assert not loaded.is_workday(WEDNESDAY_OFF) and loaded.source(WEDNESDAY_OFF) == LOADED
    assert loaded.is_workday(date(2031, 3, 15))  # a Saturday worked (调休)
    assert not loaded.is_workday(date(2031, 3, 16))  # an ordinary Sunday
    assert loaded.is_workday(date(2024, 10, 1)) and loaded.source(date(2024, 10, 1)) == LOADED
    # a period ending on the loaded rest day moves to the next working day; without the load it does not
    assert registration_decide_by(date(2031, 3, 5), plain).due == WEDNESDAY_OFF
    shifted = registration_decide_by(date(2031, 3, 5), loaded)
    assert shifted.due == date(2031, 3, 13) and not shifted.fallback_calendar


def test_the_court_calendar_takes_each_load_and_the_latest_load_of_a_year_wins() -> None:
    years = CourtYears()
    court = years.calendar
    assert registration_decide_by(date(2031, 3, 5), court).due == WEDNESDAY_OFF  # counted (and remembered)
    years.load(record(2031, [WEDNESDAY_OFF]).loaded_year())
    assert years.calendar is court  # the same calendar object: whoever holds it sees the load
    assert registration_decide_by(date(2031, 3, 5), court).due == date(2031, 3, 13)  # not the remembered answer
    years.load(record(2031, [date(2031, 3, 13)]).loaded_year())  # a corrected schedule replaces the first
    assert court.is_workday(WEDNESDAY_OFF) and not court.is_workday(date(2031, 3, 13))
    shown = years.describe()
    assert shown["years_loaded"] == [2031]
    assert shown["source_per_year"]["2031"]["source"] == LOADED
    assert shown["source_per_year"]["2031"]["document"] == "国办发明电〔2030〕1号（测试）"
    assert shown["otherwise"] == FALLBACK and shown["package_years"].endswith(str(package_years()[1]))


async def test_the_follower_applies_each_record_once_and_skips_what_is_not_one() -> None:
    years = CourtYears()
    seen: list[int] = []

    async def on_load(r: CalendarYear) -> None:
        seen.append(r.year)

    follower = CalendarFollower("127.0.0.1:1", "t.calendar", years=years, on_load=on_load)  # never connects here
    loaded = record(2031, [WEDNESDAY_OFF])
    raw = orjson.dumps(loaded.model_dump(mode="json"))
    await follower._apply(raw)
    await follower._apply(raw)  # the same record again (a replay): applied once
    await follower._apply(b'{"not": "a calendar"}')  # unreadable: logged, nothing changes
    assert seen == [2031] and follower.records == [loaded]
    assert not years.calendar.is_workday(WEDNESDAY_OFF)
    assert await follower.applied(loaded.event_id, within_s=0.1)
    assert describe(follower, years)["caught_up"] is False  # never ran: not caught up


def test_a_refusal_counted_on_weekends_only_says_so_in_every_service() -> None:
    from services.disposal.domain.rules import RuleBroken, check_objection_in_time, check_reauction_window

    plain = HolidayCalendar()
    assert plain.note(WEDNESDAY_OFF) == "（2031 年节假日安排未加载，仅按周末判断；需管理员导入当年安排）"
    assert plain.note(date(2025, 3, 12)) == ""  # the package knows 2025
    loaded = HolidayCalendar.with_years([YearSchedule(2031, frozenset({WEDNESDAY_OFF}))])
    assert loaded.note(WEDNESDAY_OFF) == ""
    # supervision's explanation says the same of a period ending in such a year
    assert any("2031 年节假日安排未加载，仅按周末判断" in step
               for step in registration_decide_by(date(2031, 3, 5), plain).steps)
    # disposal (this process's court calendar has no 2031): the refusal names the fallback
    with pytest.raises(RuleBroken) as late:
        check_objection_in_time(date(2031, 3, 5), date(2031, 3, 20))
    assert "仅按周末判断" in str(late.value) and late.value.rule == "参考价规定-22"
    with pytest.raises(RuleBroken) as known:
        check_objection_in_time(date(2025, 3, 5), date(2025, 3, 20))
    assert "仅按周末判断" not in str(known.value)
    with pytest.raises(RuleBroken) as reauction:
        check_reauction_window(date(2031, 1, 6), date(2031, 3, 20))
    assert "仅按周末判断" in str(reauction.value)


async def test_a_load_whose_application_failed_is_applied_again_when_read_anew() -> None:
    years = CourtYears()
    calls: list[int] = []

    async def flaky(r: CalendarYear) -> None:  # supervision's copy, the database down the first time
        calls.append(r.year)
        if len(calls) == 1:
            raise ConnectionError("database down")

    follower = CalendarFollower("127.0.0.1:1", "t.calendar", years=years, on_load=flaky)
    loaded = record(2031, [WEDNESDAY_OFF])
    raw = orjson.dumps(loaded.model_dump(mode="json"))
    with pytest.raises(ConnectionError):
        await follower._apply(raw)  # the follower's loop fails; its supervisor starts it again
    assert not await follower.applied(loaded.event_id, within_s=0.01)
    await follower._apply(raw)  # read anew from the beginning
    assert calls == [2031, 2031] and follower.records == [loaded]
    assert await follower.applied(loaded.event_id, within_s=0.01)
