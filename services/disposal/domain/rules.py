"""The numeric rules of disposal (docs/rules.md §4), each in one place, with its legal source.

Pure functions: dates and amounts in, a verdict out. A broken rule raises :class:`RuleBroken`
naming the rule, the field and a Chinese message; the API turns it into problem+json.
Money is integer fen; percentages are compared in exact integer arithmetic (no floats), so
69.9 % is refused and 70 % accepted exactly at the boundary.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Literal

from shared.disposal_chances import AssetClass as AssetClass  # re-exported: one table (intake too)
from shared.disposal_chances import asset_class as asset_class
from shared.disposal_chances import failures_before_release as failures_before_release
from shared.errors import DomainError, FieldError
from shared.holidays import COURT

PriceMethod = Literal["agreement", "targeted_enquiry", "online_enquiry", "valuation"]

# 参考价规定 art. 2: agreement → targeted enquiry → online enquiry → valuation, in that order.
PRICE_METHODS: tuple[PriceMethod, ...] = ("agreement", "targeted_enquiry", "online_enquiry", "valuation")
METHOD_ZH = {
    "agreement": "当事人议价", "targeted_enquiry": "定向询价", "online_enquiry": "网络询价", "valuation": "委托评估",
}


class RuleBroken(DomainError):
    """A command broke a numbered rule: the rule and the wrong field (answered 422)."""

    def __init__(self, rule: str, field: str, message: str, code: str = "rule_broken") -> None:
        super().__init__(message, code=code, rule=rule, errors=[FieldError(field, message, code)])


# ---- calendar ------------------------------------------------------------------------------

def is_working_day(day: date) -> bool:
    """The court's calendar (shared/holidays.py ``COURT``): a year an administrator loaded on the
    calendar topic first, the State Council schedule of the package otherwise, weekends only where
    neither is known — the same calendar in every service."""
    return COURT.is_workday(day)


def statutory_deadline(start: date, days: int) -> date:
    """Last day of a period of ``days`` from ``start``: the start day is not counted, and a
    period ending on a holiday ends on the next working day (民诉法 2023 art. 85)."""
    end = start + timedelta(days=days)
    while not is_working_day(end):
        end += timedelta(days=1)
    return end


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# ---- the asset's standing: controlled, and no third-party objection in the way ---------------

OBJECTION_HOLD_DAYS = 15  # 民诉法解释 (2022) art. 463: no disposal within 15 days of the rejection


def objection_hold_ends(rejected_on: date) -> date:
    """Last day of the bar on disposal after a third-party objection was rejected (民诉法解释 art.
    463: 15 days from the service of the rejection; counted here from the day it was decided, start
    day not counted, a last day on a rest day moved to the next working day as 民诉法 art. 85 says)."""
    return statutory_deadline(rejected_on, OBJECTION_HOLD_DAYS)


def check_objection_hold(rejected_on: Iterable[date], days: Iterable[date], field: str = "asset_id") -> None:
    """No step of a disposal on a day from a rejection up to the end of its 15-day hold."""
    wanted = sorted(set(days))
    for rejected in sorted(set(rejected_on), reverse=True):
        ends = objection_hold_ends(rejected)
        hit = [d for d in wanted if rejected <= d <= ends]
        if hit:
            raise RuleBroken(
                "民诉法解释-463", field,
                f"案外人对该财产的异议已于 {rejected.isoformat()} 裁定驳回，驳回后十五日内不得处分该财产"
                f"（本次处置日期 {hit[-1].isoformat()} 在此期间内）；"
                f"该期间至 {ends.isoformat()} 届满，{(ends + timedelta(days=1)).isoformat()} 起方可继续处置",
                "asset_objection_hold")


# ---- reference price -----------------------------------------------------------------------

ONLINE_ENQUIRY_DAYS = 3  # 参考价规定 art. 11: 3 days, extendable once by 3 days
ONLINE_ENQUIRY_EXTENSIONS = 1
VALUATION_DAYS = 30  # 参考价规定 art. 19: 30 days, at most two extensions of 15 days
VALUATION_EXTENSION_DAYS = 15
VALUATION_EXTENSIONS = 2
PRICE_OBJECTION_DAYS = 5  # 参考价规定 art. 22: objection within 5 days of receiving the report
PRICE_VALID_YEARS = 1  # 参考价规定 art. 27


def check_method_order(method: PriceMethod, unavailable: frozenset[str]) -> None:
    """A method is used only when every earlier one was unavailable (参考价规定 art. 2)."""
    earlier = [m for m in PRICE_METHODS[: PRICE_METHODS.index(method)] if m not in unavailable]
    if earlier:
        names = "、".join(METHOD_ZH[m] for m in earlier)
        raise RuleBroken("参考价规定-2", "method", f"确定参考价须依次适用；应先适用或说明不能适用：{names}",
                         "price_method_order")


def procedure_due(method: PriceMethod, started_on: date, extensions: int) -> date:
    """Due date of an online enquiry or a valuation after ``extensions`` extensions."""
    if method == "online_enquiry":
        return statutory_deadline(started_on, ONLINE_ENQUIRY_DAYS * (1 + extensions))
    return statutory_deadline(started_on, VALUATION_DAYS + VALUATION_EXTENSION_DAYS * extensions)


def check_extension(method: PriceMethod, extensions_so_far: int) -> None:
    limit = ONLINE_ENQUIRY_EXTENSIONS if method == "online_enquiry" else VALUATION_EXTENSIONS
    if extensions_so_far >= limit:
        rule = "参考价规定-11" if method == "online_enquiry" else "参考价规定-19"
        raise RuleBroken(rule, "method", f"{METHOD_ZH[method]}期限最多延长 {limit} 次", "price_extension_limit")


def check_result_in_time(method: PriceMethod, started_on: date, extensions: int, determined_on: date) -> None:
    due = procedure_due(method, started_on, extensions)
    if determined_on > due:
        rule = "参考价规定-11" if method == "online_enquiry" else "参考价规定-19"
        raise RuleBroken(rule, "determined_on", f"{METHOD_ZH[method]}结果晚于期限 {due.isoformat()}，应改用下一种方式",
                         "price_result_late")


def average_fen(amounts: list[int]) -> int:
    """Mean of platform results (参考价规定 art. 12), rounded half up to the fen."""
    return (2 * sum(amounts) + len(amounts)) // (2 * len(amounts))


def price_valid_until(determined_on: date) -> date:
    return add_years(determined_on, PRICE_VALID_YEARS)


def check_objection_in_time(received_on: date, filed_on: date) -> None:
    due = statutory_deadline(received_on, PRICE_OBJECTION_DAYS)
    if filed_on > due:
        raise RuleBroken("参考价规定-22", "filed_on",
                         f"对参考价报告的异议应在收到后 5 日内提出（截止 {due.isoformat()}）{COURT.note(due)}",
                         "price_objection_late")


def check_price_valid(valid_until: date, announcement_start: date) -> None:
    """The first auction is announced while the reference price is valid (参考价规定 art. 27)."""
    if announcement_start > valid_until:
        raise RuleBroken("参考价规定-27", "announcement_start",
                         f"参考价已于 {valid_until.isoformat()} 失效，须重新确定参考价", "reference_price_expired")


# ---- auction -------------------------------------------------------------------------------

def check_first_starting_price(reference_fen: int, starting_fen: int) -> None:
    """起拍价 ≥ 70 % of the reference price (网拍规定 art. 10)."""
    if starting_fen * 100 < reference_fen * 70:
        raise RuleBroken("网拍规定-10", "starting_price_fen", "起拍价不得低于参考价的百分之七十",
                         "starting_price_too_low")


def check_second_round_cut(previous_fen: int, starting_fen: int) -> None:
    """再次拍卖 cuts the starting price by at most 20 % of the previous one (网拍规定 art. 26)."""
    if starting_fen > previous_fen:
        raise RuleBroken("网拍规定-26", "starting_price_fen", "再次拍卖的起拍价不得高于前次起拍价",
                         "starting_price_raised")
    if (previous_fen - starting_fen) * 100 > previous_fen * 20:
        raise RuleBroken("网拍规定-26", "starting_price_fen", "再次拍卖起拍价降价幅度不得超过前次起拍价的百分之二十",
                         "price_cut_too_deep")


def check_deposit(starting_fen: int, deposit_fen: int) -> None:
    """保证金 between 5 % and 20 % of the starting price (网拍规定 art. 17)."""
    if deposit_fen * 100 < starting_fen * 5 or deposit_fen * 100 > starting_fen * 20:
        raise RuleBroken("网拍规定-17", "deposit_fen", "保证金应在起拍价的百分之五至百分之二十之间",
                         "deposit_out_of_range")


def announcement_days(cls: AssetClass, round_no: int) -> int:
    """First auction 15 / 30 days (网拍规定 art. 12); a re-auction 7 / 15 days (art. 26)."""
    if round_no == 1:
        return 15 if cls == "movable" else 30
    return 7 if cls == "movable" else 15


def check_announcement(cls: AssetClass, round_no: int, announcement_start: date, bidding_start: date) -> None:
    need = announcement_days(cls, round_no)
    if (bidding_start - announcement_start).days < need:
        kind = "动产" if cls == "movable" else "不动产及其他财产权"
        rule = "网拍规定-12" if round_no == 1 else "网拍规定-26"
        raise RuleBroken(rule, "bidding_start", f"{kind}第 {round_no} 次拍卖应在竞价开始 {need} 日前公告",
                         "announcement_too_short")


BIDDING_MIN = timedelta(hours=24)  # 网拍规定 art. 20: bidding lasts at least 24 hours


def check_bidding(bidding_start: datetime, bidding_end: datetime) -> None:
    if bidding_end - bidding_start < BIDDING_MIN:
        raise RuleBroken("网拍规定-20", "bidding_end", "竞价时间不得少于二十四小时", "bidding_too_short")


REAUCTION_DAYS = 30  # 网拍规定 art. 26: re-auction within 30 days of the failed one


def check_reauction_window(previous_end: date, bidding_start: date) -> None:
    due = statutory_deadline(previous_end, REAUCTION_DAYS)
    if bidding_start > due:
        raise RuleBroken("网拍规定-26", "bidding_start",
                         f"流拍后应在三十日内再次拍卖（最迟 {due.isoformat()}）{COURT.note(due)}", "reauction_too_late")


def check_direct_sale_price(valuation_fen: int, price_fen: int) -> None:
    """A reduced sale price may not go below half the valuation (拍卖变卖规定 2020 art. 32)."""
    if price_fen * 2 < valuation_fen:
        raise RuleBroken("拍卖变卖规定-32", "price_fen", "变卖价不得低于评估价（参考价）的二分之一",
                         "direct_sale_too_low")


# ---- after the second failure: online direct sale (网络司法变卖) ------------------------------
# 网拍规定 2016 art. 26: 再次拍卖流拍的，可以依法在同一网络司法拍卖平台变卖. 最高法院《关于认真做好网络
# 司法拍卖与网络司法变卖衔接工作的通知》(法明传〔2017〕455号): the 变卖 price is the second round's
# (流拍) starting price, the sale runs 60 days on the same platform, announced 7 days before it
# starts; an online second failure is followed by 变卖, not by a third auction. For real estate and
# other property rights the 拍卖变卖规定 (2004, amended 2020) art. 25 wants a third chance (a third
# auction) before the asset is released; online, that third chance is this 变卖.

ONLINE_SALE_DAYS = 60
ONLINE_SALE_NOTICE_DAYS = 7


def online_sale_end(sale_start: date) -> date:
    """Last day of the 60-day online sale (start day not counted; a rest day moves it on)."""
    return statutory_deadline(sale_start, ONLINE_SALE_DAYS)


def check_online_sale_notice(announced_on: date, sale_start: date) -> None:
    if (sale_start - announced_on).days < ONLINE_SALE_NOTICE_DAYS:
        raise RuleBroken("网拍变卖-455", "sale_start", "网络变卖应在变卖开始七日前公告", "online_sale_notice_too_short")


def check_online_sale_price(online_price_fen: int, price_fen: int) -> None:
    """An online 变卖 sells at its announced price (the second round's starting price) or above."""
    if price_fen < online_price_fen:
        raise RuleBroken("网拍变卖-455", "price_fen",
                         f"网络变卖价为第二次拍卖的起拍价 {online_price_fen} 分，成交价不得低于该价",
                         "online_sale_below_price")


def check_within_online_sale(sale_start: date, sale_end: date, sold_on: date) -> None:
    if not sale_start <= sold_on <= sale_end:
        raise RuleBroken("网拍变卖-455", "sold_on",
                         f"网络变卖期为 {sale_start.isoformat()} 至 {sale_end.isoformat()}，成交日期不在变卖期内",
                         "outside_online_sale")


def check_online_sale_over(sale_end: date, ended_on: date) -> None:
    if ended_on <= sale_end:
        raise RuleBroken("网拍变卖-455", "ended_on",
                         f"网络变卖期至 {sale_end.isoformat()} 届满，届满前不能记录变卖不成", "online_sale_not_over")


# ---- the five-minute extension of online bidding -------------------------------------------
# 网拍规定 2016 art. 20: 竞价程序结束前五分钟内无人出价的，最后出价即为成交价；有出价的，竞价时间自该
# 出价时点顺延五分钟. A bid's time is when it entered the platform.

EXTENSION = timedelta(minutes=5)


def extended_end(bidding_end: datetime, last_bid_at: datetime | None) -> datetime:
    """When bidding really ended: the announced end, or five minutes after the last bid when that
    bid came within the last five minutes (of the announced end or of an extension)."""
    if last_bid_at is None or last_bid_at < bidding_end - EXTENSION:
        return bidding_end
    return last_bid_at + EXTENSION


def check_result_after_end(bidding_start: datetime, bidding_end: datetime, last_bid_at: datetime | None,
                           ended_at: datetime) -> None:
    """A result is recorded at or after the (extended) end; the last bid falls inside the bidding."""
    if last_bid_at is not None:
        if last_bid_at < bidding_start:
            raise RuleBroken("网拍规定-20", "last_bid_at", "最后出价时间早于竞价开始时间", "bid_before_start")
        if last_bid_at > ended_at:
            raise RuleBroken("网拍规定-20", "last_bid_at", "最后出价时间晚于记录的结束时间", "bid_after_end")
    end = extended_end(bidding_end, last_bid_at)
    if ended_at < end:
        why = (f"最后出价 {last_bid_at.isoformat()} 在竞价结束前五分钟内，竞价顺延至 {end.isoformat()}"
               if last_bid_at is not None and end != bidding_end else f"竞价至 {end.isoformat()} 结束")
        raise RuleBroken("网拍规定-20", "ended_at", f"竞价期间尚未届满：{why}", "bidding_not_over")
