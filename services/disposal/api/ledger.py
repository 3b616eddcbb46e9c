"""HTTP surface of the case account (一案一账号): money in, payouts by maker and checker."""

from __future__ import annotations

import uuid
from typing import Any, Literal

import asyncpg
from fastapi import APIRouter, Request, Response
from pydantic import Field

from services.disposal.api.common import Fen, FinanceOfficer, PastDate, Rt, Staff, known_case, run
from services.disposal.api.models import AidPaymentWritten, Controls, LedgerOut, PayoutWritten, ReceiptWritten
from services.disposal.domain.aid import AidGrant, ApproveAid, ProposeAid, RejectAid
from services.disposal.domain.commands import (
    Acting,
    ApprovePayout,
    CaseFacts,
    ProposePayout,
    ReceiveFunds,
    RejectPayout,
)
from services.disposal.domain.decider import DisposalDecider, LedgerDecider, ledger_stream_id, stream_id
from services.disposal.domain.ledger import ledger_view
from services.disposal.domain.rules import objection_hold_ends
from services.disposal.domain.state import LedgerState
from services.disposal.reads import case_facts, disposal_case
from shared.auth import Role
from shared.commands import fold
from shared.envelope import now_shanghai
from shared.errors import NotFound
from shared.text import RequestModel

router = APIRouter(tags=["执行款 ledger"])
LEDGER = LedgerDecider()
DISPOSALS = DisposalDecider()


class In(RequestModel):
    """Base of this router's request bodies (shared/text.py: only storable text, ints within bigint)."""


class ReceiptIn(In):
    source: Literal["voluntary_payment", "auction_proceeds", "sale_proceeds"] = Field(
        description="voluntary_payment 自动履行 / auction_proceeds 拍卖价款 / sale_proceeds 变卖价款")
    amount_fen: Fen
    received_on: PastDate = Field(description="到账日期")
    disposal_id: str | None = Field(default=None, max_length=100, description="拍卖、变卖价款对应的处置")
    payer: str | None = Field(default=None, max_length=200)


class PayoutIn(In):
    amount_fen: Fen
    recipient: Literal["applicant", "court_fee"] = Field(
        default="applicant", description="applicant 发放申请执行人 / court_fee 执行申请费（由被执行人负担）")


class RejectIn(In):
    reason: str = Field(min_length=1, max_length=500)


async def _facts(conn: asyncpg.Connection, case_id: str) -> CaseFacts:
    facts = await case_facts(conn, case_id)
    if facts is None:
        raise NotFound("尚未收到该案件的执行标的信息", code="case_facts_missing")
    return facts


def _view(case_id: str) -> Any:
    def view(state: LedgerState) -> dict[str, Any]:
        return {"case_id": case_id, **ledger_view(state, None, now_shanghai().date())}

    return view


@router.get("/cases/{case_id}/ledger", summary="本案执行款账户：余额、应付金额、待审批发放、发放期限",
            response_model_exclude_unset=True)  # amount_due is absent, not null, while the claim is not known
async def get_ledger(case_id: str, officer: Staff, rt: Rt) -> LedgerOut:
    await known_case(rt, officer, case_id)
    async with rt.pool.acquire() as conn:
        state = fold(LEDGER, await rt.store.load(conn, ledger_stream_id(case_id)))
        facts = await case_facts(conn, case_id)
    return LedgerOut.model_validate({"case_id": case_id, **ledger_view(state, facts, now_shanghai().date())})


@router.post("/cases/{case_id}/ledger/receipts", status_code=201, summary="登记到账：自动履行或拍卖、变卖价款")
async def record_receipt(case_id: str, body: ReceiptIn, request: Request, response: Response,
                         officer: FinanceOfficer, rt: Rt) -> ReceiptWritten:
    entry_id = str(uuid.uuid4())

    async def build(conn: asyncpg.Connection, acting: Acting) -> ReceiveFunds:
        limit = None
        if body.disposal_id is not None and body.source != "voluntary_payment":
            if await disposal_case(conn, body.disposal_id) == case_id:
                sale = fold(DISPOSALS, await rt.store.load(conn, stream_id(body.disposal_id))).sale
                wanted = "sold" if body.source == "auction_proceeds" else "direct_sale"
                limit = sale[0] if sale and sale[2] == wanted else None
        return ReceiveFunds(
            entry_id=entry_id, amount_fen=body.amount_fen, source=body.source, received_on=body.received_on,
            officer_id=acting.officer_id, facts=await case_facts(conn, case_id), disposal_id=body.disposal_id,
            payer=body.payer, proceeds_limit_fen=limit,
        )

    return await run(request, response, rt, officer, Role.FINANCE_OFFICER, case_id=case_id,
                     stream_id=ledger_stream_id(case_id), decider=LEDGER, build=build, view=_view(case_id),
                     out=ReceiptWritten, status=201, extra={"entry_id": entry_id})


@router.post("/cases/{case_id}/ledger/payouts", status_code=201, summary="财务人员申请发放执行款")
async def propose_payout(case_id: str, body: PayoutIn, request: Request, response: Response,
                         officer: FinanceOfficer, rt: Rt) -> PayoutWritten:
    payout_id = str(uuid.uuid4())

    async def build(conn: asyncpg.Connection, acting: Acting) -> ProposePayout:
        return ProposePayout(payout_id, body.amount_fen, body.recipient, acting.officer_id, acting.now.date(),
                             await _facts(conn, case_id))

    return await run(request, response, rt, officer, Role.FINANCE_OFFICER, case_id=case_id,
                     stream_id=ledger_stream_id(case_id), decider=LEDGER, build=build, view=_view(case_id),
                     out=PayoutWritten, status=201, extra={"payout_id": payout_id})


@router.post("/cases/{case_id}/ledger/payouts/{payout_id}/approval", summary="另一名财务人员审批发放")
async def approve_payout(case_id: str, payout_id: str, request: Request, response: Response,
                         officer: FinanceOfficer, rt: Rt) -> PayoutWritten:
    async def build(conn: asyncpg.Connection, acting: Acting) -> ApprovePayout:
        return ApprovePayout(payout_id, acting.officer_id, acting.now.date(), await _facts(conn, case_id))

    return await run(request, response, rt, officer, Role.FINANCE_OFFICER, case_id=case_id,
                     stream_id=ledger_stream_id(case_id), decider=LEDGER, build=build, view=_view(case_id),
                     out=PayoutWritten, extra={"payout_id": payout_id})


@router.post("/cases/{case_id}/ledger/payouts/{payout_id}/rejection", summary="退回发放申请")
async def reject_payout(case_id: str, payout_id: str, body: RejectIn, request: Request, response: Response,
                        officer: FinanceOfficer, rt: Rt) -> PayoutWritten:
    async def build(conn: asyncpg.Connection, acting: Acting) -> RejectPayout:
        return RejectPayout(payout_id, acting.officer_id, body.reason)

    return await run(request, response, rt, officer, Role.FINANCE_OFFICER, case_id=case_id,
                     stream_id=ledger_stream_id(case_id), decider=LEDGER, build=build, view=_view(case_id),
                     out=PayoutWritten, extra={"payout_id": payout_id})


class AidPaymentIn(In):
    aid_id: str = Field(min_length=1, max_length=100, description="司法救助申请编号（立案服务已决定并报请拨付）")
    amount_fen: Fen
    paid_on: PastDate = Field(description="发放日期（审批时可写明实际发放日期，默认此日）")


class AidApprovalIn(In):
    paid_on: PastDate | None = Field(default=None, description="实际发放日期（默认申请所写日期；不早于它）")


@router.post("/cases/{case_id}/ledger/aid-payments", status_code=201,
             summary="申请经本案账户发放国家司法救助金（制单；须另一名财务人员审批；与执行款分列，不计入执行到位）")
async def propose_judicial_aid(case_id: str, body: AidPaymentIn, request: Request, response: Response,
                               officer: FinanceOfficer, rt: Rt) -> AidPaymentWritten:
    payment_id = str(uuid.uuid4())

    async def build(conn: asyncpg.Connection, acting: Acting) -> ProposeAid:
        row = await conn.fetchrow("SELECT amount_fen, reported FROM judicial_aid_grants"
                                  " WHERE aid_id = $1 AND case_id = $2", body.aid_id, case_id)
        grant = AidGrant(body.aid_id, int(row["amount_fen"]), bool(row["reported"])) if row else None
        return ProposeAid(payment_id, body.aid_id, body.amount_fen, body.paid_on, acting.officer_id, grant)

    return await run(request, response, rt, officer, Role.FINANCE_OFFICER, case_id=case_id,
                     stream_id=ledger_stream_id(case_id), decider=LEDGER, build=build, view=_view(case_id),
                     out=AidPaymentWritten, status=201, extra={"payment_id": payment_id})


@router.post("/cases/{case_id}/ledger/aid-payments/{payment_id}/approval",
             summary="另一名财务人员审批并发放司法救助金（制单人不得审批，互相制约-9）")
async def approve_judicial_aid(case_id: str, payment_id: str, request: Request, response: Response,
                               officer: FinanceOfficer, rt: Rt, body: AidApprovalIn | None = None
                               ) -> AidPaymentWritten:
    async def build(conn: asyncpg.Connection, acting: Acting) -> ApproveAid:
        return ApproveAid(payment_id, acting.officer_id, acting.now.date(), body.paid_on if body else None)

    return await run(request, response, rt, officer, Role.FINANCE_OFFICER, case_id=case_id,
                     stream_id=ledger_stream_id(case_id), decider=LEDGER, build=build, view=_view(case_id),
                     out=AidPaymentWritten, extra={"payment_id": payment_id})


@router.post("/cases/{case_id}/ledger/aid-payments/{payment_id}/rejection", summary="退回司法救助金发放申请")
async def reject_judicial_aid(case_id: str, payment_id: str, body: RejectIn, request: Request, response: Response,
                              officer: FinanceOfficer, rt: Rt) -> AidPaymentWritten:
    async def build(conn: asyncpg.Connection, acting: Acting) -> RejectAid:
        return RejectAid(payment_id, acting.officer_id, body.reason)

    return await run(request, response, rt, officer, Role.FINANCE_OFFICER, case_id=case_id,
                     stream_id=ledger_stream_id(case_id), decider=LEDGER, build=build, view=_view(case_id),
                     out=AidPaymentWritten, extra={"payment_id": payment_id})


@router.get("/cases/{case_id}/controls", summary="本案已控制的财产（来自查控、外勤事件）")
async def list_controls(case_id: str, officer: Staff, rt: Rt) -> Controls:
    await known_case(rt, officer, case_id)
    rows = await rt.pool.fetch("SELECT * FROM asset_controls WHERE case_id = $1 ORDER BY control_id", case_id)
    objections = await rt.pool.fetch("SELECT * FROM asset_objections WHERE case_id = $1", case_id)
    facts = await rt.pool.fetchrow("SELECT * FROM case_facts WHERE case_id = $1", case_id)
    return Controls.model_validate({"case_id": case_id, "case": dict(facts) if facts else None,
                                    "controls": [dict(r) for r in rows],
                                    "objections": [_objection(dict(r)) for r in objections]})


def _objection(row: dict[str, Any]) -> dict[str, Any]:
    rejected = row["status"] == "rejected" and row.get("decided_on") is not None
    return {**row, "hold_until": objection_hold_ends(row["decided_on"]) if rejected else None}
