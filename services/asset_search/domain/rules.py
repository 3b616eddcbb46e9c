"""Statutory and local rules of 查控, each with its source. Pure functions of their inputs."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from fractions import Fraction

from shared.holidays import COURT

ASSET_NAMESPACE = uuid.UUID("0b7d4f0e-5a3c-4b61-8e0d-3f1a9c2b7e55")

# 民诉法解释 art. 485: 冻结银行存款 ≤ 1 年；查封、扣押动产 ≤ 2 年；查封不动产、冻结其他财产权 ≤ 3 年；
# 续行期限同样不得超过上述期限. Vehicles and vessels are (registered) movables; securities, equity,
# housing-fund and online-payment balances are "other property rights".
MAX_CONTROL_YEARS: dict[str, int] = {
    "bank_deposit": 1,
    "vehicle": 2, "vessel": 2, "movable": 2,
    "real_estate": 3, "securities": 3, "equity": 3, "housing_fund": 3, "online_payment": 3,
}
MONEY_KINDS = frozenset({"bank_deposit", "housing_fund", "online_payment"})
MEASURES: dict[str, frozenset[str]] = {
    **{k: frozenset({"freeze", "deduct"}) for k in MONEY_KINDS},
    "securities": frozenset({"freeze"}),
    "equity": frozenset({"freeze"}),
    "real_estate": frozenset({"seize"}),
    "vehicle": frozenset({"seize", "impound"}),
    "vessel": frozenset({"seize", "impound"}),
    "movable": frozenset({"seize", "impound"}),
}
MEASURE_ZH = {"freeze": "冻结", "seize": "查封", "impound": "扣押", "deduct": "扣划"}

# 财产调查规定 art. 2: 申请执行人提供财产线索的，应当在七日内调查核实；情况紧急的，在三日内.
LEAD_DAYS, URGENT_LEAD_DAYS = 7, 3
# 终本规定 art. 9: 终本后五年内，每六个月通过网络执行查控系统查询一次被执行人的财产.
RESEARCH_EVERY_MONTHS, RESEARCH_FOR_YEARS = 6, 5


def add_years(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def add_months(start: date, months: int) -> date:
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError(start)


def max_expiry(asset_kind: str, start: date) -> date:
    """The latest expiry a control (or one renewal of it) may have, counted from ``start``."""
    return add_years(start, MAX_CONTROL_YEARS[asset_kind])


def application_fee_fen(claim_fen: int) -> int:
    """执行申请费 (诉讼费用交纳办法 art. 14), progressive, rounded to the fen."""
    yuan = Fraction(claim_fen, 100)
    fee = Fraction(50)
    for low, high, rate in (
        (10_000, 500_000, Fraction(15, 1000)),
        (500_000, 5_000_000, Fraction(1, 100)),
        (5_000_000, 10_000_000, Fraction(5, 1000)),
        (10_000_000, None, Fraction(1, 1000)),
    ):
        if yuan <= low:
            break
        part = (yuan if high is None else min(yuan, Fraction(high))) - low
        fee += part * rate
    return int(fee * 100 + Fraction(1, 2))


def is_working_day(day: date) -> bool:
    """The court's calendar (shared/holidays.py ``COURT``): a year an administrator loaded on the
    calendar topic first, the State Council schedule of the package otherwise, weekends only where
    neither is known — the same calendar in every service."""
    return COURT.is_workday(day)


def period_end(start: date, days: int) -> date:
    """民诉法 art. 85: the start day is not counted; an end on a rest day moves to the next working day."""
    end = start + timedelta(days=days)
    while not is_working_day(end):
        end += timedelta(days=1)
    return end


def lead_due(recorded_on: date, urgent: bool) -> date:
    return period_end(recorded_on, URGENT_LEAD_DAYS if urgent else LEAD_DAYS)


def research_dates(closed_on: date) -> list[date]:
    """The dates of the periodic re-searches after 终本 (every 6 months for 5 years)."""
    count = RESEARCH_FOR_YEARS * 12 // RESEARCH_EVERY_MONTHS
    return [add_months(closed_on, RESEARCH_EVERY_MONTHS * i) for i in range(1, count + 1)]


def normalise_identifier(identifier: str) -> str:
    return "".join(identifier.split()).replace("·", "").upper()


def asset_id_for(case_id: str, asset_kind: str, identifier: str) -> str:
    """One asset per (case, kind, identifier): the same account reported twice is one asset."""
    return str(uuid.uuid5(ASSET_NAMESPACE, f"{case_id}|{asset_kind}|{normalise_identifier(identifier)}"))
