"""What every intake route shares: dependencies, the command helper and the answer's shape."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import asyncpg
from fastapi import Depends, Request, Response
from pydantic import BaseModel, Field

from services.intake.config import IntakeConfig, load_config
from services.intake.domain import CaseDecider, CaseState
from services.intake.domain.commands import Routing, Who
from services.intake.domain.decider import stream_id
from services.intake.projections import allocate_case_number, allocate_number_and_loads
from services.intake.reads import judge_loads
from shared.api import run_command
from shared.app import Runtime, runtime
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.commands import CommandMeta, CommandResult, current_unit_of_work
from shared.courts import CaseNumber
from shared.text import RequestModel

DECIDER = CaseDecider()
HASH_PATTERN = r"^(sha256:)?[0-9a-f]{64}$"

Rt = Annotated[Runtime, Depends(runtime)]
# Who may call a route, and the rule that gives them the duty (named by a 403 role_not_allowed;
# docs/rules.md §11).
Clerk = Annotated[Principal, Depends(require_roles(Role.INTAKE_CLERK, rule=POWERS_LIST))]
Affairs = Annotated[Principal, Depends(require_roles(Role.AFFAIRS_CLERK, rule=POWERS_LIST))]
Judge = Annotated[Principal, Depends(require_roles(Role.JUDGE, rule="互相制约-2"))]
Leader = Annotated[Principal, Depends(require_roles(Role.TEAM_LEAD, Role.BUREAU_CHIEF, rule="互相制约-12"))]
TeamLead = Annotated[Principal, Depends(require_roles(Role.TEAM_LEAD, rule="繁简分流-团队长"))]
# 期限规定 2006 art. 1: 报请本院院长或副院长批准.
ExtensionApprover = Annotated[
    Principal, Depends(require_roles(Role.VICE_PRESIDENT, Role.PRESIDENT, rule="互相制约-11"))
]
Approver = Annotated[
    Principal, Depends(require_roles(Role.BUREAU_CHIEF, Role.VICE_PRESIDENT, Role.PRESIDENT, rule="互相制约-6"))
]
ResumptionReviewer = Annotated[Principal, Depends(require_roles(Role.REVIEWER, rule="互相制约-7"))]
ObjectionReviewer = Annotated[Principal, Depends(require_roles(Role.REVIEWER, rule="互相制约-8"))]
Staff = Annotated[Principal, Depends(require_roles(*[r.value for r in Role], rule=POWERS_LIST))]

Make = Callable[[Who], Any]
Prepare = Callable[[asyncpg.Connection, CaseState, Any], Awaitable[Any]]
M = TypeVar("M", bound=BaseModel)


class Body(RequestModel):
    """Base of intake's request bodies (see shared/text.py: only storable text, ints within bigint)."""


class ReasonIn(Body):
    reason: str = Field(min_length=2, max_length=2000, description="理由")


def config(request: Request) -> IntakeConfig:
    path = getattr(request.app.state.settings, "config_path", None)
    return load_config(path)


def who(officer: Principal, meta: CommandMeta) -> Who:
    return Who(officer_id=officer.officer_id, court=officer.court, now=meta.now)


async def routing(conn: asyncpg.Connection, cfg: IntakeConfig, court: str, exclude: frozenset[str] = frozenset()
                  ) -> Routing:
    """Triage rules, roster, current loads and a random draw (the only randomness, kept out of the rules)."""
    return Routing(triage=cfg.triage, roster=cfg.roster(court), loads=await judge_loads(conn, court),
                   draw=random.random(), exclude=exclude)


def case_summary(state: CaseState, version: int) -> dict[str, Any]:
    reg = state.registered
    return {
        "case_id": state.case_id,
        "case_number": state.case_number,
        "case_type": state.case_type,
        "court": state.court,
        "status": state.status,
        "track": state.track,
        "judge_id": state.judge_id,
        "team_id": state.team_id,
        "limitation_warning": bool(reg and reg.limitation_warning),
        "version": version,
    }


def answer(result: CommandResult[CaseState], status_code: int = 200) -> tuple[int, dict[str, Any]]:
    body = case_summary(result.state, result.version)
    body["events"] = [e.event_type for e in result.events]
    return status_code, body


async def run(
    request: Request, response: Response, rt: Runtime, officer: Principal, role: str, case_id: str, make: Make,
    *, out: type[M], prepare: Prepare | None = None, status_code: int = 200,
    respond: Callable[[CommandResult[CaseState]], tuple[int, dict[str, Any]]] | None = None,
    new_case: bool = False,
) -> M:
    """One command on one case through the shared runner (If-Match and Idempotency-Key honoured).

    The answer is the route's response model ``out``; its status (a replayed Idempotency-Key gets
    the first answer's) and ``ETag`` go on ``response``."""
    answered = await run_command(
        request, rt, officer, role=role, court=officer.court, case_id=case_id, stream_id=stream_id(case_id),
        decider=DECIDER, build=lambda meta: make(who(officer, meta)),
        respond=respond or (lambda r: answer(r, status_code)), prepare=prepare, new_stream=new_case,
    )
    response.status_code = answered.status_code
    if "etag" in answered.headers:
        response.headers["ETag"] = answered.headers["etag"]
    return out.model_validate_json(bytes(answered.body))


_NUMBER_LOCKS: dict[tuple[str, str, int], asyncio.Lock] = {}


async def next_case_number(conn: asyncpg.Connection, court: str, case_type: str, year: int) -> str:
    """The case's number: the next of (court, type, year), in the registering transaction."""
    # The sequence row stays locked until the registration commits. Registrations of this process
    # queue for it on an asyncio lock held just as long, so PostgreSQL sees one waiter per process
    # instead of a pile of backends re-checking the row after every commit (measured at c=16).
    lock = _NUMBER_LOCKS.setdefault((court, case_type, year), asyncio.Lock())
    await current_unit_of_work().hold(lock)
    return str(CaseNumber(year, court, case_type, await allocate_case_number(conn, court, case_type, year)))


async def route_and_number(conn: asyncpg.Connection, cfg: IntakeConfig, court: str, case_type: str, year: int
                           ) -> tuple[Routing, str]:
    """A registration's routing inputs and its case number in one statement (one round trip, not
    two); the number's row is locked from here to the commit, as in ``next_case_number``."""
    lock = _NUMBER_LOCKS.setdefault((court, case_type, year), asyncio.Lock())
    await current_unit_of_work().hold(lock)
    seq, loads = await allocate_number_and_loads(conn, court, case_type, year)
    route = Routing(triage=cfg.triage, roster=cfg.roster(court), loads=loads, draw=random.random())
    return route, str(CaseNumber(year, court, case_type, seq))
