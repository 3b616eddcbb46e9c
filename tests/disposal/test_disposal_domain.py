"""The disposal decider, given past events, when a command, then events or a named refusal (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

import pytest

from services.disposal.domain import commands as c
from services.disposal.domain.decider import DisposalDecider
from services.disposal.domain.state import DisposalState
from services.disposal.events import AuctionEnded, DisposalConcluded, ReferencePriceFixed
from shared.errors import DomainError
from shared.events import DomainEvent

pytestmark = pytest.mark.unit
D = DisposalDecider()
NOW = datetime.fromisoformat("2026-11-20T10:00:00+08:00")
CASE = c.CaseView("case-1", "黔01", judge_id="judge-1", registered_by="clerk-1")
ASSET = c.AssetView("asset-1", "vehicle", ("ctl-1",), ("searcher-1",), pending_objection=False)


# where asset-1 stands when a step is taken: under control ctl-1 in this case, no objection
STANDING = c.AssetStanding("asset-1", (("ctl-1", "active"),))


def as_(officer: str, case: c.CaseView = CASE, standing: c.AssetStanding | None = STANDING) -> c.Acting:
    return c.Acting(officer, case, NOW, standing)


JUDGE, OFFICER = as_("judge-1"), as_("officer-1")


def given(*commands: object) -> DisposalState:
    state = D.initial_state()
    for command in commands:
        for e in D.decide(command, state):
            state = D.evolve(state, e)
    return state


def when(state: DisposalState, command: object) -> Sequence[DomainEvent]:
    return D.decide(command, state)


def refusal(state: DisposalState, command: object) -> DomainError:
    with pytest.raises(DomainError) as exc:
        D.decide(command, state)
    return exc.value


DECIDED = c.DecideDisposal(JUDGE, "disp-1", ASSET)
NOT_AGREED = c.MarkMethodUnavailable(OFFICER, "agreement", "双方未能议价")
NO_TAX_PRICE = c.MarkMethodUnavailable(OFFICER, "targeted_enquiry", "无计税基准价")
ENQUIRY = c.StartPriceProcedure(OFFICER, "online_enquiry", ("平台甲", "平台乙"), date(2026, 7, 1))
PRICED = c.FixReferencePrice(OFFICER, "online_enquiry", None, (1_000_000, 1_000_001), date(2026, 7, 3),
                             date(2026, 7, 4))
NOTICES = [c.ServeNotice(OFFICER, "auction_notice", p, date(2026, 7, 10)) for p in ("applicant", "respondent")]
TERMS_1 = c.FixAuctionTerms(JUDGE, 700_001, 70_000, 10_000)
BID_1 = datetime.fromisoformat("2026-08-01T10:00:00+08:00")
SCHEDULED_1 = c.ScheduleAuction(OFFICER, "auc-1", "平台甲", date(2026, 7, 15), BID_1, BID_1 + timedelta(days=1))
UNSOLD_1 = c.RecordAuctionResult(OFFICER, 1, "unsold", None, None, BID_1 + timedelta(days=1))
READY = (DECIDED, NOT_AGREED, NO_TAX_PRICE, ENQUIRY, PRICED, *NOTICES)


def test_the_judge_decides_to_dispose_of_an_asset_under_control_in_the_case() -> None:
    [e] = when(given(), DECIDED)
    assert e.event_type == "disposal.disposal_decided"
    assert e.asset_class == "movable" and e.controlled_by == ["searcher-1"]  # type: ignore[attr-defined]


def test_an_asset_not_under_control_in_the_case_is_refused() -> None:
    assert refusal(given(), c.DecideDisposal(JUDGE, "d", None)).rule == "民诉法解释-484"


def test_an_asset_under_a_pending_objection_is_refused() -> None:
    objected = c.AssetView("asset-1", "vehicle", ("ctl-1",), ("s",), pending_objection=True)
    assert refusal(given(), c.DecideDisposal(JUDGE, "d", objected)).code == "asset_under_objection"


def test_only_the_cases_current_judge_decides() -> None:
    assert refusal(given(), c.DecideDisposal(as_("judge-2"), "d", ASSET)).rule == "互相制约-2"


def test_an_asset_already_in_disposal_is_refused() -> None:
    busy = c.AssetView("asset-1", "vehicle", ("ctl-1",), ("s",), False, active_disposal_id="other")
    assert refusal(given(), c.DecideDisposal(JUDGE, "d", busy)).code == "asset_already_in_disposal"


@pytest.mark.parametrize(("officer", "code"), [("judge-1", "officer_is_judge"),
                                               ("searcher-1", "officer_controlled_asset"),
                                               ("clerk-1", "officer_registered_case")])
def test_the_disposal_officer_is_not_the_judge_the_controller_or_the_registrar(officer: str, code: str) -> None:
    err = refusal(given(DECIDED), c.ServeNotice(as_(officer), "disposal_notice", "respondent", date(2026, 7, 1)))
    assert err.code == code and err.kind == "forbidden"


def test_online_enquiry_before_agreement_and_targeted_enquiry_were_ruled_out_is_refused() -> None:
    assert refusal(given(DECIDED), ENQUIRY).rule == "参考价规定-2"


def test_online_enquiry_averages_the_platforms() -> None:
    [e] = when(given(DECIDED, NOT_AGREED, NO_TAX_PRICE, ENQUIRY), PRICED)
    assert isinstance(e, ReferencePriceFixed)
    assert e.amount_fen == 1_000_001 and e.valid_until == date(2027, 7, 3)


def test_a_late_enquiry_result_is_refused() -> None:
    late = c.FixReferencePrice(OFFICER, "online_enquiry", None, (1, 2), date(2026, 7, 7), date(2026, 7, 7))
    assert refusal(given(DECIDED, NOT_AGREED, NO_TAX_PRICE, ENQUIRY), late).rule == "参考价规定-11"


def test_an_objection_to_an_agreed_price_is_not_admissible() -> None:
    agreed = c.FixReferencePrice(OFFICER, "agreement", 900_000, (), date(2026, 7, 1), date(2026, 7, 1))
    objection = c.RaisePriceObjection(OFFICER, "respondent", date(2026, 7, 2), "价格过低")
    assert refusal(given(DECIDED, agreed), objection).rule == "参考价规定-24"


def test_an_upheld_objection_voids_the_price() -> None:
    objection = c.RaisePriceObjection(OFFICER, "respondent", date(2026, 7, 9), "价格过低")
    state = given(*READY, objection, c.RuleOnPriceObjection(JUDGE, True, "报告有误"))
    assert state.price is None
    assert refusal(given(*READY, objection), TERMS_1).code == "price_objection_pending"


def test_first_auction_terms_at_70_percent_of_the_reference_price() -> None:
    assert when(given(*READY), c.FixAuctionTerms(JUDGE, 700_001, 70_000, 10_000))
    assert refusal(given(*READY), c.FixAuctionTerms(JUDGE, 700_000, 70_000, 10_000)).rule == "网拍规定-10"


def test_scheduling_needs_the_parties_notified_three_days_before_the_announcement() -> None:
    late = c.ScheduleAuction(OFFICER, "a", "平台甲", date(2026, 7, 12), BID_1, BID_1 + timedelta(days=1))
    assert refusal(given(*READY, TERMS_1), late).rule == "网拍规定-16"


def test_a_movable_first_auction_announced_14_days_ahead_is_refused() -> None:
    short = c.ScheduleAuction(OFFICER, "a", "平台甲", date(2026, 7, 18), BID_1, BID_1 + timedelta(days=1))
    assert refusal(given(*READY, TERMS_1), short).rule == "网拍规定-12"


def test_second_round_cut_and_window() -> None:
    state = given(*READY, TERMS_1, SCHEDULED_1, UNSOLD_1)
    assert refusal(state, c.FixAuctionTerms(JUDGE, 560_000, 56_000, 10_000)).rule == "网拍规定-26"
    state = given(*READY, TERMS_1, SCHEDULED_1, UNSOLD_1, c.FixAuctionTerms(JUDGE, 560_001, 56_001, 10_000))
    bid = datetime.fromisoformat("2026-09-02T10:00:00+08:00")  # day 31 after 2 August
    late = c.ScheduleAuction(OFFICER, "a2", "平台甲", date(2026, 8, 10), bid, bid + timedelta(days=1))
    assert refusal(state, late).rule == "网拍规定-26"


def test_a_sale_below_the_starting_price_is_refused_and_a_sale_needs_the_judges_ruling() -> None:
    state = given(*READY, TERMS_1, SCHEDULED_1)
    low = c.RecordAuctionResult(OFFICER, 1, "sold", 700_000, "买受人", BID_1 + timedelta(days=1))
    assert refusal(state, low).rule == "网拍规定-11"
    sold = c.RecordAuctionResult(OFFICER, 1, "sold", 800_000, "买受人", BID_1 + timedelta(days=1))
    state = given(*READY, TERMS_1, SCHEDULED_1, sold)
    assert refusal(state, c.SignSaleRuling(as_("officer-1"), date(2026, 8, 10))).rule == "互相制约-2"
    _ruling, concluded = when(state, c.SignSaleRuling(JUDGE, date(2026, 8, 10)))
    assert isinstance(concluded, DisposalConcluded) and concluded.outcome == "sold" and concluded.price_fen == 800_000


def test_offset_in_kind_takes_the_last_starting_price() -> None:
    [e] = when(given(*READY, TERMS_1, SCHEDULED_1, UNSOLD_1), c.OffsetInKind(JUDGE, True))
    assert isinstance(e, DisposalConcluded) and e.outcome == "offset_in_kind" and e.price_fen == 700_001


def test_direct_sale_and_release_need_two_failed_auctions() -> None:
    once = given(*READY, TERMS_1, SCHEDULED_1, UNSOLD_1)
    assert refusal(once, c.RecordDirectSale(OFFICER, 600_000, "某人", date(2026, 8, 5))).rule == "网拍规定-26"
    assert refusal(once, c.ReleaseAsset(JUDGE, "无人竞买")).rule == "网拍规定-26"


def test_a_result_before_bidding_ends_is_refused() -> None:
    early = c.RecordAuctionResult(OFFICER, 1, "unsold", None, None, BID_1 + timedelta(hours=23))
    assert refusal(given(*READY, TERMS_1, SCHEDULED_1), early).rule == "网拍规定-20"
    [e] = when(given(*READY, TERMS_1, SCHEDULED_1), UNSOLD_1)
    assert isinstance(e, AuctionEnded) and e.result == "unsold"
