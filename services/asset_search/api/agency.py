"""The linkage agencies' API: signed requests only (docs/architecture.md §5).

Every request carries ``x-agency-id`` and Standard-Webhooks headers; the signature covers
``webhook-id.webhook-timestamp.body``. Order of checks: staff credentials refused → headers
present → known agency → size limit → timestamp window and signature → per-agency rate limit.
A replayed ``webhook-id`` returns the first answer and writes nothing (the id is the command's
idempotency key). Another agency's query or control is 404 — existence is not revealed.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field, ValidationError

from services.asset_search.agencies import signing
from services.asset_search.agencies.registry import AgencyConfig, AgencyRegistry
from services.asset_search.api import models_agency as ma
from services.asset_search.domain.border import ConfirmExitRestriction
from services.asset_search.domain.commands import ConfirmControl, RecordAnswer, RecordDelivery
from services.asset_search.events import AssetKind, FoundItem
from services.asset_search.execution import execute
from services.asset_search.settings import Settings
from shared import openapi
from shared.app import Runtime, runtime
from shared.commands import CommandResult, IdempotencyRequest, Prepare
from shared.envelope import Actor
from shared.errors import DomainError, InvalidInput, NotFound, Unauthorized
from shared.problems import validation_field_errors
from shared.text import BIGINT_MAX, RequestModel

router = APIRouter(prefix="/agency", tags=["联动单位接口 agency API"])
Rt = Annotated[Runtime, Depends(runtime)]


class PayloadTooLarge(DomainError):
    kind = "too_large"
    code = "payload_too_large"


class RateLimited(DomainError):
    kind = "rate_limited"
    code = "rate_limited"

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"请求过于频繁，请 {retry_after_s} 秒后重试", extra={"retry_after_s": retry_after_s})
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class AgencyCall:
    """An authenticated agency request: who, which message, the exact bytes that were signed."""

    agency: AgencyConfig
    message_id: str
    body: bytes

    @property
    def actor(self) -> Actor:
        return Actor(kind="agency", id=self.agency.id, name=self.agency.name)

    def idempotency(self, request: Request) -> IdempotencyRequest:
        digest = hashlib.sha256(request.method.encode() + b" " + request.url.path.encode() + b"\n" + self.body)
        return IdempotencyRequest(f"agency:{self.agency.id}", self.message_id, digest.hexdigest())

    def parse(self, model: type[BaseModel]) -> Any:
        try:
            return model.model_validate_json(self.body or b"{}")
        except ValidationError as exc:
            errors = validation_field_errors([dict(e) for e in exc.errors()])
            fields = "、".join(e["field"] for e in errors[:5])
            raise InvalidInput(f"提交的内容有 {len(errors)} 处不符合要求：{fields}", errors=errors) from None


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"请求内容超过 {limit} 字节的上限")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"请求内容超过 {limit} 字节的上限")
        chunks.append(chunk)
    return b"".join(chunks)


async def _rate_limit(pool: asyncpg.Pool, agency: AgencyConfig) -> None:
    now = time.time()
    window = int(now) // agency.rate_window_s
    count = await pool.fetchval(
        "INSERT INTO agency_rate (agency_id, window_start, count) VALUES ($1, $2, 1)"
        " ON CONFLICT (agency_id, window_start) DO UPDATE SET count = agency_rate.count + 1 RETURNING count",
        agency.id,
        window,
    )
    if count > agency.rate_limit:
        raise RateLimited(max(1, math.ceil((window + 1) * agency.rate_window_s - now)))


@openapi.declares(security=openapi.AGENCY_SIGNATURE, statuses=[401, 413, 429])
async def agency_call(request: Request) -> AgencyCall:
    """Dependency: authenticate an agency request (never a staff token)."""
    settings: Settings = request.app.state.settings
    registry: AgencyRegistry = request.app.state.registry
    if request.headers.get("authorization"):
        raise Unauthorized(
            "联动单位接口只接受联动单位签名，不接受工作人员身份凭证", code="staff_credentials_not_accepted"
        )
    h = request.headers
    agency_id, message_id = h.get("x-agency-id", ""), h.get("webhook-id", "")
    timestamp, signature = h.get("webhook-timestamp", ""), h.get("webhook-signature", "")
    if not (agency_id and message_id and timestamp and signature):
        raise Unauthorized(
            "缺少联动单位签名：需要 x-agency-id、webhook-id、webhook-timestamp、webhook-signature",
            code="missing_signature",
        )
    agency = registry.get(agency_id)
    if agency is None:
        raise Unauthorized("签名无效", code="invalid_signature")  # an unknown id learns nothing more
    body = await _read_limited(request, settings.agency_max_body_bytes)
    try:
        signing.verify(
            agency.secrets,
            message_id,
            timestamp,
            signature,
            body,
            now=time.time(),
            tolerance_s=settings.signature_tolerance_s,
        )
    except signing.SignatureError as exc:
        raise Unauthorized(exc.message, code=exc.code) from None
    await _rate_limit(request.app.state.runtime.pool, agency)
    return AgencyCall(agency, message_id, body)


Agency = Annotated[AgencyCall, Depends(agency_call)]


class FoundItemIn(RequestModel):
    """查到的一项财产（联动单位提交；记入事件前逐项校验）。"""

    asset_kind: AssetKind
    identifier: str = Field(min_length=1, max_length=200, description="账号、不动产权证号、车牌号等")
    holder_id: str | None = None
    holder_name: str | None = None
    value_fen: Annotated[int, Field(strict=True, ge=0, le=BIGINT_MAX)] | None = Field(
        default=None, description="价值，单位：分（整数）"
    )
    location: str | None = None
    encumbrances: list[str] = Field(default_factory=list)
    existing_seizures: list[str] = Field(default_factory=list)

    def record(self) -> FoundItem:
        return FoundItem(**self.model_dump())


class ResultsIn(RequestModel):
    """查询结果：found 查到 / nothing_found 未查到 / partial 部分结果（后续补全）/ correction 更正。"""

    outcome: Literal["found", "nothing_found", "partial", "correction"]
    items: list[FoundItemIn] = Field(default_factory=list, max_length=500)


class ConfirmationIn(RequestModel):
    """控制回执：effective 已生效 / queued 轮候 / refused 未能执行。"""

    outcome: Literal["effective", "queued", "refused"]
    effective_date: date | None = None
    expiry_date: date | None = None
    amount_fen: Annotated[int, Field(strict=True, ge=0)] | None = None
    queue_position: Annotated[int, Field(strict=True, ge=1)] | None = None
    reason: str | None = Field(default=None, max_length=500)


async def _keep_evidence(conn: asyncpg.Connection, case_id: str, call: AgencyCall, ref_id: str, digest: str) -> None:
    await conn.execute(
        "INSERT INTO evidence (case_id, agency_id, ref_id, message_id, sha256, body) VALUES ($1,$2,$3,$4,$5,$6)",
        case_id,
        call.agency.id,
        ref_id,
        call.message_id,
        digest,
        call.body,
    )


_OWNED = {
    # what an agency answers: (table, key column, alias), each row addressed to one agency
    "query": ("queries", "query_id", "q"),
    "control": ("controls", "control_id", "k"),
    "exit_restriction": ("deliveries", "request_id", "d"),
}


async def _owned_case(rt: Runtime, what: str, ref_id: str, call: AgencyCall, not_found: str) -> tuple[str, str]:
    """(case id, court) of a query or control addressed to this agency; 404 for anyone else's."""
    table, key, alias = _OWNED[what]
    row = await rt.pool.fetchrow(
        f"SELECT {alias}.case_id, coalesce(c.court, '') AS court FROM {table} {alias}"
        f" LEFT JOIN case_facts c USING (case_id) WHERE {alias}.{key} = $1 AND {alias}.agency_id = $2",
        ref_id,
        call.agency.id,
    )
    if row is None:
        raise NotFound(not_found, code=f"{what}_not_found")
    return row["case_id"], row["court"]


def _evidence(case_id: str, call: AgencyCall, ref_id: str, digest: str) -> Prepare:
    """A prepare hook keeping the agency's raw payload as evidence, in the command's transaction."""

    async def keep(conn: asyncpg.Connection, state: Any, command: Any) -> Any:
        await _keep_evidence(conn, case_id, call, ref_id, digest)
        return command

    return keep


@router.get("/requests", summary="拉取本单位待处理的请求（查询、控制、续行、解除）")
async def pending_requests(call: Agency, rt: Rt) -> ma.PendingRequests:
    paused = (
        bool(await rt.pool.fetchval("SELECT paused FROM agency_state WHERE agency_id = $1", call.agency.id))
        or call.agency.paused
    )
    if paused:
        return ma.PendingRequests(paused=True, requests=[])
    rows = await rt.pool.fetch(
        "SELECT body FROM deliveries WHERE agency_id = $1 AND status = 'pending' ORDER BY created_at LIMIT 100",
        call.agency.id,
    )
    return ma.PendingRequests.model_validate({"paused": False, "requests": [r["body"] for r in rows]})


@router.post("/requests/{request_id}/take", summary="领取一个请求（拉取方式的送达）")
async def take_request(request_id: str, call: Agency, request: Request, rt: Rt) -> ma.TakenRequest:
    row = await rt.pool.fetchrow(
        "SELECT case_id, request_kind, ref_id, body, status FROM deliveries WHERE request_id = $1 AND agency_id = $2",
        request_id,
        call.agency.id,
    )
    if row is None or row["status"] == "cancelled":
        raise NotFound("未找到该请求", code="request_not_found")
    body = row["body"]
    _, out = await execute(
        rt,
        case_id=row["case_id"],
        court=body.get("court", ""),
        actor=call.actor,
        build=lambda now: RecordDelivery(
            request_id=request_id,
            request_kind=row["request_kind"],
            ref_id=row["ref_id"],
            agency_id=call.agency.id,
            channel="pull",
            attempts=1,
        ),
        respond=lambda result: (200, {"request": body}),
        idempotency=call.idempotency(request),
    )
    return ma.TakenRequest.model_validate(out)


@router.get("/queries/{query_id}", summary="查看发给本单位的一个查询")
async def get_query(query_id: str, call: Agency, rt: Rt) -> ma.QueryRequest:
    row = await rt.pool.fetchrow(
        "SELECT body FROM deliveries WHERE request_id = $1 AND agency_id = $2 AND request_kind = 'query'",
        query_id, call.agency.id,
    )
    if row is None:
        raise NotFound("未找到该查询", code="query_not_found")
    return ma.QueryRequest.model_validate(row["body"])


@router.post("/queries/{query_id}/results", summary="提交查询结果（可部分、可更正）",
             openapi_extra=openapi.raw_json_body(ResultsIn))
async def submit_results(query_id: str, call: Agency, request: Request, rt: Rt) -> ma.ResultsAccepted:
    case_id, court = await _owned_case(rt, "query", query_id, call, "未找到该查询")
    results: ResultsIn = call.parse(ResultsIn)
    digest = hashlib.sha256(call.body).hexdigest()

    def respond(result: CommandResult[Any]) -> tuple[int, dict[str, Any]]:
        found = [e.payload["asset_id"] for e in result.events if e.event_type == "asset_search.asset_found"]
        return 200, {
            "query_id": query_id,
            "outcome": results.outcome,
            "raw_hash": digest,
            "new_asset_ids": found,
            "accepted": True,
        }

    _, out = await execute(
        rt,
        case_id=case_id,
        court=court,
        actor=call.actor,
        build=lambda now: RecordAnswer(
            case_id=case_id,
            query_id=query_id,
            agency_id=call.agency.id,
            outcome=results.outcome,
            items=tuple(i.record() for i in results.items),
            raw_hash=digest,
            message_id=call.message_id,
            now=now,
        ),
        respond=respond,
        prepare=_evidence(case_id, call, query_id, digest),
        idempotency=call.idempotency(request),
    )
    return ma.ResultsAccepted.model_validate(out)


@router.post("/controls/{control_id}/confirmation", summary="提交控制回执（生效/轮候/未能执行；续行回执同此）",
             openapi_extra=openapi.raw_json_body(ConfirmationIn))
async def confirm_control(control_id: str, call: Agency, request: Request, rt: Rt) -> ma.ConfirmationAccepted:
    case_id, court = await _owned_case(rt, "control", control_id, call, "未找到该控制请求")
    body: ConfirmationIn = call.parse(ConfirmationIn)
    digest = hashlib.sha256(call.body).hexdigest()

    def respond(result: CommandResult[Any]) -> tuple[int, dict[str, Any]]:
        return 200, {"control_id": control_id, "events": [e.event_type for e in result.events], "raw_hash": digest}

    _, out = await execute(
        rt,
        case_id=case_id,
        court=court,
        actor=call.actor,
        build=lambda now: ConfirmControl(
            control_id=control_id,
            agency_id=call.agency.id,
            outcome=body.outcome,
            effective_date=body.effective_date,
            expiry_date=body.expiry_date,
            amount_fen=body.amount_fen,
            queue_position=body.queue_position,
            reason=body.reason,
            raw_hash=digest,
        ),
        respond=respond,
        prepare=_evidence(case_id, call, control_id, digest),
        idempotency=call.idempotency(request),
    )
    return ma.ConfirmationAccepted.model_validate(out)


class ExitConfirmationIn(RequestModel):
    """边控回执：effective 已办理（限制或解除生效）/ refused 未能办理。"""

    outcome: Literal["effective", "refused"]
    effective_date: date | None = None
    reason: str | None = Field(default=None, max_length=500)


@router.post("/exit-restrictions/{request_id}/confirmation", summary="边控机关提交限制出境（或解除）回执",
             openapi_extra=openapi.raw_json_body(ExitConfirmationIn))
async def confirm_exit_restriction(request_id: str, call: Agency, request: Request, rt: Rt
                                   ) -> ma.ExitConfirmationAccepted:
    case_id, court = await _owned_case(rt, "exit_restriction", request_id, call, "未找到该边控请求")
    body: ExitConfirmationIn = call.parse(ExitConfirmationIn)
    digest = hashlib.sha256(call.body).hexdigest()

    def respond(result: CommandResult[Any]) -> tuple[int, dict[str, Any]]:
        return 200, {"request_id": request_id, "events": [e.event_type for e in result.events], "raw_hash": digest}

    _, out = await execute(
        rt, case_id=case_id, court=court, actor=call.actor,
        build=lambda now: ConfirmExitRestriction(
            request_id=request_id, agency_id=call.agency.id, outcome=body.outcome,
            effective_date=body.effective_date, reason=body.reason, raw_hash=digest,
        ),
        respond=respond, prepare=_evidence(case_id, call, request_id, digest), idempotency=call.idempotency(request),
    )
    return ma.ExitConfirmationAccepted.model_validate(out)
