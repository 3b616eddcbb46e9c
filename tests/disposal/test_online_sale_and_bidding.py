"""After the second unsold round: 网络变卖 on the platform at that round's starting price for 60 days;
real estate and other property rights need that third chance before release, movables do not; and the
five-minute extension of online bidding (网拍规定 art. 20) — a result before the extended end is
refused. Pure decider tests at each boundary."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from services.disposal.domain import commands as c
from services.disposal.domain import rules
from services.disposal.events import AuctionEnded, DisposalConcluded, OnlineSaleAnnounced, OnlineSaleUnsold
from shared.labels import ASSET_KINDS
from tests.disposal.test_disposal_domain import (
    JUDGE,
    OFFICER,
    READY,
    SCHEDULED_1,
    TERMS_1,
    UNSOLD_1,
    as_,
    given,
    refusal,
    when,
)

pytestmark = pytest.mark.unit

FLAT = c.AssetView("asset-1", "real_estate", ("ctl-1",), ("searcher-1",), pending_objection=False)
BID_1 = datetime.fromisoformat("2026-08-01T10:00:00+08:00")
FLAT_BID_1 = datetime.fromisoformat("2026-08-12T10:00:00+08:00")
FLAT_1 = c.ScheduleAuction(OFFICER, "auc-1", "平台甲", date(2026, 7, 13), FLAT_BID_1, FLAT_BID_1 + timedelta(days=1))
FLAT_UNSOLD_1 = c.RecordAuctionResult(OFFICER, 1, "unsold", None, None, FLAT_BID_1 + timedelta(days=1))
FLAT_BID_2 = datetime.fromisoformat("2026-09-05T10:00:00+08:00")
FLAT_2 = c.ScheduleAuction(OFFICER, "auc-2", "平台甲", date(2026, 8, 21), FLAT_BID_2, FLAT_BID_2 + timedelta(days=1))
FLAT_UNSOLD_2 = c.RecordAuctionResult(OFFICER, 2, "unsold", None, None, FLAT_BID_2 + timedelta(days=1))
TERMS_2 = c.FixAuctionTerms(JUDGE, 560_001, 56_001, 10_000)
BID_2 = datetime.fromisoformat("2026-08-20T10:00:00+08:00")
SCHEDULED_2 = c.ScheduleAuction(OFFICER, "auc-2", "平台甲", date(2026, 8, 4), BID_2, BID_2 + timedelta(days=1))
UNSOLD_2 = c.RecordAuctionResult(OFFICER, 2, "unsold", None, None, BID_2 + timedelta(days=1))
MOVABLE_TWICE = (*READY, TERMS_1, SCHEDULED_1, UNSOLD_1, TERMS_2, SCHEDULED_2, UNSOLD_2)
# the same asset read as a flat (announcements of 30 and 15 days)
FLAT_TWICE = (c.DecideDisposal(JUDGE, "disp-1", FLAT), *READY[1:], TERMS_1, FLAT_1, FLAT_UNSOLD_1, TERMS_2, FLAT_2,
              FLAT_UNSOLD_2)
FLAT_ANNOUNCE = c.AnnounceOnlineSale(OFFICER, "平台甲", date(2026, 9, 10), date(2026, 9, 17))  # ends Mon 11-16
ANNOUNCE = c.AnnounceOnlineSale(OFFICER, "平台甲", date(2026, 8, 25), date(2026, 9, 1))
SALE_END = date(2026, 10, 31)  # 2026-09-01 + 60 days; a Saturday, so the next working day (11-02)


def test_the_online_sale_is_announced_seven_days_ahead_at_the_second_rounds_starting_price() -> None:
    once = given(*MOVABLE_TWICE[:-3])
    assert refusal(once, ANNOUNCE).code == "not_failed_twice"
    twice = given(*MOVABLE_TWICE)
    short = c.AnnounceOnlineSale(OFFICER, "平台甲", date(2026, 8, 26), date(2026, 9, 1))
    assert (refusal(twice, short).rule, refusal(twice, short).code) == ("网拍变卖-455", "online_sale_notice_too_short")
    [e] = when(twice, ANNOUNCE)
    assert isinstance(e, OnlineSaleAnnounced)
    assert (e.price_fen, e.sale_start, e.sale_end) == (560_001, date(2026, 9, 1), date(2026, 11, 2))
    assert rules.online_sale_end(date(2026, 9, 1)) == date(2026, 11, 2)  # 10-31 Sat → Mon 11-02
    assert rules.online_sale_end(date(2026, 9, 3)) == date(2026, 11, 2)
    assert refusal(given(*MOVABLE_TWICE, ANNOUNCE), ANNOUNCE).code == "online_sale_exists"


def test_a_sale_during_the_online_sale_is_at_its_price_and_within_its_sixty_days() -> None:
    s = given(*MOVABLE_TWICE, ANNOUNCE)
    below = c.RecordDirectSale(OFFICER, 560_000, "买受人", date(2026, 9, 10))
    assert refusal(s, below).code == "online_sale_below_price"
    before = c.RecordDirectSale(OFFICER, 560_001, "买受人", date(2026, 8, 31))
    assert refusal(s, before).code == "outside_online_sale"
    after = c.RecordDirectSale(OFFICER, 560_001, "买受人", date(2026, 11, 3))
    assert refusal(s, after).code == "outside_online_sale"
    [e] = when(s, c.RecordDirectSale(OFFICER, 560_001, "买受人", date(2026, 11, 2)))
    assert e.event_type == "disposal.direct_sale_completed"


def test_no_buyer_is_recorded_only_after_the_sixty_days() -> None:
    s = given(*MOVABLE_TWICE, ANNOUNCE)
    assert refusal(s, c.RecordOnlineSaleUnsold(OFFICER, date(2026, 11, 2))).code == "online_sale_not_over"
    [e] = when(s, c.RecordOnlineSaleUnsold(OFFICER, date(2026, 11, 3)))
    assert isinstance(e, OnlineSaleUnsold)
    over = given(*MOVABLE_TWICE, ANNOUNCE, c.RecordOnlineSaleUnsold(OFFICER, date(2026, 11, 3)))
    assert refusal(over, c.RecordDirectSale(OFFICER, 600_000, "买受人", date(2026, 11, 3))).code == "online_sale_over"
    assert refusal(given(*MOVABLE_TWICE), c.RecordOnlineSaleUnsold(OFFICER, date(2026, 11, 3))).code == \
        "online_sale_not_open"


def test_a_movable_is_released_after_two_unsold_rounds_but_not_while_its_online_sale_runs() -> None:
    [e] = when(given(*MOVABLE_TWICE), c.ReleaseAsset(JUDGE, "两次流拍"))
    assert isinstance(e, DisposalConcluded) and e.outcome == "released"
    assert refusal(given(*MOVABLE_TWICE, ANNOUNCE), c.ReleaseAsset(JUDGE, "两次流拍")).code == "online_sale_open"


def test_real_estate_needs_a_third_chance_the_online_sale_before_release() -> None:
    twice = given(*FLAT_TWICE)
    assert twice.asset_class == "real_estate_or_rights"
    refused = refusal(twice, c.ReleaseAsset(JUDGE, "两次流拍"))
    assert (refused.rule, refused.code) == ("拍卖变卖规定-25", "third_chance_needed")
    assert refusal(twice, c.AnnounceOnlineSale(OFFICER, "平台甲", date(2026, 9, 5), date(2026, 9, 17))).code == \
        "online_sale_before_failure"
    third = given(*FLAT_TWICE, FLAT_ANNOUNCE, c.RecordOnlineSaleUnsold(OFFICER, date(2026, 11, 17)))
    [e] = when(third, c.ReleaseAsset(JUDGE, "两次流拍、变卖不成，申请人不接受抵债"))
    assert isinstance(e, DisposalConcluded) and e.outcome == "released"
    # offset in kind stays open after the failed online sale, at the last starting price
    [o] = when(third, c.OffsetInKind(JUDGE, True))
    assert isinstance(o, DisposalConcluded) and o.price_fen == 560_001
    assert rules.failures_before_release("movable") == 2
    assert rules.failures_before_release("real_estate_or_rights") == 3


# ---- the five-minute extension (网拍规定 art. 20) -------------------------------------------

END = BID_1 + timedelta(days=1)
SCHEDULED = (*READY, TERMS_1, SCHEDULED_1)


def sold(ended_at: datetime, last_bid_at: datetime | None) -> c.RecordAuctionResult:
    return c.RecordAuctionResult(OFFICER, 1, "sold", 800_000, "买受人", ended_at, last_bid_at)


def test_a_bid_in_the_last_five_minutes_moves_the_end_five_minutes_past_that_bid() -> None:
    just_outside = END - timedelta(minutes=5, seconds=1)
    assert rules.extended_end(END, just_outside) == END
    assert rules.extended_end(END, END - timedelta(minutes=5)) == END
    assert rules.extended_end(END, END - timedelta(minutes=2)) == END + timedelta(minutes=3)
    assert rules.extended_end(END, None) == END
    s = given(*SCHEDULED)
    late_bid = END - timedelta(minutes=2)
    early = refusal(s, sold(END, late_bid))
    assert (early.rule, early.code) == ("网拍规定-20", "bidding_not_over")
    assert refusal(s, sold(END + timedelta(minutes=3) - timedelta(seconds=1), late_bid)).code == "bidding_not_over"
    [e] = when(s, sold(END + timedelta(minutes=3), late_bid))
    assert isinstance(e, AuctionEnded) and e.last_bid_at == late_bid
    [e] = when(s, sold(END, just_outside))
    assert isinstance(e, AuctionEnded) and e.ended_at == END


def test_a_chain_of_extensions_ends_five_minutes_after_the_last_bid() -> None:
    last = END + timedelta(minutes=12)  # bids kept coming, each within five minutes of the moving end
    s = given(*SCHEDULED)
    assert refusal(s, sold(END + timedelta(minutes=16), last)).code == "bidding_not_over"
    [e] = when(s, sold(END + timedelta(minutes=17), last))
    assert isinstance(e, AuctionEnded)


def test_the_bid_time_is_consistent_with_the_result() -> None:
    s = given(*SCHEDULED)
    assert refusal(s, sold(END, BID_1 - timedelta(seconds=1))).code == "bid_before_start"
    assert refusal(s, sold(END + timedelta(minutes=10), END + timedelta(minutes=11))).code == "bid_after_end"
    with_bid = c.RecordAuctionResult(OFFICER, 1, "unsold", None, None, END, END - timedelta(hours=1))
    assert refusal(s, with_bid).code == "unsold_with_bid"
    assert as_("officer-1") == OFFICER


THREE_CHANCES = {"real_estate", "equity", "securities"}  # 不动产及其他财产权 (拍卖变卖规定 art. 25)


@pytest.mark.parametrize("kind", sorted(set(ASSET_KINDS) - {"field_ops", "border"}))
def test_intake_counts_the_unsold_chances_disposal_needs_before_a_release(kind: str) -> None:
    """What makes an asset "could not be disposed of" for 终本 in intake is what disposal needs before it
    releases an unsold asset (拍卖变卖规定 arts. 25–26): one table, shared/disposal_chances.py. Securities
    are other property rights (three); the housing fund is money in an account, like a deposit (two)."""
    from services.intake import reads
    from shared import disposal_chances

    assert reads.unsold_chances_needed is disposal_chances.unsold_chances_needed
    assert rules.asset_class is disposal_chances.asset_class
    assert rules.failures_before_release is disposal_chances.failures_before_release
    needed = reads.unsold_chances_needed(kind)
    assert needed == rules.failures_before_release(rules.asset_class(kind))
    assert needed == (3 if kind in THREE_CHANCES else 2)


def test_the_closure_policy_no_longer_keeps_a_table_of_its_own() -> None:
    from services.intake.config import ClosurePolicy, load_config

    assert "unsold_rounds_needed" not in ClosurePolicy.model_fields
    assert load_config().closure.zhongben_min_months == 3
