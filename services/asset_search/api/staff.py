"""Court staff's HTTP surface: the search file, control rulings, leads, agencies (bearer tokens only)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from services.asset_search.api import models as m
from services.asset_search.domain import commands as c
from services.asset_search.domain.decider import stream_id
from services.asset_search.events import AssetKind
from services.asset_search.execution import DECIDER
from shared.api import run_command
from shared.app import Runtime, runtime
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.commands import CommandResult
from shared.errors import NotFound, in_court
from shared.text import RequestModel

router = APIRouter(tags=["查控 asset search"])
Rt = Annotated[Runtime, Depends(runtime)]
READERS = (Role.JUDGE, Role.SEARCH_OFFICER, Role.TEAM_LEAD, Role.SUPERVISOR, Role.BUREAU_CHIEF, Role.ADMIN)
# Who may call a route, and the rule that gives them the duty (docs/rules.md §11).
Reader = Annotated[Principal, Depends(require_roles(*READERS, rule=POWERS_LIST))]
Judge = Annotated[Principal, Depends(require_roles(Role.JUDGE, rule="互相制约-2"))]
LeadClerk = Annotated[Principal, Depends(require_roles(Role.SEARCH_OFFICER, Role.JUDGE, rule=POWERS_LIST))]


class OrderControlIn(RequestModel):
    """控制裁定：冻结 freeze / 查封 seize / 扣押 impound / 扣划 deduct。"""


    asset_id: str = Field(min_length=1, max_length=100)
    measure: Literal["freeze", "seize", "impound", "deduct"]
    amount_limit_fen: Annotated[int, Field(strict=True, gt=0, le=10**15)] | None = None
    ruling_number: str = Field(min_length=1, max_length=100, description="裁定书文号")
    over_control_reason: str | None = Field(default=None, max_length=500, description="超标的控制的理由")


class RenewalIn(RequestModel):

    ruling_number: str = Field(min_length=1, max_length=100)


class ReleaseIn(RequestModel):

    ruling_number: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=500)


class LeadIn(RequestModel):
    """申请人提供的财产线索。"""


    description: str = Field(min_length=1, max_length=2000)
    target: str = Field(min_length=1, max_length=300, description="线索指向：账户、地址、车牌等")
    region: str | None = Field(default=None, max_length=100)
    asset_kind: AssetKind | None = None
    urgent: bool = False


class VerificationIn(RequestModel):

    outcome: Literal["confirmed", "not_found", "needs_field_check"]
    note: str = Field(min_length=1, max_length=2000)


async def case_row(rt: Runtime, officer: Principal, case_id: str) -> asyncpg.Record:
    row = await rt.pool.fetchrow("SELECT * FROM case_facts WHERE case_id = $1", case_id)
    if row is None or not in_court(officer.court, row["court"]):  # another court's: as if absent
        raise NotFound("查控系统中没有该案件", code="case_not_found")
    return row


def _facts(row: asyncpg.Record) -> c.CaseFacts:
    return c.CaseFacts(court=row["court"], judge_id=row["judge_id"], claim_amount_fen=row["claim_amount_fen"])


async def _ruled(rt: Runtime, request: Request, officer: Principal, case_id: str, ruling_number: str,
                 build: Any, respond: Any) -> JSONResponse:
    """A judge's ruling: the case facts are read inside the command's transaction."""
    row = await case_row(rt, officer, case_id)
    ruling = c.Ruling(officer.officer_id, officer.court, None, ruling_number)

    async def with_facts(conn: asyncpg.Connection, state: Any, command: Any) -> Any:
        fresh = await conn.fetchrow("SELECT * FROM case_facts WHERE case_id = $1", case_id)
        return replace(command, ruling=replace(command.ruling, case=_facts(fresh)))

    return await run_command(
        request, rt, officer, role=Role.JUDGE, court=row["court"], case_id=case_id, stream_id=stream_id(case_id),
        decider=DECIDER, build=lambda meta: build(ruling, meta.now), respond=respond, prepare=with_facts,
    )


@router.post("/cases/{case_id}/controls", status_code=201, summary="法官裁定冻结/查封/扣押/扣划",
             response_model=m.ControlOrdered, response_description="裁定已记录（响应头 ETag 为案卷版本号）")
async def order_control(case_id: str, body: OrderControlIn, request: Request, officer: Judge, rt: Rt) -> JSONResponse:
    control_id = str(uuid.uuid4())

    def respond(result: CommandResult[Any]) -> tuple[int, dict[str, Any]]:
        return 201, {"control_id": control_id, "status": "ordered", "version": result.version}

    return m.conforming(m.ControlOrdered, await _ruled(
        rt, request, officer, case_id, body.ruling_number, lambda ruling, now: c.OrderControl(
            control_id=control_id, asset_id=body.asset_id, measure=body.measure,
            amount_limit_fen=body.amount_limit_fen, over_control_reason=body.over_control_reason, ruling=ruling),
        respond))


@router.post("/cases/{case_id}/controls/{control_id}/renewal", summary="法官裁定续行（续封、续冻）",
             response_model=m.RenewalOrdered)
async def order_renewal(case_id: str, control_id: str, body: RenewalIn, request: Request, officer: Judge,
                        rt: Rt) -> JSONResponse:
    return m.conforming(m.RenewalOrdered, await _ruled(
        rt, request, officer, case_id, body.ruling_number, lambda ruling, now: c.OrderRenewal(
            control_id=control_id, ruling=ruling, today=now.date()),
        lambda r: (200, {"control_id": control_id, "status": "renewal_ordered", "version": r.version})))


@router.post("/cases/{case_id}/controls/{control_id}/release", summary="法官裁定解除控制",
             response_model=m.ControlReleased)
async def release_control(case_id: str, control_id: str, body: ReleaseIn, request: Request, officer: Judge,
                          rt: Rt) -> JSONResponse:
    return m.conforming(m.ControlReleased, await _ruled(
        rt, request, officer, case_id, body.ruling_number, lambda ruling, now: c.ReleaseControl(
            control_id=control_id, reason=body.reason, ruling=ruling),
        lambda r: (200, {"control_id": control_id, "status": "released", "version": r.version})))


@router.post("/cases/{case_id}/leads", status_code=201, summary="登记申请人提供的财产线索",
             response_model=m.LeadRecorded, response_description="线索已登记")
async def record_lead(case_id: str, body: LeadIn, request: Request, officer: LeadClerk, rt: Rt) -> JSONResponse:
    row = await case_row(rt, officer, case_id)
    lead_id = str(uuid.uuid4())
    return m.conforming(m.LeadRecorded, await run_command(
        request, rt, officer, role=None, court=row["court"], case_id=case_id, stream_id=stream_id(case_id),
        decider=DECIDER,
        build=lambda meta: c.RecordLead(lead_id=lead_id, urgent=body.urgent, description=body.description,
                                            asset_kind=body.asset_kind, target=body.target, region=body.region,
                                            officer_id=officer.officer_id, today=meta.now.date()),
        respond=lambda r: (201, {"lead_id": lead_id, "due_date": r.events[0].payload["due_date"]}),
    ))


@router.post("/cases/{case_id}/leads/{lead_id}/verification", summary="线索核查结果",
             response_model=m.LeadVerified)
async def verify_lead(case_id: str, lead_id: str, body: VerificationIn, request: Request, officer: LeadClerk,
                      rt: Rt) -> JSONResponse:
    row = await case_row(rt, officer, case_id)
    return m.conforming(m.LeadVerified, await run_command(
        request, rt, officer, role=None, court=row["court"], case_id=case_id, stream_id=stream_id(case_id),
        decider=DECIDER,
        build=lambda meta: c.VerifyLead(lead_id=lead_id, outcome=body.outcome, note=body.note,
                                            officer_id=officer.officer_id, today=meta.now.date()),
        respond=lambda r: (200, {"lead_id": lead_id, "events": [e.event_type for e in r.events]}),
    ))


@router.get("/cases/{case_id}/search", summary="案件查控案卷：查询、答复、财产、控制、线索")
async def search_file(case_id: str, officer: Reader, rt: Rt) -> m.SearchFile:
    row = await case_row(rt, officer, case_id)
    queries = [dict(r) for r in await rt.pool.fetch(
        "SELECT * FROM queries WHERE case_id = $1 ORDER BY round, agency_kind", case_id)]
    rounds: dict[int, dict[str, Any]] = {}
    for q in queries:
        r = rounds.setdefault(q["round"], {"round": q["round"], "reason": q["reason"], "queries": 0, "answered": 0})
        r["queries"] += 1
        r["answered"] += q["status"] == "answered"
    for r in rounds.values():
        r["complete"] = r["answered"] == r["queries"]
    schedule = await rt.pool.fetchrow("SELECT * FROM research_schedule WHERE case_id = $1", case_id)
    return m.SearchFile.model_validate({
        "case": {k: row[k] for k in ("case_id", "court", "case_number", "judge_id", "claim_amount_fen",
                                     "closure_type", "closed_on")},
        "rounds": sorted(rounds.values(), key=lambda r: r["round"]),
        "queries": queries,
        "assets": [dict(r) for r in await rt.pool.fetch(
            "SELECT * FROM assets WHERE case_id = $1 ORDER BY found_at, asset_id", case_id)],
        "controls": [dict(r) for r in await rt.pool.fetch(
            "SELECT * FROM controls WHERE case_id = $1 ORDER BY ordered_at", case_id)],
        "leads": [dict(r) for r in await rt.pool.fetch(
            "SELECT * FROM leads WHERE case_id = $1 ORDER BY recorded_at", case_id)],
        "research_schedule": None if schedule is None else {
            "closed_on": schedule["closed_on"], "due_dates": schedule["due_dates"],
            "done": schedule["next_index"], "stopped": schedule["stopped"]},
    })


@router.get("/cases/{case_id}/evidence", summary="联动单位原始回执（证据）及其哈希")
async def evidence(case_id: str, officer: Reader, rt: Rt) -> m.CaseEvidence:
    await case_row(rt, officer, case_id)
    rows = await rt.pool.fetch(
        "SELECT id, agency_id, ref_id, message_id, sha256, convert_from(body, 'UTF8') AS raw, received_at"
        " FROM evidence WHERE case_id = $1 ORDER BY id", case_id,
    )
    return m.CaseEvidence.model_validate({"case_id": case_id, "evidence": [dict(r) for r in rows]})
