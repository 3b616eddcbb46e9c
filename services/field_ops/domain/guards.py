"""Checks the task commands share: the rules they enforce, and who may work on a task."""

from __future__ import annotations

from services.field_ops.domain.state import InstructionState
from shared.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound

# Only the case's current judge instructs; whoever executes is not the issuer (docs/rules.md §7.2).
RULE_JUDGE_INSTRUCTS = "互相制约-2"
RULE_TASK_NEEDS_INSTRUCTION = "互相制约-3"  # a field task exists only on the judge's instruction (docs/rules.md §7.3)
RULE_REROUTE = "互相制约-12"  # manual re-assignment needs a leader and a reason (docs/rules.md §7.12)
RULE_ASSIGNED_TEAM = "外勤-1"  # only the team a task is routed to works and reports on it (local rule)


def task_ids(state: InstructionState) -> dict[str, str]:
    """The task and instruction ids every task event carries; no instruction, no task."""
    if not state.issued:
        raise NotFound("没有法官指令就没有外勤任务：该任务不存在", code="task_not_found",
                       rule=RULE_TASK_NEEDS_INSTRUCTION)
    assert state.task_id is not None and state.instruction_id is not None
    return {"task_id": state.task_id, "instruction_id": state.instruction_id}


def refuse_outsider(state: InstructionState, officer_id: str, team_ids: frozenset[str]) -> None:
    if state.team_id not in team_ids:
        raise Forbidden(
            "只有任务所分派的外勤组成员才能办理、报告该任务",
            code="not_assigned_team", rule=RULE_ASSIGNED_TEAM,
        )


def refuse_issuer_as_executor(state: InstructionState, officer_id: str, current_judge: str | None) -> None:
    if officer_id == state.judge_id or officer_id == current_judge:
        raise Forbidden(
            "执行指令的人不得是下达指令的法官或本案承办法官",
            code="executor_is_judge", rule=RULE_JUDGE_INSTRUCTS,
        )


def require_status(state: InstructionState, allowed: tuple[str, ...], doing: str) -> None:
    if state.status not in allowed:
        names = {"routed": "待接受", "accepted": "执行中", "reported": "已报告", "returned": "已退回"}
        raise Conflict(f"任务当前状态为「{names.get(state.status, state.status)}」，不能{doing}",
                       code="task_state", extra={"task_status": state.status})


def require_reason(reason: str, rule: str | None = None) -> None:
    if not reason.strip():
        raise InvalidInput("必须填写理由", code="reason_required", rule=rule,
                           errors=[FieldError("reason", "理由不能为空", "missing")])
