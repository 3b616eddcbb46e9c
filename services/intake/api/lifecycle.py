"""HTTP: notices, clock events, interview, settlement and closure of a case."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from typing import Literal

import asyncpg
from fastapi import APIRouter, Request, Response
from pydantic import Field

from services.intake.api.common import (
    HASH_PATTERN,
    Affairs,
    Approver,
    Body,
    ExtensionApprover,
    Judge,
    ReasonIn,
    Rt,
    config,
    run,
)
from services.intake.api.models import CaseWritten
from services.intake.domain import CaseState
from services.intake.domain import commands as c
from services.intake.events import Recipient, ServiceMethod
from services.intake.reads import closure_facts, tolled
from shared.auth import Role

router = APIRouter(tags=["文书、期限与结案 lifecycle"])


class RecipientIn(Body):
    kind: Literal["person", "organisation"]
    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=2, max_length=500)


class NoticeIn(Body):
    notice_kind: Literal["enforcement_notice", "consumption_restriction", "blacklisting"] = Field(
        description="enforcement_notice 执行通知书+报告财产令 / consumption_restriction 限制消费令"
        " / blacklisting 失信决定"
    )
    document_hash: str = Field(pattern=HASH_PATTERN, description="文书内容哈希（sha256）")
    notice_id: str | None = Field(default=None, min_length=1, max_length=64)
    service_method: ServiceMethod = Field(
        default="electronic", description="electronic 电子送达 / post 邮寄送达 / by_hand 直接送达（交外勤）")
    recipient: RecipientIn | None = Field(default=None, description="受送达人（直接送达时必填）")
    region: str | None = Field(default=None, pattern=r"^\d{6}$",
                               description="送达地行政区划代码（GB/T 2260，直接送达时必填）")


@router.post("/cases/{case_id}/notices", status_code=201, summary="事务中心制作文书（待法官签发）")
async def prepare_notice(case_id: str, body: NoticeIn, request: Request, response: Response, officer: Affairs,
                         rt: Rt) -> CaseWritten:
    notice_id = body.notice_id or str(uuid.uuid4())
    out = await run(request, response, rt, officer, Role.AFFAIRS_CLERK, case_id,
                    lambda w: c.PrepareNotice(
                        w, notice_id, body.notice_kind, body.document_hash, body.service_method,
                        Recipient(**body.recipient.model_dump()) if body.recipient else None, body.region),
                    out=CaseWritten, status_code=201)
    response.headers["Location"] = f"/cases/{case_id}/notices/{notice_id}"
    return out


@router.post("/cases/{case_id}/notices/{notice_id}/sign", summary="承办法官签发文书")
async def sign_notice(case_id: str, notice_id: str, request: Request, response: Response, officer: Judge, rt: Rt
                      ) -> CaseWritten:
    return await run(request, response, rt, officer, Role.JUDGE, case_id, lambda w: c.SignNotice(w, notice_id),
                     out=CaseWritten)


@router.post("/cases/{case_id}/suspension", summary="裁定中止执行（期限暂停计算）")
async def suspend(case_id: str, body: ReasonIn, request: Request, response: Response, officer: Judge, rt: Rt
                 ) -> CaseWritten:
    return await run(request, response, rt, officer, Role.JUDGE, case_id,
                     lambda w: c.Suspend(w, body.reason), out=CaseWritten)


@router.post("/cases/{case_id}/suspension/lift", summary="中止情形消失，恢复执行（期限继续计算）")
async def lift_suspension(case_id: str, body: ReasonIn, request: Request, response: Response, officer: Judge, rt: Rt
                         ) -> CaseWritten:
    return await run(request, response, rt, officer, Role.JUDGE, case_id,
                     lambda w: c.LiftSuspension(w, body.reason), out=CaseWritten)


class PostponeIn(ReasonIn):
    until: date = Field(description="暂缓至（日期）")


@router.post("/cases/{case_id}/postponement", summary="决定暂缓执行（期限暂停计算）")
async def postpone(case_id: str, body: PostponeIn, request: Request, response: Response, officer: Judge, rt: Rt
                  ) -> CaseWritten:
    return await run(request, response, rt, officer, Role.JUDGE, case_id,
                     lambda w: c.Postpone(w, body.reason, body.until), out=CaseWritten)


@router.post("/cases/{case_id}/postponement/lift", summary="结束暂缓执行")
async def lift_postponement(case_id: str, body: ReasonIn, request: Request, response: Response, officer: Judge, rt: Rt
                           ) -> CaseWritten:
    return await run(request, response, rt, officer, Role.JUDGE, case_id,
                     lambda w: c.LiftPostponement(w, body.reason), out=CaseWritten)


async def _with_tolled(conn: asyncpg.Connection, state: CaseState,
                       cmd: c.RequestExtension | c.ApproveExtension) -> c.RequestExtension | c.ApproveExtension:
    """The close-by date tolls disposal's periods as supervision does (docs/rules.md §3)."""
    return replace(cmd, tolled=await tolled(conn, state.case_id or ""))


class ExtensionIn(ReasonIn):
    months: int = Field(ge=1, le=3, description="延长月数（最多 3 个月）")


@router.post("/cases/{case_id}/extension", summary="申请延长执行期限（期限届满 5 日前）")
async def request_extension(case_id: str, body: ExtensionIn, request: Request, response: Response, officer: Judge,
                            rt: Rt) -> CaseWritten:
    return await run(request, response, rt, officer, Role.JUDGE, case_id,
                     lambda w: c.RequestExtension(w, body.months, body.reason), out=CaseWritten,
                     prepare=_with_tolled)


@router.post("/cases/{case_id}/extension/approve", summary="院长或副院长批准延长执行期限")
async def approve_extension(case_id: str, request: Request, response: Response, officer: ExtensionApprover,
                            rt: Rt) -> CaseWritten:
    role = Role.PRESIDENT if officer.has(Role.PRESIDENT) else Role.VICE_PRESIDENT
    return await run(request, response, rt, officer, role, case_id, c.ApproveExtension, out=CaseWritten,
                     prepare=_with_tolled)


class InterviewIn(Body):
    summary_hash: str = Field(pattern=HASH_PATTERN, description="约谈笔录哈希")
    interviewed_on: date


@router.post("/cases/{case_id}/interview", summary="约谈申请执行人（终本前）")
async def interview(case_id: str, body: InterviewIn, request: Request, response: Response, officer: Judge, rt: Rt
                   ) -> CaseWritten:
    return await run(request, response, rt, officer, Role.JUDGE, case_id,
                     lambda w: c.RecordInterview(w, body.summary_hash, body.interviewed_on), out=CaseWritten)


class SettlementIn(Body):
    performed: bool = Field(description="和解协议是否已履行完毕")
    agreement_hash: str = Field(pattern=HASH_PATTERN, description="和解协议哈希")


@router.post("/cases/{case_id}/settlement", summary="记录执行和解")
async def settlement(case_id: str, body: SettlementIn, request: Request, response: Response, officer: Judge, rt: Rt
                    ) -> CaseWritten:
    return await run(request, response, rt, officer, Role.JUDGE, case_id,
                     lambda w: c.RecordSettlement(w, body.performed, body.agreement_hash), out=CaseWritten)


class ClosureIn(ReasonIn):
    closure_type: Literal["执行完毕", "终本", "终结执行", "销案", "不予执行", "驳回申请"]
    debtor_qualifies_for_blacklisting: bool = Field(
        default=False, description="被执行人符合纳入失信名单条件（终本须已作出纳入决定）"
    )


async def _with_facts(request: Request, conn: asyncpg.Connection, state: CaseState,
                      cmd: c.ProposeClosure | c.ApproveClosure) -> c.ProposeClosure | c.ApproveClosure:
    policy = config(request).closure
    return replace(cmd, facts=await closure_facts(conn, state.case_id or "", policy), policy=policy)


@router.post("/cases/{case_id}/closure", summary="承办法官提请结案（终本逐项核对全部条件）")
async def propose_closure(case_id: str, body: ClosureIn, request: Request, response: Response, officer: Judge,
                          rt: Rt) -> CaseWritten:
    policy = config(request).closure
    return await run(
        request, response, rt, officer, Role.JUDGE, case_id,
        lambda w: c.ProposeClosure(w, body.closure_type, body.reason, c.ClosureFacts(), policy,
                                   body.debtor_qualifies_for_blacklisting),
        out=CaseWritten, prepare=lambda conn, state, cmd: _with_facts(request, conn, state, cmd),
    )


@router.post("/cases/{case_id}/closure/approve", summary="批准结案（承办法官以外的人员）")
async def approve_closure(case_id: str, request: Request, response: Response, officer: Approver, rt: Rt
                          ) -> CaseWritten:
    policy = config(request).closure
    role = next(r for r in (Role.BUREAU_CHIEF, Role.VICE_PRESIDENT, Role.PRESIDENT) if officer.has(r))
    return await run(request, response, rt, officer, role, case_id,
                     lambda w: c.ApproveClosure(w, c.ClosureFacts(), policy), out=CaseWritten,
                     prepare=lambda conn, state, cmd: _with_facts(request, conn, state, cmd))


@router.post("/cases/{case_id}/closure/reject", summary="不批准结案（退回承办法官）")
async def reject_closure(case_id: str, body: ReasonIn, request: Request, response: Response, officer: Approver,
                         rt: Rt) -> CaseWritten:
    role = next(r for r in (Role.BUREAU_CHIEF, Role.VICE_PRESIDENT, Role.PRESIDENT) if officer.has(r))
    return await run(request, response, rt, officer, role, case_id, lambda w: c.RejectClosure(w, body.reason),
                     out=CaseWritten)
