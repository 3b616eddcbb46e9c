"""The plumbing every disposal and ledger route shares: who may act on which case, and the run."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

import asyncpg
from fastapi import Depends, Request, Response
from fastapi.encoders import jsonable_encoder
from pydantic import AfterValidator, BaseModel, Field

from services.disposal.domain.commands import Acting, CaseView
from services.disposal.reads import case_view
from shared.api import run_command
from shared.app import Runtime, runtime
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.commands import CommandMeta, CommandResult, Decider
from shared.envelope import now_shanghai
from shared.errors import NotFound, in_court

Rt = Annotated[Runtime, Depends(runtime)]
# Who may call a route, and the rule that gives them the duty (docs/rules.md §11).
Judge = Annotated[Principal, Depends(require_roles(Role.JUDGE, rule="互相制约-2"))]
DisposalOfficer = Annotated[Principal, Depends(require_roles(Role.DISPOSAL_OFFICER, rule="互相制约-4"))]
FinanceOfficer = Annotated[Principal, Depends(require_roles(Role.FINANCE_OFFICER, rule="互相制约-9"))]
Staff = Annotated[Principal, Depends(require_roles(*[r.value for r in Role], rule=POWERS_LIST))]

Fen = Annotated[int, Field(strict=True, gt=0, le=10**15, description="金额，单位：分（整数）")]


def _not_future_date(v: date) -> date:
    if v > now_shanghai().date():
        raise ValueError("记录的是已发生的事实，日期不得晚于今天")
    return v


def _not_future_instant(v: datetime) -> datetime:
    if v > now_shanghai():
        raise ValueError("记录的是已发生的事实，时间不得晚于现在")
    return v


PastDate = Annotated[date, AfterValidator(_not_future_date)]
PastInstant = Annotated[datetime, AfterValidator(_not_future_instant)]

Factory = Callable[[asyncpg.Connection, Acting], Awaitable[Any]]
View = Callable[[Any], dict[str, Any]]
M = TypeVar("M", bound=BaseModel)


async def known_case(rt: Runtime, officer: Principal, case_id: str) -> CaseView:
    """The case as this service knows it, in the officer's court (404 / 403 otherwise)."""
    case = await case_view(rt.pool, case_id)
    if case is None or not in_court(officer.court, case.court):  # another court's: as if absent
        raise NotFound("未找到该案件（尚未收到立案信息）", code="case_not_found")
    return case


async def run(
    request: Request,
    response: Response,
    rt: Runtime,
    officer: Principal,
    role: Role,
    *,
    case_id: str,
    stream_id: str,
    decider: Decider[Any, Any],
    build: Factory,
    view: View,
    out: type[M],
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> M:
    """Run one command: the case and the asset facts are re-read inside the command's transaction.

    The answer is the route's response model ``out``; its status (a replayed Idempotency-Key gets
    the first answer's) and ``ETag`` go on ``response``."""
    case = await known_case(rt, officer, case_id)

    def command(meta: CommandMeta) -> Callable[[asyncpg.Connection, CaseView], Awaitable[Any]]:
        return lambda conn, fresh: build(conn, Acting(officer.officer_id, fresh, meta.now))

    async def prepare(conn: asyncpg.Connection, state: Any, make: Any) -> Any:
        """The command is built inside the transaction, from the case as it is now."""
        return await make(conn, await case_view(conn, case_id) or case)

    def respond(result: CommandResult[Any]) -> tuple[int, dict[str, Any]]:
        body = {**view(result.state), **(extra or {}), "version": result.version,
                "events": [e.event_type for e in result.events]}
        return status, jsonable_encoder(body)

    answer = await run_command(request, rt, officer, role=role, court=case.court, case_id=case_id,
                               stream_id=stream_id, decider=decider, build=command, respond=respond,
                               prepare=prepare)
    response.status_code = answer.status_code
    if "etag" in answer.headers:
        response.headers["ETag"] = answer.headers["etag"]
    return out.model_validate_json(bytes(answer.body))
