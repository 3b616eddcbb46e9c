"""Fee, late-payment interest and the 30-day payout limit, in integer fen (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from services.disposal.domain.money import Arrival, amount_due, enforcement_fee_fen, late_interest_fen, payout_schedule

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("claim_fen", "fee_fen"),
    [
        (1, 5_000),
        (1_000_000, 5_000),  # 10,000 yuan: 50 yuan
        (10_000_000, 140_000),  # 100,000 yuan: 50 + 90,000 × 1.5 %
        (50_000_000, 740_000),  # 500,000 yuan: 50 + 490,000 × 1.5 %
        (500_000_000, 5_240_000),  # 5 million: + 4.5 million × 1 %
        (1_000_000_000, 7_740_000),  # 10 million: + 5 million × 0.5 %
        (2_000_000_000, 8_740_000),  # 20 million: + 10 million × 0.1 %
    ],
)
def test_enforcement_fee_follows_the_progressive_table(claim_fen: int, fee_fen: int) -> None:
    assert enforcement_fee_fen(claim_fen) == fee_fen


def test_fee_rounds_half_up_once_to_the_fen() -> None:
    assert enforcement_fee_fen(1_000_033) == 5_000  # 33 × 1.5 % = 0.495 fen
    assert enforcement_fee_fen(1_000_034) == 5_001  # 34 × 1.5 % = 0.51 fen


def test_interest_is_0_0175_percent_per_day_on_the_unpaid_principal() -> None:
    assert late_interest_fen(1_000_000, date(2026, 1, 1), [], date(2026, 1, 11)) == 1_750


def test_interest_does_not_run_on_or_before_the_deadline() -> None:
    assert late_interest_fen(1_000_000, date(2026, 1, 1), [], date(2026, 1, 1)) == 0
    assert late_interest_fen(1_000_000, date(2026, 1, 1), [Arrival(date(2026, 1, 1), 1_000_000)],
                             date(2026, 6, 1)) == 0


def test_a_partial_payment_stops_interest_on_the_part_it_pays() -> None:
    arrivals = [Arrival(date(2026, 1, 11), 600_000)]
    # 600,000 × 10 days + 400,000 × 20 days = 14,000,000 fen-days × 0.000175 = 2,450 fen
    assert late_interest_fen(1_000_000, date(2026, 1, 1), arrivals, date(2026, 1, 21)) == 2_450


def test_money_beyond_the_principal_does_not_reduce_interest_further() -> None:
    arrivals = [Arrival(date(2026, 1, 11), 1_500_000)]
    assert late_interest_fen(1_000_000, date(2026, 1, 1), arrivals, date(2027, 1, 1)) == 1_750


def test_interest_rounds_half_up_once_at_the_end() -> None:
    assert late_interest_fen(2_857, date(2026, 1, 1), [], date(2026, 1, 2)) == 0  # 0.499975 fen
    assert late_interest_fen(2_858, date(2026, 1, 1), [], date(2026, 1, 2)) == 1  # 0.50015 fen


def test_amount_due_is_claim_plus_fee_plus_interest() -> None:
    due = amount_due(1_000_000, date(2026, 1, 1), [], date(2026, 1, 11))
    assert (due.claim_fen, due.fee_fen, due.interest_fen, due.total_fen) == (1_000_000, 5_000, 1_750, 1_006_750)


def test_arrived_funds_are_due_for_payout_within_30_days() -> None:
    receipts = [("a", date(2026, 3, 4), 1_000), ("b", date(2026, 3, 20), 500)]
    on_time = payout_schedule(receipts, 0, date(2026, 4, 3))
    assert [(p.entry_id, p.pay_by, p.overdue) for p in on_time] == [
        ("a", date(2026, 4, 3), False), ("b", date(2026, 4, 20), False)]
    late = payout_schedule(receipts, 0, date(2026, 4, 4))
    assert late[0].overdue


def test_payouts_settle_the_oldest_arrival_first() -> None:
    receipts = [("a", date(2026, 3, 4), 1_000), ("b", date(2026, 3, 20), 500)]
    left = payout_schedule(receipts, 1_200, date(2026, 4, 4))
    assert [(p.entry_id, p.outstanding_fen) for p in left] == [("b", 300)]
