"""Money rules of the case account (docs/rules.md §4a): fee, late-payment interest, payout limit.

All amounts are integer fen. Rounding rule (one for the whole service): a computation keeps
exact integer numerators and rounds **once, at the end, half up to the fen** — never per day
or per band, so the result does not depend on how a period is split.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.disposal.domain.rules import statutory_deadline

YUAN = 100


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (both non-negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


# 诉讼费用交纳办法 art. 14 (执行申请费): 50 yuan up to 10,000 yuan, then marginal rates per band.
# Rates in units of 1/10,000.
FEE_BASE_FEN = 50 * YUAN
FEE_BANDS: tuple[tuple[int, int, int], ...] = (
    (10_000 * YUAN, 500_000 * YUAN, 150),
    (500_000 * YUAN, 5_000_000 * YUAN, 100),
    (5_000_000 * YUAN, 10_000_000 * YUAN, 50),
    (10_000_000 * YUAN, 10**18, 10),
)


def enforcement_fee_fen(claim_fen: int) -> int:
    """The enforcement application fee on a monetary claim, borne by the debtor (art. 38)."""
    numerator = 0
    for low, high, rate in FEE_BANDS:
        if claim_fen > low:
            numerator += (min(claim_fen, high) - low) * rate
    return FEE_BASE_FEN + round_half_up(numerator, 10_000)


# 迟延履行利息解释 2014 art. 1: unpaid principal × 0.0175 % per day (175 / 1,000,000).
INTEREST_PER_DAY = (175, 1_000_000)


@dataclass(frozen=True)
class Arrival:
    """Money that reached the case account (or value taken in kind) on a day."""

    on: date
    amount_fen: int


def late_interest_fen(principal_fen: int, deadline: date, arrivals: Sequence[Arrival], as_of: date) -> int:
    """Extra late-payment interest from the day after ``deadline`` until each part is paid.

    Arrivals pay the principal first (迟延履行利息解释 art. 4), in date order; a part paid on day
    D has run ``D - deadline`` days; what is still unpaid runs until ``as_of``.
    """
    rate_num, rate_den = INTEREST_PER_DAY
    unpaid = principal_fen
    numerator = 0
    for arrival in sorted(arrivals, key=lambda a: a.on):
        if unpaid <= 0:
            break
        part = min(unpaid, arrival.amount_fen)
        numerator += part * max(0, (arrival.on - deadline).days)
        unpaid -= part
    if unpaid > 0:
        numerator += unpaid * max(0, (as_of - deadline).days)
    return round_half_up(numerator * rate_num, rate_den)


@dataclass(frozen=True)
class AmountDue:
    claim_fen: int
    fee_fen: int
    interest_fen: int

    @property
    def total_fen(self) -> int:
        return self.claim_fen + self.fee_fen + self.interest_fen


def amount_due(claim_fen: int, deadline: date, arrivals: Sequence[Arrival], as_of: date) -> AmountDue:
    return AmountDue(claim_fen, enforcement_fee_fen(claim_fen), late_interest_fen(claim_fen, deadline, arrivals, as_of))


PAYOUT_DAYS = 30  # 执行款物管理规定 (法发〔2017〕6号): pay out within 30 days of arrival


@dataclass(frozen=True)
class PendingArrival:
    entry_id: str
    received_on: date
    amount_fen: int
    outstanding_fen: int
    pay_by: date
    overdue: bool


def payout_schedule(
    receipts: Sequence[tuple[str, date, int]], paid_out_fen: int, today: date
) -> list[PendingArrival]:
    """Cash arrivals not yet paid out (payouts settle the oldest first), each with its 30-day limit."""
    left = paid_out_fen
    pending: list[PendingArrival] = []
    for entry_id, received_on, amount in sorted(receipts, key=lambda r: r[1]):
        settled = min(left, amount)
        left -= settled
        if settled < amount:
            pay_by = statutory_deadline(received_on, PAYOUT_DAYS)
            pending.append(PendingArrival(entry_id, received_on, amount, amount - settled, pay_by, today > pay_by))
    return pending


def offset_difference_fen(owed_to_applicant_fen: int, paid_to_applicant_fen: int, in_kind_fen: int) -> int:
    """差价 of an offset in kind: what the applicant who took an asset in kind must pay in because it is
    worth more than what they were still owed (拍卖变卖规定 2020 art. 16: 承受人应受清偿的债权额低于抵债
    财产的价额的，人民法院应当责令其在指定的期间内补交差额). ``owed_to_applicant_fen`` is claim + interest;
    the court's fee is not the applicant's to receive, so it is paid out of the difference."""
    return max(0, paid_to_applicant_fen + in_kind_fen - owed_to_applicant_fen)


def outstanding_fen(owed_to_applicant_fen: int, fee_fen: int, paid_to_applicant_fen: int, in_kind_fen: int,
                    paid_fee_fen: int) -> int:
    """What is still owed on the case: to the applicant and, separately, the court's fee — an asset
    taken in kind worth more than the applicant's claim settles the claim, never the fee."""
    return (max(0, owed_to_applicant_fen - paid_to_applicant_fen - in_kind_fen)
            + max(0, fee_fen - paid_fee_fen))
