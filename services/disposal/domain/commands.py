"""Commands of the disposal flow and of the case account, and the views of other services' facts
they carry (pure data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.disposal.domain import rules


@dataclass(frozen=True)
class CaseView:
    """What disposal knows of a case from intake's events."""

    case_id: str
    court: str
    judge_id: str | None
    registered_by: str | None


@dataclass(frozen=True)
class AssetView:
    """An asset's controls in this case and pending third-party objections (from asset_search/field_ops)."""

    asset_id: str
    asset_kind: str
    control_ids: tuple[str, ...]
    controlled_by: tuple[str, ...]
    pending_objection: bool
    active_disposal_id: str | None = None
    objection_upheld: bool = False
    rejected_on: tuple[date, ...] = ()  # days third-party objections to it were rejected (民诉法解释 art. 463)


@dataclass(frozen=True)
class AssetStanding:
    """Where a disposal's asset stands in this case now, from disposal's projections of other services'
    events (asset_search/field_ops controls, intake's third-party objections): what every step re-checks.

    ``controls`` holds each control of the asset in this case with its status (``ordered``, ``active``,
    ``released``, ``lapsed``); ``objections`` each third-party objection naming it, with its status
    (``pending``, ``rejected``, ``withdrawn``, ``upheld``; ``closed`` for one decided before outcomes were
    kept) and the day it was decided."""

    asset_id: str
    controls: tuple[tuple[str, str], ...] = ()
    objections: tuple[tuple[str, str, date | None], ...] = ()

    @property
    def active_controls(self) -> tuple[str, ...]:
        return tuple(cid for cid, status in self.controls if status == "active")


@dataclass(frozen=True)
class CaseFacts:
    """From intake.case_registered: the claim and the day performance was due."""

    claim_fen: int
    deadline: date


@dataclass(frozen=True)
class Acting:
    """Who acts, on which case, when (the court clock); for a step of a decided disposal, where its
    asset stands now (``asset``; None: not known, and the step is refused)."""

    officer_id: str
    case: CaseView
    now: datetime
    asset: AssetStanding | None = None


# ---- commands of one asset's disposal -------------------------------------------------------------

@dataclass(frozen=True)
class DecideDisposal:
    acting: Acting
    disposal_id: str
    asset: AssetView | None


@dataclass(frozen=True)
class ServeNotice:
    acting: Acting
    notice_kind: str
    party: str
    served_on: date


@dataclass(frozen=True)
class MarkMethodUnavailable:
    acting: Acting
    method: rules.PriceMethod
    reason: str


@dataclass(frozen=True)
class StartPriceProcedure:
    acting: Acting
    method: rules.PriceMethod
    providers: tuple[str, ...]
    started_on: date


@dataclass(frozen=True)
class ExtendPriceProcedure:
    acting: Acting
    requested_on: date


@dataclass(frozen=True)
class FixReferencePrice:
    acting: Acting
    method: rules.PriceMethod
    amount_fen: int | None
    platform_results_fen: tuple[int, ...]
    determined_on: date
    received_on: date


@dataclass(frozen=True)
class RaisePriceObjection:
    acting: Acting
    party: str
    filed_on: date
    grounds: str


@dataclass(frozen=True)
class RuleOnPriceObjection:
    acting: Acting
    upheld: bool
    reason: str


@dataclass(frozen=True)
class FixAuctionTerms:
    acting: Acting
    starting_price_fen: int
    deposit_fen: int
    increment_fen: int


@dataclass(frozen=True)
class ScheduleAuction:
    acting: Acting
    auction_id: str
    platform: str
    announcement_start: date
    bidding_start: datetime
    bidding_end: datetime


@dataclass(frozen=True)
class RecordAuctionResult:
    acting: Acting
    round: int
    result: str
    price_fen: int | None
    buyer: str | None
    ended_at: datetime
    last_bid_at: datetime | None = None


@dataclass(frozen=True)
class AnnounceOnlineSale:
    acting: Acting
    platform: str
    announced_on: date
    sale_start: date


@dataclass(frozen=True)
class RecordOnlineSaleUnsold:
    acting: Acting
    ended_on: date


@dataclass(frozen=True)
class RecordDirectSale:
    acting: Acting
    price_fen: int
    buyer: str
    sold_on: date


@dataclass(frozen=True)
class SignSaleRuling:
    acting: Acting
    signed_on: date


@dataclass(frozen=True)
class OffsetInKind:
    acting: Acting
    applicant_accepts: bool


@dataclass(frozen=True)
class ReleaseAsset:
    acting: Acting
    reason: str


# ---- commands of the case account ----------------------------------------------------------

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
