"""Every step of a disposal re-checks where its asset stands now (docs/rules.md §4, issue 14): still under
control in this case, no third-party objection upheld or under review, not within 15 days of an objection's
rejection (民诉法解释 art. 463). Pure: the decider given past commands, then one step with a standing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from services.disposal.domain import commands as c
from services.disposal.domain import rules
from services.disposal.domain.state import DisposalState
from services.disposal.events import DisposalConcluded
from tests.disposal.test_disposal_domain import (
    ASSET,
    BID_1,
    CASE,
    DECIDED,
    ENQUIRY,
    NO_TAX_PRICE,
    NOT_AGREED,
    NOW,
    READY,
    SCHEDULED_1,
    STANDING,
    TERMS_1,
    UNSOLD_1,
    given,
    refusal,
    when,
)

pytestmark = pytest.mark.unit

Acts = Callable[[c.Acting, c.Acting], object]  # (judge, disposal officer) → the step's command
SOLD_1 = c.RecordAuctionResult(c.Acting("officer-1", CASE, NOW, STANDING), 1, "sold", 800_000, "买受人",
                               BID_1 + timedelta(days=1))
BID_2 = datetime.fromisoformat("2026-08-20T10:00:00+08:00")
ROUND_2 = (c.FixAuctionTerms(c.Acting("judge-1", CASE, NOW, STANDING), 560_001, 56_001, 10_000),
           c.ScheduleAuction(c.Acting("officer-1", CASE, NOW, STANDING), "auc-2", "平台甲", date(2026, 8, 10), BID_2,
                             BID_2 + timedelta(days=1)),
           c.RecordAuctionResult(c.Acting("officer-1", CASE, NOW, STANDING), 2, "unsold", None, None,
                                 BID_2 + timedelta(days=1)))

# Each step of a disposal: the commands before it, and the step as the judge or the officer takes it.
STEPS: dict[str, tuple[tuple[object, ...], Acts]] = {
    "start_price_procedure": ((DECIDED, NOT_AGREED, NO_TAX_PRICE), lambda j, o: c.StartPriceProcedure(
        o, "online_enquiry", ("平台甲", "平台乙"), date(2026, 7, 1))),
    "extend_price_procedure": ((DECIDED, NOT_AGREED, NO_TAX_PRICE, ENQUIRY), lambda j, o: c.ExtendPriceProcedure(
        o, date(2026, 7, 2))),
    "fix_reference_price": ((DECIDED, NOT_AGREED, NO_TAX_PRICE, ENQUIRY), lambda j, o: c.FixReferencePrice(
        o, "online_enquiry", None, (1_000_000, 1_000_001), date(2026, 7, 3), date(2026, 7, 4))),
    "fix_auction_terms": (READY, lambda j, o: c.FixAuctionTerms(j, 700_001, 70_000, 10_000)),
    "schedule_auction": ((*READY, TERMS_1), lambda j, o: c.ScheduleAuction(
        o, "auc-1", "平台甲", date(2026, 7, 15), BID_1, BID_1 + timedelta(days=1))),
    "record_sale": ((*READY, TERMS_1, SCHEDULED_1), lambda j, o: c.RecordAuctionResult(
        o, 1, "sold", 800_000, "买受人", BID_1 + timedelta(days=1))),
    "record_direct_sale": ((*READY, TERMS_1, SCHEDULED_1, UNSOLD_1, *ROUND_2), lambda j, o: c.RecordDirectSale(
        o, 600_000, "某人", date(2026, 9, 1))),
    "sign_sale_ruling": ((*READY, TERMS_1, SCHEDULED_1, SOLD_1), lambda j, o: c.SignSaleRuling(j, date(2026, 8, 10))),
    "offset_in_kind": ((*READY, TERMS_1, SCHEDULED_1, UNSOLD_1), lambda j, o: c.OffsetInKind(j, True)),
}


def step(name: str, standing: c.AssetStanding | None, now: datetime = NOW) -> tuple[DisposalState, object]:
    """The state before step ``name`` and the step taken at ``now`` with the asset as ``standing`` says."""
    before, acts = STEPS[name]
    command = acts(c.Acting("judge-1", CASE, now, standing), c.Acting("officer-1", CASE, now, standing))
    return given(*before), command


def standing(*controls: tuple[str, str], objections: tuple[tuple[str, str, date | None], ...] = ()
             ) -> c.AssetStanding:
    return c.AssetStanding("asset-1", controls or (("ctl-1", "active"),), objections)


def rejected(days_ago: int, today: date = NOW.date()) -> c.AssetStanding:
    return standing(objections=(("obj-1", "rejected", today - timedelta(days=days_ago)),))


@pytest.mark.parametrize("name", STEPS)
def test_every_step_goes_on_while_the_asset_is_under_control_and_unopposed(name: str) -> None:
    state, command = step(name, STANDING)
    assert when(state, command)


@pytest.mark.parametrize("name", STEPS)
@pytest.mark.parametrize("ended, zh", [("released", "已解除"), ("lapsed", "已到期失效")])
def test_every_step_is_refused_once_the_control_was_released_or_lapsed(name: str, ended: str, zh: str) -> None:
    state, command = step(name, standing(("ctl-1", ended)))
    err = refusal(state, command)
    assert (err.rule, err.code) == ("民诉法解释-484", "asset_control_ended")
    assert f"ctl-1 {zh}" in str(err) and err.errors[0]["field"] == "asset_id"


@pytest.mark.parametrize("name", STEPS)
def test_every_step_is_refused_while_a_third_party_objection_is_under_review(name: str) -> None:
    state, command = step(name, standing(objections=(("obj-1", "pending", None),)))
    err = refusal(state, command)
    assert (err.rule, err.code) == ("互相制约-4", "asset_under_objection") and "审查期间不得处分" in str(err)


@pytest.mark.parametrize("name", STEPS)
def test_every_step_is_refused_after_the_objection_was_upheld(name: str) -> None:
    state, command = step(name, standing(objections=(("obj-1", "upheld", date(2026, 11, 1)),)))
    assert refusal(state, command).rule == "民诉法-238"


@pytest.mark.parametrize("name", STEPS)
def test_every_step_is_refused_within_15_days_of_the_objections_rejection(name: str) -> None:
    # rejected 2026-11-06: the 15 days run to Saturday 21 November, so to Monday 23 November (民诉法 art. 85)
    state, command = step(name, rejected(14))
    err = refusal(state, command)
    assert (err.rule, err.code) == ("民诉法解释-463", "asset_objection_hold")
    assert "2026-11-06 裁定驳回" in str(err) and "至 2026-11-23 届满，2026-11-24 起方可继续处置" in str(err)


def test_the_hold_is_15_days_after_the_rejection_the_rejection_day_not_counted() -> None:
    # rejected Thursday 5 November 2026: day 15 is Friday 20 November (NOW), still barred; the 16th is free
    state, command = step("schedule_auction", rejected(15))
    assert refusal(state, command).code == "asset_objection_hold"
    assert "至 2026-11-20 届满" in str(refusal(state, command))
    state, command = step("schedule_auction", rejected(16))
    assert when(state, command)
    assert rules.objection_hold_ends(date(2026, 11, 5)) == date(2026, 11, 20)


def test_a_hold_ending_on_a_rest_day_ends_on_the_next_working_day() -> None:
    on_sunday = datetime.fromisoformat("2026-11-22T10:00:00+08:00")  # rejected 6 November: day 15 a Saturday
    on_monday, on_tuesday = on_sunday + timedelta(days=1), on_sunday + timedelta(days=2)
    hold = standing(objections=(("obj-1", "rejected", date(2026, 11, 6)),))
    for now in (on_sunday, on_monday):
        state, command = step("sign_sale_ruling", hold, now)
        assert refusal(state, command).code == "asset_objection_hold"
    state, command = step("sign_sale_ruling", hold, on_tuesday)
    assert when(state, command)


def test_a_step_dated_within_the_hold_is_refused_though_recorded_after_it() -> None:
    # the ruling recorded on 20 November but signed on 10 August, 4 days after a rejection on 6 August
    hold = standing(objections=(("obj-1", "rejected", date(2026, 8, 6)),))
    state, command = step("sign_sale_ruling", hold)
    err = refusal(state, command)
    assert err.code == "asset_objection_hold" and "本次处置日期 2026-08-10 在此期间内" in str(err)


def test_a_withdrawn_objection_or_one_decided_before_outcomes_were_kept_holds_nothing() -> None:
    for status in ("withdrawn", "closed"):
        state, command = step("sign_sale_ruling", standing(objections=(("obj-1", status, NOW.date()),)))
        assert when(state, command)


def test_another_control_of_the_asset_still_in_effect_keeps_the_disposal_going() -> None:
    state, command = step("sign_sale_ruling", standing(("ctl-1", "released"), ("ctl-2", "active")))
    assert when(state, command)
    state, command = step("sign_sale_ruling", standing(("ctl-1", "released"), ("ctl-2", "ordered")))
    assert refusal(state, command).code == "asset_control_ended"


def test_a_step_without_the_assets_standing_is_refused() -> None:
    for unknown in (None, c.AssetStanding("asset-9", (("ctl-9", "active"),))):
        state, command = step("schedule_auction", unknown)
        err = refusal(state, command)
        assert (err.rule, err.code) == ("民诉法解释-484", "asset_standing_unknown")


def test_a_round_that_found_no_buyer_is_still_recorded_after_the_control_ended() -> None:
    released = c.Acting("officer-1", CASE, NOW, standing(("ctl-1", "released")))
    unsold = c.RecordAuctionResult(released, 1, "unsold", None, None, BID_1 + timedelta(days=1))
    assert when(given(*READY, TERMS_1, SCHEDULED_1), unsold)


def test_a_disposal_whose_control_ended_or_objection_was_upheld_is_released_without_two_failures() -> None:
    state = given(*READY, TERMS_1, SCHEDULED_1, UNSOLD_1)
    for gone in (standing(("ctl-1", "released")), standing(objections=(("obj-1", "upheld", NOW.date()),))):
        [e] = when(state, c.ReleaseAsset(c.Acting("judge-1", CASE, NOW, gone), "控制已解除"))
        assert isinstance(e, DisposalConcluded) and e.outcome == "released"
    assert refusal(state, c.ReleaseAsset(c.Acting("judge-1", CASE, NOW, STANDING), "无人竞买")).rule == "网拍规定-26"


@pytest.mark.parametrize("days_ago, allowed", [(14, False), (15, False), (16, True)])
def test_the_decision_itself_waits_out_the_hold_after_a_rejection(days_ago: int, allowed: bool) -> None:
    after = c.AssetView("asset-1", "vehicle", ("ctl-1",), ("searcher-1",), pending_objection=False,
                        rejected_on=(NOW.date() - timedelta(days=days_ago),))
    decide = c.DecideDisposal(c.Acting("judge-1", CASE, NOW), "d", after)
    if allowed:
        assert when(given(), decide)
    else:
        assert refusal(given(), decide).rule == "民诉法解释-463"
    assert when(given(), c.DecideDisposal(c.Acting("judge-1", CASE, NOW), "d", ASSET))
