"""HTTP: enforcement petitions (涉执信访) — register, acknowledge, 督办, 会商, extend, close; reads.

Each petition is its own stream (``intake.petition:<id>``) keyed by its case; commands go through the
shared runner (If-Match, Idempotency-Key, the case lock). Rules: services/intake/domain/petitions.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field, model_validator

from services.intake.api.common import Body, Rt, Staff
from services.intake.domain import petitions as pt
from services.intake.domain.commands import Who
from services.intake.events_petitions import Channel, Petitioner, PetitionerRole, PetitionOutcome
from shared.api import run_command
from shared.app import Runtime
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.commands import CommandMeta, CommandResult, fold
from shared.courts import parse_case_number
from shared.errors import NotFound, in_court
from shared.openapi import ResponseModel, problems

router = APIRouter(tags=["涉执信访 petitions"])
DECIDER = pt.PetitionDecider()
LEADERS = (Role.BUREAU_CHIEF, Role.VICE_PRESIDENT)

Receptionist = Annotated[Principal, Depends(require_roles(Role.INTAKE_CLERK, Role.AFFAIRS_CLERK, rule=POWERS_LIST))]
Handler = Annotated[Principal, Depends(require_roles(Role.JUDGE, *LEADERS, rule=pt.RULE_ASSIGNED))]
Supervisor = Annotated[Principal, Depends(require_roles(*LEADERS, rule="信访-督办"))]
ExtensionApprover = Annotated[
    Principal, Depends(require_roles(Role.BUREAU_CHIEF, Role.VICE_PRESIDENT, Role.PRESIDENT, rule=pt.RULE_CONCLUDE))
]


class PetitionerIn(Body):
    name: str = Field(min_length=1, max_length=200, description="信访人姓名或名称")
    role: PetitionerRole = Field(description="applicant 申请执行人 / respondent 被执行人 / other 其他（案外人等）")
    contact: str | None = Field(default=None, max_length=200, description="联系方式")


class PetitionIn(Body):
    case_id: str | None = Field(default=None, max_length=100, description="案件编号（与案号二选一）")
    case_number: str | None = Field(default=None, max_length=100, description="案号，如（2026）黔01执1号")
    petitioner: PetitionerIn
    request: str = Field(min_length=2, max_length=4000, description="信访诉求")
    channel: Channel = Field(description="visit 来访 / letter 来信 / phone 来电 / online 网上信访")
    received_on: date = Field(description="收到信访事项的日期")

    @model_validator(mode="after")
    def _one_case(self) -> PetitionIn:
        if not self.case_id and not self.case_number:
            raise ValueError("请填写案件编号 case_id 或案号 case_number")
        return self


class AcknowledgeIn(Body):
    acknowledged_on: date = Field(description="受理并告知信访人的日期")
    note: str | None = Field(default=None, max_length=2000)


class EscalateIn(Body):
    instruction: str = Field(min_length=2, max_length=2000, description="督办意见")
    due_on: date = Field(description="督办期限")


class DiscussIn(Body):
    participants: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(min_length=1, max_length=30)
    conclusion: str = Field(min_length=2, max_length=4000, description="会商结论")
    discussed_on: date


class ExtendIn(Body):
    days: int = Field(ge=1, le=365, description="延长天数（不得超过 30 日，只能延长一次）")
    reason: str = Field(min_length=2, max_length=2000, description="延期理由（须告知信访人）")


class CloseIn(Body):
    outcome: PetitionOutcome = Field(description="settled 达成和解 / enforced 已执行到位 / judicial_aid 司法救助 / "
                                                 "explained 解释说明 / referred 转交有权机关")
    petition_stopped: bool = Field(description="信访人是否息访")
    details: str = Field(min_length=2, max_length=4000, description="办理情况")
    closed_on: date
    aid_id: str | None = Field(default=None, max_length=100, description="以司法救助办结时：本案的司法救助申请编号")


class PetitionOut(ResponseModel):
    petition_id: str
    case_id: str | None
    status: Literal["registered", "acknowledged", "closed"]
    officer_id: str | None = Field(description="接待办理人（本案承办法官，谁办理谁接待）")
    team_id: str | None
    received_on: date | None
    accept_by: date | None = Field(description="受理告知期限（收到之日起15日）")
    acknowledged_on: date | None
    conclude_by: date | None = Field(description="办结期限（受理之日起60日，延长不超过30日）")
    extended_days: int
    escalations: int
    discussions: int
    outcome: PetitionOutcome | None
    petition_stopped: bool | None
    version: int
    events: list[str] = Field(default_factory=list)


class PetitionList(ResponseModel):
    case_id: str
    petitions: list[PetitionOut]


def _out(s: pt.PetitionState, version: int, events: list[str] | None = None) -> dict[str, Any]:
    return {"petition_id": s.petition_id, "case_id": s.case_id, "status": s.status, "officer_id": s.officer_id,
            "team_id": s.team_id, "received_on": s.received_on, "accept_by": s.accept_by,
            "acknowledged_on": s.acknowledged_on, "conclude_by": s.conclude_by, "extended_days": s.extended_days,
            "escalations": s.escalations, "discussions": s.discussions, "outcome": s.outcome,
            "petition_stopped": s.petition_stopped, "version": version, "events": events or []}


async def _run(request: Request, response: Response, rt: Runtime, officer: Principal, role: str, petition_id: str,
               case_id: str, make: Callable[[Who], Any], status_code: int = 200,
               prepare: Any = None) -> PetitionOut:
    def respond(r: CommandResult[pt.PetitionState]) -> tuple[int, dict[str, Any]]:
        return status_code, _out(r.state, r.version, [e.event_type for e in r.events])

    def build(meta: CommandMeta) -> Any:
        return make(Who(officer_id=officer.officer_id, court=officer.court, now=meta.now))

    answered = await run_command(request, rt, officer, role=role, court=officer.court, case_id=case_id,
                                 stream_id=pt.petition_stream_id(petition_id), decider=DECIDER, build=build,
                                 respond=respond, prepare=prepare)
    response.status_code = answered.status_code
    if "etag" in answered.headers:
        response.headers["ETag"] = answered.headers["etag"]
    return PetitionOut.model_validate_json(bytes(answered.body))


async def _case_of(conn: asyncpg.Connection | asyncpg.Pool, court: str, case_id: str | None,
                   case_number: str | None) -> pt.CaseOfPetition | None:
    if case_id:
        row = await conn.fetchrow("SELECT case_id, court, case_number, team_id, judge_id FROM cases"
                                  " WHERE case_id = $1", case_id)
    else:
        try:
            number = str(parse_case_number(case_number or ""))
        except ValueError:
            number = case_number or ""
        row = await conn.fetchrow("SELECT case_id, court, case_number, team_id, judge_id FROM cases"
                                  " WHERE case_number = $1", number)
    if row is None or not in_court(court, row["court"]):
        return None
    return pt.CaseOfPetition(row["case_id"], row["court"], row["case_number"], row["team_id"], row["judge_id"])


async def _petition_case(rt: Runtime, officer: Principal, petition_id: str) -> str:
    row = await rt.pool.fetchrow("SELECT case_id, court FROM petitions WHERE petition_id = $1", petition_id)
    if row is None or not in_court(officer.court, row["court"]):
        raise NotFound("未找到该信访事项", code="petition_not_found")
    return str(row["case_id"])


def _acting(officer: Principal) -> str:
    return Role.JUDGE if officer.has(Role.JUDGE) and not officer.has(*LEADERS) else sorted(
        r for r in officer.roles if r in LEADERS)[0]


@router.post("/petitions", status_code=201, summary="登记涉执信访（自动交本案承办团队和承办人：谁办理谁接待）",
             responses=problems(404))  # the case named by id or number does not exist (in this court)
async def register_petition(body: PetitionIn, request: Request, response: Response, officer: Receptionist,
                            rt: Rt) -> PetitionOut:
    case = await _case_of(rt.pool, officer.court, body.case_id, body.case_number)
    if case is None:
        raise NotFound("未找到信访所涉案件（请核对案件编号或案号）", code="case_not_found")
    petition_id = str(uuid.uuid4())
    petitioner = Petitioner(name=body.petitioner.name, role=body.petitioner.role, contact=body.petitioner.contact)
    role = Role.INTAKE_CLERK if officer.has(Role.INTAKE_CLERK) else Role.AFFAIRS_CLERK

    async def prepare(conn: asyncpg.Connection, state: Any, cmd: pt.RegisterPetition) -> pt.RegisterPetition:
        fresh = await _case_of(conn, officer.court, case.case_id, None)  # the judge as of this transaction
        return pt.RegisterPetition(cmd.who, cmd.petition_id, fresh, cmd.petitioner, cmd.request, cmd.channel,
                                   cmd.received_on)

    out = await _run(request, response, rt, officer, role, petition_id, case.case_id,
                     lambda w: pt.RegisterPetition(w, petition_id, case, petitioner, body.request, body.channel,
                                                   body.received_on), status_code=201, prepare=prepare)
    response.headers["Location"] = f"/petitions/{out.petition_id}"
    return out


@router.get("/petitions/{petition_id}", summary="信访事项：状态、接待办理人、期限")
async def get_petition(petition_id: str, officer: Staff, rt: Rt) -> PetitionOut:
    await _petition_case(rt, officer, petition_id)
    async with rt.pool.acquire() as conn:
        history = await rt.store.load(conn, pt.petition_stream_id(petition_id))
    return PetitionOut.model_validate(_out(fold(DECIDER, history), len(history)))


@router.get("/cases/{case_id}/petitions", summary="本案的涉执信访")
async def list_petitions(case_id: str, officer: Staff, rt: Rt) -> PetitionList:
    rows = await rt.pool.fetch("SELECT petition_id FROM petitions WHERE case_id = $1 AND court = $2"
                               " ORDER BY received_on, petition_id", case_id, officer.court)
    out = []
    async with rt.pool.acquire() as conn:
        for r in rows:
            history = await rt.store.load(conn, pt.petition_stream_id(r["petition_id"]))
            out.append(PetitionOut.model_validate(_out(fold(DECIDER, history), len(history))))
    return PetitionList(case_id=case_id, petitions=out)


@router.post("/petitions/{petition_id}/acknowledgement", summary="受理并告知信访人（承办人；收到后15日内）")
async def acknowledge_petition(petition_id: str, body: AcknowledgeIn, request: Request, response: Response,
                               officer: Handler, rt: Rt) -> PetitionOut:
    case_id = await _petition_case(rt, officer, petition_id)
    return await _run(request, response, rt, officer, _acting(officer), petition_id, case_id,
                      lambda w: pt.AcknowledgePetition(w, body.acknowledged_on, body.note, officer.has(*LEADERS)))


@router.post("/petitions/{petition_id}/escalation", summary="督办（执行局长或分管副院长：督办意见与期限）")
async def escalate_petition(petition_id: str, body: EscalateIn, request: Request, response: Response,
                            officer: Supervisor, rt: Rt) -> PetitionOut:
    case_id = await _petition_case(rt, officer, petition_id)
    role = Role.VICE_PRESIDENT if officer.has(Role.VICE_PRESIDENT) else Role.BUREAU_CHIEF
    return await _run(request, response, rt, officer, role, petition_id, case_id,
                      lambda w: pt.EscalatePetition(w, role, body.instruction, body.due_on))


@router.post("/petitions/{petition_id}/discussions", summary="记录会商（参加人员与会商结论）")
async def discuss_petition(petition_id: str, body: DiscussIn, request: Request, response: Response,
                           officer: Handler, rt: Rt) -> PetitionOut:
    case_id = await _petition_case(rt, officer, petition_id)
    return await _run(request, response, rt, officer, _acting(officer), petition_id, case_id,
                      lambda w: pt.DiscussPetition(w, tuple(body.participants), body.conclusion, body.discussed_on,
                                                   officer.has(*LEADERS)))


@router.post("/petitions/{petition_id}/extension", summary="批准延长办理期限（一次，不超过30日）")
async def extend_petition(petition_id: str, body: ExtendIn, request: Request, response: Response,
                          officer: ExtensionApprover, rt: Rt) -> PetitionOut:
    case_id = await _petition_case(rt, officer, petition_id)
    role = next(r for r in (Role.PRESIDENT, Role.VICE_PRESIDENT, Role.BUREAU_CHIEF) if officer.has(r))
    return await _run(request, response, rt, officer, role, petition_id, case_id,
                      lambda w: pt.ExtendPetition(w, body.days, body.reason))


@router.post("/petitions/{petition_id}/closure", summary="办结（结果、是否息访；司法救助须关联本案救助申请）")
async def close_petition(petition_id: str, body: CloseIn, request: Request, response: Response, officer: Handler,
                         rt: Rt) -> PetitionOut:
    case_id = await _petition_case(rt, officer, petition_id)

    async def prepare(conn: asyncpg.Connection, state: Any, cmd: pt.ClosePetition) -> pt.ClosePetition:
        if body.aid_id is None:
            return cmd
        aid_case = await conn.fetchval("SELECT case_id FROM judicial_aids WHERE aid_id = $1 AND court = $2",
                                       body.aid_id, officer.court)
        return pt.ClosePetition(cmd.who, cmd.outcome, cmd.petition_stopped, cmd.details, cmd.closed_on, cmd.aid_id,
                                aid_case, cmd.is_leader)

    return await _run(request, response, rt, officer, _acting(officer), petition_id, case_id,
                      lambda w: pt.ClosePetition(w, body.outcome, body.petition_stopped, body.details, body.closed_on,
                                                 body.aid_id, None, officer.has(*LEADERS)), prepare=prepare)
