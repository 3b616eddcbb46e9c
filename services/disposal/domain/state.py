"""The two aggregates of disposal as folds of their events (pure, no I/O).

:class:`DisposalState` is one asset's disposal (stream ``disposal.disposal:<disposal_id>``),
folded by :func:`evolve`; :class:`LedgerState` is the case account, 一案一账号 (stream
``disposal.ledger:<case_id>``), folded by :func:`evolve_ledger`. Each fold is a table from event
type to a small function; an event a table does not list leaves the state as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from services.disposal.domain import rules
from services.disposal.domain.commands import CaseFacts
from services.disposal.domain.money import AmountDue, Arrival, PendingArrival, amount_due, payout_schedule
from services.disposal.events import (
    AuctionEnded,
    AuctionScheduled,
    AuctionTermsFixed,
    ClaimPaidInFull,
    DirectSaleCompleted,
    DisposalConcluded,
    DisposalDecided,
    FundsReceived,
    JudicialAidPaid,
    JudicialAidPaymentProposed,
    JudicialAidPaymentRejected,
    NoticeServed,
    OnlineSaleAnnounced,
    OnlineSaleUnsold,
    PayoutApproved,
    PayoutProposed,
    PayoutRejected,
    PriceMethodUnavailable,
    PriceObjectionRaised,
    PriceObjectionRuled,
    PriceProcedureExtended,
    PriceProcedureStarted,
    ReferencePriceFixed,
    SaleRulingSigned,
)
from shared.events import DomainEvent

# ---- one asset's disposal ------------------------------------------------------------------


@dataclass(frozen=True)
class Auction:
    auction_id: str
    round: int
    starting_price_fen: int
    bidding_end: datetime
    result: str | None = None
    price_fen: int | None = None
    buyer: str | None = None
    ended_on: date | None = None
    last_bid_at: datetime | None = None
    bidding_start: datetime | None = None


@dataclass(frozen=True)
class DisposalState:
    decided: bool = False
    disposal_id: str = ""
    asset_id: str = ""
    asset_class: str = "movable"
    judge_id: str = ""
    controlled_by: tuple[str, ...] = ()
    notices: frozenset[tuple[str, str, date]] = frozenset()
    unavailable: frozenset[str] = frozenset()
    procedure: tuple[str, date, int] | None = None  # method, started_on, extensions
    price: ReferencePriceFixed | None = None
    objection_pending: bool = False
    terms: AuctionTermsFixed | None = None
    auctions: tuple[Auction, ...] = ()
    sale: tuple[int, str, str] | None = None  # price, buyer, outcome
    online_sale: OnlineSaleAnnounced | None = None  # 网络变卖 after the second unsold round
    online_sale_unsold: bool = False
    ruling_signed: bool = False
    outcome: str | None = None

    @property
    def status(self) -> str:
        if self.outcome:
            return "concluded"
        if self.sale:
            return "sold"
        if self.auctions:
            last = self.auctions[-1]
            return "auction_scheduled" if last.result is None else f"auction_{last.result}"
        if self.price:
            return "priced"
        return "decided" if self.decided else "new"


def _decided(s: DisposalState, e: DisposalDecided) -> DisposalState:
    return replace(s, decided=True, disposal_id=e.disposal_id, asset_id=e.asset_id,
                   asset_class=rules.asset_class(e.asset_kind), judge_id=e.judge_id,
                   controlled_by=tuple(e.controlled_by))


def _notice_served(s: DisposalState, e: NoticeServed) -> DisposalState:
    return replace(s, notices=s.notices | {(e.notice_kind, e.party, e.served_on)})


def _method_unavailable(s: DisposalState, e: PriceMethodUnavailable) -> DisposalState:
    return replace(s, unavailable=s.unavailable | {e.method})


def _procedure_started(s: DisposalState, e: PriceProcedureStarted) -> DisposalState:
    return replace(s, procedure=(e.method, e.started_on, 0))


def _procedure_extended(s: DisposalState, e: PriceProcedureExtended) -> DisposalState:
    if not s.procedure:
        return s
    return replace(s, procedure=(s.procedure[0], s.procedure[1], e.extensions))


def _price_fixed(s: DisposalState, e: ReferencePriceFixed) -> DisposalState:
    return replace(s, price=e, procedure=None)


def _objection_raised(s: DisposalState, e: PriceObjectionRaised) -> DisposalState:
    return replace(s, objection_pending=True)


def _objection_ruled(s: DisposalState, e: PriceObjectionRuled) -> DisposalState:
    return replace(s, objection_pending=False, price=None if e.upheld else s.price)


def _terms_fixed(s: DisposalState, e: AuctionTermsFixed) -> DisposalState:
    return replace(s, terms=e)


def _auction_scheduled(s: DisposalState, e: AuctionScheduled) -> DisposalState:
    a = Auction(e.auction_id, e.round, e.starting_price_fen, e.bidding_end, bidding_start=e.bidding_start)
    return replace(s, auctions=(*s.auctions, a), terms=None)


def _auction_ended(s: DisposalState, e: AuctionEnded) -> DisposalState:
    last = replace(s.auctions[-1], result=e.result, price_fen=e.price_fen, buyer=e.buyer, ended_on=e.ended_at.date(),
                   last_bid_at=e.last_bid_at)
    sale = (e.price_fen or 0, e.buyer or "", "sold") if e.result == "sold" else None
    return replace(s, auctions=(*s.auctions[:-1], last), sale=sale)


def _online_sale(s: DisposalState, e: OnlineSaleAnnounced) -> DisposalState:
    return replace(s, online_sale=e)


def _online_sale_unsold(s: DisposalState, e: OnlineSaleUnsold) -> DisposalState:
    return replace(s, online_sale_unsold=True)


def _direct_sale(s: DisposalState, e: DirectSaleCompleted) -> DisposalState:
    return replace(s, sale=(e.price_fen, e.buyer, "direct_sale"))


def _ruling_signed(s: DisposalState, e: SaleRulingSigned) -> DisposalState:
    return replace(s, ruling_signed=True)


def _concluded(s: DisposalState, e: DisposalConcluded) -> DisposalState:
    return replace(s, outcome=e.outcome)


EVOLVE: dict[type, Callable[[DisposalState, Any], DisposalState]] = {
    DisposalDecided: _decided,
    NoticeServed: _notice_served,
    PriceMethodUnavailable: _method_unavailable,
    PriceProcedureStarted: _procedure_started,
    PriceProcedureExtended: _procedure_extended,
    ReferencePriceFixed: _price_fixed,
    PriceObjectionRaised: _objection_raised,
    PriceObjectionRuled: _objection_ruled,
    AuctionTermsFixed: _terms_fixed,
    AuctionScheduled: _auction_scheduled,
    AuctionEnded: _auction_ended,
    OnlineSaleAnnounced: _online_sale,
    OnlineSaleUnsold: _online_sale_unsold,
    DirectSaleCompleted: _direct_sale,
    SaleRulingSigned: _ruling_signed,
    DisposalConcluded: _concluded,
}


def evolve(state: DisposalState, event: DomainEvent) -> DisposalState:
    """The disposal after ``event``."""
    step = EVOLVE.get(type(event))
    return state if step is None else step(state, event)


# ---- the case account ----------------------------------------------------------------------


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
class AidPayment:
    """Judicial aid paid through the account (domain/aid.py): never part of the enforcement money."""

    payment_id: str
    aid_id: str
    amount_fen: int
    paid_on: date
    paid_by: str
    proposed_by: str | None = None


@dataclass(frozen=True)
class AidPending:
    """An aid payment proposed by one finance officer, waiting for another's approval (互相制约-9)."""

    payment_id: str
    aid_id: str
    amount_fen: int
    granted_fen: int
    paid_on: date
    proposed_by: str


@dataclass(frozen=True)
class LedgerState:
    receipts: tuple[Receipt, ...] = ()
    pending: tuple[Pending, ...] = ()
    closed_payouts: frozenset[str] = frozenset()
    paid_applicant_fen: int = 0
    paid_fee_fen: int = 0
    paid_in_full: bool = False
    aid_payments: tuple[AidPayment, ...] = ()
    aid_pending: tuple[AidPending, ...] = ()
    aid_closed: frozenset[str] = frozenset()  # proposals approved or rejected

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

    def payout_limits(self, today: date) -> list[PendingArrival]:
        """Cash arrivals not yet paid out, each with its 30-day payout limit."""
        cash = [(r.entry_id, r.on, r.amount_fen) for r in self.receipts if not r.in_kind]
        return payout_schedule(cash, self.paid_applicant_fen + self.paid_fee_fen, today)


def _funds_received(s: LedgerState, e: FundsReceived) -> LedgerState:
    r = Receipt(e.entry_id, e.received_on, e.amount_fen, e.source, e.in_kind, e.disposal_id)
    return replace(s, receipts=(*s.receipts, r))


def _payout_proposed(s: LedgerState, e: PayoutProposed) -> LedgerState:
    return replace(s, pending=(*s.pending, Pending(e.payout_id, e.amount_fen, e.recipient, e.proposed_by)))


def _payout_closed(s: LedgerState, payout_id: str) -> LedgerState:
    return replace(s, pending=tuple(p for p in s.pending if p.payout_id != payout_id),
                   closed_payouts=s.closed_payouts | {payout_id})


def _payout_approved(s: LedgerState, e: PayoutApproved) -> LedgerState:
    s = _payout_closed(s, e.payout_id)
    if e.recipient == "court_fee":
        return replace(s, paid_fee_fen=s.paid_fee_fen + e.amount_fen)
    return replace(s, paid_applicant_fen=s.paid_applicant_fen + e.amount_fen)


def _payout_rejected(s: LedgerState, e: PayoutRejected) -> LedgerState:
    return _payout_closed(s, e.payout_id)


def _paid_in_full(s: LedgerState, e: ClaimPaidInFull) -> LedgerState:
    return replace(s, paid_in_full=True)


def _aid_closed(s: LedgerState, payment_id: str) -> LedgerState:
    return replace(s, aid_pending=tuple(p for p in s.aid_pending if p.payment_id != payment_id),
                   aid_closed=s.aid_closed | {payment_id})


def _aid_paid(s: LedgerState, e: JudicialAidPaid) -> LedgerState:
    s = _aid_closed(s, e.payment_id)
    return replace(s, aid_payments=(*s.aid_payments, AidPayment(e.payment_id, e.aid_id, e.amount_fen, e.paid_on,
                                                                e.paid_by, e.proposed_by)))


def _aid_proposed(s: LedgerState, e: JudicialAidPaymentProposed) -> LedgerState:
    return replace(s, aid_pending=(*s.aid_pending,
                                   AidPending(e.payment_id, e.aid_id, e.amount_fen, e.granted_fen, e.paid_on,
                                              e.proposed_by)))


def _aid_rejected(s: LedgerState, e: JudicialAidPaymentRejected) -> LedgerState:
    return _aid_closed(s, e.payment_id)


EVOLVE_LEDGER: dict[type, Callable[[LedgerState, Any], LedgerState]] = {
    JudicialAidPaid: _aid_paid,
    JudicialAidPaymentProposed: _aid_proposed,
    JudicialAidPaymentRejected: _aid_rejected,
    FundsReceived: _funds_received,
    PayoutProposed: _payout_proposed,
    PayoutApproved: _payout_approved,
    PayoutRejected: _payout_rejected,
    ClaimPaidInFull: _paid_in_full,
}


def evolve_ledger(state: LedgerState, event: DomainEvent) -> LedgerState:
    """The case account after ``event``."""
    step = EVOLVE_LEDGER.get(type(event))
    return state if step is None else step(state, event)
