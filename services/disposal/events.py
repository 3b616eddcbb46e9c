"""Disposal's published contract: the payloads of the events it writes to ``case-events``.

Two kinds of streams: ``disposal.disposal:<disposal_id>`` (one asset's way from the judge's
decision to its sale, offset or release) and ``disposal.ledger:<case_id>`` (the case account,
一案一账号). Money in fen; dates ISO; instants with offset.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from shared.events import REGISTRY, DomainEvent, event

NoticeKind = Literal["disposal_notice", "auction_notice", "price_report"]
Party = Literal["applicant", "respondent"]
Method = Literal["agreement", "targeted_enquiry", "online_enquiry", "valuation"]
Outcome = Literal["sold", "direct_sale", "offset_in_kind", "released"]
Source = Literal["bank_deduction", "auction_proceeds", "sale_proceeds", "voluntary_payment", "offset_in_kind"]
Recipient = Literal["applicant", "court_fee"]


@event("disposal.disposal_decided", 1, "法官决定处置财产 {asset_id}")
class DisposalDecided(DomainEvent):
    disposal_id: str
    asset_id: str
    asset_kind: str
    asset_class: Literal["movable", "real_estate_or_rights"]
    control_ids: list[str]
    controlled_by: list[str]
    judge_id: str
    decided_on: date


@event("disposal.notice_served", 1, "送达{notice_kind}：{party}")
class NoticeServed(DomainEvent):
    disposal_id: str
    notice_kind: NoticeKind
    party: Party
    served_on: date
    served_by: str


@event("disposal.price_method_unavailable", 1, "参考价方式 {method} 不能适用：{reason}")
class PriceMethodUnavailable(DomainEvent):
    disposal_id: str
    method: Method
    reason: str
    recorded_by: str


@event("disposal.price_procedure_started", 1, "启动{method}，期限至 {due_on}")
class PriceProcedureStarted(DomainEvent):
    disposal_id: str
    method: Method
    providers: list[str]
    started_on: date
    due_on: date
    started_by: str


@event("disposal.price_procedure_extended", 1, "{method}期限延长至 {due_on}")
class PriceProcedureExtended(DomainEvent):
    disposal_id: str
    method: Method
    extensions: int
    due_on: date


@event("disposal.reference_price_fixed", 1, "确定参考价 {amount_fen} 分（{method}），有效期至 {valid_until}")
class ReferencePriceFixed(DomainEvent):
    disposal_id: str
    method: Method
    amount_fen: int
    platform_results_fen: list[int] = Field(default_factory=list)
    determined_on: date
    received_on: date
    valid_until: date
    fixed_by: str


@event("disposal.price_objection_raised", 1, "当事人对参考价提出异议")
class PriceObjectionRaised(DomainEvent):
    disposal_id: str
    party: Party
    filed_on: date
    grounds: str
    recorded_by: str


@event("disposal.price_objection_ruled", 1, "参考价异议处理完毕")
class PriceObjectionRuled(DomainEvent):
    disposal_id: str
    upheld: bool
    judge_id: str
    reason: str


@event("disposal.auction_terms_fixed", 1, "法官确定第 {round} 次拍卖起拍价 {starting_price_fen} 分")
class AuctionTermsFixed(DomainEvent):
    disposal_id: str
    round: int
    starting_price_fen: int
    deposit_fen: int
    increment_fen: int
    judge_id: str


@event("disposal.auction_scheduled", 2, "第 {round} 次网络拍卖已排期，起拍价 {starting_price_fen} 分")
class AuctionScheduled(DomainEvent):
    """v2: ``asset_id`` (so intake counts unsold rounds per asset; null only on upcast v1 events)."""

    disposal_id: str
    asset_id: str | None = None
    auction_id: str
    round: int
    platform: str
    starting_price_fen: int
    deposit_fen: int
    increment_fen: int
    announcement_start: date
    bidding_start: datetime
    bidding_end: datetime
    scheduled_by: str


@event("disposal.auction_ended", 3, "第 {round} 次拍卖结束：{result}")
class AuctionEnded(DomainEvent):
    """v2: ``asset_id``, as on ``auction_scheduled``. v3: ``last_bid_at``, the time the last bid
    entered the platform (网拍规定 art. 20: a bid in the last five minutes extends the bidding by five
    minutes from that bid); null when unsold, or when not recorded (v2 events, imports)."""

    disposal_id: str
    asset_id: str | None = None
    auction_id: str
    round: int
    result: Literal["sold", "unsold"]
    price_fen: int | None = None
    buyer: str | None = None
    ended_at: datetime
    recorded_by: str
    last_bid_at: datetime | None = None


@event("disposal.online_sale_announced", 1, "网络变卖公告：变卖价 {price_fen} 分，变卖期至 {sale_end}")
class OnlineSaleAnnounced(DomainEvent):
    """After the second unsold round, 变卖 on the same platform at that round's starting price for 60
    days (网拍规定 art. 26; 法明传〔2017〕455号)."""

    disposal_id: str
    asset_id: str
    platform: str
    price_fen: int
    announced_on: date
    sale_start: date
    sale_end: date
    announced_by: str


@event("disposal.online_sale_unsold", 1, "网络变卖期满无人买受")
class OnlineSaleUnsold(DomainEvent):
    """The 60-day online sale ended with no buyer: for real estate and other property rights, the
    third unsold chance (拍卖变卖规定 art. 25)."""

    disposal_id: str
    asset_id: str
    ended_on: date
    recorded_by: str


@event("disposal.direct_sale_completed", 1, "变卖成交 {price_fen} 分")
class DirectSaleCompleted(DomainEvent):
    disposal_id: str
    price_fen: int
    buyer: str
    sold_on: date
    recorded_by: str


@event("disposal.sale_ruling_signed", 1, "法官签发成交裁定，成交价 {price_fen} 分")
class SaleRulingSigned(DomainEvent):
    disposal_id: str
    asset_id: str
    price_fen: int
    buyer: str
    judge_id: str
    signed_on: date


@event("disposal.disposal_concluded", 1, "处置结束：{outcome}")
class DisposalConcluded(DomainEvent):
    disposal_id: str
    asset_id: str
    outcome: Outcome
    price_fen: int | None = None
    judge_id: str
    reason: str | None = None


@event("disposal.funds_received", 1, "执行款到账 {amount_fen} 分（{source}）")
class FundsReceived(DomainEvent):
    entry_id: str
    amount_fen: int
    source: Source
    in_kind: bool = False
    received_on: date
    disposal_id: str | None = None
    control_id: str | None = None
    payer: str | None = None
    recorded_by: str


@event("disposal.payout_proposed", 1, "拟发放执行款 {amount_fen} 分")
class PayoutProposed(DomainEvent):
    payout_id: str
    amount_fen: int
    recipient: Recipient
    proposed_by: str


@event("disposal.payout_approved", 1, "执行款发放已审批 {amount_fen} 分")
class PayoutApproved(DomainEvent):
    payout_id: str
    amount_fen: int
    recipient: Recipient
    proposed_by: str
    approved_by: str
    paid_on: date
    balance_after_fen: int
    overdue_arrivals: list[str] = Field(default_factory=list)


@event("disposal.payout_rejected", 1, "执行款发放被退回")
class PayoutRejected(DomainEvent):
    payout_id: str
    rejected_by: str
    reason: str


@event("disposal.claim_paid_in_full", 1, "执行款已全部发放 {amount_fen} 分")
class ClaimPaidInFull(DomainEvent):
    amount_fen: int
    claim_amount_fen: int
    fee_fen: int
    interest_fen: int
    paid_on: date


@event("disposal.judicial_aid_payment_proposed", 1,
       "司法救助金发放申请 {amount_fen} 分（救助 {aid_id}），制单 {proposed_by}")
class JudicialAidPaymentProposed(DomainEvent):
    """A finance officer proposes paying granted judicial aid; another finance officer approves it
    (互相制约-9's reading for aid money, as for enforcement payouts). Nothing is paid yet."""

    payment_id: str
    aid_id: str
    amount_fen: int
    granted_fen: int
    paid_on: date  # the day proposed for the payment (the approval may give the actual day)
    proposed_by: str


@event("disposal.judicial_aid_payment_rejected", 1, "司法救助金发放申请被退回（救助 {aid_id}）：{reason}")
class JudicialAidPaymentRejected(DomainEvent):
    payment_id: str
    aid_id: str
    rejected_by: str
    reason: str


@event("disposal.judicial_aid_paid", 2, "司法救助金经本案账户发放 {amount_fen} 分（救助 {aid_id}）")
class JudicialAidPaid(DomainEvent):
    """Judicial aid (国家司法救助) paid to the applicant through the case account: aid money, kept
    apart from enforcement money. It is not 执行到位, does not reduce the amount due and never makes
    the case paid in full. v2: paid on a second finance officer's approval (``paid_by``) of another's
    proposal (``proposed_by``; null on a v1 payment, made by one officer before the rule)."""

    payment_id: str
    aid_id: str
    amount_fen: int
    granted_fen: int
    paid_on: date
    paid_by: str
    proposed_by: str | None = None


def _with_unknown_asset(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 auction events named only their disposal (its ``disposal_decided`` names the asset)."""
    return {"asset_id": None, **payload}


REGISTRY.add_upcaster("disposal.auction_scheduled", 1, _with_unknown_asset)
REGISTRY.add_upcaster("disposal.auction_ended", 1, _with_unknown_asset)
REGISTRY.add_upcaster("disposal.judicial_aid_paid", 1, lambda p: {**p, "proposed_by": None})


def _bid_time_unknown(payload: dict[str, Any]) -> dict[str, Any]:
    """v2 results carried no bid time."""
    return {**payload, "last_bid_at": None}


REGISTRY.add_upcaster("disposal.auction_ended", 2, _bid_time_unknown)
