"""The 7 days to register or refuse (docs/rules.md §2.1, issue 14): one count with supervision
(shared.periods.registration_decide_by — a last day on a rest day moves to the next working day), and
after a one-time notice to supplement they run again from the supplement's receipt (登记立案规定 2015
art. 7)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from services.intake.domain import commands as c
from services.intake.domain import given
from services.intake.domain.filing import decide_by
from shared.envelope import SHANGHAI
from shared.holidays import HolidayCalendar
from shared.periods import registration_decide_by
from tests.intake.helpers import COMPLETE, application, decide, routing, run, who

pytestmark = pytest.mark.unit


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI)


def test_a_seventh_day_on_a_saturday_moves_to_monday() -> None:
    # Applied Sat 2026-11-21: day 7 is Sat 11-28 → Mon 11-30 (the case); Fri 11-20 → Fri 11-27.
    assert decide_by(date(2026, 11, 21)) == date(2026, 11, 30)
    assert decide_by(date(2026, 11, 20)) == date(2026, 11, 27)


def test_a_seventh_day_in_a_holiday_moves_past_it_and_a_make_up_working_day_counts() -> None:
    assert decide_by(date(2025, 9, 24)) == date(2025, 10, 9)  # National Day 10-01 … 10-08
    assert decide_by(date(2025, 10, 4)) == date(2025, 10, 11)  # Sat 10-11 was a 调休 working day


def test_intake_and_supervision_count_with_one_function() -> None:
    for day in (date(2026, 11, 21), date(2025, 9, 24), date(2026, 2, 10)):
        assert decide_by(day) == registration_decide_by(day, HolidayCalendar()).due


def test_the_counter_records_the_shifted_limit() -> None:
    [received] = decide(application(application_date=date(2026, 11, 21), who=who(now=at(date(2026, 11, 21)))),
                        given())
    assert received.decide_by == date(2026, 11, 30)


def test_registering_on_the_shifted_last_day_is_within_the_limit_and_the_day_after_is_not() -> None:
    state = run(given(), application(application_date=date(2026, 11, 21), who=who(now=at(date(2026, 11, 21)))))
    for day, within in ((date(2026, 11, 30), True), (date(2026, 12, 1), False)):
        [registered, *_] = decide(c.RegisterCase(who(now=at(day)), routing(), case_number="（2026）黔01执7号"),
                                  state)
        assert (registered.decide_by, registered.decided_within_limit) == (date(2026, 11, 30), within)


def test_after_a_supplement_the_seven_days_run_again_from_its_receipt() -> None:
    applied = date(2026, 11, 2)
    state = run(given(), application(application_date=applied, materials=COMPLETE[:2], who=who(now=at(applied))))
    # Still incomplete on 11-10: no new limit yet.
    partly = c.SupplementMaterials(who(now=at(date(2026, 11, 10))), COMPLETE[2:3])
    [first] = decide(partly, state)
    assert first.still_missing and first.decide_by is None and first.received_on == date(2026, 11, 10)
    state = run(state, partly)
    # Completed on Fri 11-13: 7 days from then, Fri 11-20 — not the application's 11-09.
    done = c.SupplementMaterials(who(now=at(date(2026, 11, 13))), COMPLETE[3:])
    [last] = decide(done, state)
    assert last.still_missing == [] and last.decide_by == date(2026, 11, 20)
    state = run(state, done)
    [registered, *_] = decide(c.RegisterCase(who(now=at(date(2026, 11, 20))), routing(),
                                             case_number="（2026）黔01执8号"), state)
    assert (registered.decide_by, registered.decided_within_limit) == (date(2026, 11, 20), True)
    [late, *_] = decide(c.RegisterCase(who(now=at(date(2026, 11, 23))), routing(),
                                       case_number="（2026）黔01执8号"), state)
    assert (late.decide_by, late.decided_within_limit) == (date(2026, 11, 20), False)
