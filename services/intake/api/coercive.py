"""HTTP: the other coercive measures (docs/rules.md §9) — referral for refusal to perform (拒执罪) with the
police's answer, the applicant's private prosecution and the outcome; reward notices (悬赏) with their leads
and payment; exposure (曝光). One stream each (``intake.coercive:<id>``), keyed by the case."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field

from services.intake.api.common import DECIDER as CASE_DECIDER
from services.intake.api.common import Body, Judge, Rt, Staff
from services.intake.api.measures import SubjectIn
from services.intake.coercive_events import AssetKind, ExposureChannel, ReferralOutcome
from services.intake.domain import coercive as co
from services.intake.domain.decider import stream_id as case_stream
from services.intake.measure_events import MeasureSubject
from shared.api import run_command
from shared.app import Runtime
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.commands import CommandMeta, CommandResult, current_unit_of_work, fold
from shared.errors import NotFound, in_court
from shared.openapi import ResponseModel

router = APIRouter(tags=["强制措施 coercive measures"])
DECIDER = co.CoerciveDecider()
HASH = r"^(sha256:)?[0-9a-f]{64}$"
# The counter records what parties and other authorities hand in; the judge rules.
Recorder = Annotated[Principal, Depends(require_roles(Role.INTAKE_CLERK, Role.AFFAIRS_CLERK, Role.JUDGE,
                                                      rule=POWERS_LIST))]


class ReferralIn(Body):
    subject: SubjectIn
    facts: str = Field(min_length=2, max_length=4000, description="拒不执行的事实")
    evidence: list[Annotated[str, Field(pattern=HASH)]] = Field(max_length=50,
                                                                description="证据材料的内容哈希（sha256）")
    police_organ: str = Field(min_length=2, max_length=200, description="受移送的公安机关")
    referred_on: date | None = Field(default=None, description="移送日期（默认今天）")


class AnswerIn(Body):
    accepted: bool = Field(description="公安机关是否立案")
    answered_on: date
    reason: str = Field(min_length=2, max_length=2000)


class ProsecutionIn(Body):
    filed_on: date
    applicant_name: str = Field(min_length=1, max_length=200)
    guidance: str = Field(min_length=2, max_length=2000, description="法院对申请执行人的自诉引导")


class OutcomeIn(Body):
    outcome: ReferralOutcome = Field(description="convicted 构成犯罪 / acquitted 无罪 / not_prosecuted 未予追诉 /"
                                                 " withdrawn 撤回自诉 / performed 履行后撤案")
    concluded_on: date
    note: str = Field(min_length=2, max_length=2000)


class RewardIn(Body):
    applicant_name: str = Field(min_length=1, max_length=200)
    reward_fen: int = Field(ge=1, description="悬赏金额（分，由申请执行人承担）")
    applied_on: date | None = Field(default=None, description="申请日期（默认今天）")


class RewardDecisionIn(Body):
    granted: bool
    decided_on: date | None = None
    reason: str = Field(min_length=2, max_length=2000)
    channels: list[ExposureChannel] = Field(default_factory=list, max_length=6, description="悬赏公告发布渠道")


class RewardLeadIn(Body):
    informant: str = Field(min_length=1, max_length=200, description="提供线索的人")
    description: str = Field(min_length=2, max_length=2000)
    asset_kind: AssetKind | None = None
    target: str = Field(min_length=1, max_length=500, description="财产所在或持有人")
    region: str | None = Field(default=None, pattern=r"^\d{6}$")
    received_on: date


class RewardPaymentIn(Body):
    amount_fen: int = Field(ge=1)
    paid_on: date
    lead_id: str | None = Field(default=None, max_length=64, description="所奖励的线索")


class ExposureIn(Body):
    subject: SubjectIn
    channel: ExposureChannel
    content: str = Field(min_length=2, max_length=2000, description="曝光内容摘要")
    published_on: date | None = None


class ExitRestrictionIn(Body):
    subject: SubjectIn = Field(description="被限制出境的自然人（单位的，为其法定代表人、主要负责人等）")
    on_behalf_of: str | None = Field(default=None, max_length=200, description="其所代表的被执行单位")
    reason: str = Field(min_length=2, max_length=2000)
    decided_on: date | None = None


class LiftIn(Body):
    reason: str = Field(min_length=2, max_length=2000, description="解除理由（如已履行义务）")
    lifted_on: date | None = None


class CoerciveView(ResponseModel):
    """一项拒执罪移送、悬赏或曝光的当前状态。"""

    id: str
    case_id: str
    kind: Literal["referral", "reward", "exposure", "exit_restriction"]
    police: Literal["none", "accepted", "refused"]
    private_prosecution: bool
    concluded: bool
    reward_status: Literal["none", "applied", "granted", "refused"]
    reward_fen: int
    paid_fen: int
    lifted: bool = Field(description="限制出境已解除")
    version: int


class CoerciveWritten(CoerciveView):
    events: list[str]


class CoerciveList(ResponseModel):
    case_id: str
    measures: list[CoerciveView]


def _view(case_id: str, s: co.CoerciveState, version: int) -> dict[str, Any]:
    return {"id": s.id, "case_id": case_id, "kind": s.kind, "police": s.police,
            "private_prosecution": s.private_prosecution, "concluded": s.concluded,
            "reward_status": s.reward_status, "reward_fen": s.reward_fen, "paid_fen": s.paid_fen, "lifted": s.lifted,
            "version": version}


def _who(officer: Principal, meta: CommandMeta) -> co.Who:
    return co.Who(officer.officer_id, officer.court, meta.now.date())


async def _run(request: Request, response: Response, rt: Runtime, officer: Principal, role: str, case_id: str,
               measure_id: str, build: Any, status_code: int = 200) -> CoerciveWritten:
    async def with_case(conn: asyncpg.Connection, state: co.CoerciveState, cmd: Any) -> Any:
        case, _ = await current_unit_of_work().load(case_stream(case_id), CASE_DECIDER)
        return replace(cmd, who=replace(cmd.who, case=case))

    def respond(r: CommandResult[co.CoerciveState]) -> tuple[int, dict[str, Any]]:
        return status_code, {**_view(case_id, r.state, r.version), "events": [e.event_type for e in r.events]}

    answered = await run_command(
        request, rt, officer, role=role, court=officer.court, case_id=case_id, stream_id=co.stream_id(measure_id),
        decider=DECIDER, build=lambda meta: build(_who(officer, meta)), respond=respond, prepare=with_case,
    )
    response.status_code = answered.status_code
    if "etag" in answered.headers:
        response.headers["ETag"] = answered.headers["etag"]
    return CoerciveWritten.model_validate_json(bytes(answered.body))


def _role(officer: Principal) -> str:
    return next(r for r in (Role.INTAKE_CLERK, Role.AFFAIRS_CLERK, Role.JUDGE) if officer.has(r))


def _subject(s: SubjectIn) -> MeasureSubject:
    return MeasureSubject(**s.model_dump())


@router.post("/cases/{case_id}/refusal-referrals", status_code=201,
             summary="承办法官将涉嫌拒不执行判决、裁定罪的被执行人移送公安机关（附证据）")
async def refer(case_id: str, body: ReferralIn, request: Request, response: Response, officer: Judge, rt: Rt
                ) -> CoerciveWritten:
    rid = str(uuid.uuid4())
    return await _run(request, response, rt, officer, Role.JUDGE, case_id, rid, lambda w: co.Refer(
        w, rid, _subject(body.subject), body.facts, tuple(body.evidence), body.police_organ, body.referred_on), 201)


@router.post("/cases/{case_id}/refusal-referrals/{referral_id}/answer", summary="登记公安机关立案或不予立案")
async def answer_referral(case_id: str, referral_id: str, body: AnswerIn, request: Request, response: Response,
                          officer: Recorder, rt: Rt) -> CoerciveWritten:
    return await _run(request, response, rt, officer, _role(officer), case_id, referral_id,
                      lambda w: co.AnswerReferral(w, body.accepted, body.answered_on, body.reason))


@router.post("/cases/{case_id}/refusal-referrals/{referral_id}/private-prosecution", status_code=201,
             summary="登记申请执行人提起拒执罪自诉（公安机关或检察院不予追究后）")
async def private_prosecution(case_id: str, referral_id: str, body: ProsecutionIn, request: Request,
                              response: Response, officer: Recorder, rt: Rt) -> CoerciveWritten:
    return await _run(request, response, rt, officer, _role(officer), case_id, referral_id,
                      lambda w: co.FilePrivateProsecution(w, body.filed_on, body.applicant_name, body.guidance), 201)


@router.post("/cases/{case_id}/refusal-referrals/{referral_id}/outcome", summary="登记拒执罪案件的结果")
async def referral_outcome(case_id: str, referral_id: str, body: OutcomeIn, request: Request, response: Response,
                           officer: Recorder, rt: Rt) -> CoerciveWritten:
    return await _run(request, response, rt, officer, _role(officer), case_id, referral_id,
                      lambda w: co.ConcludeReferral(w, body.outcome, body.concluded_on, body.note))


@router.post("/cases/{case_id}/rewards", status_code=201, summary="登记申请执行人的悬赏执行申请（十日内决定）")
async def apply_reward(case_id: str, body: RewardIn, request: Request, response: Response, officer: Recorder,
                       rt: Rt) -> CoerciveWritten:
    rid = str(uuid.uuid4())
    return await _run(request, response, rt, officer, _role(officer), case_id, rid, lambda w: co.ApplyReward(
        w, rid, body.applicant_name, body.reward_fen, body.applied_on), 201)


@router.post("/cases/{case_id}/rewards/{reward_id}/decision", summary="承办法官决定是否准许悬赏并发布")
async def decide_reward(case_id: str, reward_id: str, body: RewardDecisionIn, request: Request, response: Response,
                        officer: Judge, rt: Rt) -> CoerciveWritten:
    return await _run(request, response, rt, officer, Role.JUDGE, case_id, reward_id, lambda w: co.DecideReward(
        w, body.granted, body.decided_on, body.reason, tuple(body.channels)))


@router.post("/cases/{case_id}/rewards/{reward_id}/leads", status_code=201,
             summary="登记悬赏收到的财产线索（转为查控中心的财产线索）")
async def reward_lead(case_id: str, reward_id: str, body: RewardLeadIn, request: Request, response: Response,
                      officer: Recorder, rt: Rt) -> CoerciveWritten:
    lead_id = str(uuid.uuid4())
    out = await _run(request, response, rt, officer, _role(officer), case_id, reward_id, lambda w: co.ReceiveRewardLead(
        w, lead_id, body.informant, body.description, body.asset_kind, body.target, body.region, body.received_on),
        201)
    response.headers["Location"] = f"/cases/{case_id}/leads/{lead_id}"
    return out


@router.post("/cases/{case_id}/rewards/{reward_id}/payment", summary="登记申请执行人支付悬赏金")
async def pay_reward(case_id: str, reward_id: str, body: RewardPaymentIn, request: Request, response: Response,
                     officer: Recorder, rt: Rt) -> CoerciveWritten:
    return await _run(request, response, rt, officer, _role(officer), case_id, reward_id,
                      lambda w: co.PayReward(w, body.amount_fen, body.paid_on, body.lead_id))


@router.post("/cases/{case_id}/exposures", status_code=201, summary="承办法官决定曝光被执行人（记录渠道与内容）")
async def publish_exposure(case_id: str, body: ExposureIn, request: Request, response: Response, officer: Judge,
                           rt: Rt) -> CoerciveWritten:
    eid = str(uuid.uuid4())
    return await _run(request, response, rt, officer, Role.JUDGE, case_id, eid, lambda w: co.PublishExposure(
        w, eid, _subject(body.subject), body.channel, body.content, body.published_on), 201)


@router.post("/cases/{case_id}/exit-restrictions", status_code=201, summary="承办法官决定限制被执行人出境")
async def restrict_exit(case_id: str, body: ExitRestrictionIn, request: Request, response: Response, officer: Judge,
                        rt: Rt) -> CoerciveWritten:
    xid = str(uuid.uuid4())
    return await _run(request, response, rt, officer, Role.JUDGE, case_id, xid, lambda w: co.RestrictExit(
        w, xid, _subject(body.subject), body.on_behalf_of, body.reason, body.decided_on), 201)


@router.post("/cases/{case_id}/exit-restrictions/{restriction_id}/lift", summary="承办法官解除限制出境")
async def lift_exit_restriction(case_id: str, restriction_id: str, body: LiftIn, request: Request,
                                response: Response, officer: Judge, rt: Rt) -> CoerciveWritten:
    return await _run(request, response, rt, officer, Role.JUDGE, case_id, restriction_id,
                      lambda w: co.LiftExitRestriction(w, body.reason, body.lifted_on))


@router.get("/cases/{case_id}/coercive-measures", summary="本案的拒执罪移送、悬赏、曝光与限制出境")
async def list_coercive(case_id: str, officer: Staff, rt: Rt) -> CoerciveList:
    async with rt.pool.acquire() as conn:
        court = await conn.fetchval("SELECT court FROM cases WHERE case_id = $1", case_id)
        if court is None or not in_court(officer.court, court):
            raise NotFound("未找到该案件", code="case_not_found")
        rows = await conn.fetch(
            "SELECT DISTINCT stream_id FROM events WHERE case_id = $1 AND stream_id LIKE 'intake.coercive:%'", case_id)
        out = []
        for r in sorted(rows, key=lambda r: str(r["stream_id"])):
            history = await rt.store.load(conn, r["stream_id"])
            out.append(_view(case_id, fold(DECIDER, history), len(history)))
    return CoerciveList.model_validate({"case_id": case_id, "measures": out})
