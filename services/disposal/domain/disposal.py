"""One asset's disposal: the judge decides, the disposal centre pushes (pure decide/evolve).

Commands carry time, the acting officer and what this service knows about the case from its
own projections (:class:`CaseView`, :class:`AssetView`); nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from services.disposal.domain import rules
from services.disposal.domain.commands import (
    Acting,
    DecideDisposal,
    ExtendPriceProcedure,
    FixAuctionTerms,
    FixReferencePrice,
    MarkMethodUnavailable,
    OffsetInKind,
    RaisePriceObjection,
    RecordAuctionResult,
    RecordDirectSale,
    ReleaseAsset,
    RuleOnPriceObjection,
    ScheduleAuction,
    ServeNotice,
    SignSaleRuling,
    StartPriceProcedure,
)
from services.disposal.domain.rules import RuleBroken
from services.disposal.events import (
    AuctionEnded,
    AuctionScheduled,
    AuctionTermsFixed,
    DirectSaleCompleted,
    DisposalConcluded,
    DisposalDecided,
    NoticeServed,
    PriceMethodUnavailable,
    PriceObjectionRaised,
    PriceObjectionRuled,
    PriceProcedureExtended,
    PriceProcedureStarted,
    ReferencePriceFixed,
    SaleRulingSigned,
)
from shared.errors import Conflict, Forbidden
from shared.events import DomainEvent

MAX_ROUNDS = 2  # 网拍规定 art. 26: after the second failure, direct sale, offset in kind or release
NOTICE_LEAD_DAYS = 3  # 网拍规定 art. 16: parties notified 3 days before the announcement


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


JUDGE_COMMANDS = (DecideDisposal, RuleOnPriceObjection, FixAuctionTerms, SignSaleRuling, OffsetInKind, ReleaseAsset)


# ---- who may act ---------------------------------------------------------------------------

def check_judge(acting: Acting) -> None:
    """Only the case's current judge decides and signs (互相制约-2)."""
    if acting.case.judge_id is None or acting.officer_id != acting.case.judge_id:
        raise Forbidden("只有本案现任承办法官可以作出该决定", code="not_case_judge", rule="互相制约-2")


def check_disposal_officer(acting: Acting, state: DisposalState) -> None:
    """The disposal officer is neither the deciding judge nor a controller, nor the registrar
    (互相制约-1 and -4)."""
    if acting.officer_id == state.judge_id or acting.officer_id == acting.case.judge_id:
        raise Forbidden("处置人员不得是作出处置决定的法官", code="officer_is_judge", rule="互相制约-4")
    if acting.officer_id in state.controlled_by:
        raise Forbidden("处置人员不得是控制该财产的人员", code="officer_controlled_asset", rule="互相制约-4")
    if acting.officer_id == acting.case.registered_by:
        raise Forbidden("立案人员不得在同一案件中承担处置工作", code="officer_registered_case", rule="互相制约-1")


def _require(condition: bool, message: str, code: str, rule: str | None = None) -> None:
    if not condition:
        raise Conflict(message, code=code, rule=rule)


# ---- the decider ---------------------------------------------------------------------------

class DisposalDecider:
    def initial_state(self) -> DisposalState:
        return DisposalState()

    def evolve(self, s: DisposalState, e: DomainEvent) -> DisposalState:
        if isinstance(e, DisposalDecided):
            asset_class = rules.asset_class(e.asset_kind)
            return replace(s, decided=True, disposal_id=e.disposal_id, asset_id=e.asset_id, asset_class=asset_class,
                           judge_id=e.judge_id,
                           controlled_by=tuple(e.controlled_by))
        if isinstance(e, NoticeServed):
            return replace(s, notices=s.notices | {(e.notice_kind, e.party, e.served_on)})
        if isinstance(e, PriceMethodUnavailable):
            return replace(s, unavailable=s.unavailable | {e.method})
        if isinstance(e, PriceProcedureStarted):
            return replace(s, procedure=(e.method, e.started_on, 0))
        if isinstance(e, PriceProcedureExtended) and s.procedure:
            return replace(s, procedure=(s.procedure[0], s.procedure[1], e.extensions))
        if isinstance(e, ReferencePriceFixed):
            return replace(s, price=e, procedure=None)
        if isinstance(e, PriceObjectionRaised):
            return replace(s, objection_pending=True)
        if isinstance(e, PriceObjectionRuled):
            return replace(s, objection_pending=False, price=None if e.upheld else s.price)
        if isinstance(e, AuctionTermsFixed):
            return replace(s, terms=e)
        if isinstance(e, AuctionScheduled):
            a = Auction(e.auction_id, e.round, e.starting_price_fen, e.bidding_end)
            return replace(s, auctions=(*s.auctions, a), terms=None)
        if isinstance(e, AuctionEnded):
            last = replace(s.auctions[-1], result=e.result, price_fen=e.price_fen, buyer=e.buyer,
                           ended_on=e.ended_at.date())
            sale = (e.price_fen or 0, e.buyer or "", "sold") if e.result == "sold" else None
            return replace(s, auctions=(*s.auctions[:-1], last), sale=sale)
        if isinstance(e, DirectSaleCompleted):
            return replace(s, sale=(e.price_fen, e.buyer, "direct_sale"))
        if isinstance(e, SaleRulingSigned):
            return replace(s, ruling_signed=True)
        if isinstance(e, DisposalConcluded):
            return replace(s, outcome=e.outcome)
        return s

    def decide(self, c: object, s: DisposalState) -> Sequence[DomainEvent]:
        acting: Acting = c.acting  # type: ignore[attr-defined]
        if isinstance(c, JUDGE_COMMANDS):
            check_judge(acting)
        if isinstance(c, DecideDisposal):
            return self._decide(c, s)
        _require(s.decided, "该处置不存在", "disposal_not_found")
        _require(s.outcome is None, "该财产处置已结束", "disposal_concluded")
        if not isinstance(c, JUDGE_COMMANDS):
            check_disposal_officer(acting, s)
        handler = getattr(self, "_" + type(c).__name__)
        events: Sequence[DomainEvent] = handler(c, s)
        return events

    def _decide(self, c: DecideDisposal, s: DisposalState) -> Sequence[DomainEvent]:
        _require(not s.decided, "该处置已决定", "already_decided")
        a = c.asset
        # 民诉法解释 art. 484: only what is under control in this case may be disposed of.
        if a is None or not a.control_ids:
            raise RuleBroken("民诉法解释-484", "asset_id", "该财产未在本案中查封、扣押、冻结，不得处置",
                             "asset_not_controlled")
        if a.pending_objection:
            raise RuleBroken("互相制约-4", "asset_id", "案外人对该财产提出的异议正在审查中，不得处置",
                             "asset_under_objection")
        # 民诉法 art. 238: an objection found well-founded stops enforcement against that asset.
        if a.objection_upheld:
            raise RuleBroken("民诉法-238", "asset_id", "案外人对该财产的异议已经成立，应中止对该财产的执行，不得处置",
                             "asset_objection_upheld")
        _require(a.active_disposal_id is None, "该财产已有进行中的处置", "asset_already_in_disposal")
        return [DisposalDecided(
            disposal_id=c.disposal_id, asset_id=a.asset_id, asset_kind=a.asset_kind,
            asset_class=rules.asset_class(a.asset_kind), control_ids=list(a.control_ids),
            controlled_by=list(a.controlled_by), judge_id=c.acting.officer_id, decided_on=c.acting.now.date(),
        )]

    def _ServeNotice(self, c: ServeNotice, s: DisposalState) -> Sequence[DomainEvent]:
        return [NoticeServed(disposal_id=s.disposal_id, notice_kind=c.notice_kind,  # type: ignore[arg-type]
                             party=c.party, served_on=c.served_on, served_by=c.acting.officer_id)]  # type: ignore[arg-type]

    def _MarkMethodUnavailable(self, c: MarkMethodUnavailable, s: DisposalState) -> Sequence[DomainEvent]:
        _require(s.price is None and s.procedure is None, "参考价程序已进行中或已确定", "price_in_progress")
        return [PriceMethodUnavailable(disposal_id=s.disposal_id, method=c.method, reason=c.reason,
                                       recorded_by=c.acting.officer_id)]

    def _StartPriceProcedure(self, c: StartPriceProcedure, s: DisposalState) -> Sequence[DomainEvent]:
        _require(s.price is None and s.procedure is None, "参考价程序已进行中或已确定", "price_in_progress")
        rules.check_method_order(c.method, s.unavailable)
        return [PriceProcedureStarted(disposal_id=s.disposal_id, method=c.method, providers=list(c.providers),
                                      started_on=c.started_on, due_on=rules.procedure_due(c.method, c.started_on, 0),
                                      started_by=c.acting.officer_id)]

    def _ExtendPriceProcedure(self, c: ExtendPriceProcedure, s: DisposalState) -> Sequence[DomainEvent]:
        _require(s.procedure is not None, "没有进行中的询价或评估", "no_price_procedure")
        assert s.procedure is not None
        method, started_on, ext = s.procedure
        rules.check_extension(method, ext)  # type: ignore[arg-type]
        due = rules.procedure_due(method, started_on, ext)  # type: ignore[arg-type]
        if c.requested_on > due:
            raise RuleBroken("参考价规定-19", "requested_on", f"延期应在期限届满（{due.isoformat()}）前申请",
                             "extension_late")
        return [PriceProcedureExtended(disposal_id=s.disposal_id, method=method, extensions=ext + 1,  # type: ignore[arg-type]
                                       due_on=rules.procedure_due(method, started_on, ext + 1))]  # type: ignore[arg-type]

    def _FixReferencePrice(self, c: FixReferencePrice, s: DisposalState) -> Sequence[DomainEvent]:
        _require(s.price is None, "参考价已确定", "price_already_fixed")
        rules.check_method_order(c.method, s.unavailable)
        amount = c.amount_fen
        if c.method in ("online_enquiry", "valuation"):
            if s.procedure is None or s.procedure[0] != c.method:
                raise RuleBroken("参考价规定-2", "method", "须先启动该询价或评估程序", "price_procedure_not_started")
            rules.check_result_in_time(c.method, s.procedure[1], s.procedure[2], c.determined_on)
        if c.method == "online_enquiry":
            if len(c.platform_results_fen) < 2:
                raise RuleBroken("参考价规定-12", "platform_results_fen",
                                 "网络询价取各平台结果的平均值（至少两个平台）",
                                 "platform_results_missing")
            amount = rules.average_fen(list(c.platform_results_fen))
        if amount is None:
            raise RuleBroken("参考价规定-2", "amount_fen", "应填写参考价金额", "amount_missing")
        return [ReferencePriceFixed(
            disposal_id=s.disposal_id, method=c.method, amount_fen=amount,
            platform_results_fen=list(c.platform_results_fen),
            determined_on=c.determined_on, received_on=c.received_on,
            valid_until=rules.price_valid_until(c.determined_on), fixed_by=c.acting.officer_id,
        )]

    def _RaisePriceObjection(self, c: RaisePriceObjection, s: DisposalState) -> Sequence[DomainEvent]:
        _require(s.price is not None, "参考价尚未确定", "no_price")
        assert s.price is not None
        if s.price.method not in ("online_enquiry", "valuation"):
            raise RuleBroken("参考价规定-24", "party", "对议价或定向询价结果提出的异议不予受理",
                             "objection_not_admissible")
        _require(not s.auctions, "拍卖已排期，不再受理参考价异议", "auction_already_scheduled")
        rules.check_objection_in_time(s.price.received_on, c.filed_on)
        return [PriceObjectionRaised(disposal_id=s.disposal_id, party=c.party, filed_on=c.filed_on,  # type: ignore[arg-type]
                                     grounds=c.grounds, recorded_by=c.acting.officer_id)]

    def _RuleOnPriceObjection(self, c: RuleOnPriceObjection, s: DisposalState) -> Sequence[DomainEvent]:
        _require(s.objection_pending, "没有待处理的参考价异议", "no_pending_objection")
        return [PriceObjectionRuled(disposal_id=s.disposal_id, upheld=c.upheld, judge_id=c.acting.officer_id,
                                    reason=c.reason)]

    def _FixAuctionTerms(self, c: FixAuctionTerms, s: DisposalState) -> Sequence[DomainEvent]:
        _require(s.price is not None, "参考价尚未确定，不能确定起拍价", "no_price", "互相制约-5")
        _require(not s.objection_pending, "参考价异议尚在处理中", "price_objection_pending")
        _require(s.sale is None, "财产已成交", "already_sold")
        round_no = len(s.auctions) + 1
        _require(round_no <= MAX_ROUNDS, "两次拍卖均流拍，应变卖、以物抵债或解除", "no_more_rounds", "网拍规定-26")
        if s.auctions:
            _require(s.auctions[-1].result == "unsold", "上一次拍卖尚未结束", "auction_open")
            rules.check_second_round_cut(s.auctions[-1].starting_price_fen, c.starting_price_fen)
        else:
            assert s.price is not None
            rules.check_first_starting_price(s.price.amount_fen, c.starting_price_fen)
        rules.check_deposit(c.starting_price_fen, c.deposit_fen)
        return [AuctionTermsFixed(disposal_id=s.disposal_id, round=round_no, starting_price_fen=c.starting_price_fen,
                                  deposit_fen=c.deposit_fen, increment_fen=c.increment_fen,
                                  judge_id=c.acting.officer_id)]

    def _ScheduleAuction(self, c: ScheduleAuction, s: DisposalState) -> Sequence[DomainEvent]:
        t = s.terms
        _require(t is not None, "法官尚未确定本次拍卖的起拍价和保证金", "no_auction_terms", "互相制约-5")
        assert t is not None and s.price is not None
        if t.round == 1:
            rules.check_price_valid(s.price.valid_until, c.announcement_start)
            for party in ("applicant", "respondent"):
                served = [d for k, p, d in s.notices if k == "auction_notice" and p == party]
                if not served or (c.announcement_start - min(served)).days < NOTICE_LEAD_DAYS:
                    raise RuleBroken("网拍规定-16", "announcement_start",
                                     "应在拍卖公告发布三日前将网络拍卖告知书送达双方当事人", "parties_not_notified")
        else:
            prev = s.auctions[-1]
            assert prev.ended_on is not None
            rules.check_reauction_window(prev.ended_on, c.bidding_start.date())
        rules.check_announcement(s.asset_class, t.round, c.announcement_start, c.bidding_start.date())  # type: ignore[arg-type]
        rules.check_bidding(c.bidding_start, c.bidding_end)
        return [AuctionScheduled(
            disposal_id=s.disposal_id, asset_id=s.asset_id, auction_id=c.auction_id, round=t.round, platform=c.platform,
            starting_price_fen=t.starting_price_fen, deposit_fen=t.deposit_fen, increment_fen=t.increment_fen,
            announcement_start=c.announcement_start, bidding_start=c.bidding_start, bidding_end=c.bidding_end,
            scheduled_by=c.acting.officer_id,
        )]

    def _RecordAuctionResult(self, c: RecordAuctionResult, s: DisposalState) -> Sequence[DomainEvent]:
        _require(bool(s.auctions) and s.auctions[-1].round == c.round and s.auctions[-1].result is None,
                 f"第 {c.round} 次拍卖不在进行中", "auction_not_open")
        a = s.auctions[-1]
        if c.ended_at < a.bidding_end:
            raise RuleBroken("网拍规定-20", "ended_at", "竞价期间尚未届满", "bidding_not_over")
        if c.result == "sold":
            if c.price_fen is None or c.price_fen < a.starting_price_fen:
                raise RuleBroken("网拍规定-11", "price_fen", "成交价不得低于起拍价", "price_below_start")
            if not c.buyer:
                raise RuleBroken("网拍规定-11", "buyer", "应填写买受人", "buyer_missing")
        return [AuctionEnded(disposal_id=s.disposal_id, asset_id=s.asset_id, auction_id=a.auction_id,
                             round=a.round, result=c.result,  # type: ignore[arg-type]
                             price_fen=c.price_fen if c.result == "sold" else None,
                             buyer=c.buyer if c.result == "sold" else None, ended_at=c.ended_at,
                             recorded_by=c.acting.officer_id)]

    def _RecordDirectSale(self, c: RecordDirectSale, s: DisposalState) -> Sequence[DomainEvent]:
        _two_failures(s)
        assert s.price is not None
        rules.check_direct_sale_price(s.price.amount_fen, c.price_fen)
        return [DirectSaleCompleted(disposal_id=s.disposal_id, price_fen=c.price_fen, buyer=c.buyer, sold_on=c.sold_on,
                                    recorded_by=c.acting.officer_id)]

    def _SignSaleRuling(self, c: SignSaleRuling, s: DisposalState) -> Sequence[DomainEvent]:
        _require(s.sale is not None, "财产尚未成交，不能签发成交裁定", "not_sold")
        assert s.sale is not None
        price, buyer, outcome = s.sale
        return [
            SaleRulingSigned(disposal_id=s.disposal_id, asset_id=s.asset_id, price_fen=price, buyer=buyer,
                             judge_id=c.acting.officer_id, signed_on=c.signed_on),
            DisposalConcluded(disposal_id=s.disposal_id, asset_id=s.asset_id, outcome=outcome,  # type: ignore[arg-type]
                              price_fen=price, judge_id=c.acting.officer_id),
        ]

    def _OffsetInKind(self, c: OffsetInKind, s: DisposalState) -> Sequence[DomainEvent]:
        # 拍卖变卖规定 art. 16: after a failed auction the applicant may take the asset at that
        # auction's starting price.
        _require(bool(s.auctions) and s.auctions[-1].result == "unsold" and s.sale is None,
                 "只有流拍后才能以物抵债", "not_unsold", "拍卖变卖规定-16")
        if not c.applicant_accepts:
            raise RuleBroken("拍卖变卖规定-16", "applicant_accepts", "以物抵债须经申请执行人同意",
                             "applicant_not_accepting")
        return [DisposalConcluded(disposal_id=s.disposal_id, asset_id=s.asset_id, outcome="offset_in_kind",
                                  price_fen=s.auctions[-1].starting_price_fen, judge_id=c.acting.officer_id)]

    def _ReleaseAsset(self, c: ReleaseAsset, s: DisposalState) -> Sequence[DomainEvent]:
        _two_failures(s)
        return [DisposalConcluded(disposal_id=s.disposal_id, asset_id=s.asset_id, outcome="released",
                                  judge_id=c.acting.officer_id, reason=c.reason)]


def _two_failures(s: DisposalState) -> None:
    unsold = [a for a in s.auctions if a.result == "unsold"]
    if len(unsold) < MAX_ROUNDS or s.sale is not None:
        raise RuleBroken("网拍规定-26", "disposal", "两次拍卖均流拍后才能变卖或解除", "not_failed_twice")

