"""field_ops over HTTP: carrying out a detention (司法拘留) — custody start, the family notice, the
release (docs/rules.md §9, §7.14). The task is a ``detain`` task the judge instructed from the
approved decision's proposal; its accept, report and return are the ordinary task routes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, Field

from services.field_ops.api.detention_reads import current_detention, early_release_approval
from services.field_ops.api.instructions import DECIDER, FieldStaff, Rt, _acting_role, _respond, routing_table
from services.field_ops.api.models import TaskAnswer, conforming
from services.field_ops.domain import detention as det
from services.field_ops.domain.decider import stream_id
from services.field_ops.domain.guards import RULE_TASK_NEEDS_INSTRUCTION
from services.field_ops.domain.state import InstructionState
from shared.api import run_command
from shared.app import Runtime
from shared.auth import Principal
from shared.commands import CommandMeta
from shared.errors import NotFound, in_court
from shared.text import RequestModel

router = APIRouter(tags=["外勤 field_ops"])


class CustodyIn(RequestModel):
    started_at: AwareDatetime = Field(description="送交公安机关看管的时间（带时区）")
    custody_organ: str = Field(min_length=2, max_length=200, description="看管的公安机关（拘留所）")


class FamilyNoticeIn(RequestModel):
    notified: bool = Field(description="是否已通知家属")
    notified_at: AwareDatetime | None = Field(default=None, description="通知时间（已通知时必填）")
    failure_reason: str | None = Field(default=None, max_length=2000, description="未能通知的原因（未通知时必填）")


class ReleaseIn(RequestModel):
    released_on: date = Field(description="解除拘留日期")
    reason: str | None = Field(default=None, max_length=2000,
                               description="提前解除的理由（提前解除时必填；须院长已批准提前解除）")


Build = Any


async def _on_detention(request: Request, rt: Runtime, officer: Principal, task_id: str, build: Build) -> JSONResponse:
    row = await rt.pool.fetchrow("SELECT instruction_id, case_id, court FROM fo_tasks WHERE task_id = $1", task_id)
    if row is None or not in_court(officer.court, row["court"]):
        raise NotFound("没有法官指令就没有外勤任务：未找到该任务", code="task_not_found",
                       rule=RULE_TASK_NEEDS_INSTRUCTION)
    teams = routing_table(request, row["court"]).teams_of(officer.officer_id)

    async def with_decision(conn: asyncpg.Connection, state: InstructionState, cmd: Any) -> Any:
        days, revoked = await current_detention(conn, state.measure_id)
        if isinstance(cmd, det.StartCustody):
            return replace(cmd, current_days=days, revoked=revoked)
        if isinstance(cmd, det.EndCustody):
            return replace(cmd, current_days=days,
                           early_release_approved_on=await early_release_approval(conn, state.measure_id))
        return cmd

    return conforming(TaskAnswer, await run_command(
        request, rt, officer, role=_acting_role(officer), court=row["court"], case_id=row["case_id"],
        stream_id=stream_id(row["instruction_id"]), decider=DECIDER,
        build=lambda meta: build(teams, meta), respond=_respond, prepare=with_decision,
    ))


@router.post("/tasks/{task_id}/custody", summary="拘留：被拘留人送交公安机关看管", response_model=TaskAnswer)
async def start_custody(task_id: str, body: CustodyIn, request: Request, officer: FieldStaff, rt: Rt
                        ) -> JSONResponse:
    def build(teams: frozenset[str], meta: CommandMeta) -> det.StartCustody:
        return det.StartCustody(officer.officer_id, teams, meta.now, body.started_at, body.custody_organ, None)

    return await _on_detention(request, rt, officer, task_id, build)


@router.post("/tasks/{task_id}/family-notice", summary="拘留：24 小时内通知家属（或记录未能通知的原因）",
             response_model=TaskAnswer)
async def notify_family(task_id: str, body: FamilyNoticeIn, request: Request, officer: FieldStaff, rt: Rt
                        ) -> JSONResponse:
    def build(teams: frozenset[str], meta: CommandMeta) -> det.NotifyFamily:
        return det.NotifyFamily(officer.officer_id, teams, meta.now, body.notified, body.notified_at,
                                body.failure_reason)

    return await _on_detention(request, rt, officer, task_id, build)


@router.post("/tasks/{task_id}/release", summary="拘留：期满解除或提前解除（写明理由）", response_model=TaskAnswer)
async def end_custody(task_id: str, body: ReleaseIn, request: Request, officer: FieldStaff, rt: Rt) -> JSONResponse:
    def build(teams: frozenset[str], meta: CommandMeta) -> det.EndCustody:
        return det.EndCustody(officer.officer_id, teams, meta.now, body.released_on, body.reason, None)

    return await _on_detention(request, rt, officer, task_id, build)
