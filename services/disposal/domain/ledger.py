"""The case account (一案一账号): money in, two-person payouts, amount due (pure decide/evolve).

Stream ``disposal.ledger:<case_id>``. The command runner serialises every writer of one case
(advisory lock on the case id) and each decision is taken on the freshly folded balance, so two
concurrent payouts can never overdraw the account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from services.disposal.domain.money import AmountDue, Arrival, amount_due, payout_schedule
from services.disposal.domain.rules import RuleBroken
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


@dataclass(frozen=True)
class CaseFacts:
    """From intake.case_registered: the claim and the day performance was due."""

    claim_fen: int
    deadline: date


@dataclass(frozen=True)
class Receipt:
    entry_id: str
    on: date
    amount_fen: int
    source: str
    in_kind: bool
    disposal_id: str | None


@dataclass(frozen=True)
class Pending:
    payout_id: str
    amount_fen: int
    recipient: str
    proposed_by: str


@dataclass(frozen=True)
class LedgerState:
    receipts: tuple[Receipt, ...] = ()
    pending: tuple[Pending, ...] = ()
    closed_payouts: frozenset[str] = frozenset()
    paid_applicant_fen: int = 0
    paid_fee_fen: int = 0
    paid_in_full: bool = False

    @property
    def cash_in_fen(self) -> int:
        return sum(r.amount_fen for r in self.receipts if not r.in_kind)

    @property
    def in_kind_fen(self) -> int:
        return sum(r.amount_fen for r in self.receipts if r.in_kind)

    @property
    def balance_fen(self) -> int:
        return self.cash_in_fen - self.paid_applicant_fen - self.paid_fee_fen

    @property
    def available_fen(self) -> int:
        return self.balance_fen - sum(p.amount_fen for p in self.pending)

    def received_for(self, disposal_id: str) -> int:
        return sum(r.amount_fen for r in self.receipts if r.disposal_id == disposal_id)

    def arrivals(self) -> list[Arrival]:
        return [Arrival(r.on, r.amount_fen) for r in self.receipts]

    def due(self, facts: CaseFacts, today: date) -> AmountDue:
        return amount_due(facts.claim_fen, facts.deadline, self.arrivals(), today)


@dataclass(frozen=True)
class ReceiveFunds:
    entry_id: str
    amount_fen: int
    source: str
    received_on: date
    officer_id: str
    facts: CaseFacts | None
    in_kind: bool = False
    disposal_id: str | None = None
    control_id: str | None = None
    payer: str | None = None
    proceeds_limit_fen: int | None = None  # the sale price, for auction and sale proceeds


@dataclass(frozen=True)
class ProposePayout:
    payout_id: str
    amount_fen: int
    recipient: str
    officer_id: str
    today: date
    facts: CaseFacts


@dataclass(frozen=True)
class ApprovePayout:
    payout_id: str
    officer_id: str
    today: date
    facts: CaseFacts


@dataclass(frozen=True)
class RejectPayout:
    payout_id: str
    officer_id: str
    reason: str


class LedgerDecider:
    def initial_state(self) -> LedgerState:
        return LedgerState()

    def evolve(self, s: LedgerState, e: DomainEvent) -> LedgerState:
        if isinstance(e, FundsReceived):
            r = Receipt(e.entry_id, e.received_on, e.amount_fen, e.source, e.in_kind, e.disposal_id)
            return replace(s, receipts=(*s.receipts, r))
        if isinstance(e, PayoutProposed):
            return replace(s, pending=(*s.pending, Pending(e.payout_id, e.amount_fen, e.recipient, e.proposed_by)))
        if isinstance(e, PayoutApproved | PayoutRejected):
            s = replace(s, pending=tuple(p for p in s.pending if p.payout_id != e.payout_id),
                        closed_payouts=s.closed_payouts | {e.payout_id})
            if isinstance(e, PayoutApproved):
                if e.recipient == "court_fee":
                    return replace(s, paid_fee_fen=s.paid_fee_fen + e.amount_fen)
                return replace(s, paid_applicant_fen=s.paid_applicant_fen + e.amount_fen)
            return s
        if isinstance(e, ClaimPaidInFull):
            return replace(s, paid_in_full=True)
        return s

    def decide(self, c: object, s: LedgerState) -> Sequence[DomainEvent]:
        if isinstance(c, ReceiveFunds):
            return self._receive(c, s)
        if isinstance(c, ProposePayout):
            return self._propose(c, s)
        if isinstance(c, ApprovePayout):
            return self._approve(c, s)
        if isinstance(c, RejectPayout):
            p = _pending(s, c.payout_id)
            return [PayoutRejected(payout_id=p.payout_id, rejected_by=c.officer_id, reason=c.reason)]
        raise TypeError(f"unknown command {type(c).__name__}")

    def _receive(self, c: ReceiveFunds, s: LedgerState) -> Sequence[DomainEvent]:
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
        after = self.evolve(s, received)
        return [received, *_paid_in_full(after, c.facts, c.received_on)]

    def _propose(self, c: ProposePayout, s: LedgerState) -> Sequence[DomainEvent]:
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

    def _approve(self, c: ApprovePayout, s: LedgerState) -> Sequence[DomainEvent]:
        p = _pending(s, c.payout_id)
        if p.proposed_by == c.officer_id:
            raise Forbidden("发放执行款须由另一名财务人员审批（申请人与审批人不得为同一人）",
                            code="maker_is_checker", rule="互相制约-9")
        if p.amount_fen > s.balance_fen:
            raise RuleBroken("互相制约-9", "amount_fen", "账户余额不足，发放后余额将为负", "insufficient_balance")
        overdue = [a.entry_id for a in payout_schedule(_cash(s), _paid(s), c.today) if a.overdue]
        approved = PayoutApproved(
            payout_id=p.payout_id, amount_fen=p.amount_fen, recipient=p.recipient,  # type: ignore[arg-type]
            proposed_by=p.proposed_by, approved_by=c.officer_id, paid_on=c.today,
            balance_after_fen=s.balance_fen - p.amount_fen, overdue_arrivals=overdue,
        )
        return [approved, *_paid_in_full(self.evolve(s, approved), c.facts, c.today)]


def _pending(s: LedgerState, payout_id: str) -> Pending:
    for p in s.pending:
        if p.payout_id == payout_id:
            return p
    if payout_id in s.closed_payouts:
        raise Conflict("该发放申请已处理", code="payout_closed")
    raise NotFound("未找到待审批的发放申请", code="payout_not_found")


def _cash(s: LedgerState) -> list[tuple[str, date, int]]:
    return [(r.entry_id, r.on, r.amount_fen) for r in s.receipts if not r.in_kind]


def _paid(s: LedgerState) -> int:
    return s.paid_applicant_fen + s.paid_fee_fen


def _paid_in_full(s: LedgerState, facts: CaseFacts | None, today: date) -> list[DomainEvent]:
    """执行完毕 on the money side: claim and interest reached the applicant, the fee the court."""
    if s.paid_in_full or facts is None:
        return []
    due = s.due(facts, today)
    if s.paid_applicant_fen + s.in_kind_fen >= due.claim_fen + due.interest_fen and s.paid_fee_fen >= due.fee_fen:
        return [ClaimPaidInFull(amount_fen=due.total_fen, claim_amount_fen=due.claim_fen, fee_fen=due.fee_fen,
                                interest_fen=due.interest_fen, paid_on=today)]
    return []


def ledger_view(s: LedgerState, facts: CaseFacts | None, today: date) -> dict[str, Any]:
    """What a finance officer sees: balance, amount due, pending payouts and payout limits."""
    view: dict[str, Any] = {
        "balance_fen": s.balance_fen,
        "available_fen": s.available_fen,
        "received_fen": s.cash_in_fen,
        "in_kind_fen": s.in_kind_fen,
        "paid_to_applicant_fen": s.paid_applicant_fen,
        "paid_fee_fen": s.paid_fee_fen,
        "paid_in_full": s.paid_in_full,
        "receipts": [r.__dict__ for r in s.receipts],
        "pending_payouts": [p.__dict__ for p in s.pending],
        "payout_limits": [a.__dict__ for a in payout_schedule(_cash(s), _paid(s), today)],
    }
    if facts is not None:
        due = s.due(facts, today)
        settled = s.paid_applicant_fen + s.in_kind_fen + s.paid_fee_fen
        view["amount_due"] = {"claim_fen": due.claim_fen, "fee_fen": due.fee_fen, "interest_fen": due.interest_fen,
                              "total_fen": due.total_fen, "outstanding_fen": max(0, due.total_fen - settled),
                              "as_of": today.isoformat()}
    return view
