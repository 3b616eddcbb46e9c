"""The field instruction and its task: the judge issues (registration and routing in the same
decision), then the routed team reroutes, accepts, records attempts, reports or returns.

One stream per instruction (``field_ops.instruction:<id>``) carries the instruction and the one
task it gives rise to; every task command is decided against an issued instruction, so a task
cannot exist without one. Pure decision functions.
"""

from __future__ import annotations

from services.field_ops.domain.commands import (
    AcceptTask,
    IssueInstruction,
    RecordAttempt,
    ReportTask,
    RerouteTask,
    ReturnTask,
)
from services.field_ops.domain.detention import check_detention_instruction, refuse_decider
from services.field_ops.domain.guards import (
    RULE_JUDGE_INSTRUCTS,
    RULE_REROUTE,
    refuse_issuer_as_executor,
    refuse_outsider,
    require_reason,
    require_status,
    task_ids,
)
from services.field_ops.domain.state import InstructionState
from services.field_ops.events import (
    AssetSeizedOnSite,
    AttemptRecorded,
    DetentionInstructed,
    InstructionIssued,
    TaskAccepted,
    TaskReported,
    TaskRerouted,
    TaskReturned,
    TaskRouted,
)
from shared.errors import Conflict, FieldError, Forbidden, InvalidInput
from shared.events import DomainEvent

OPEN = ("routed", "accepted")
SEIZING_KINDS = ("seize_on_site",)


def issue(c: IssueInstruction, state: InstructionState) -> list[DomainEvent]:
    if state.issued:
        raise Conflict("该指令已下达", code="already_issued")
    if c.current_judge_id is None:
        raise Forbidden("尚未收到该案件的分案信息，无法确认承办法官，不能下达外勤指令",
                        code="judge_unknown", rule=RULE_JUDGE_INSTRUCTS)
    if c.officer_id != c.current_judge_id:
        raise Forbidden("只有本案现任承办法官才能下达外勤指令",
                        code="not_case_judge", rule=RULE_JUDGE_INSTRUCTS)
    if c.case_closed:
        raise Conflict("案件已结案，不能再下达外勤指令", code="case_closed")
    if c.deadline < c.now.date():
        raise InvalidInput("完成期限不能早于今天", code="invalid_input",
                           errors=[FieldError("deadline", "完成期限不能早于今天", "deadline_past")])
    check_detention_instruction(c.kind, c.detention)
    events: list[DomainEvent] = [
        InstructionIssued(
            instruction_id=c.instruction_id, case_id=c.case_id, kind=c.kind, judge_id=c.officer_id,
            target=c.target, region=c.region, region_name=c.region_name, deadline=c.deadline,
            notes=c.notes, proposal_id=c.proposal_id, lead_id=c.lead_id,
        ),
        TaskRouted(
            task_id=c.task_id, instruction_id=c.instruction_id, team_id=c.route.team_id,
            team_name=c.route.team_name, rule=c.route.rule,
            reason=f"按路由表分派（{c.route.rule}）", deadline=c.deadline,
        ),
    ]
    if c.kind == "detain" and c.detention is not None:
        f = c.detention
        events.append(DetentionInstructed(
            task_id=c.task_id, instruction_id=c.instruction_id, measure_id=f.measure_id,
            decision_number=f.decision_number, detention_days=f.detention_days, judge_id=f.judge_id,
            approved_by=f.approved_by,
        ))
    return events


def reroute(c: RerouteTask, state: InstructionState) -> list[DomainEvent]:
    ids = task_ids(state)
    require_status(state, OPEN, "改派")
    if state.team_id not in c.led_team_ids:
        raise Forbidden("改派须由任务所在外勤组的组长提出",
                        code="reroute_needs_lead", rule=RULE_REROUTE)
    require_reason(c.reason, RULE_REROUTE)
    if c.to_team_id == state.team_id:
        raise InvalidInput("任务已在该外勤组，无需改派", code="same_team",
                           errors=[FieldError("team_id", "应为另一个外勤组", "same_team")])
    assert state.team_id is not None
    return [TaskRerouted(**ids, from_team_id=state.team_id, team_id=c.to_team_id,
                         team_name=c.to_team_name, reason=c.reason.strip(),
                         rerouted_by=c.officer_id)]


def accept(c: AcceptTask, state: InstructionState) -> list[DomainEvent]:
    ids = task_ids(state)
    require_status(state, ("routed",), "接受")
    refuse_outsider(state, c.officer_id, c.officer_team_ids)
    refuse_decider(state, c.officer_id)  # 互相制约-14 (a detain task; no deciders otherwise)
    refuse_issuer_as_executor(state, c.officer_id, c.current_judge_id)
    assert state.team_id is not None
    return [TaskAccepted(**ids, officer_id=c.officer_id, team_id=state.team_id)]


def record_attempt(c: RecordAttempt, state: InstructionState) -> list[DomainEvent]:
    ids = task_ids(state)
    require_status(state, ("accepted",), "记录执行情况")
    refuse_outsider(state, c.officer_id, c.officer_team_ids)
    refuse_issuer_as_executor(state, c.officer_id, c.current_judge_id)
    return [AttemptRecorded(**ids, attempt_no=state.attempts + 1, officer_id=c.officer_id,
                            attempted_at=c.attempted_at, place=c.place,
                            note=c.note, evidence=c.evidence)]


def report(c: ReportTask, state: InstructionState) -> list[DomainEvent]:
    ids = task_ids(state)
    require_status(state, ("accepted",), "报告")
    refuse_outsider(state, c.officer_id, c.officer_team_ids)
    refuse_issuer_as_executor(state, c.officer_id, c.current_judge_id)
    seized = [a for a in c.found_assets if a.seized]
    if seized and state.kind not in SEIZING_KINDS:
        raise InvalidInput(
            "只有「现场查封扣押」指令的报告才能登记查封财产",
            code="seizure_not_instructed",
            errors=[FieldError(f"found_assets.{i}.seized", "本指令未要求现场查封", "not_instructed")
                    for i, a in enumerate(c.found_assets) if a.seized],
        )
    assert state.team_id is not None and state.kind is not None and state.judge_id is not None
    assert state.deadline is not None
    events: list[DomainEvent] = [
        TaskReported(**ids, kind=state.kind, officer_id=c.officer_id, team_id=state.team_id,
                     outcome=c.outcome, details=c.details, found_assets=c.found_assets,
                     found_persons=c.found_persons, evidence=c.evidence,
                     late=c.now.date() > state.deadline,
                     lead_id=state.lead_id)
    ]
    for a in seized:
        assert a.seal_date is not None
        events.append(AssetSeizedOnSite(
            asset_id=a.asset_id, asset_kind=a.asset_kind, description=a.description,
            identifier=a.identifier, location=a.location, value_fen=a.value_fen,
            seized_by=c.officer_id, seal_date=a.seal_date, judge_id=state.judge_id,
            evidence=tuple(e.content_hash for e in c.evidence), **ids,
        ))
    return events


def return_task(c: ReturnTask, state: InstructionState) -> list[DomainEvent]:
    ids = task_ids(state)
    require_status(state, OPEN, "退回")
    refuse_outsider(state, c.officer_id, c.officer_team_ids)
    require_reason(c.reason)
    assert state.team_id is not None
    return [TaskReturned(**ids, officer_id=c.officer_id, team_id=state.team_id,
                         reason=c.reason.strip())]
