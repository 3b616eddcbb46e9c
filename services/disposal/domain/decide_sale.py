"""One asset's disposal from its reference price to the outcome: the judge's auction terms, the
online auction rounds (网拍规定), direct sale, the sale ruling, offset in kind or release.
Pure decision functions."""

from __future__ import annotations

from services.disposal.domain import rules
from services.disposal.domain.commands import (
    AnnounceOnlineSale,
    FixAuctionTerms,
    OffsetInKind,
    RecordAuctionResult,
    RecordDirectSale,
    RecordOnlineSaleUnsold,
    ReleaseAsset,
    ScheduleAuction,
    SignSaleRuling,
)
from services.disposal.domain.guards import (
    as_disposal_officer,
    as_judge,
    check_still_disposable,
    ground_gone,
    require,
)
from services.disposal.domain.rules import RuleBroken
from services.disposal.domain.state import DisposalState
from services.disposal.events import (
    AuctionEnded,
    AuctionScheduled,
    AuctionTermsFixed,
    DirectSaleCompleted,
    DisposalConcluded,
    OnlineSaleAnnounced,
    OnlineSaleUnsold,
    SaleRulingSigned,
)
from shared.clock import SHANGHAI
from shared.events import DomainEvent

MAX_ROUNDS = 2  # 网拍规定 art. 26: after the second failure, direct sale, offset in kind or release
NOTICE_LEAD_DAYS = 3  # 网拍规定 art. 16: parties notified 3 days before the announcement


def fix_auction_terms(c: FixAuctionTerms, s: DisposalState) -> list[DomainEvent]:
    as_judge(c.acting, s)
    check_still_disposable(c.acting, s)
    require(s.price is not None, "参考价尚未确定，不能确定起拍价", "no_price", "互相制约-5")
    require(not s.objection_pending, "参考价异议尚在处理中", "price_objection_pending")
    require(s.sale is None, "财产已成交", "already_sold")
    round_no = len(s.auctions) + 1
    require(round_no <= MAX_ROUNDS, "两次拍卖均流拍，应变卖、以物抵债或解除", "no_more_rounds", "网拍规定-26")
    if s.auctions:
        require(s.auctions[-1].result == "unsold", "上一次拍卖尚未结束", "auction_open")
        rules.check_second_round_cut(s.auctions[-1].starting_price_fen, c.starting_price_fen)
    else:
        assert s.price is not None
        rules.check_first_starting_price(s.price.amount_fen, c.starting_price_fen)
    rules.check_deposit(c.starting_price_fen, c.deposit_fen)
    return [AuctionTermsFixed(disposal_id=s.disposal_id, round=round_no, starting_price_fen=c.starting_price_fen,
                              deposit_fen=c.deposit_fen, increment_fen=c.increment_fen,
                              judge_id=c.acting.officer_id)]


def schedule_auction(c: ScheduleAuction, s: DisposalState) -> list[DomainEvent]:
    as_disposal_officer(c.acting, s)
    check_still_disposable(c.acting, s, c.announcement_start, c.bidding_start.astimezone(SHANGHAI).date())
    t = s.terms
    require(t is not None, "法官尚未确定本次拍卖的起拍价和保证金", "no_auction_terms", "互相制约-5")
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


def record_auction_result(c: RecordAuctionResult, s: DisposalState) -> list[DomainEvent]:
    as_disposal_officer(c.acting, s)
    if c.result == "sold":  # recording a round that found no buyer disposes of nothing
        check_still_disposable(c.acting, s, c.ended_at.astimezone(SHANGHAI).date())
    require(bool(s.auctions) and s.auctions[-1].round == c.round and s.auctions[-1].result is None,
            f"第 {c.round} 次拍卖不在进行中", "auction_not_open")
    a = s.auctions[-1]
    if c.result == "unsold" and c.last_bid_at is not None:
        raise RuleBroken("网拍规定-26", "last_bid_at", "竞价期间无人出价才是流拍；有出价的应记录成交",
                         "unsold_with_bid")
    rules.check_result_after_end(a.bidding_start or a.bidding_end, a.bidding_end, c.last_bid_at, c.ended_at)
    if c.result == "sold":
        if c.price_fen is None or c.price_fen < a.starting_price_fen:
            raise RuleBroken("网拍规定-11", "price_fen", "成交价不得低于起拍价", "price_below_start")
        if not c.buyer:
            raise RuleBroken("网拍规定-11", "buyer", "应填写买受人", "buyer_missing")
    return [AuctionEnded(disposal_id=s.disposal_id, asset_id=s.asset_id, auction_id=a.auction_id,
                         round=a.round, result=c.result,  # type: ignore[arg-type]
                         price_fen=c.price_fen if c.result == "sold" else None,
                         buyer=c.buyer if c.result == "sold" else None, ended_at=c.ended_at,
                         recorded_by=c.acting.officer_id, last_bid_at=c.last_bid_at)]


def announce_online_sale(c: AnnounceOnlineSale, s: DisposalState) -> list[DomainEvent]:
    """网络变卖 after the second unsold round, at that round's starting price, for 60 days."""
    as_disposal_officer(c.acting, s)
    check_still_disposable(c.acting, s, c.announced_on, c.sale_start)
    _two_failures(s)
    require(s.online_sale is None, "本项财产已发布网络变卖公告", "online_sale_exists", "网拍变卖-455")
    ended = s.auctions[-1].ended_on
    if ended is not None and c.announced_on < ended:
        raise RuleBroken("网拍规定-26", "announced_on", f"第二次拍卖于 {ended.isoformat()} 流拍，变卖公告不能早于该日",
                         "online_sale_before_failure")
    rules.check_online_sale_notice(c.announced_on, c.sale_start)
    return [OnlineSaleAnnounced(
        disposal_id=s.disposal_id, asset_id=s.asset_id, platform=c.platform,
        price_fen=s.auctions[-1].starting_price_fen, announced_on=c.announced_on, sale_start=c.sale_start,
        sale_end=rules.online_sale_end(c.sale_start), announced_by=c.acting.officer_id)]


def record_online_sale_unsold(c: RecordOnlineSaleUnsold, s: DisposalState) -> list[DomainEvent]:
    as_disposal_officer(c.acting, s)
    o = s.online_sale
    require(o is not None and not s.online_sale_unsold and s.sale is None, "没有进行中的网络变卖",
            "online_sale_not_open", "网拍变卖-455")
    assert o is not None
    rules.check_online_sale_over(o.sale_end, c.ended_on)
    return [OnlineSaleUnsold(disposal_id=s.disposal_id, asset_id=s.asset_id, ended_on=c.ended_on,
                             recorded_by=c.acting.officer_id)]


def record_direct_sale(c: RecordDirectSale, s: DisposalState) -> list[DomainEvent]:
    as_disposal_officer(c.acting, s)
    check_still_disposable(c.acting, s, c.sold_on)
    _two_failures(s)
    assert s.price is not None
    if s.online_sale is not None:  # on the platform: its price and its 60 days
        require(not s.online_sale_unsold, "网络变卖期已届满无人买受", "online_sale_over", "网拍变卖-455")
        rules.check_online_sale_price(s.online_sale.price_fen, c.price_fen)
        rules.check_within_online_sale(s.online_sale.sale_start, s.online_sale.sale_end, c.sold_on)
    rules.check_direct_sale_price(s.price.amount_fen, c.price_fen)
    return [DirectSaleCompleted(disposal_id=s.disposal_id, price_fen=c.price_fen, buyer=c.buyer, sold_on=c.sold_on,
                                recorded_by=c.acting.officer_id)]


def sign_sale_ruling(c: SignSaleRuling, s: DisposalState) -> list[DomainEvent]:
    as_judge(c.acting, s)
    check_still_disposable(c.acting, s, c.signed_on)
    require(s.sale is not None, "财产尚未成交，不能签发成交裁定", "not_sold")
    assert s.sale is not None
    price, buyer, outcome = s.sale
    return [
        SaleRulingSigned(disposal_id=s.disposal_id, asset_id=s.asset_id, price_fen=price, buyer=buyer,
                         judge_id=c.acting.officer_id, signed_on=c.signed_on),
        DisposalConcluded(disposal_id=s.disposal_id, asset_id=s.asset_id, outcome=outcome,  # type: ignore[arg-type]
                          price_fen=price, judge_id=c.acting.officer_id),
    ]


def offset_in_kind(c: OffsetInKind, s: DisposalState) -> list[DomainEvent]:
    as_judge(c.acting, s)
    check_still_disposable(c.acting, s)
    # 拍卖变卖规定 art. 16: after a failed auction the applicant may take the asset at that
    # auction's starting price.
    require(bool(s.auctions) and s.auctions[-1].result == "unsold" and s.sale is None,
            "只有流拍后才能以物抵债", "not_unsold", "拍卖变卖规定-16")
    if not c.applicant_accepts:
        raise RuleBroken("拍卖变卖规定-16", "applicant_accepts", "以物抵债须经申请执行人同意",
                         "applicant_not_accepting")
    return [DisposalConcluded(disposal_id=s.disposal_id, asset_id=s.asset_id, outcome="offset_in_kind",
                              price_fen=s.auctions[-1].starting_price_fen, judge_id=c.acting.officer_id)]


def release_asset(c: ReleaseAsset, s: DisposalState) -> list[DomainEvent]:
    as_judge(c.acting, s)
    # A disposal whose ground is gone (control ended, objection upheld) is released at once; otherwise
    # only after two failed auctions.
    if not ground_gone(c.acting, s):
        _two_failures(s)
        require(s.online_sale is None or s.online_sale_unsold, "网络变卖期尚未届满", "online_sale_open", "网拍变卖-455")
        needed = rules.failures_before_release(s.asset_class)  # type: ignore[arg-type]
        chances = len([a for a in s.auctions if a.result == "unsold"]) + (1 if s.online_sale_unsold else 0)
        if chances < needed:
            raise RuleBroken("拍卖变卖规定-25", "disposal",
                             "不动产及其他财产权两次拍卖流拍后，应经网络变卖（第三次处置机会）仍无人买受，"
                             "且申请执行人不接受以物抵债，方可解除并退还", "third_chance_needed")
    return [DisposalConcluded(disposal_id=s.disposal_id, asset_id=s.asset_id, outcome="released",
                              judge_id=c.acting.officer_id, reason=c.reason)]


def _two_failures(s: DisposalState) -> None:
    unsold = [a for a in s.auctions if a.result == "unsold"]
    if len(unsold) < MAX_ROUNDS or s.sale is not None:
        raise RuleBroken("网拍规定-26", "disposal", "两次拍卖均流拍后才能变卖或解除", "not_failed_twice")
