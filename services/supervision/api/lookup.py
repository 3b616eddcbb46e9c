"""执行公开 (public, no staff token): a party asks for a one-time code, then reads their case with it
(services/supervision/lookup.py). And the staff's record of every message sent for a case."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from services.supervision import lookup
from services.supervision.alerts.sms import template_of
from services.supervision.api.lookup_models import (
    CaseMessages,
    CodeAccepted,
    CodeRequest,
    LookupRequest,
    PartyCaseView,
)
from services.supervision.settings import Settings
from shared import openapi
from shared.app import Runtime, runtime
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.contact import mask_id_number, mask_mobile
from shared.problems import problem

router = APIRouter(tags=["执行公开 party lookup"])
Rt = Annotated[Runtime, Depends(runtime)]
Staff = Annotated[Principal, Depends(require_roles(*(r.value for r in Role), rule=POWERS_LIST))]
REFUSED = "案号、证件号码或验证码不正确，或验证码已失效，请重新获取验证码"
SENT = "如案号与证件号码相符且已登记手机号，验证码已发送至该手机"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _limited(request: Request, exc: lookup.Limited) -> JSONResponse:
    return problem(429, "rate_limited", f"查询过于频繁，请 {exc.retry_after_s} 秒后再试", instance=request.url.path,
                   headers={"Retry-After": str(exc.retry_after_s)}, retry_after_s=exc.retry_after_s)


@router.post("/public/lookup/code", status_code=202, response_model=CodeAccepted,
             summary="当事人查询：以案号和本人证件号码获取短信验证码（无需工作人员令牌）",
             responses=openapi.problems(429))
async def request_code(body: CodeRequest, request: Request, rt: Rt) -> Any:
    settings: Settings = rt.settings  # type: ignore[assignment]
    try:
        await lookup.send_code(rt.pool, rt.store, settings.lookup, body.case_number, body.id_number,
                               _client(request))
    except lookup.Limited as exc:
        return _limited(request, exc)
    return CodeAccepted(detail=SENT, expires_in_s=settings.lookup.code_ttl_s)


@router.post("/public/lookup", response_model=PartyCaseView,
             summary="当事人查询：以案号、本人证件号码和验证码查看本案进度（一次有效）",
             responses=openapi.problems(403, 429))
async def read_case(body: LookupRequest, request: Request, rt: Rt) -> Any:
    settings: Settings = rt.settings  # type: ignore[assignment]
    try:
        found = await lookup.verify(rt.pool, rt.store, settings.lookup, body.case_number, body.id_number,
                                    body.code, _client(request))
    except lookup.Limited as exc:
        return _limited(request, exc)
    if found is None:
        return problem(403, "lookup_refused", REFUSED, instance=request.url.path)
    case_id, party, parties = found
    return PartyCaseView.model_validate(await lookup.case_view(rt.pool, case_id, party, parties))


def _record(row: Any) -> dict[str, Any]:
    message = row["message"] or {}
    recipient = message.get("recipient") or {}
    template, values = template_of(message)
    params = {k: str(v) for k, v in values.items()}
    text = str(message.get("message", ""))
    if "code" in params:
        text = text.replace(params["code"], "******")
        params["code"] = "******"
    rid = recipient.get("id")
    party = recipient.get("role") in ("applicant", "respondent")
    return {
        "notification_id": row["notification_id"], "kind": message.get("kind", "?"),
        "template": template, "params": params, "recipient_role": row["recipient_role"],
        "recipient_id": mask_id_number(rid) if party else rid, "recipient_name": recipient.get("name"),
        "mobile": mask_mobile(recipient.get("mobile")), "text": text, "status": row["status"],
        "attempts": row["attempts"], "last_error": row["last_error"], "created_at": row["created_at"],
        "sent_at": row["sent_at"],
    }


@router.get("/cases/{case_id}/messages",
            summary="本案发出的全部消息：接收人、手机号（遮蔽）、模板、参数、状态、尝试次数")
async def case_messages(case_id: str, officer: Staff, rt: Rt) -> CaseMessages:
    rows = await rt.pool.fetch(
        "SELECT notification_id::text, recipient_role, message, status, attempts, last_error, created_at, sent_at"
        " FROM notification_outbox WHERE case_id = $1 AND court = $2 ORDER BY id", case_id, officer.court)
    return CaseMessages.model_validate({"case_id": case_id, "messages": [_record(r) for r in rows]})
