"""Every numeric rule of disposal at its boundary (pure, no I/O)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from services.disposal.domain import rules
from services.disposal.domain.rules import RuleBroken

pytestmark = pytest.mark.unit
SH = datetime.fromisoformat("2026-03-02T10:00:00+08:00").tzinfo


def refused(rule: str, fn, *args) -> RuleBroken:  # type: ignore[no-untyped-def]
    with pytest.raises(RuleBroken) as exc:
        fn(*args)
    assert exc.value.rule == rule
    assert exc.value.errors and exc.value.errors[0]["message"]
    return exc.value


def test_starting_price_of_69_9_percent_of_the_reference_price_is_refused() -> None:
    err = refused("网拍规定-10", rules.check_first_starting_price, 1_000_000, 699_000)
    assert err.errors[0]["field"] == "starting_price_fen"


def test_starting_price_of_exactly_70_percent_is_accepted() -> None:
    rules.check_first_starting_price(1_000_000, 700_000)
    rules.check_first_starting_price(1_000_001, 700_001)  # 70.00003 %


def test_starting_price_a_fen_under_70_percent_of_an_odd_reference_is_refused() -> None:
    refused("网拍规定-10", rules.check_first_starting_price, 1_000_001, 700_000)  # 69.99993 %


@pytest.mark.parametrize(("deposit", "ok"), [(49_999, False), (50_000, True), (200_000, True), (200_001, False)])
def test_deposit_lies_between_5_and_20_percent_of_the_starting_price(deposit: int, ok: bool) -> None:
    if ok:
        rules.check_deposit(1_000_000, deposit)
    else:
        refused("网拍规定-17", rules.check_deposit, 1_000_000, deposit)


def test_a_second_round_cut_of_20_percent_is_accepted() -> None:
    rules.check_second_round_cut(1_000_000, 800_000)


def test_a_second_round_cut_of_20_1_percent_is_refused() -> None:
    refused("网拍规定-26", rules.check_second_round_cut, 1_000_000, 799_000)


def test_a_second_round_may_not_raise_the_starting_price() -> None:
    refused("网拍规定-26", rules.check_second_round_cut, 1_000_000, 1_000_001)


@pytest.mark.parametrize(
    ("cls", "round_no", "days", "ok"),
    [
        ("movable", 1, 14, False), ("movable", 1, 15, True),
        ("real_estate_or_rights", 1, 29, False), ("real_estate_or_rights", 1, 30, True),
        ("movable", 2, 6, False), ("movable", 2, 7, True),
        ("real_estate_or_rights", 2, 14, False), ("real_estate_or_rights", 2, 15, True),
    ],
)
def test_announcement_period_by_asset_class_and_round(cls: rules.AssetClass, round_no: int, days: int,
                                                       ok: bool) -> None:
    start = date(2026, 3, 2)
    if ok:
        rules.check_announcement(cls, round_no, start, start + timedelta(days=days))
    else:
        refused("网拍规定-12" if round_no == 1 else "网拍规定-26", rules.check_announcement, cls, round_no, start,
                start + timedelta(days=days))


def test_bidding_of_24_hours_is_accepted_and_a_minute_less_refused() -> None:
    start = datetime(2026, 3, 20, 10, 0, tzinfo=SH)
    rules.check_bidding(start, start + timedelta(hours=24))
    refused("网拍规定-20", rules.check_bidding, start, start + timedelta(hours=24) - timedelta(minutes=1))


def test_re_auction_within_30_days_of_the_failed_one() -> None:
    rules.check_reauction_window(date(2026, 3, 2), date(2026, 4, 1))  # day 30, a Wednesday
    refused("网拍规定-26", rules.check_reauction_window, date(2026, 3, 2), date(2026, 4, 2))


def test_direct_sale_not_below_half_the_valuation() -> None:
    rules.check_direct_sale_price(1_000_000, 500_000)
    refused("拍卖变卖规定-32", rules.check_direct_sale_price, 1_000_000, 499_999)


def test_reference_price_is_valid_for_one_year() -> None:
    until = rules.price_valid_until(date(2026, 1, 10))
    assert until == date(2027, 1, 10)
    rules.check_price_valid(until, date(2027, 1, 10))
    refused("参考价规定-27", rules.check_price_valid, until, date(2027, 1, 11))


def test_online_enquiry_takes_3_days_and_may_be_extended_once_by_3() -> None:
    started = date(2026, 3, 2)
    assert rules.procedure_due("online_enquiry", started, 0) == date(2026, 3, 5)
    rules.check_result_in_time("online_enquiry", started, 0, date(2026, 3, 5))
    refused("参考价规定-11", rules.check_result_in_time, "online_enquiry", started, 0, date(2026, 3, 6))
    rules.check_extension("online_enquiry", 0)
    # 3 + 3 days end on Sunday 8 March: the period ends on the next working day.
    assert rules.procedure_due("online_enquiry", started, 1) == date(2026, 3, 9)
    refused("参考价规定-11", rules.check_extension, "online_enquiry", 1)


def test_valuation_takes_30_days_with_at_most_two_15_day_extensions() -> None:
    started = date(2026, 3, 2)
    assert rules.procedure_due("valuation", started, 0) == date(2026, 4, 1)
    assert rules.procedure_due("valuation", started, 1) == date(2026, 4, 16)
    # 2 May is in the Labour Day holiday (1–5 May 2026): the period ends on Wednesday 6 May.
    assert rules.procedure_due("valuation", started, 2) == date(2026, 5, 6)
    rules.check_extension("valuation", 1)
    refused("参考价规定-19", rules.check_extension, "valuation", 2)


def test_price_objection_within_5_days_of_receipt() -> None:
    rules.check_objection_in_time(date(2026, 3, 4), date(2026, 3, 9))
    refused("参考价规定-22", rules.check_objection_in_time, date(2026, 3, 4), date(2026, 3, 10))


def test_reference_price_methods_follow_the_fallback_order() -> None:
    rules.check_method_order("agreement", frozenset())
    refused("参考价规定-2", rules.check_method_order, "online_enquiry", frozenset({"agreement"}))
    rules.check_method_order("online_enquiry", frozenset({"agreement", "targeted_enquiry"}))


def test_online_enquiry_average_rounds_half_up_to_the_fen() -> None:
    assert rules.average_fen([100, 101]) == 101
    assert rules.average_fen([100, 100, 101]) == 100


def test_a_period_ending_on_a_holiday_ends_on_the_next_working_day() -> None:
    assert rules.statutory_deadline(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert rules.statutory_deadline(date(2026, 3, 2), 3) == date(2026, 3, 5)


def test_asset_classes() -> None:
    assert rules.asset_class("vehicle") == "movable"
    assert rules.asset_class("real_estate") == "real_estate_or_rights"
    assert rules.asset_class("equity") == "real_estate_or_rights"
