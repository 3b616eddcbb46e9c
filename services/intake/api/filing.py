"""HTTP: applications, supplements, registration (case number, triage, assignment), refusal,
triage override and manual re-assignment."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Request, Response
from pydantic import Field, ValidationInfo, field_validator, model_validator

from services.intake.api.common import (
    HASH_PATTERN,
    Body,
    Clerk,
    Leader,
    Rt,
    TeamLead,
    answer,
    config,
    route_and_number,
    routing,
    run,
)
from services.intake.api.models import ApplicationReceived, CaseWritten, CounterRegistered
from services.intake.domain import CaseState
from services.intake.domain import commands as c
from services.intake.domain.filing import REFUSAL_GROUNDS
from services.intake.events import AgentRecord, BasisRecord, MaterialItem, PartyRecord
from shared.auth import Role
from shared.commands import CommandResult
from shared.contact import check_mobile
from shared.courts import is_known_court
from shared.identity import check_credit_code, check_resident_id

router = APIRouter(tags=["立案 intake"])
MAX_CLAIM_FEN = 10**15


class AgentIn(Body):
    name: str = Field(min_length=1, max_length=200, description="委托代理人姓名")
    id_number: str = Field(description="委托代理人居民身份证号")
    scope: Literal["general", "special"] = Field(description="general 一般授权 / special 特别授权")
    powers: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(default_factory=list, max_length=20)

    @field_validator("id_number")
    @classmethod
    def _check_id(cls, v: str) -> str:
        return check_resident_id(v)


class PartyIn(Body):
    kind: Literal["person", "organisation"] = Field(description="person 自然人 / organisation 法人或其他组织")
    name: str = Field(min_length=1, max_length=200, description="姓名或名称")
    id_number: str = Field(description="自然人：居民身份证号；组织：统一社会信用代码")
    agent: AgentIn | None = None
    mobile: str | None = Field(default=None, description="手机号（大陆 11 位，可选；用于节点短信推送与执行公开验证码）")
    sms_opt_out: bool = Field(default=False, description="当事人拒收节点推送短信")

    @field_validator("id_number")
    @classmethod
    def _check_id(cls, v: str, info: ValidationInfo) -> str:
        if info.data.get("kind") == "organisation":
            return check_credit_code(v)
        return check_resident_id(v)

    @field_validator("mobile")
    @classmethod
    def _check_mobile(cls, v: str | None) -> str | None:
        return None if v is None else check_mobile(v)

    def contact(self, party: str) -> c.PartyContact:
        return c.PartyContact(party=party, mobile=self.mobile, sms_opt_out=self.sms_opt_out)

    def record(self) -> PartyRecord:
        agent = AgentRecord(**self.agent.model_dump()) if self.agent else None
        return PartyRecord(kind=self.kind, name=self.name, id_number=self.id_number, agent=agent)


class BasisIn(Body):
    kind: Literal["judgment", "mediation", "arbitral_award", "notarised_debt", "other"]
    issuing_body: str = Field(min_length=1, max_length=200, description="作出执行依据的机构")
    document_number: str = Field(min_length=1, max_length=100, description="执行依据文号")
    effective_date: date = Field(description="生效日期")
    performance_deadline: date | None = Field(default=None, description="履行期限届满日")


class MaterialIn(Body):
    material_class: Literal["application_form", "basis_document", "identity", "asset_leads"] = Field(
        description="申请书 / 执行依据及生效证明 / 身份证明及授权 / 财产线索"
    )
    kind: str = Field(min_length=1, max_length=50, description="如 application、basis_copy、id_card、asset_lead")
    content_hash: str | None = Field(default=None, pattern=HASH_PATTERN, description="内容哈希（sha256）")
    reference: str | None = Field(default=None, min_length=1, max_length=500, description="档案或存储引用")

    @model_validator(mode="after")
    def _hash_or_reference(self) -> MaterialIn:
        if not self.content_hash and not self.reference:
            raise ValueError("每份材料应提供内容哈希（content_hash）或引用（reference）")
        return self

    def record(self) -> MaterialItem:
        return MaterialItem(**self.model_dump())


class ApplicationIn(Body):
    """执行申请：当事人、执行依据、执行标的（分）、法院和分四类的材料。"""

    court: str = Field(description="法院代字，如 黔01、赣0502")
    case_type: Literal["执", "执恢", "执保", "执异"] = "执"
    applicant: PartyIn
    respondent: PartyIn
    basis: BasisIn
    claim_amount_fen: Annotated[int, Field(strict=True, gt=0, le=MAX_CLAIM_FEN)] = Field(
        description="执行标的金额，单位：分（整数）"
    )
    application_date: date = Field(description="申请日期")
    materials: list[MaterialIn] = Field(default_factory=list, max_length=200)
    service_address_confirmed: bool = Field(default=False, description="送达地址已确认")
    real_estate_disposal_expected: bool = Field(default=False, description="预计需要处置不动产")
    conflicts: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=50, description="应回避的人员编号"
    )

    @field_validator("court")
    @classmethod
    def _known_court(cls, v: str) -> str:
        if not is_known_court(v):
            raise ValueError(f"未知的法院代字：{v}")
        return v


class CounterRegistrationIn(ApplicationIn):
    """当场立案：材料齐全的申请当场登记立案（未列材料时视为窗口已核验纸质材料）。"""

    materials: list[MaterialIn] | None = Field(default=None, max_length=200)  # type: ignore[assignment]


def _application(body: ApplicationIn, who: c.Who, case_id: str, deadline_days: int) -> c.ReceiveApplication:
    return c.ReceiveApplication(
        who=who, case_id=case_id, court=body.court, case_type=body.case_type,
        applicant=body.applicant.record(), respondent=body.respondent.record(),
        basis=BasisRecord(**body.basis.model_dump()), claim_amount_fen=body.claim_amount_fen,
        application_date=body.application_date,
        materials=tuple(m.record() for m in body.materials or []), supplement_deadline_days=deadline_days,
        service_address_confirmed=body.service_address_confirmed,
        real_estate_disposal_expected=body.real_estate_disposal_expected, conflicts=tuple(body.conflicts),
        materials_checked_at_counter=body.materials is None,
        contacts=(body.applicant.contact("applicant"), body.respondent.contact("respondent")),
    )


def _registration_answer(result: CommandResult[CaseState]) -> tuple[int, dict[str, Any]]:
    status, body = answer(result, 201)
    received = next((e.payload for e in result.events if e.event_type == "intake.application_received"), None)
    if received is not None:
        body["missing"] = received["missing"]
    return status, body


@router.post("/applications", status_code=201, summary="收取执行申请（材料不全时一次性告知补正）")
async def receive_application(body: ApplicationIn, request: Request, response: Response, officer: Clerk, rt: Rt
                              ) -> ApplicationReceived:
    case_id = str(uuid.uuid4())
    days = config(request).supplement_deadline_days

    def respond(result: CommandResult[CaseState]) -> tuple[int, dict[str, Any]]:
        status, out = answer(result, 201)
        received = result.events[0].payload
        out["missing"] = received["missing"]
        out["decide_by"] = received["decide_by"]
        out["supplement_deadline"] = str(result.state.supplement_deadline) if result.state.missing else None
        return status, out

    out = await run(request, response, rt, officer, Role.INTAKE_CLERK, case_id,
                    lambda w: _application(body, w, case_id, days), out=ApplicationReceived, respond=respond,
                    new_case=True)
    response.headers["Location"] = f"/cases/{out.case_id}"  # a replayed Idempotency-Key: the first case
    return out


class SupplementIn(Body):
    items: list[MaterialIn] = Field(min_length=1, max_length=200)


@router.post("/applications/{case_id}/supplements", summary="补正材料")
async def supplement(case_id: str, body: SupplementIn, request: Request, response: Response, officer: Clerk,
                     rt: Rt) -> CaseWritten:
    return await run(request, response, rt, officer, Role.INTAKE_CLERK, case_id,
                     lambda w: c.SupplementMaterials(w, tuple(i.record() for i in body.items)), out=CaseWritten)


async def _prepare_registration(request: Request, conn: asyncpg.Connection, court: str, case_type: str,
                                cmd: c.RegisterCase) -> c.RegisterCase:
    # Routing first: the number's row lock is held until the commit, so take it last.
    route, number = await route_and_number(conn, config(request), court, case_type, cmd.who.now.year)
    return replace(cmd, case_number=number, routing=route)


@router.post("/applications/{case_id}/register", summary="立案（分配案号、繁简分流、自动分案）")
async def register(case_id: str, request: Request, response: Response, officer: Clerk, rt: Rt) -> CaseWritten:
    cfg = config(request)

    async def prepare(conn: asyncpg.Connection, state: CaseState, cmd: c.RegisterCase) -> c.RegisterCase:
        if state.status != "applied":
            return cmd  # the decision refuses it with the reason; no number is taken
        return await _prepare_registration(request, conn, state.court or "", state.case_type, cmd)

    placeholder = c.Routing(triage=cfg.triage, roster=cfg.roster(officer.court))
    return await run(request, response, rt, officer, Role.INTAKE_CLERK, case_id,
                     lambda w: c.RegisterCase(w, placeholder), out=CaseWritten, prepare=prepare,
                     respond=_registration_answer)


@router.post("/cases", status_code=201, summary="当场立案（收案并立案：案号、繁简分流、自动分案）")
async def register_at_counter(body: CounterRegistrationIn, request: Request, response: Response, officer: Clerk,
                              rt: Rt) -> CounterRegistered:
    case_id = str(uuid.uuid4())
    cfg = config(request)

    def make(w: c.Who) -> c.FileAndRegister:
        app = _application(body, w, case_id, cfg.supplement_deadline_days)
        return c.FileAndRegister(app, c.RegisterCase(w, c.Routing(triage=cfg.triage, roster=cfg.roster(body.court))))

    async def prepare(conn: asyncpg.Connection, state: CaseState, cmd: c.FileAndRegister) -> c.FileAndRegister:
        if body.court != officer.court:
            return cmd  # refused by the decision (court_mismatch) before any number is taken
        reg = await _prepare_registration(request, conn, body.court, body.case_type, cmd.register)
        return replace(cmd, register=reg)

    out = await run(request, response, rt, officer, Role.INTAKE_CLERK, case_id, make, out=CounterRegistered,
                    prepare=prepare, respond=_registration_answer, new_case=True)
    response.headers["Location"] = f"/cases/{out.case_id}"  # a replayed Idempotency-Key: the first case
    return out


class RefusalIn(Body):
    ground_code: Literal[tuple(REFUSAL_GROUNDS)] = Field(  # type: ignore[valid-type]
        description="不予受理的法定理由代码：" + "；".join(f"{k}={v}" for k, v in REFUSAL_GROUNDS.items())
    )
    reason: str = Field(min_length=2, max_length=2000, description="具体理由")


@router.post("/applications/{case_id}/refuse", summary="裁定不予受理（写明法定理由）")
async def refuse(case_id: str, body: RefusalIn, request: Request, response: Response, officer: Clerk, rt: Rt
                 ) -> CaseWritten:
    return await run(request, response, rt, officer, Role.INTAKE_CLERK, case_id,
                     lambda w: c.RefuseApplication(w, body.ground_code, REFUSAL_GROUNDS[body.ground_code],
                                                   body.reason), out=CaseWritten)


class TriageOverrideIn(Body):
    track: Literal["fast", "ordinary"]
    # Checked by the rule, not here: a missing or blank reason is 422 reason_required naming 繁简分流-团队长.
    reason: str = Field(default="", max_length=2000, description="调整理由（必填，至少 2 个字）")


@router.post("/cases/{case_id}/triage", summary="团队长调整繁简分流（写明理由，随后在新轨道内重新分案）")
async def override_triage(case_id: str, body: TriageOverrideIn, request: Request, response: Response,
                          officer: TeamLead, rt: Rt) -> CaseWritten:
    cfg = config(request)

    async def prepare(conn: asyncpg.Connection, state: CaseState, cmd: c.OverrideTriage) -> c.OverrideTriage:
        return replace(cmd, routing=await routing(conn, cfg, state.court or officer.court))

    placeholder = c.Routing(triage=cfg.triage, roster=cfg.roster(officer.court))
    return await run(request, response, rt, officer, Role.TEAM_LEAD, case_id,
                     lambda w: c.OverrideTriage(w, body.track, body.reason, placeholder), out=CaseWritten,
                     prepare=prepare)


class ReassignIn(Body):
    judge_id: str = Field(min_length=1, max_length=64, description="改派的承办法官")
    # Checked by the rule, not here: a missing or blank reason is 422 reason_required naming 互相制约-12.
    reason: str = Field(default="", max_length=2000, description="改派理由（必填，至少 2 个字；互相制约-12）")


@router.post("/cases/{case_id}/assignment", summary="改派承办法官（团队长或局领导，写明理由）")
async def reassign(case_id: str, body: ReassignIn, request: Request, response: Response, officer: Leader, rt: Rt
                   ) -> CaseWritten:
    roster = config(request).roster(officer.court)
    role = Role.BUREAU_CHIEF if officer.has(Role.BUREAU_CHIEF) else Role.TEAM_LEAD
    return await run(request, response, rt, officer, role, case_id,
                     lambda w: c.Reassign(w, body.judge_id, body.reason, roster,
                                          is_bureau_chief=officer.has(Role.BUREAU_CHIEF)), out=CaseWritten)
