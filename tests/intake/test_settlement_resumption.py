"""Resumption after a breached settlement (执行和解规定 2018 arts. 9–11; 民诉法解释 art. 465; 民诉法 2023
art. 250): only a case closed by settlement (终结执行 with a settlement recorded, not performed in full),
on the applicant's application stating the breach, after the settlement's performance period; the two
years from its last day are recorded (passed or not), not refused — the respondent's defence (民诉法解释
art. 481). Pure, at each boundary."""

from __future__ import annotations

from datetime import date

import pytest

from services.intake.domain import CaseState
from services.intake.domain import commands as c
from services.intake.domain.resumption import limitation_ends
from shared.errors import Conflict, DomainError, InvalidInput
from tests.intake.helpers import CONFIG, H, days_later, decide, registered, run, who

pytestmark = pytest.mark.unit
JUDGE = "qz-j-201"
POLICY = CONFIG.closure
REVIEWERS = frozenset({"qz-rev-01"})
DUE = date(2027, 1, 15)  # the settlement's last day of performance (a Friday)


def closed(performed: bool = False, settled: bool = True, closure_type: str = "终结执行") -> CaseState:
    state = registered()
    if settled:
        state = run(state, c.RecordSettlement(who(JUDGE), performed, H))
    facts = c.ClosureFacts(paid_in_full=performed)
    state = run(state, c.ProposeClosure(who(JUDGE), closure_type, "申请执行人依和解协议撤回申请", facts,  # type: ignore[arg-type]
                                        POLICY))
    return run(state, c.ApproveClosure(who("chief-1"), facts, POLICY))


def apply(applied_on: date, breach: str | None = "被执行人未按和解协议于 2027-01-15 前支付第二期款项",
          due: date | None = DUE) -> c.ResumeCase:
    return c.ResumeCase(who("qz-rev-01", now=days_later(800)), "case-2", "（2029）黔01执恢1号", "settlement_breached",
                        "申请执行人申请恢复执行", REVIEWERS, frozenset(), breach, due, applied_on)


def refused(state: CaseState, cmd: c.ResumeCase) -> tuple[str | None, str]:
    with pytest.raises(DomainError) as err:
        decide(cmd, state)
    return err.value.rule, err.value.code


def test_two_years_from_the_settlements_last_day_rolled_over_a_rest_day() -> None:
    assert limitation_ends(DUE) == date(2029, 1, 15)  # a Monday
    assert limitation_ends(date(2027, 1, 13)) == date(2029, 1, 15)  # 2029-01-13 is a Saturday


def test_a_breached_settlement_is_resumed_after_its_performance_period_the_two_years_recorded() -> None:
    state = closed()
    assert refused(state, apply(DUE)) == ("执行和解规定-11", "performance_not_due")
    [e] = decide(apply(date(2027, 1, 16)), state)
    assert (e.ground, e.breach, e.settlement_due_on, e.applied_on, e.previous_judge_id) == (  # type: ignore[attr-defined]
        "settlement_breached", "被执行人未按和解协议于 2027-01-15 前支付第二期款项", DUE, date(2027, 1, 16), JUDGE)
    assert (e.limitation_ends, e.limitation_passed) == (date(2029, 1, 15), False)  # type: ignore[attr-defined]
    [last] = decide(apply(date(2029, 1, 15)), state)
    assert last.limitation_passed is False  # type: ignore[attr-defined]
    [late] = decide(apply(date(2029, 1, 16)), state)
    assert late.limitation_passed is True  # type: ignore[attr-defined]


def test_the_breach_and_the_settlements_last_day_are_required() -> None:
    state = closed()
    assert refused(state, apply(date(2027, 2, 1), breach="  ")) == ("执行和解规定-9", "breach_required")
    assert refused(state, apply(date(2027, 2, 1), due=None)) == ("执行和解规定-10", "settlement_due_on_required")


def test_only_a_case_closed_by_an_unperformed_settlement() -> None:
    assert refused(closed(performed=True, closure_type="执行完毕"), apply(date(2027, 2, 1))) == (
        "执行和解规定-11", "settlement_performed")
    assert refused(closed(settled=False), apply(date(2027, 2, 1))) == ("执行和解规定-9", "not_closed_by_settlement")
    with pytest.raises(Conflict):
        decide(apply(date(2027, 2, 1)), registered())
    future = c.ResumeCase(who("qz-rev-01"), "case-2", "x", "settlement_breached", "r", REVIEWERS, frozenset(),
                          "未履行", DUE, date(2027, 2, 1))
    with pytest.raises(InvalidInput):
        decide(future, closed())
