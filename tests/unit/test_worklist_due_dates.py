"""Intake's 我的待办 and supervision's deadline engine give the same due date (issue 18): the notice to
prepare (3 days from assignment, at most 10 from the application) and the objection to decide (15
days from receipt) are counted by shared.periods on both sides, a last day on a rest day moved to the
next working day (民诉法 art. 85) — never in bare calendar days on one screen only."""

from __future__ import annotations

from datetime import date

import pytest

from services.intake.api.worklist import objection_due
from services.intake.domain.filing import CALENDAR as INTAKE_CALENDAR
from services.supervision.domain.calendar import HolidayCalendar
from services.supervision.domain.deadlines import compute
from services.supervision.settings import DeadlineSettings
from shared.periods import notice_by
from tests.supervision.helpers import History

pytestmark = pytest.mark.unit
CFG = DeadlineSettings()


def supervision_nodes(h: History) -> dict[str, dict]:
    return {d.key: d.to_json() for d in compute(h.entries, CFG, HolidayCalendar())}


def test_the_notice_to_prepare_is_due_on_the_same_working_day_in_intake_and_supervision() -> None:
    # Applied Wed 2026-11-18: +10 = Sat 11-28. Assigned Thu 11-26: +3 = Sun 11-29. Both move to Mon 11-30;
    # in bare calendar days intake said Sat 11-28, two days before supervision's node.
    applied, assigned = date(2026, 11, 18), date(2026, 11, 26)
    intake_due = notice_by(assigned, applied, INTAKE_CALENDAR).due
    h = History(start=date(2026, 11, 20))
    h.registered(application_date=applied.isoformat())
    h.on(assigned).assigned()
    assert intake_due == date(2026, 11, 30)
    assert supervision_nodes(h)["notice"]["due"] == intake_due.isoformat()


def test_the_application_cap_wins_when_it_comes_first_and_still_moves_over_the_weekend() -> None:
    # Applied Wed 11-11: +10 = Sat 11-21 → Mon 11-23. Assigned Fri 11-20: +3 = Mon 11-23 too; assigned
    # Mon 11-23: +3 = Thu 11-26, so the cap (Mon 11-23) is the due date on both screens.
    applied, assigned = date(2026, 11, 11), date(2026, 11, 23)
    intake_due = notice_by(assigned, applied, INTAKE_CALENDAR).due
    h = History(start=date(2026, 11, 16))
    h.registered(application_date=applied.isoformat())
    h.on(assigned).assigned()
    node = supervision_nodes(h)["notice"]
    assert intake_due == date(2026, 11, 23) and node["due"] == "2026-11-23"
    assert node["source"].startswith("民诉法解释第480条")


def test_the_objection_to_decide_is_due_on_the_same_working_day_in_intake_and_supervision() -> None:
    # Received Fri 2026-11-06: +15 = Sat 11-21 → Mon 11-23 (calendar days said Sat 11-21).
    received = date(2026, 11, 6)
    h = History(start=date(2026, 11, 2)).opened()
    h.on(date(2026, 11, 9)).add(
        "intake.objection_registered", "clerk-1", "intake_clerk", objection_case_id="case-9",
        objection_case_number="（2026）黔01执异1号", reviewers=["r1", "r2", "r3"], registered_by="clerk-1",
        received_on=received.isoformat(), decide_by="2026-11-23",
    )
    node = supervision_nodes(h)["objection:case-9"]
    # As recorded on the event (v3), and as counted from the receipt when an older event has no decide_by.
    assert objection_due("2026-11-23", received.isoformat(), date(2026, 11, 9)) == date(2026, 11, 23)
    assert objection_due(None, received.isoformat(), date(2026, 11, 9)) == date(2026, 11, 23)
    assert node["due"] == "2026-11-23"
    # An older event without received_on: from the day it was registered, as supervision's business
    # day of such an event (Mon 11-09 + 15 = Tue 11-24).
    assert objection_due(None, None, date(2026, 11, 9)) == date(2026, 11, 24)
