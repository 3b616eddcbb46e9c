"""field_ops's commands over HTTP: request → command (+ time, ids, actor, projections) → runner.

Every command checks the role (权责清单), the court, and the caller's relation to the case or task
(the case's current judge; a member or the lead of the task's team); the rules themselves are in
``domain/``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from services.field_ops.api.detention_reads import detention_facts
from services.field_ops.api.models import (
    AttemptIn,
    InstructionAnswer,
    InstructionIn,
    ReportIn,
    RerouteIn,
    ReturnIn,
    TaskAnswer,
    conforming,
)
from services.field_ops.domain.commands import (
    AcceptTask,
    IssueInstruction,
    RecordAttempt,
    ReportTask,
    RerouteTask,
    ReturnTask,
)
from services.field_ops.domain.decider import InstructionDecider, stream_id
from services.field_ops.domain.guards import RULE_TASK_NEEDS_INSTRUCTION
from services.field_ops.domain.routing import CourtRouting, region_name, route
from services.field_ops.domain.state import InstructionState
from services.field_ops.settings import Settings
from shared.api import run_command
from shared.app import Runtime, runtime
from shared.auth import Principal, Role, require_roles
from shared.commands import CommandMeta, CommandResult
from shared.errors import Conflict, FieldError, InvalidInput, NotFound, in_court

router = APIRouter(tags=["外勤 field_ops"])
DECIDER = InstructionDecider()

# Who may call a route, and the rule that gives them the duty (docs/rules.md §11).
Judge = Annotated[Principal, Depends(require_roles(Role.JUDGE, rule="互相制约-2"))]
FieldStaff = Annotated[Principal, Depends(require_roles(Role.FIELD_OFFICER, Role.FIELD_LEAD, rule="外勤-1"))]
FieldLead = Annotated[Principal, Depends(require_roles(Role.FIELD_LEAD, rule="互相制约-12"))]
Rt = Annotated[Runtime, Depends(runtime)]


def routing_table(request: Request, court: str) -> CourtRouting:
    settings: Settings = request.app.state.settings
    table = settings.routing_for(court)
    if table is None:
        raise Conflict(f"本院（{court}）未配置外勤组及路由表，请联系系统管理员",
                       code="routing_not_configured")
    return table


def case_not_found() -> NotFound:
    return NotFound("外勤中心没有该案件的记录", code="case_not_found")


def task_not_found() -> NotFound:
    return NotFound("未找到该外勤任务", code="task_not_found")


def check_court(officer: Principal, court: str | None, missing: Callable[[], NotFound]) -> None:
    """Another court's case or task is answered as one that does not exist (shared.errors.in_court)."""
    if not in_court(officer.court, court):
        raise missing()


def _respond(result: CommandResult[InstructionState]) -> tuple[int, dict[str, Any]]:
    s = result.state
    return 200, {
        "instruction_id": s.instruction_id,
        "task_id": s.task_id,
        "status": s.status,
        "team_id": s.team_id,
        "assignee": s.assignee,
        "attempts": s.attempts,
        "deadline": s.deadline.isoformat() if s.deadline else None,
        "version": result.version,
        "events": [{"event_id": str(e.event_id), "event_type": e.event_type, "payload": e.payload}
                   for e in result.events],
    }


@router.post("/cases/{case_id}/instructions", status_code=201,
             summary="承办法官下达外勤指令（登记并按路由表分派）", response_model=InstructionAnswer,
             response_description="指令已登记并分派（响应头 Location 指向新任务，ETag 为指令版本号）")
async def issue_instruction(
    case_id: str, body: InstructionIn, request: Request, officer: Judge, rt: Rt
) -> JSONResponse:
    known = await rt.pool.fetchval("SELECT court FROM case_facts WHERE case_id = $1", case_id)
    check_court(officer, known, case_not_found)
    court = known or officer.court
    table = routing_table(request, court)
    instruction_id = str(uuid.uuid4())

    def command(meta: CommandMeta) -> IssueInstruction:
        return IssueInstruction(
            instruction_id=instruction_id, task_id=str(uuid.uuid4()), case_id=case_id, kind=body.kind,
            target=body.target.record(), region=body.region, region_name=region_name(body.region),
            deadline=body.deadline, notes=body.notes, officer_id=officer.officer_id, now=meta.now,
            route=route(table, body.region, body.kind), current_judge_id=None, proposal_id=body.proposal_id,
        )

    async def with_case(conn: asyncpg.Connection, state: InstructionState, cmd: IssueInstruction) -> Any:
        case = await conn.fetchrow("SELECT judge_id, closed FROM case_facts WHERE case_id = $1", case_id)
        lead_id = None
        if cmd.proposal_id is not None:
            lead_id = await _open_proposal(conn, case_id, cmd.proposal_id)
        detention = await detention_facts(conn, case_id, cmd.proposal_id) if cmd.kind == "detain" else None
        return IssueInstruction(**{
            **cmd.__dict__, "current_judge_id": case["judge_id"] if case else None,
            "case_closed": bool(case and case["closed"]), "lead_id": lead_id, "detention": detention,
        })

    def respond(result: CommandResult[InstructionState]) -> tuple[int, dict[str, Any]]:
        _, out = _respond(result)
        routed = result.events[1].payload
        return 201, {**out, "team_name": routed["team_name"], "routing_rule": routed["rule"]}

    return conforming(InstructionAnswer, await run_command(
        request, rt, officer, role=Role.JUDGE, court=court, case_id=case_id, stream_id=stream_id(instruction_id),
        decider=DECIDER, build=command, respond=respond, prepare=with_case,
        headers=lambda out: {"Location": f"/tasks/{out['task_id']}"},
    ))


async def _open_proposal(conn: asyncpg.Connection, case_id: str, proposal_id: str) -> str | None:
    row = await conn.fetchrow(
        "SELECT case_id, status, lead_id FROM fo_proposals WHERE proposal_id = $1 FOR UPDATE", proposal_id
    )
    if row is None or row["case_id"] != case_id:
        raise InvalidInput("本案没有该外勤建议", code="proposal_not_found",
                           errors=[FieldError("proposal_id", "本案没有该外勤建议", "not_found")])
    if row["status"] != "open":
        raise Conflict("该外勤建议已转为指令", code="proposal_closed")
    return str(row["lead_id"]) if row["lead_id"] else None


Build = Callable[[CourtRouting, str | None, CommandMeta], object]


async def _on_task(
    request: Request, rt: Runtime, officer: Principal, task_id: str, role: str, build: Build
) -> JSONResponse:
    row = await rt.pool.fetchrow(
        "SELECT t.instruction_id, t.case_id, t.court, c.judge_id FROM fo_tasks t"
        " LEFT JOIN case_facts c USING (case_id) WHERE t.task_id = $1",
        task_id,
    )
    if row is None or not in_court(officer.court, row["court"]):
        raise NotFound("没有法官指令就没有外勤任务：未找到该任务", code="task_not_found",
                       rule=RULE_TASK_NEEDS_INSTRUCTION)
    table = routing_table(request, row["court"])
    return conforming(TaskAnswer, await run_command(
        request, rt, officer, role=role, court=row["court"], case_id=row["case_id"],
        stream_id=stream_id(row["instruction_id"]), decider=DECIDER,
        build=lambda meta: build(table, row["judge_id"], meta), respond=_respond,
    ))


def _acting_role(officer: Principal) -> str:
    return Role.FIELD_OFFICER if officer.has(Role.FIELD_OFFICER) else Role.FIELD_LEAD


@router.post("/tasks/{task_id}/accept", summary="外勤人员接受任务", response_model=TaskAnswer)
async def accept_task(task_id: str, request: Request, officer: FieldStaff, rt: Rt) -> JSONResponse:
    me = officer.officer_id
    return await _on_task(request, rt, officer, task_id, _acting_role(officer), lambda table, judge, meta:
                          AcceptTask(officer_id=me, officer_team_ids=table.teams_of(me),
                                     current_judge_id=judge))


@router.post("/tasks/{task_id}/attempts", summary="记录一次执行（走访、送达尝试等）", response_model=TaskAnswer)
async def record_attempt(
    task_id: str, body: AttemptIn, request: Request, officer: FieldStaff, rt: Rt
) -> JSONResponse:
    me = officer.officer_id
    return await _on_task(request, rt, officer, task_id, _acting_role(officer), lambda table, judge, meta:
                          RecordAttempt(officer_id=me, officer_team_ids=table.teams_of(me),
                                        current_judge_id=judge, attempted_at=body.attempted_at,
                                        place=body.place, note=body.note,
                                        evidence=tuple(e.record() for e in body.evidence)))


@router.post("/tasks/{task_id}/report", summary="报告执行结果（发现的财产、人员与证据）", response_model=TaskAnswer)
async def report_task(
    task_id: str, body: ReportIn, request: Request, officer: FieldStaff, rt: Rt
) -> JSONResponse:
    me = officer.officer_id
    assets = tuple(a.record() for a in body.found_assets)
    return await _on_task(request, rt, officer, task_id, _acting_role(officer), lambda table, judge, meta:
                          ReportTask(officer_id=me, officer_team_ids=table.teams_of(me),
                                     current_judge_id=judge, now=meta.now, outcome=body.outcome,
                                     details=body.details, found_assets=assets,
                                     found_persons=tuple(p.record() for p in body.found_persons),
                                     evidence=tuple(e.record() for e in body.evidence)))


@router.post("/tasks/{task_id}/return", summary="退回任务（须说明理由）", response_model=TaskAnswer)
async def return_task(
    task_id: str, body: ReturnIn, request: Request, officer: FieldStaff, rt: Rt
) -> JSONResponse:
    me = officer.officer_id
    return await _on_task(request, rt, officer, task_id, _acting_role(officer), lambda table, judge, meta:
                          ReturnTask(officer_id=me, officer_team_ids=table.teams_of(me), reason=body.reason))


@router.post("/tasks/{task_id}/reroute", summary="外勤组长改派任务（须说明理由）", response_model=TaskAnswer)
async def reroute_task(
    task_id: str, body: RerouteIn, request: Request, officer: FieldLead, rt: Rt
) -> JSONResponse:
    me = officer.officer_id

    def build(table: CourtRouting, judge: str | None, meta: CommandMeta) -> RerouteTask:
        team = table.team(body.team_id)
        if team is None:
            wrong = FieldError("team_id", f"本院没有外勤组 {body.team_id}", "unknown_team")
            raise InvalidInput("没有这个外勤组", code="unknown_team", errors=[wrong])
        return RerouteTask(officer_id=me, led_team_ids=table.led_by(me), to_team_id=team.team_id,
                           to_team_name=team.name, reason=body.reason)

    return await _on_task(request, rt, officer, task_id, Role.FIELD_LEAD, build)
