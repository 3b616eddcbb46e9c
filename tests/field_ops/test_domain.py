"""field_ops's rules as given/when/then over the pure decider (no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

import pytest

from services.field_ops.domain.commands import (
    AcceptTask,
    IssueInstruction,
    RecordAttempt,
    ReportTask,
    RerouteTask,
    ReturnTask,
)
from services.field_ops.domain.decider import InstructionDecider
from services.field_ops.domain.routing import Route
from services.field_ops.domain.state import InstructionState
from services.field_ops.events import (
    AssetSeizedOnSite,
    EvidenceItem,
    FoundAsset,
    Target,
    TaskAccepted,
    TaskReported,
    TaskRerouted,
    TaskReturned,
)
from shared.envelope import SHANGHAI
from shared.errors import DomainError
from shared.events import DomainEvent

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI)
JUDGE = "judge-1"
TEAM = frozenset({"fo-t1"})
DECIDER = InstructionDecider()


def issue(**overrides: object) -> IssueInstruction:
    fields: dict[str, object] = dict(
        instruction_id="ins-1", task_id="task-1", case_id="case-1", kind="investigate",
        target=Target(kind="address", description="南明区某小区 3 栋"), region="520102",
        region_name="贵州省南明区", deadline=date(2026, 12, 15), notes=None, officer_id=JUDGE, now=NOW,
        route=Route("fo-t1", "外勤一组", "区划 520102"), current_judge_id=JUDGE,
    )
    fields.update(overrides)
    return IssueInstruction(**fields)  # type: ignore[arg-type]


def given(*commands: object) -> InstructionState:
    state = DECIDER.initial_state()
    for c in commands:
        for e in DECIDER.decide(c, state):
            state = DECIDER.evolve(state, e)
    return state


def when(state: InstructionState, command: object) -> Sequence[DomainEvent]:
    return DECIDER.decide(command, state)


def refused(state: InstructionState, command: object) -> DomainError:
    with pytest.raises(DomainError) as err:
        DECIDER.decide(command, state)
    return err.value


def accept(officer: str = "fo-1a", teams: frozenset[str] = TEAM, judge: str | None = JUDGE) -> AcceptTask:
    return AcceptTask(officer_id=officer, officer_team_ids=teams, current_judge_id=judge)


def report(officer: str = "fo-1a", teams: frozenset[str] = TEAM, **kw: object) -> ReportTask:
    fields: dict[str, object] = dict(officer_id=officer, officer_team_ids=teams, current_judge_id=JUDGE,
                                     now=NOW, outcome="completed", details="已现场核查")
    fields.update(kw)
    return ReportTask(**fields)  # type: ignore[arg-type]


# 互相制约-2: only the current judge instructs


def test_the_cases_current_judge_issues_an_instruction_that_is_registered_and_routed() -> None:
    events = when(given(), issue())
    assert [e.event_type for e in events] == ["field_ops.instruction_issued", "field_ops.task_routed"]
    assert events[1].team_id == "fo-t1"  # type: ignore[attr-defined]


def test_an_officer_who_is_not_the_current_judge_cannot_instruct() -> None:
    err = refused(given(), issue(officer_id="judge-2"))
    assert err.rule == "互相制约-2" and err.kind == "forbidden"


def test_a_former_judge_cannot_instruct_after_reassignment() -> None:
    err = refused(given(), issue(current_judge_id="judge-2"))
    assert err.rule == "互相制约-2"


def test_no_instruction_while_the_cases_judge_is_unknown() -> None:
    assert refused(given(), issue(current_judge_id=None)).code == "judge_unknown"


def test_an_instruction_on_a_closed_case_is_refused() -> None:
    assert refused(given(), issue(case_closed=True)).code == "case_closed"


def test_a_deadline_in_the_past_is_refused_naming_the_field() -> None:
    err = refused(given(), issue(deadline=NOW.date() - timedelta(days=1)))
    assert err.errors[0]["field"] == "deadline"


# 互相制约-3: no task without an instruction


@pytest.mark.parametrize("command", [
    accept(),
    report(),
    ReturnTask(officer_id="fo-1a", officer_team_ids=TEAM, reason="地址不存在"),
    RerouteTask(officer_id="fl-1", led_team_ids=TEAM, to_team_id="fo-t2", to_team_name="二组", reason="辖区"),
])
def test_no_task_command_is_decided_without_an_instruction(command: object) -> None:
    err = refused(given(), command)
    assert err.rule == "互相制约-3" and err.kind == "not_found"


def test_a_task_exists_once_its_instruction_is_issued() -> None:
    assert when(given(issue()), accept())[0] == TaskAccepted(
        task_id="task-1", instruction_id="ins-1", officer_id="fo-1a", team_id="fo-t1"
    )


# 互相制约-2: the executor is neither the issuer nor the case's judge


def test_the_issuing_judge_cannot_execute_even_as_a_team_member() -> None:
    err = refused(given(issue()), accept(officer=JUDGE))
    assert err.rule == "互相制约-2" and err.code == "executor_is_judge"


def test_the_cases_new_judge_cannot_execute_an_earlier_instruction() -> None:
    err = refused(given(issue()), accept(officer="judge-2", judge="judge-2"))
    assert err.rule == "互相制约-2"


def test_a_team_member_who_is_not_a_judge_of_the_case_executes() -> None:
    assert isinstance(when(given(issue()), accept(officer="fo-1b"))[0], TaskAccepted)


# 互相制约-12: re-route needs a leader and a reason


def reroute(officer: str = "fl-1", led: frozenset[str] = TEAM, reason: str = "位于花溪区") -> RerouteTask:
    return RerouteTask(officer_id=officer, led_team_ids=led, to_team_id="fo-t2", to_team_name="外勤二组",
                       reason=reason)


def test_a_member_who_does_not_lead_the_team_cannot_reroute() -> None:
    err = refused(given(issue()), reroute(officer="fo-1a", led=frozenset()))
    assert err.rule == "互相制约-12" and err.code == "reroute_needs_lead"


def test_the_lead_of_another_team_cannot_reroute() -> None:
    assert refused(given(issue()), reroute(officer="fl-2", led=frozenset({"fo-t2"}))).rule == "互相制约-12"


def test_a_reroute_without_a_reason_is_refused() -> None:
    err = refused(given(issue()), reroute(reason="   "))
    assert err.rule == "互相制约-12" and err.errors[0]["field"] == "reason"


def test_the_lead_reroutes_with_a_reason_and_the_task_waits_for_the_new_team() -> None:
    state = given(issue(), accept())
    events = when(state, reroute())
    assert isinstance(events[0], TaskRerouted) and events[0].from_team_id == "fo-t1"
    after = DECIDER.evolve(state, events[0])
    assert after.team_id == "fo-t2" and after.status == "routed" and after.assignee is None


# 外勤-1: only the assigned team works and reports


def test_a_member_of_another_team_cannot_accept() -> None:
    assert refused(given(issue()), accept(officer="fo-2a", teams=frozenset({"fo-t2"}))).rule == "外勤-1"


def test_a_member_of_another_team_cannot_report() -> None:
    err = refused(given(issue(), accept()), report(officer="fo-2a", teams=frozenset({"fo-t2"})))
    assert err.rule == "外勤-1"


def test_the_assigned_team_reports() -> None:
    events = when(given(issue(), accept()), report(officer="fo-1b"))
    assert isinstance(events[0], TaskReported) and events[0].team_id == "fo-t1" and not events[0].late


def test_after_a_reroute_the_old_team_can_no_longer_report() -> None:
    state = given(issue(), reroute(), accept(officer="fo-2a", teams=frozenset({"fo-t2"})))
    assert refused(state, report(officer="fo-1a")).rule == "外勤-1"


# execution


def test_attempts_are_numbered_in_order() -> None:
    attempt = RecordAttempt(officer_id="fo-1a", officer_team_ids=TEAM, current_judge_id=JUDGE,
                            attempted_at=NOW, place="南明区", note="无人应门")
    state = given(issue(), accept(), attempt)
    assert when(state, attempt)[0].attempt_no == 2  # type: ignore[attr-defined]


def test_a_task_must_be_accepted_before_it_is_reported() -> None:
    assert refused(given(issue()), report()).code == "task_state"


def test_a_returned_task_needs_a_reason_and_then_accepts_nothing_more() -> None:
    state = given(issue())
    blank = ReturnTask(officer_id="fo-1a", officer_team_ids=TEAM, reason="")
    assert refused(state, blank).code == "reason_required"
    ret = ReturnTask(officer_id="fo-1a", officer_team_ids=TEAM, reason="地址查无此处")
    assert isinstance(when(state, ret)[0], TaskReturned)
    assert refused(given(issue(), ret), accept()).code == "task_state"


def test_a_report_after_the_deadline_is_marked_late() -> None:
    state = given(issue(), accept())
    events = when(state, report(now=datetime(2026, 12, 16, 10, 0, tzinfo=SHANGHAI)))
    assert events[0].late is True  # type: ignore[attr-defined]


EVIDENCE = EvidenceItem(content_hash="a" * 64, media_type="image/jpeg", taken_at=NOW, place="南明区某仓库")
CAR = FoundAsset(asset_id="asset-1", asset_kind="vehicle", description="白色小型轿车", identifier="贵A12345",
                 value_fen=8_000_000, seized=True, seal_date=date(2026, 12, 1))


def test_an_on_site_seizure_report_emits_a_seizure_by_the_field_officer() -> None:
    state = given(issue(kind="seize_on_site"), accept())
    events = when(state, report(found_assets=(CAR,), evidence=(EVIDENCE,)))
    seizure = events[1]
    assert isinstance(seizure, AssetSeizedOnSite)
    assert seizure.seized_by == "fo-1a" and seizure.judge_id == JUDGE and seizure.asset_id == "asset-1"
    assert seizure.evidence == ("a" * 64,)


def test_seizure_is_refused_on_an_instruction_that_did_not_order_it() -> None:
    err = refused(given(issue(), accept()), report(found_assets=(CAR,)))
    assert err.code == "seizure_not_instructed" and err.errors[0]["field"] == "found_assets.0.seized"
