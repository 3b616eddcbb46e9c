"""HTTP: coercive measures (罚款、拘留) — proposal by the case's judge, the president's approval, service
of the decision, reconsideration by the higher court, and the measure's effect (docs/rules.md §9).

One stream per measure (``intake.measure:<measure_id>``), keyed by the case; the case's own state is
read in the command's transaction (the judge, the court, whether it is open)."""

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
from services.intake.domain import measure_release as mr
from services.intake.domain import measures as m
from services.intake.domain.decider import stream_id as case_stream
from services.intake.measure_events import Effect, Ground, MeasureSubject, ReconsiderationResult
from shared.api import run_command
from shared.app import Runtime
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.commands import CommandMeta, CommandResult, current_unit_of_work, fold
from shared.errors import NotFound, in_court
from shared.openapi import ResponseModel

router = APIRouter(tags=["强制措施 coercive measures"])
DECIDER = m.MeasureDecider()
RELEASE_DECIDER = mr.EarlyReleaseDecider()

# 民诉法 2023 art. 119: 拘传、罚款、拘留必须经院长批准 — the president, not a vice-president.
President = Annotated[Principal, Depends(require_roles(Role.PRESIDENT, rule=m.RULE_PRESIDENT_APPROVES))]
# 民诉法解释 art. 182: 提前解除拘留，应报经院长批准.
ReleasePresident = Annotated[Principal, Depends(require_roles(Role.PRESIDENT, rule=mr.RULE_EARLY_RELEASE))]
# Service of the decision: the affairs centre (or the judge); the higher court's papers: the counter.
Server = Annotated[Principal, Depends(require_roles(Role.AFFAIRS_CLERK, Role.JUDGE, rule=POWERS_LIST))]
Counter = Annotated[Principal, Depends(require_roles(Role.INTAKE_CLERK, Role.AFFAIRS_CLERK, rule=POWERS_LIST))]


class SubjectIn(Body):
    kind: Literal["person", "organisation"] = Field(description="person 自然人 / organisation 单位")
    name: str = Field(min_length=1, max_length=200)
    id_number: str = Field(min_length=1, max_length=64, description="身份证号或统一社会信用代码")


class ProposeIn(Body):
    subject: SubjectIn
    ground: Ground = Field(description="法定事由：" + "；".join(f"{k} {v}" for k, v in m.GROUNDS_ZH.items()))
    facts: str = Field(min_length=2, max_length=4000, description="事实经过")
    fine_fen: int | None = Field(default=None,
                                 description="罚款金额（分）；个人 ≤ 10,000,000，单位 5,000,000–100,000,000")
    detention_days: int | None = Field(default=None, description="拘留日数（1–15）")
    region: str | None = Field(default=None, pattern=r"^\d{6}$", description="被拘留人所在地行政区划代码（拘留必填）")
    proposed_on: date | None = Field(default=None, description="提请日期（默认今天）")


class ApproveIn(Body):
    decision_number: str = Field(min_length=2, max_length=100, description="决定书文号")
    approved_on: date | None = Field(default=None, description="院长批准日期（默认今天）")


class EarlyReleaseIn(Body):
    reason: str = Field(min_length=2, max_length=2000, description="提前解除的理由（认错悔改、已履行义务等）")
    approved_on: date | None = Field(default=None, description="院长批准日期（默认今天）")


class RejectIn(Body):
    reason: str = Field(min_length=2, max_length=2000)


class ServeIn(Body):
    served_on: date = Field(description="决定书送达日期")


class ReconsiderationIn(Body):
    applied_on: date = Field(description="被处罚人提出复议申请的日期")
    grounds: str = Field(min_length=2, max_length=4000)
    higher_court: str = Field(min_length=2, max_length=100, description="上一级人民法院")


class ReconsiderationDecisionIn(Body):
    result: ReconsiderationResult = Field(description="upheld 维持 / changed 变更 / revoked 撤销")
    decided_on: date
    reason: str = Field(min_length=2, max_length=2000)
    fine_fen: int | None = Field(default=None, description="变更后的罚款金额（分，仅 changed）")
    detention_days: int | None = Field(default=None, description="变更后的拘留日数（仅 changed）")


class EffectIn(Body):
    effect: Effect = Field(description="paid 已履行 / settled 达成和解 / none 无效果")
    note: str = Field(min_length=2, max_length=2000)
    amount_paid_fen: int | None = Field(default=None, ge=1)


class MeasureView(ResponseModel):
    """一项强制措施的当前状态。"""

    measure_id: str
    case_id: str
    status: Literal["proposed", "approved", "rejected", "served", "revoked"]
    subject: MeasureSubject | None
    fine_fen: int | None
    detention_days: int | None
    proposed_by: str | None
    approved_by: str | None
    decision_number: str | None
    served_on: date | None
    reconsider_by: date | None = Field(description="复议申请期限的最后一日（民诉法解释第185条）")
    reconsideration: Literal["none", "applied", "decided"]
    effect: Effect | None
    version: int


class MeasureWritten(MeasureView):
    events: list[str]


class EarlyReleaseWritten(ResponseModel):
    measure_id: str
    case_id: str
    decision_number: str | None
    early_release_approved_on: date | None = Field(description="院长批准提前解除拘留的日期（民诉法解释第182条）")
    version: int
    events: list[str]


class MeasureList(ResponseModel):
    case_id: str
    measures: list[MeasureView]


def _view(case_id: str, s: m.MeasureState, version: int) -> dict[str, Any]:
    return {"measure_id": s.measure_id, "case_id": case_id, "status": s.status,
            "subject": s.subject.model_dump() if s.subject else None, "fine_fen": s.fine_fen,
            "detention_days": s.detention_days, "proposed_by": s.proposed_by, "approved_by": s.approved_by,
            "decision_number": s.decision_number, "served_on": s.served_on, "reconsider_by": s.reconsider_by,
            "reconsideration": s.reconsideration, "effect": s.effect, "version": version}


async def _run(request: Request, response: Response, rt: Runtime, officer: Principal, role: str, case_id: str,
               measure_id: str, build: Any, *, prepare: Any = None, status_code: int = 200) -> MeasureWritten:
    def respond(r: CommandResult[m.MeasureState]) -> tuple[int, dict[str, Any]]:
        return status_code, {**_view(case_id, r.state, r.version), "events": [e.event_type for e in r.events]}

    answered = await run_command(
        request, rt, officer, role=role, court=officer.court, case_id=case_id, stream_id=m.stream_id(measure_id),
        decider=DECIDER, build=build, respond=respond, prepare=prepare,
    )
    response.status_code = answered.status_code
    if "etag" in answered.headers:
        response.headers["ETag"] = answered.headers["etag"]
    return MeasureWritten.model_validate_json(bytes(answered.body))


def _today(meta: CommandMeta) -> date:
    return meta.now.date()


async def _case_state(case_id: str) -> Any:
    state, _ = await current_unit_of_work().load(case_stream(case_id), CASE_DECIDER)
    return state


@router.post("/cases/{case_id}/measures", status_code=201, summary="承办法官提请罚款、拘留（写明事实与法定事由）")
async def propose(case_id: str, body: ProposeIn, request: Request, response: Response, officer: Judge, rt: Rt
                  ) -> MeasureWritten:
    measure_id = str(uuid.uuid4())
    subject = MeasureSubject(**body.subject.model_dump())

    async def with_case(conn: asyncpg.Connection, state: m.MeasureState, cmd: m.Propose) -> m.Propose:
        return replace(cmd, case=await _case_state(case_id))

    out = await _run(request, response, rt, officer, Role.JUDGE, case_id, measure_id, lambda meta: m.Propose(
        officer.officer_id, officer.court, _today(meta), measure_id, subject, body.ground, body.facts, body.fine_fen,
        body.detention_days, body.region, CASE_DECIDER.initial_state(), body.proposed_on), prepare=with_case,
        status_code=201)
    response.headers["Location"] = f"/cases/{case_id}/measures/{measure_id}"
    return out


@router.post("/cases/{case_id}/measures/{measure_id}/approve", summary="院长批准罚款、拘留（提请法官以外的人）")
async def approve(case_id: str, measure_id: str, body: ApproveIn, request: Request, response: Response,
                  officer: President, rt: Rt) -> MeasureWritten:
    return await _run(request, response, rt, officer, Role.PRESIDENT, case_id, measure_id, lambda meta: m.Approve(
        officer.officer_id, officer.court, _today(meta), body.decision_number, body.approved_on))


@router.post("/cases/{case_id}/measures/{measure_id}/early-release", status_code=201,
             summary="院长批准提前解除拘留（民诉法解释第182条；外勤据此记录提前解除）")
async def approve_early_release(case_id: str, measure_id: str, body: EarlyReleaseIn, request: Request,
                                response: Response, officer: ReleasePresident, rt: Rt) -> EarlyReleaseWritten:
    def respond(r: CommandResult[mr.ReleaseState]) -> tuple[int, dict[str, Any]]:
        s = r.state
        return 201, {"measure_id": s.measure_id, "case_id": case_id, "decision_number": s.decision_number,
                     "early_release_approved_on": s.early_release_approved_on, "version": r.version,
                     "events": [e.event_type for e in r.events]}

    answered = await run_command(
        request, rt, officer, role=Role.PRESIDENT, court=officer.court, case_id=case_id,
        stream_id=m.stream_id(measure_id), decider=RELEASE_DECIDER, respond=respond,
        build=lambda meta: mr.ApproveEarlyRelease(officer.officer_id, officer.court, _today(meta), body.reason,
                                                  body.approved_on))
    response.status_code = answered.status_code
    return EarlyReleaseWritten.model_validate_json(bytes(answered.body))


@router.post("/cases/{case_id}/measures/{measure_id}/reject", summary="院长不批准罚款、拘留")
async def reject(case_id: str, measure_id: str, body: RejectIn, request: Request, response: Response,
                 officer: President, rt: Rt) -> MeasureWritten:
    return await _run(request, response, rt, officer, Role.PRESIDENT, case_id, measure_id, lambda meta: m.Reject(
        officer.officer_id, officer.court, _today(meta), body.reason))


@router.post("/cases/{case_id}/measures/{measure_id}/service", summary="登记决定书送达（起算复议期限）")
async def serve(case_id: str, measure_id: str, body: ServeIn, request: Request, response: Response,
                officer: Server, rt: Rt) -> MeasureWritten:
    role = Role.AFFAIRS_CLERK if officer.has(Role.AFFAIRS_CLERK) else Role.JUDGE
    return await _run(request, response, rt, officer, role, case_id, measure_id, lambda meta: m.Serve(
        officer.officer_id, officer.court, _today(meta), body.served_on))


@router.post("/cases/{case_id}/measures/{measure_id}/reconsideration", status_code=201,
             summary="登记复议申请（一次，送达后三日内；复议期间不停止执行）")
async def apply_reconsideration(case_id: str, measure_id: str, body: ReconsiderationIn, request: Request,
                                response: Response, officer: Counter, rt: Rt) -> MeasureWritten:
    role = Role.INTAKE_CLERK if officer.has(Role.INTAKE_CLERK) else Role.AFFAIRS_CLERK
    return await _run(request, response, rt, officer, role, case_id, measure_id, lambda meta: m.ApplyReconsideration(
        officer.officer_id, officer.court, _today(meta), body.applied_on, body.grounds, body.higher_court),
        status_code=201)


@router.post("/cases/{case_id}/measures/{measure_id}/reconsideration/decision",
             summary="登记上级法院复议决定（维持、变更或撤销；应于五日内作出）")
async def decide_reconsideration(case_id: str, measure_id: str, body: ReconsiderationDecisionIn, request: Request,
                                 response: Response, officer: Counter, rt: Rt) -> MeasureWritten:
    role = Role.INTAKE_CLERK if officer.has(Role.INTAKE_CLERK) else Role.AFFAIRS_CLERK
    return await _run(request, response, rt, officer, role, case_id, measure_id, lambda meta: m.DecideReconsideration(
        officer.officer_id, officer.court, _today(meta), body.result, body.decided_on, body.reason, body.fine_fen,
        body.detention_days))


@router.post("/cases/{case_id}/measures/{measure_id}/effect", summary="承办法官记录强制措施的效果（履行、和解、无）")
async def record_effect(case_id: str, measure_id: str, body: EffectIn, request: Request, response: Response,
                        officer: Judge, rt: Rt) -> MeasureWritten:
    async def with_judge(conn: asyncpg.Connection, state: m.MeasureState, cmd: m.RecordEffect) -> m.RecordEffect:
        return replace(cmd, case_judge_id=(await _case_state(case_id)).judge_id)

    return await _run(request, response, rt, officer, Role.JUDGE, case_id, measure_id, lambda meta: m.RecordEffect(
        officer.officer_id, officer.court, _today(meta), body.effect, body.note, body.amount_paid_fen, None),
        prepare=with_judge)


@router.get("/cases/{case_id}/measures", summary="本案的强制措施（罚款、拘留）")
async def list_measures(case_id: str, officer: Staff, rt: Rt) -> MeasureList:
    async with rt.pool.acquire() as conn:
        court = await conn.fetchval("SELECT court FROM cases WHERE case_id = $1", case_id)
        if court is None or not in_court(officer.court, court):
            raise NotFound("未找到该案件", code="case_not_found")
        rows = await conn.fetch(
            "SELECT DISTINCT stream_id FROM events WHERE case_id = $1 AND stream_id LIKE 'intake.measure:%'", case_id)
        measures = []
        for r in sorted(rows, key=lambda r: str(r["stream_id"])):
            history = await rt.store.load(conn, r["stream_id"])
            measures.append(_view(case_id, fold(DECIDER, history), len(history)))
    measures.sort(key=lambda v: (v["measure_id"] or ""))
    return MeasureList.model_validate({"case_id": case_id, "measures": measures})
