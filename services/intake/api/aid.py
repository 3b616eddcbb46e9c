"""HTTP: national judicial aid (国家司法救助) on an enforcement case — apply, examine, decide by a panel,
report to the higher court for the funds; reads. Payment goes through the case account in disposal
(``POST /cases/{case_id}/ledger/aid-payments``). Rules: services/intake/domain/aid.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field

from services.intake.api.common import Body, Clerk, Judge, Rt, Staff, config
from services.intake.domain import aid as ad
from services.intake.domain.commands import Who
from services.intake.events_petitions import AidApplicant
from shared.api import run_command
from shared.app import Runtime
from shared.auth import Principal, Role, require_roles
from shared.commands import CommandMeta, CommandResult, fold
from shared.errors import NotFound, in_court
from shared.openapi import ResponseModel

router = APIRouter(tags=["国家司法救助 judicial aid"])
DECIDER = ad.AidDecider()
PANEL_ROLES = (Role.REVIEWER, Role.BUREAU_CHIEF, Role.VICE_PRESIDENT, Role.PRESIDENT)
PanelMember = Annotated[Principal, Depends(require_roles(*PANEL_ROLES, rule=ad.RULE_PANEL))]
FundsOfficer = Annotated[
    Principal, Depends(require_roles(Role.BUREAU_CHIEF, Role.VICE_PRESIDENT, Role.PRESIDENT, rule="司法救助-拨付"))
]


class ApplicantIn(Body):
    name: str = Field(min_length=1, max_length=200)
    id_number: str | None = Field(default=None, max_length=30)
    contact: str | None = Field(default=None, max_length=200)


class ApplyIn(Body):
    applicant: ApplicantIn
    amount_requested_fen: int = Field(strict=True, gt=0, le=10**13, description="申请救助金额（分）")
    grounds: str = Field(min_length=2, max_length=4000, description="申请理由（生活困难情形）")
    applied_on: date
    petition_id: str | None = Field(default=None, max_length=100, description="由涉执信访引出时：该信访事项编号")


class ExamineIn(Body):
    case_unenforceable: bool = Field(description="被执行人无财产可供执行、案件无法执行到位")
    hardship_grounds: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        max_length=20, description="生活困难情形（如：丧失劳动能力、无固定收入、医疗负担）")
    findings: str = Field(min_length=2, max_length=4000, description="审查意见")


class DecideIn(Body):
    granted: bool
    amount_fen: int = Field(default=0, strict=True, ge=0, le=10**13, description="救助金额（分）")
    panel: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(min_length=1, max_length=9,
                                                                           description="合议庭成员")
    reason: str = Field(min_length=2, max_length=4000)


class ReportIn(Body):
    higher_court: str | None = Field(default=None, max_length=200, description="上级法院（默认按本院配置）")


class AidOut(ResponseModel):
    aid_id: str
    case_id: str | None
    status: Literal["applied", "examined", "decided", "reported"]
    amount_requested_fen: int
    eligible: bool | None
    granted: bool | None
    amount_fen: int
    version: int
    events: list[str] = Field(default_factory=list)


class AidList(ResponseModel):
    case_id: str
    applications: list[AidOut]


def _out(s: ad.AidState, version: int, events: list[str] | None = None) -> dict[str, Any]:
    return {"aid_id": s.aid_id, "case_id": s.case_id, "status": s.status,
            "amount_requested_fen": s.amount_requested_fen, "eligible": s.eligible, "granted": s.granted,
            "amount_fen": s.amount_fen, "version": version,
            "events": events or []}


async def _run(request: Request, response: Response, rt: Runtime, officer: Principal, role: str, aid_id: str,
               case_id: str, make: Callable[[Who], Any], status_code: int = 200, prepare: Any = None) -> AidOut:
    def respond(r: CommandResult[ad.AidState]) -> tuple[int, dict[str, Any]]:
        return status_code, _out(r.state, r.version, [e.event_type for e in r.events])

    def build(meta: CommandMeta) -> Any:
        return make(Who(officer_id=officer.officer_id, court=officer.court, now=meta.now))

    answered = await run_command(request, rt, officer, role=role, court=officer.court, case_id=case_id,
                                 stream_id=ad.aid_stream_id(aid_id), decider=DECIDER, build=build, respond=respond,
                                 prepare=prepare)
    response.status_code = answered.status_code
    if "etag" in answered.headers:
        response.headers["ETag"] = answered.headers["etag"]
    return AidOut.model_validate_json(bytes(answered.body))


async def _aid_case(rt: Runtime, officer: Principal, aid_id: str) -> str:
    row = await rt.pool.fetchrow("SELECT case_id, court FROM judicial_aids WHERE aid_id = $1", aid_id)
    if row is None or not in_court(officer.court, row["court"]):
        raise NotFound("未找到该司法救助申请", code="aid_not_found")
    return str(row["case_id"])


@router.post("/cases/{case_id}/judicial-aid", status_code=201, summary="登记国家司法救助申请")
async def apply_for_aid(case_id: str, body: ApplyIn, request: Request, response: Response, officer: Clerk,
                        rt: Rt) -> AidOut:
    aid_id = str(uuid.uuid4())
    applicant = AidApplicant(name=body.applicant.name, id_number=body.applicant.id_number,
                             contact=body.applicant.contact)

    async def prepare(conn: asyncpg.Connection, state: Any, cmd: ad.ApplyForAid) -> ad.ApplyForAid:
        row = await conn.fetchrow("SELECT court, case_number, judge_id, claim_amount_fen FROM cases"
                                  " WHERE case_id = $1", case_id)
        petition_case = None
        if body.petition_id is not None:
            petition_case = await conn.fetchval("SELECT case_id FROM petitions WHERE petition_id = $1 AND court = $2",
                                                body.petition_id, officer.court)
        return ad.ApplyForAid(
            cmd.who, aid_id, case_id, row["court"] if row else None, row["case_number"] if row else None,
            row["judge_id"] if row else None, int(row["claim_amount_fen"]) if row else 0, applicant,
            body.amount_requested_fen, body.grounds, body.applied_on, body.petition_id, petition_case)

    out = await _run(request, response, rt, officer, Role.INTAKE_CLERK, aid_id, case_id,
                     lambda w: ad.ApplyForAid(w, aid_id, case_id, None, None, None, 0, applicant,
                                              body.amount_requested_fen, body.grounds, body.applied_on),
                     status_code=201, prepare=prepare)
    response.headers["Location"] = f"/judicial-aid/{aid_id}"
    return out


@router.get("/judicial-aid/{aid_id}", summary="司法救助申请：状态与金额")
async def get_aid(aid_id: str, officer: Staff, rt: Rt) -> AidOut:
    await _aid_case(rt, officer, aid_id)
    async with rt.pool.acquire() as conn:
        history = await rt.store.load(conn, ad.aid_stream_id(aid_id))
    return AidOut.model_validate(_out(fold(DECIDER, history), len(history)))


@router.get("/cases/{case_id}/judicial-aid", summary="本案的司法救助申请")
async def list_aid(case_id: str, officer: Staff, rt: Rt) -> AidList:
    rows = await rt.pool.fetch("SELECT aid_id FROM judicial_aids WHERE case_id = $1 AND court = $2"
                               " ORDER BY applied_on, aid_id", case_id, officer.court)
    out = []
    async with rt.pool.acquire() as conn:
        for r in rows:
            history = await rt.store.load(conn, ad.aid_stream_id(r["aid_id"]))
            out.append(AidOut.model_validate(_out(fold(DECIDER, history), len(history))))
    return AidList(case_id=case_id, applications=out)


@router.post("/judicial-aid/{aid_id}/examination", summary="审查救助条件（本案承办法官）")
async def examine_aid(aid_id: str, body: ExamineIn, request: Request, response: Response, officer: Judge,
                      rt: Rt) -> AidOut:
    case_id = await _aid_case(rt, officer, aid_id)

    async def prepare(conn: asyncpg.Connection, state: Any, cmd: ad.ExamineAid) -> ad.ExamineAid:
        judge = await conn.fetchval("SELECT judge_id FROM cases WHERE case_id = $1", case_id)
        return ad.ExamineAid(cmd.who, judge, cmd.case_unenforceable, cmd.hardship_grounds, cmd.findings)

    return await _run(request, response, rt, officer, Role.JUDGE, aid_id, case_id,
                      lambda w: ad.ExamineAid(w, None, body.case_unenforceable, tuple(body.hardship_grounds),
                                              body.findings), prepare=prepare)


@router.post("/judicial-aid/{aid_id}/decision",
             summary="合议决定是否救助及金额（≥3 名合议庭成员；不超过上一年度职工月平均工资 36 个月）")
async def decide_aid(aid_id: str, body: DecideIn, request: Request, response: Response, officer: PanelMember,
                     rt: Rt) -> AidOut:
    case_id = await _aid_case(rt, officer, aid_id)
    policy = config(request).aid_policy(officer.court)
    role = next(r for r in PANEL_ROLES if officer.has(r))
    return await _run(request, response, rt, officer, role, aid_id, case_id,
                      lambda w: ad.DecideAid(w, body.granted, body.amount_fen, tuple(body.panel), body.reason,
                                             policy.wage_for(w.today.year - 1)))


@router.post("/judicial-aid/{aid_id}/funds-request", summary="报请上级法院拨付救助资金")
async def report_aid_funds(aid_id: str, body: ReportIn, request: Request, response: Response, officer: FundsOfficer,
                           rt: Rt) -> AidOut:
    case_id = await _aid_case(rt, officer, aid_id)
    higher = body.higher_court or config(request).aid_policy(officer.court).higher_court or "上级人民法院"
    role = next(r for r in (Role.BUREAU_CHIEF, Role.VICE_PRESIDENT, Role.PRESIDENT) if officer.has(r))
    return await _run(request, response, rt, officer, role, aid_id, case_id,
                      lambda w: ad.ReportAidFunds(w, higher))
