"""field_ops's rules: the field instruction and its task, as pure decide/evolve (no I/O).

One stream per instruction (``field_ops.instruction:<id>``) carries the instruction and the one
task it gives rise to: registration and routing happen in the same decision, and every task
command is decided against an issued instruction, so a task cannot exist without one.
Time, ids, the actor and what the service knows from its projections (the case's current judge,
the caller's teams) arrive on the command.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from services.field_ops.domain.routing import Route
from services.field_ops.events import (
    AssetSeizedOnSite,
    AttemptRecorded,
    EvidenceItem,
    FoundAsset,
    FoundPerson,
    InstructionIssued,
    Outcome,
    Target,
    TaskAccepted,
    TaskReported,
    TaskRerouted,
    TaskReturned,
    TaskRouted,
)
from shared.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from shared.events import DomainEvent

# Only the case's current judge instructs; whoever executes is not the issuer (docs/rules.md §7.2).
RULE_JUDGE_INSTRUCTS = "互相制约-2"
RULE_TASK_NEEDS_INSTRUCTION = "互相制约-3"  # a field task exists only on the judge's instruction (§7.3)
RULE_REROUTE = "互相制约-12"  # manual re-assignment needs a leader and a reason (§7.12)
RULE_ASSIGNED_TEAM = "外勤-1"  # only the team a task is routed to works and reports on it (local rule)

OPEN = ("routed", "accepted")
SEIZING_KINDS = ("seize_on_site",)


@dataclass(frozen=True)
class IssueInstruction:
    instruction_id: str
    task_id: str
    case_id: str
    kind: str
    target: Target
    region: str
    region_name: str
    deadline: date
    notes: str | None
    officer_id: str
    now: datetime
    route: Route
    current_judge_id: str | None  # from intake.case_assigned, None when no assignment is known
    case_closed: bool = False
    proposal_id: str | None = None
    lead_id: str | None = None


@dataclass(frozen=True)
class RerouteTask:
    officer_id: str
    led_team_ids: frozenset[str]
    to_team_id: str
    to_team_name: str
    reason: str


@dataclass(frozen=True)
class AcceptTask:
    officer_id: str
    officer_team_ids: frozenset[str]
    current_judge_id: str | None


@dataclass(frozen=True)
class RecordAttempt:
    officer_id: str
    officer_team_ids: frozenset[str]
    current_judge_id: str | None
    attempted_at: datetime
    place: str
    note: str
    evidence: tuple[EvidenceItem, ...] = ()


@dataclass(frozen=True)
class ReportTask:
    officer_id: str
    officer_team_ids: frozenset[str]
    current_judge_id: str | None
    now: datetime
    outcome: Outcome
    details: str
    found_assets: tuple[FoundAsset, ...] = ()
    found_persons: tuple[FoundPerson, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()


@dataclass(frozen=True)
class ReturnTask:
    officer_id: str
    officer_team_ids: frozenset[str]
    reason: str


@dataclass(frozen=True)
class InstructionState:
    issued: bool = False
    instruction_id: str | None = None
    task_id: str | None = None
    kind: str | None = None
    judge_id: str | None = None
    deadline: date | None = None
    lead_id: str | None = None
    status: str = "none"  # none → routed → accepted → reported | returned
    team_id: str | None = None
    assignee: str | None = None
    attempts: int = 0


def _refuse_outsider(state: InstructionState, officer_id: str, team_ids: frozenset[str]) -> None:
    if state.team_id not in team_ids:
        raise Forbidden(
            "只有任务所分派的外勤组成员才能办理、报告该任务",
            code="not_assigned_team", rule=RULE_ASSIGNED_TEAM,
        )


def _refuse_issuer_as_executor(state: InstructionState, officer_id: str, current_judge: str | None) -> None:
    if officer_id == state.judge_id or officer_id == current_judge:
        raise Forbidden(
            "执行指令的人不得是下达指令的法官或本案承办法官",
            code="executor_is_judge", rule=RULE_JUDGE_INSTRUCTS,
        )


def _require_task(state: InstructionState) -> None:
    if not state.issued:
        raise NotFound("没有法官指令就没有外勤任务：该任务不存在", code="task_not_found",
                       rule=RULE_TASK_NEEDS_INSTRUCTION)


def _require_status(state: InstructionState, allowed: tuple[str, ...], doing: str) -> None:
    if state.status not in allowed:
        names = {"routed": "待接受", "accepted": "执行中", "reported": "已报告", "returned": "已退回"}
        raise Conflict(f"任务当前状态为「{names.get(state.status, state.status)}」，不能{doing}",
                       code="task_state", extra={"task_status": state.status})


def _require_reason(reason: str, rule: str | None = None) -> None:
    if not reason.strip():
        raise InvalidInput("必须填写理由", code="reason_required", rule=rule,
                           errors=[FieldError("reason", "理由不能为空", "missing")])


class InstructionDecider:
    """The field instruction aggregate (with its task)."""

    def initial_state(self) -> InstructionState:
        return InstructionState()

    def evolve(self, state: InstructionState, event: DomainEvent) -> InstructionState:
        if isinstance(event, InstructionIssued):
            return replace(state, issued=True, instruction_id=event.instruction_id, kind=event.kind,
                           judge_id=event.judge_id, deadline=event.deadline, lead_id=event.lead_id)
        if isinstance(event, TaskRouted):
            return replace(state, task_id=event.task_id, team_id=event.team_id, status="routed")
        if isinstance(event, TaskRerouted):
            return replace(state, team_id=event.team_id, status="routed", assignee=None)
        if isinstance(event, TaskAccepted):
            return replace(state, status="accepted", assignee=event.officer_id)
        if isinstance(event, AttemptRecorded):
            return replace(state, attempts=event.attempt_no)
        if isinstance(event, TaskReported):
            return replace(state, status="reported")
        if isinstance(event, TaskReturned):
            return replace(state, status="returned")
        return state

    def decide(self, command: object, state: InstructionState) -> Sequence[DomainEvent]:
        if isinstance(command, IssueInstruction):
            return self._issue(command, state)
        _require_task(state)
        assert state.task_id is not None and state.instruction_id is not None
        ids = {"task_id": state.task_id, "instruction_id": state.instruction_id}
        if isinstance(command, RerouteTask):
            _require_status(state, OPEN, "改派")
            if state.team_id not in command.led_team_ids:
                raise Forbidden("改派须由任务所在外勤组的组长提出",
                                code="reroute_needs_lead", rule=RULE_REROUTE)
            _require_reason(command.reason, RULE_REROUTE)
            if command.to_team_id == state.team_id:
                raise InvalidInput("任务已在该外勤组，无需改派", code="same_team",
                                   errors=[FieldError("team_id", "应为另一个外勤组", "same_team")])
            assert state.team_id is not None
            return [TaskRerouted(**ids, from_team_id=state.team_id, team_id=command.to_team_id,
                                 team_name=command.to_team_name, reason=command.reason.strip(),
                                 rerouted_by=command.officer_id)]
        if isinstance(command, AcceptTask):
            _require_status(state, ("routed",), "接受")
            _refuse_outsider(state, command.officer_id, command.officer_team_ids)
            _refuse_issuer_as_executor(state, command.officer_id, command.current_judge_id)
            assert state.team_id is not None
            return [TaskAccepted(**ids, officer_id=command.officer_id, team_id=state.team_id)]
        if isinstance(command, RecordAttempt):
            _require_status(state, ("accepted",), "记录执行情况")
            _refuse_outsider(state, command.officer_id, command.officer_team_ids)
            _refuse_issuer_as_executor(state, command.officer_id, command.current_judge_id)
            return [AttemptRecorded(**ids, attempt_no=state.attempts + 1, officer_id=command.officer_id,
                                    attempted_at=command.attempted_at, place=command.place,
                                    note=command.note, evidence=command.evidence)]
        if isinstance(command, ReportTask):
            return self._report(command, state, ids)
        if isinstance(command, ReturnTask):
            _require_status(state, OPEN, "退回")
            _refuse_outsider(state, command.officer_id, command.officer_team_ids)
            _require_reason(command.reason)
            assert state.team_id is not None
            return [TaskReturned(**ids, officer_id=command.officer_id, team_id=state.team_id,
                                 reason=command.reason.strip())]
        raise TypeError(f"unknown command {type(command).__name__}")

    def _issue(self, c: IssueInstruction, state: InstructionState) -> Sequence[DomainEvent]:
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
        return [
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

    def _report(self, c: ReportTask, state: InstructionState, ids: dict[str, str]) -> Sequence[DomainEvent]:
        _require_status(state, ("accepted",), "报告")
        _refuse_outsider(state, c.officer_id, c.officer_team_ids)
        _refuse_issuer_as_executor(state, c.officer_id, c.current_judge_id)
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
