"""Commands of the disposal flow and the views of other services' facts they carry (pure data)."""

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


@dataclass(frozen=True)
class Acting:
    officer_id: str
    case: CaseView
    now: datetime


# ---- commands ------------------------------------------------------------------------------

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
