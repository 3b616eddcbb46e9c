"""我的待办 in disposal (shared/worklist.py).

- finance_officer: payouts proposed by another finance officer, to approve or send back (互相制约-9:
  the one who proposed never approves), and cash arrivals not yet paid out, to propose a payout —
  each due by the arrival's 30-day payout limit (执行款规定 2017 art. 9; ``payout_schedule``).
- disposal_officer: the disposal centre's queue — every open disposal of the court whose next step
  is the centre's (fix the reference price by the procedure's due date, 参考价规定 arts. 11/19;
  announce the auction; record its result by the bidding's end; re-auction within 30 days of a failed
  one, 网拍规定 art. 26).
- judge: the steps of their own cases' disposals that are the judge's (auction terms, sale ruling).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
from fastapi import APIRouter

from services.disposal.api.common import Rt, Staff
from services.disposal.domain.decider import DisposalDecider, LedgerDecider, ledger_stream_id, stream_id
from services.disposal.domain.rules import REAUCTION_DAYS, procedure_due, statutory_deadline
from services.disposal.domain.state import DisposalState, LedgerState
from shared import clock
from shared.auth import Principal, Role
from shared.commands import fold
from shared.labels import label, yuan
from shared.worklist import Limit, Offset, Work, Worklist, worklist

router = APIRouter(tags=["我的待办 worklist"])
DISPOSALS, LEDGER = DisposalDecider(), LedgerDecider()


async def _finance(conn: asyncpg.Connection, rt: Rt, officer: Principal, today: date) -> list[Work]:
    rows = await conn.fetch(
        "SELECT f.case_id, f.case_number FROM case_facts f WHERE f.court = $1 AND EXISTS (SELECT 1 FROM events e"
        " WHERE e.case_id = f.case_id AND e.event_type = 'disposal.funds_received') AND NOT EXISTS (SELECT 1"
        " FROM events e WHERE e.case_id = f.case_id AND e.event_type = 'disposal.claim_paid_in_full')",
        officer.court,
    )
    out: list[Work] = []
    for r in rows:
        cid, number = r["case_id"], r["case_number"]
        state: LedgerState = fold(LEDGER, await rt.store.load(conn, ledger_stream_id(cid)))
        limits = state.payout_limits(today)
        due = min((a.pay_by for a in limits), default=None)
        for p in state.pending:
            if p.proposed_by == officer.officer_id:  # 互相制约-9: another officer approves it
                continue
            out.append(Work("payout_approval", Role.FINANCE_OFFICER, cid, number,
                            f"审批执行款发放 {yuan(p.amount_fen)}"
                            f"（{label('recipient', p.recipient)}，制单 {p.proposed_by}）",
                            due, "POST", f"/cases/{cid}/ledger/payouts/{p.payout_id}/approval", "审批发放",
                            ref=p.payout_id, detail=f"退回：POST /cases/{cid}/ledger/payouts/{p.payout_id}/rejection"))
        if limits and not state.pending:
            outstanding = sum(a.outstanding_fen for a in limits)
            out.append(Work("payout_propose", Role.FINANCE_OFFICER, cid, number,
                            f"发放已到账执行款 {yuan(outstanding)}（到账后30日内）", due,
                            "POST", f"/cases/{cid}/ledger/payouts", "申请发放"))
    return out


def _next_step(s: DisposalState, cid: str, number: str | None) -> Work | None:
    did, asset = s.disposal_id, s.asset_id
    base = f"/disposals/{did}"
    if s.status == "decided" and s.procedure is None:
        return Work("price_start", Role.DISPOSAL_OFFICER, cid, number, f"启动确定参考价程序（财产 {asset}）", None,
                    "POST", f"{base}/price/procedure", "启动参考价程序", ref=did)
    if s.status == "decided" and s.procedure is not None:
        method, started, ext = s.procedure
        return Work("price_fix", Role.DISPOSAL_OFFICER, cid, number,
                    f"确定参考价（{label('price_method', method)}，财产 {asset}）",
                    procedure_due(method, started, ext), "POST", f"{base}/price", "确定参考价", ref=did)  # type: ignore[arg-type]
    if s.status == "priced" and s.terms is None:
        return Work("auction_terms", Role.JUDGE, cid, number, f"确定拍卖起拍价与保证金（财产 {asset}）", None,
                    "POST", f"{base}/auction-terms", "确定拍卖条件", ref=did)
    if s.status == "priced":
        return Work("auction_schedule", Role.DISPOSAL_OFFICER, cid, number, f"发布拍卖公告（财产 {asset}）", None,
                    "POST", f"{base}/auctions", "发布拍卖", ref=did)
    if s.status == "auction_scheduled":
        last = s.auctions[-1]
        ends = last.bidding_end.astimezone(clock.SHANGHAI).date()
        return Work("auction_result", Role.DISPOSAL_OFFICER, cid, number,
                    f"登记第{last.round}次拍卖结果（财产 {asset}）", ends,
                    "POST", f"{base}/auctions/{last.round}/result", "登记拍卖结果", ref=did)
    if s.status == "auction_unsold":
        last = s.auctions[-1]
        due = statutory_deadline(last.ended_on, REAUCTION_DAYS) if last.ended_on else None
        return Work("reauction", Role.DISPOSAL_OFFICER, cid, number,
                    f"第{last.round}次拍卖流拍：再次拍卖、变卖或以物抵债（财产 {asset}）", due,
                    "POST", f"{base}/auctions", "再次拍卖", ref=did)
    if s.status in ("auction_sold", "sold") and not s.ruling_signed:
        return Work("sale_ruling", Role.JUDGE, cid, number, f"签发成交裁定（财产 {asset}）", None,
                    "POST", f"{base}/sale-ruling", "签发成交裁定", ref=did)
    return None


async def _disposals(conn: asyncpg.Connection, rt: Rt, officer: Principal) -> list[Work]:
    rows = await conn.fetch(
        "SELECT d.disposal_id, d.case_id, f.case_number, f.judge_id FROM disposals d JOIN case_facts f"
        " ON f.case_id = d.case_id WHERE f.court = $1 AND d.status <> 'concluded' ORDER BY d.disposal_id",
        officer.court,
    )
    out: list[Work] = []
    for r in rows:
        state: DisposalState = fold(DISPOSALS, await rt.store.load(conn, stream_id(r["disposal_id"])))
        step = _next_step(state, r["case_id"], r["case_number"])
        if step is None:
            continue
        if step.role == Role.DISPOSAL_OFFICER and officer.has(Role.DISPOSAL_OFFICER):
            out.append(step)
        elif step.role == Role.JUDGE and officer.has(Role.JUDGE) and r["judge_id"] == officer.officer_id:
            out.append(step)
    return out


async def collect(rt: Rt, officer: Principal, today: date) -> list[Any]:
    work: list[Work] = []
    async with rt.pool.acquire() as conn:
        if officer.has(Role.FINANCE_OFFICER):
            work += await _finance(conn, rt, officer, today)
        if officer.has(Role.DISPOSAL_OFFICER, Role.JUDGE):
            work += await _disposals(conn, rt, officer)
    return work


@router.get("/worklist", summary="我的待办（按令牌中的人员、角色、法院；按期限排序，分页）")
async def my_worklist(officer: Staff, rt: Rt, limit: Limit = 50, offset: Offset = 0) -> Worklist:
    today = clock.today()
    return worklist(officer, "disposal", await collect(rt, officer, today), today, limit, offset)
