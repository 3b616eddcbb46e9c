"""The case account (一案一账号): money in, two-person payouts, paid in full. Pure decision functions.

The command runner serialises every writer of one case (advisory lock on the case id) and each
decision is taken on the freshly folded balance, so two concurrent payouts can never overdraw the
account.
"""

from __future__ import annotations

from datetime import date

from services.disposal.domain.commands import ApprovePayout, CaseFacts, ProposePayout, ReceiveFunds, RejectPayout
from services.disposal.domain.rules import RuleBroken
from services.disposal.domain.state import LedgerState, Pending, evolve_ledger
from services.disposal.events import (
    ClaimPaidInFull,
    FundsReceived,
    PayoutApproved,
    PayoutProposed,
    PayoutRejected,
)
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.events import DomainEvent

PROCEEDS = ("auction_proceeds", "sale_proceeds")


def receive(c: ReceiveFunds, s: LedgerState) -> list[DomainEvent]:
    if any(r.entry_id == c.entry_id for r in s.receipts):
        return []  # the same arrival recorded twice (e.g. a redelivered deduction) changes nothing
    if c.amount_fen <= 0:
        raise InvalidInput("金额应大于 0", code="amount_not_positive")
    if c.source in PROCEEDS:
        if c.disposal_id is None or c.proceeds_limit_fen is None:
            raise RuleBroken("一案一账号", "disposal_id", "拍卖、变卖价款须对应本案已成交的处置",
                             "disposal_not_sold")
        left = c.proceeds_limit_fen - s.received_for(c.disposal_id)
        if c.amount_fen > left:
            raise RuleBroken("一案一账号", "amount_fen", f"到账金额超过尚未到账的成交价款（{left} 分）",
                             "proceeds_exceed_price")
    received = FundsReceived(
        entry_id=c.entry_id, amount_fen=c.amount_fen, source=c.source, in_kind=c.in_kind,  # type: ignore[arg-type]
        received_on=c.received_on, disposal_id=c.disposal_id, control_id=c.control_id, payer=c.payer,
        recorded_by=c.officer_id,
    )
    after = evolve_ledger(s, received)
    return [received, *_paid_in_full(after, c.facts, c.received_on)]


def propose(c: ProposePayout, s: LedgerState) -> list[DomainEvent]:
    if c.amount_fen <= 0:
        raise InvalidInput("金额应大于 0", code="amount_not_positive")
    if c.payout_id in s.closed_payouts or any(p.payout_id == c.payout_id for p in s.pending):
        raise Conflict("该发放申请已存在", code="payout_exists")
    if c.amount_fen > s.available_fen:
        # 互相制约-9: the case balance never goes negative (pending proposals are reserved).
        raise RuleBroken("互相制约-9", "amount_fen",
                         f"发放金额超过账户可用余额（{s.available_fen} 分）", "insufficient_balance")
    due = s.due(c.facts, c.today)
    reserved = sum(p.amount_fen for p in s.pending if p.recipient == c.recipient)
    if c.recipient == "court_fee":
        left = due.fee_fen - s.paid_fee_fen - reserved
    else:
        left = due.claim_fen + due.interest_fen - s.paid_applicant_fen - s.in_kind_fen - reserved
    if c.amount_fen > left:
        raise RuleBroken("一案一账号", "amount_fen", f"发放金额超过尚应支付的金额（{max(left, 0)} 分）",
                         "payout_exceeds_due")
    return [PayoutProposed(payout_id=c.payout_id, amount_fen=c.amount_fen, recipient=c.recipient,  # type: ignore[arg-type]
                           proposed_by=c.officer_id)]


def approve(c: ApprovePayout, s: LedgerState) -> list[DomainEvent]:
    p = _pending(s, c.payout_id)
    if p.proposed_by == c.officer_id:
        raise Forbidden("发放执行款须由另一名财务人员审批（申请人与审批人不得为同一人）",
                        code="maker_is_checker", rule="互相制约-9")
    if p.amount_fen > s.balance_fen:
        raise RuleBroken("互相制约-9", "amount_fen", "账户余额不足，发放后余额将为负", "insufficient_balance")
    overdue = [a.entry_id for a in s.payout_limits(c.today) if a.overdue]
    approved = PayoutApproved(
        payout_id=p.payout_id, amount_fen=p.amount_fen, recipient=p.recipient,  # type: ignore[arg-type]
        proposed_by=p.proposed_by, approved_by=c.officer_id, paid_on=c.today,
        balance_after_fen=s.balance_fen - p.amount_fen, overdue_arrivals=overdue,
    )
    return [approved, *_paid_in_full(evolve_ledger(s, approved), c.facts, c.today)]


def reject(c: RejectPayout, s: LedgerState) -> list[DomainEvent]:
    p = _pending(s, c.payout_id)
    return [PayoutRejected(payout_id=p.payout_id, rejected_by=c.officer_id, reason=c.reason)]


def _pending(s: LedgerState, payout_id: str) -> Pending:
    for p in s.pending:
        if p.payout_id == payout_id:
            return p
    if payout_id in s.closed_payouts:
        raise Conflict("该发放申请已处理", code="payout_closed")
    raise NotFound("未找到待审批的发放申请", code="payout_not_found")


def _paid_in_full(s: LedgerState, facts: CaseFacts | None, today: date) -> list[DomainEvent]:
    """执行完毕 on the money side: claim and interest reached the applicant, the fee the court."""
    if s.paid_in_full or facts is None:
        return []
    due = s.due(facts, today)
    if s.paid_applicant_fen + s.in_kind_fen >= due.claim_fen + due.interest_fen and s.paid_fee_fen >= due.fee_fen:
        return [ClaimPaidInFull(amount_fen=due.total_fen, claim_amount_fen=due.claim_fen, fee_fen=due.fee_fen,
                                interest_fen=due.interest_fen, paid_on=today)]
    return []
