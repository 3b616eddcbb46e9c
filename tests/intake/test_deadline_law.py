"""Issue 14, "the law, exactly", on intake's side: the close-by date counts its months from the
registration in one go, and only a first application (执) carries the 2-year limitation warning."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from services.intake.domain import CaseState
from services.intake.domain import commands as c
from services.intake.domain.closure import closure_due
from shared.envelope import SHANGHAI
from shared.errors import DomainError
from shared.periods import Pause
from tests.intake.helpers import basis, decide, registered, who

pytestmark = pytest.mark.unit


def test_the_close_by_date_adds_the_extension_to_the_registration_in_one_go() -> None:
    """08-31 + 6 months = 02-28 (clamped); + 3 approved months is 05-31 (9 months from 08-31), not
    05-28 (3 months from the clamped day). Supervision's `close` node counts the same way (one function,
    shared.periods.close_by), so 02-28, a Sunday, moves to Monday 03-01 (民诉法 art. 85)."""
    state = replace(registered(), registered_on=date(2026, 8, 31))
    assert closure_due(state, date(2026, 9, 1)) == date(2027, 3, 1)
    assert closure_due(replace(state, extension_months=3), date(2026, 9, 1)) == date(2027, 5, 31)


OLD_BASIS = basis(effective_date=date(2023, 1, 1), performance_deadline=date(2023, 1, 10))


def linked(case_type: str) -> list[object]:
    old = registered(basis=OLD_BASIS)
    objector = None
    if case_type == "执异":
        objector = old.registered.applicant if old.registered else None
    cmd = c.RegisterLinkedCase(who("qz-rev-01"), "case-2", f"（2026）黔01{case_type}1号", case_type, old, None,
                               objector)
    return decide(cmd, CaseState())


def test_a_resumed_case_has_no_limitation_warning_though_its_basis_is_years_old() -> None:
    """Resumption after 终本 has no time bar (民诉法解释 2022 art. 517); the first application on the same
    basis, three years late, keeps its warning (民诉法 art. 250)."""
    first = registered(basis=OLD_BASIS).registered
    assert first is not None and first.limitation_warning
    reg = linked("执恢")[1]
    assert reg.case_type == "执恢" and not reg.limitation_warning  # type: ignore[attr-defined]
    reg = linked("执异")[1]
    assert reg.case_type == "执异" and not reg.limitation_warning  # type: ignore[attr-defined]


# ── Item 3 of issue 14: intake's close-by date is supervision's ────────────────────────────────────

def test_intake_and_supervision_count_the_close_by_date_with_one_function() -> None:
    from services.supervision.domain.calendar import HolidayCalendar as SupervisionCalendar
    from services.supervision.domain.periods import count_period

    state = replace(registered(), registered_on=date(2026, 3, 2))
    tolled = (Pause(date(2026, 4, 1), date(2026, 4, 21), "确定参考价（评估）期间", "price:d1"),
              Pause(date(2026, 5, 4), date(2026, 6, 5), "拍卖公告及拍卖期间（第1次）", "auction:a1"))
    ours = closure_due(state, date(2026, 7, 1), tolled)
    theirs = count_period(date(2026, 3, 2), months=6, pauses=tolled, calendar=SupervisionCalendar()).due
    # 03-02 + 6 months = 09-02, + 20 days price + 32 days auction = 10-24 (Sat) → Mon 10-26
    assert ours == theirs == date(2026, 10, 26)


def test_an_extension_request_held_timely_once_disposal_periods_are_tolled() -> None:
    """Registered 2026-03-02 (due 09-02 untolled): on 08-31 a request is late by intake's old count, but
    with the 20 days of the reference price tolled the limit is 09-22 and the request in time."""
    state = replace(registered(), registered_on=date(2026, 3, 2))
    on = who("qz-j-201", now=datetime(2026, 8, 31, 10, 0, tzinfo=SHANGHAI))
    state = replace(state, judge_id="qz-j-201")
    with pytest.raises(DomainError) as late:
        decide(c.RequestExtension(on, 3, "财产处置中"), state)
    assert late.value.rule == "互相制约-11" and late.value.extra == {"due": "2026-09-02"}
    price = (Pause(date(2026, 4, 1), date(2026, 4, 21), "确定参考价（评估）期间", "price:d1"),)
    [requested] = decide(c.RequestExtension(on, 3, "财产处置中", tolled=price), state)
    assert requested.current_due == date(2026, 9, 22)


def test_an_extension_request_while_suspended_is_in_time_and_the_approval_counts_in_one_go() -> None:
    state = replace(registered(), registered_on=date(2026, 3, 2), judge_id="qz-j-201", status="suspended",
                    pauses=((date(2026, 8, 28), None, "中止执行"),))
    on = who("qz-j-201", now=datetime(2026, 9, 1, 10, 0, tzinfo=SHANGHAI))
    [requested] = decide(c.RequestExtension(on, 3, "中止期间申请"), state)  # the clock is not running
    # shown as if it ran again today: 09-02 + 4 days paused (08-28 → 09-01) = 09-06, a Sunday → 09-07
    assert requested.current_due == date(2026, 9, 7)
    asked = replace(state, extension_months_requested=3)
    [approved] = decide(c.ApproveExtension(who("president-1", now=on.now)), asked)
    # 03-02 + 9 months in one go = 12-02, + 4 days = 12-06, a Sunday → 12-07
    assert approved.new_due == date(2026, 12, 7)
