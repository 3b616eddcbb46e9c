"""Detention carried out by the field centre, over the pure decider: the decided days counted from
custody start (15 days: the 15th day is the last), the family told within 24 hours, early release with
a reason, no detention without an approved decision, and the detaining officer is not a decider."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from services.field_ops.domain import detention as det
from services.field_ops.domain.commands import AcceptTask, IssueInstruction
from services.field_ops.domain.decider import InstructionDecider
from services.field_ops.domain.routing import Route
from services.field_ops.domain.state import InstructionState
from services.field_ops.events import Target
from shared.envelope import SHANGHAI
from shared.errors import DomainError

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI)
LATER = NOW + timedelta(days=40)
TEAM = frozenset({"fo-t1"})
FACTS = det.DetentionFacts("m-1", "（2026）黔01司惩1号", 15, "judge-1", "pres-1")
D = InstructionDecider()


def _issue(detention: det.DetentionFacts | None = FACTS) -> IssueInstruction:
    return IssueInstruction(
        instruction_id="ins-1", task_id="task-1", case_id="case-1", kind="detain",
        target=Target(kind="person", description="王某"), region="520102", region_name="南明区",
        deadline=date(2026, 12, 15), notes=None, officer_id="judge-1", now=NOW,
        route=Route("fo-t1", "外勤一组", "区划"), current_judge_id="judge-1", proposal_id="p-1", detention=detention)


def _run(state: InstructionState, *commands: object) -> InstructionState:
    for c in commands:
        for e in D.decide(c, state):
            state = D.evolve(state, e)
    return state


def _accepted() -> InstructionState:
    return _run(D.initial_state(), _issue(), AcceptTask("fo-1a", TEAM, "judge-1"))


def _in_custody(days: int | None = None) -> InstructionState:
    return _run(_accepted(), det.StartCustody("fo-1a", TEAM, LATER, NOW, "南明区拘留所", days))


def test_no_detention_without_the_presidents_approved_decision() -> None:
    with pytest.raises(DomainError) as e:
        D.decide(_issue(None), D.initial_state())
    assert e.value.rule == "民诉法-119"
    events = D.decide(_issue(), D.initial_state())
    assert [x.event_type for x in events][-1] == "field_ops.detention_instructed"


@pytest.mark.parametrize("officer", ["judge-1", "pres-1"])
def test_the_detaining_officer_is_neither_the_deciding_judge_nor_the_approver(officer: str) -> None:
    issued = _run(D.initial_state(), _issue())
    with pytest.raises(DomainError) as e:
        D.decide(AcceptTask(officer, TEAM, "judge-9"), issued)
    assert e.value.rule == "互相制约-14"
    state = _accepted()
    with pytest.raises(DomainError) as e2:
        D.decide(det.StartCustody(officer, TEAM, LATER, NOW, "拘留所", None), state)
    assert e2.value.rule == "互相制约-14"


def test_fifteen_days_from_the_start_end_on_the_fifteenth_day_and_not_a_day_later() -> None:
    assert det.last_custody_day(date(2026, 12, 1), 15) == date(2026, 12, 15)
    assert det.last_custody_day(date(2026, 12, 1), 1) == date(2026, 12, 1)
    state = _in_custody()
    assert state.release_by == date(2026, 12, 15)
    with pytest.raises(DomainError) as e:
        D.decide(det.EndCustody("fo-1a", TEAM, LATER, date(2026, 12, 16), None, None), state)
    assert e.value.rule == "民诉法-118" and e.value.errors[0]["field"] == "released_on"
    [ended] = D.decide(det.EndCustody("fo-1a", TEAM, LATER, date(2026, 12, 15), None, None), state)
    assert not ended.early and ended.days_in_custody == 15  # type: ignore[attr-defined]


def test_days_cut_by_the_higher_court_bind_the_release_and_early_release_needs_a_reason() -> None:
    state = _in_custody(days=5)  # changed on reconsideration before custody began
    assert state.release_by == date(2026, 12, 5)
    with pytest.raises(DomainError):
        D.decide(det.EndCustody("fo-1a", TEAM, LATER, date(2026, 12, 6), None, 5), state)
    with pytest.raises(DomainError) as e:
        D.decide(det.EndCustody("fo-1a", TEAM, LATER, date(2026, 12, 3), "  ", 5), state)
    assert e.value.code == "reason_required"
    [early] = D.decide(det.EndCustody("fo-1a", TEAM, LATER, date(2026, 12, 3), "已履行全部义务", 5,
                                      date(2026, 12, 2)), state)
    assert early.early and early.days_in_custody == 3  # type: ignore[attr-defined]


def test_an_early_release_needs_the_presidents_approval_recorded_in_intake() -> None:
    """民诉法解释 art. 182: 提前解除拘留，应报经院长批准 — refused without it, and not before its day;
    a release on the last day needs none."""
    state = _in_custody(days=5)  # custody from 2026-12-01, last day 12-05
    release = det.EndCustody("fo-1a", TEAM, LATER, date(2026, 12, 4), "认错悔改，具结悔过", 5)
    with pytest.raises(DomainError) as e:
        D.decide(release, state)
    assert e.value.rule == "民诉法解释-182" and e.value.code == "early_release_not_approved"
    assert e.value.errors[0]["field"] == "released_on"
    with pytest.raises(DomainError) as e:
        D.decide(replace(release, early_release_approved_on=date(2026, 12, 5)), state)
    assert e.value.rule == "民诉法解释-182" and e.value.code == "released_before_approval"
    [ok] = D.decide(replace(release, early_release_approved_on=date(2026, 12, 4)), state)
    assert ok.early and ok.days_in_custody == 4  # type: ignore[attr-defined]
    [full] = D.decide(replace(release, released_on=date(2026, 12, 5), reason=None), state)
    assert not full.early  # type: ignore[attr-defined]


def test_the_family_is_told_within_24_hours_or_the_failure_is_recorded() -> None:
    state = _in_custody()
    notice = det.NotifyFamily("fo-1a", TEAM, LATER, True, NOW + timedelta(hours=24), None)
    [ok] = D.decide(notice, state)
    assert ok.within_24h  # type: ignore[attr-defined]
    [late] = D.decide(replace(notice, notified_at=NOW + timedelta(hours=24, seconds=1)), state)
    assert not late.within_24h  # type: ignore[attr-defined]
    with pytest.raises(DomainError) as e:
        D.decide(replace(notice, notified=False, notified_at=None), state)
    assert e.value.code == "failure_reason_required"
    [failed] = D.decide(replace(notice, notified=False, notified_at=None, failure_reason="无近亲属"), state)
    assert not failed.notified and failed.failure_reason == "无近亲属"  # type: ignore[attr-defined]
