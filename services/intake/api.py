"""Intake's HTTP surface: request → command (+ time, ids, actor) → shared runner → response."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from shared.app import Runtime, runtime
from shared.auth import Principal, Role, require_roles
from shared.commands import CommandMeta, CommandResult, IdempotencyRequest
from shared.courts import CASE_TYPES, CaseNumber, is_known_court
from shared.errors import NotFound
from shared.identity import check_credit_code, check_resident_id
from services.intake.domain import CaseDecider, CaseState, RegisterCase
from services.intake.events import BasisRecord, PartyRecord
from services.intake.projections import allocate_case_number

router = APIRouter(tags=["立案 intake"])
DECIDER = CaseDecider()
MAX_CLAIM_FEN = 10**15


class PartyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: Literal["person", "organisation"] = Field(description="person 自然人 / organisation 法人或其他组织")
    name: str = Field(min_length=1, max_length=200, description="姓名或名称")
    id_number: str = Field(description="自然人：居民身份证号；组织：统一社会信用代码")

    @field_validator("id_number")
    @classmethod
    def _check_id(cls, v: str, info: ValidationInfo) -> str:
        if info.data.get("kind") == "organisation":
            return check_credit_code(v)
        return check_resident_id(v)


class BasisIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: Literal["judgment", "mediation", "arbitral_award", "notarised_debt", "other"]
    issuing_body: str = Field(min_length=1, max_length=200, description="作出执行依据的机构")
    document_number: str = Field(min_length=1, max_length=100, description="执行依据文号")
    effective_date: date = Field(description="生效日期")
    performance_deadline: date | None = Field(default=None, description="履行期限届满日")


class RegisterCaseIn(BaseModel):
    """立案登记：申请执行人、被执行人、执行依据、执行标的（分）。"""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    court: str = Field(description="法院代字，如 黔01、赣0502")
    case_type: Literal["执", "执恢", "执保", "执异"] = "执"
    applicant: PartyIn
    respondent: PartyIn
    basis: BasisIn
    claim_amount_fen: Annotated[int, Field(strict=True, gt=0, le=MAX_CLAIM_FEN)] = Field(
        description="执行标的金额，单位：分（整数）"
    )
    application_date: date = Field(description="申请日期")

    @field_validator("court")
    @classmethod
    def _known_court(cls, v: str) -> str:
        if not is_known_court(v):
            raise ValueError(f"未知的法院代字：{v}")
        return v


class CaseRegisteredOut(BaseModel):
    case_id: str
    case_number: str
    status: str
    version: int
    limitation_warning: bool


Clerk = Annotated[Principal, Depends(require_roles(Role.INTAKE_CLERK))]
Staff = Annotated[Principal, Depends(require_roles(*[r.value for r in Role]))]
Rt = Annotated[Runtime, Depends(runtime)]


@router.post(
    "/cases",
    status_code=201,
    response_model=CaseRegisteredOut,
    summary="立案登记（分配案号）",
    responses={422: {"description": "输入不符合要求（problem+json）"}},
)
async def register_case(body: RegisterCaseIn, request: Request, officer: Clerk, rt: Rt) -> JSONResponse:
    case_id = str(uuid.uuid4())
    meta = CommandMeta.for_request(request, officer.actor(Role.INTAKE_CLERK), body.court)
    command = RegisterCase(
        case_id=case_id,
        court=body.court,
        case_type=body.case_type,
        applicant=PartyRecord(**body.applicant.model_dump()),
        respondent=PartyRecord(**body.respondent.model_dump()),
        basis=BasisRecord(**body.basis.model_dump()),
        claim_amount_fen=body.claim_amount_fen,
        application_date=body.application_date,
        officer_id=officer.officer_id,
        now=meta.now,
    )

    async def number(conn: Any, state: CaseState, cmd: RegisterCase) -> RegisterCase:
        seq = await allocate_case_number(conn, cmd.court, cmd.case_type, cmd.now.year)
        return RegisterCase(**{**cmd.__dict__, "case_number": str(CaseNumber(cmd.now.year, cmd.court, cmd.case_type, seq))})

    def respond(result: CommandResult[CaseState]) -> tuple[int, dict[str, Any]]:
        ev = result.events[0].payload
        return 201, {
            "case_id": case_id,
            "case_number": ev["case_number"],
            "status": result.state.status,
            "version": result.version,
            "limitation_warning": ev["limitation_warning"],
        }

    status, out = await rt.commands.execute(
        stream_id=f"intake.case:{case_id}",
        case_id=case_id,
        decider=DECIDER,
        command=command,
        meta=meta,
        respond=respond,
        prepare=number,
        idempotency=await IdempotencyRequest.from_request(request, officer.officer_id),
    )
    return JSONResponse(out, status_code=status, headers={"Location": f"/cases/{case_id}"})


@router.get("/cases/{case_id}", summary="案件当前状态")
async def get_case(case_id: str, officer: Staff, rt: Rt) -> dict[str, Any]:
    row = await rt.pool.fetchrow("SELECT * FROM cases WHERE case_id = $1", case_id)
    if row is None:
        raise NotFound("未找到该案件", code="case_not_found")
    out = dict(row)
    out["case_type_name"] = CASE_TYPES.get(out["case_type"])
    return out
