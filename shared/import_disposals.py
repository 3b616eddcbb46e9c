"""The ``disposals[]`` section of an import record (docs/import.md §1b, §2d): the old system's
disposals of controlled assets — the judge's decision, the reference price, the online auction rounds,
a direct sale, an offset in kind or a release, and the sale ruling.

Every number rule 5 (互相制约-5) judges is the record's own: the starting price, the deposit, the
announcement date, the bidding's first and last day are required of every round, nothing is defaulted
(a defaulted announcement date or deposit would be a finding the old system never earned). Only the
shape and the order of the dates are checked here; the rules the old system may have broken (a late
price, a short announcement, a starting price under 70 %) are history that supervision finds. Pure;
intake checks it with the rest of the record, disposal imports it (``services/disposal/import_disposals.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from shared.text import RequestModel

Day = date
Officer = Annotated[str, Field(min_length=1, max_length=64, description="工号")]
Fen = Annotated[int, Field(strict=True, gt=0, le=10**15)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Method = Literal["agreement", "targeted_enquiry", "online_enquiry", "valuation"]
# Money is not sold: a frozen account is deducted (扣划), which the record's controls carry.
NOT_DISPOSABLE = ("bank_deposit", "housing_fund", "online_payment")
MAX_ROUNDS = 3


class PriceRec(RequestModel):
    """确定参考价。"""

    method: Method = Field(description="agreement 当事人议价 / targeted_enquiry 定向询价 / online_enquiry 网络询价 / "
                                       "valuation 委托评估")
    fixed_on: Day = Field(description="参考价确定日期")
    amount_fen: Fen = Field(description="参考价（分）")
    fixed_by: Officer | None = Field(default=None, description="经办人；缺省为导入人员")


class AuctionRec(RequestModel):
    """一次网络司法拍卖（按轮次顺序）。"""

    platform: Name = Field(description="拍卖平台，如 淘宝网司法拍卖")
    announced_on: Day = Field(description="拍卖公告发布日期")
    start_date: Day = Field(description="竞价开始日期")
    end_date: Day = Field(description="竞价结束日期")
    starting_price_fen: Fen = Field(description="起拍价（分）")
    deposit_fen: Fen = Field(description="保证金（分）")
    increment_fen: Fen | None = Field(default=None, description="加价幅度（分）；旧系统未记载时省略（记为 0）")
    result: Literal["sold", "unsold"] = Field(description="sold 成交 / unsold 流拍")
    price_fen: Fen | None = Field(default=None, description="成交价（分；成交时必填）")
    buyer: Name | None = Field(default=None, description="买受人（成交时必填）")


class DirectSaleRec(RequestModel):
    """变卖成交。"""

    sold_on: Day
    price_fen: Fen
    buyer: Name


class OffsetRec(RequestModel):
    """以物抵债（裁定日期、抵债金额）。"""

    date: Day
    price_fen: Fen = Field(description="抵债金额（分）")


class ReleaseRec(RequestModel):
    """解除处置（退还被执行人）。"""

    date: Day
    reason: Annotated[str, Field(min_length=1, max_length=2000)] = "旧系统解除处置（导入）"


class RulingRec(RequestModel):
    """成交裁定。"""

    signed_on: Day
    judge_id: Officer | None = Field(default=None, description="签发法官；缺省为决定处置的法官")


class DisposalRec(RequestModel):
    """一项财产处置：法官决定、参考价、拍卖、变卖/以物抵债/解除、成交裁定。"""

    control: Annotated[int, Field(strict=True, ge=0, lt=100)] = Field(
        description="处置的控制措施在本记录 controls[] 中的序号（从 0 起）；财产即该控制措施的财产")
    decided_on: Day = Field(description="法官决定处置的日期")
    judge_id: Officer | None = Field(default=None, description="决定法官；缺省为承办法官")
    price: PriceRec | None = None
    auctions: list[AuctionRec] = Field(default_factory=list, max_length=MAX_ROUNDS, description="拍卖（按轮次）")
    direct_sale: DirectSaleRec | None = None
    offset_in_kind: OffsetRec | None = None
    release: ReleaseRec | None = None
    sale_ruling: RulingRec | None = None


Err = Callable[[str, str, str], None]


def disposal_dates(case: Any) -> list[tuple[str, date]]:
    return [x for i, d in enumerate(case.disposals) for x in _dates_of(d, f"disposals.{i}")]


def _dates_of(d: DisposalRec, at: str) -> list[tuple[str, date]]:
    out = [(f"{at}.decided_on", d.decided_on)]
    if d.price is not None:
        out.append((f"{at}.price.fixed_on", d.price.fixed_on))
    for r, a in enumerate(d.auctions):
        out += [(f"{at}.auctions.{r}.{k}", getattr(a, k)) for k in ("announced_on", "start_date", "end_date")]
    for name, field in (("direct_sale", "sold_on"), ("offset_in_kind", "date"), ("release", "date"),
                        ("sale_ruling", "signed_on")):
        part = getattr(d, name)
        if part is not None:
            out.append((f"{at}.{name}.{field}", getattr(part, field)))
    return out


def check_disposals(case: Any, err: Err) -> None:
    """The shape and the order of each disposal: the asset under a seizure of the record, one outcome,
    the steps in the procedure's order (decision → price → rounds → sale/offset/release → ruling)."""
    closed = case.closure.date if case.closure is not None else None
    seen: dict[int, int] = {}
    for i, d in enumerate(case.disposals):
        at = f"disposals.{i}"
        if case.assignment is None:
            err(at, "未分案的案件不能有财产处置；请填写 assignment", "not_assigned")
        if d.control >= len(case.controls):
            err(f"{at}.control", f"controls[] 中没有序号 {d.control} 的控制措施", "no_such_control")
            continue
        c = case.controls[d.control]
        if c.measure == "deduct" or c.asset.kind in NOT_DISPOSABLE:
            err(f"{at}.control", "资金类财产以扣划执行，不作处置；应为查封、扣押或冻结的其他财产", "not_disposable")
        if d.control in seen:
            err(f"{at}.control", f"同一控制措施已在 disposals.{seen[d.control]} 中处置", "duplicate")
        seen.setdefault(d.control, i)
        if d.decided_on < c.effective_date:
            err(f"{at}.decided_on", f"不能早于控制措施生效日期（{c.effective_date}）", "before_control")
        last = ("decided_on", d.decided_on)
        if d.price is not None:
            last = _after(err, at, last, "price.fixed_on", d.price.fixed_on)
        elif d.auctions:
            err(f"{at}.price", "拍卖前须确定参考价；请填写 price", "required")
        for r, a in enumerate(d.auctions):
            ap = f"auctions.{r}"
            last = _after(err, at, last, f"{ap}.announced_on", a.announced_on)
            last = _after(err, at, last, f"{ap}.start_date", a.start_date)
            last = _after(err, at, last, f"{ap}.end_date", a.end_date)
            if a.result == "sold" and (a.price_fen is None or a.buyer is None):
                err(f"{at}.{ap}.price_fen" if a.price_fen is None else f"{at}.{ap}.buyer",
                    "成交的拍卖须写明成交价和买受人", "required")
            if a.result == "unsold" and (a.price_fen is not None or a.buyer is not None):
                err(f"{at}.{ap}.result", "流拍的拍卖没有成交价和买受人", "not_applicable")
            if a.result == "sold" and r != len(d.auctions) - 1:
                err(f"{at}.{ap}.result", "拍卖成交后不能再有下一轮拍卖", "after_sale")
        sold = bool(d.auctions) and d.auctions[-1].result == "sold"
        ends = [n for n in ("direct_sale", "offset_in_kind", "release") if getattr(d, n) is not None]
        if len(ends) + sold > 1:
            err(f"{at}.{ends[-1]}", "一项处置只能有一个结果：拍卖成交、变卖、以物抵债或解除", "more_than_one_outcome")
        for name in ends:
            part = getattr(d, name)
            day = part.sold_on if name == "direct_sale" else part.date
            _after(err, at, last, f"{name}.{'sold_on' if name == 'direct_sale' else 'date'}", day)
            if name != "release" and not d.auctions:
                err(f"{at}.{name}", "变卖、以物抵债须在拍卖流拍之后；请填写 auctions", "no_auction")
        if d.sale_ruling is not None:
            if not (sold or d.direct_sale is not None):
                err(f"{at}.sale_ruling", "成交裁定须有拍卖成交或变卖成交", "nothing_sold")
            else:
                sale_day = d.direct_sale.sold_on if d.direct_sale is not None else d.auctions[-1].end_date
                if d.sale_ruling.signed_on < sale_day:
                    err(f"{at}.sale_ruling.signed_on", f"不能早于成交日期（{sale_day}）", "out_of_order")
        for path, day in _dates_of(d, at):
            if closed is not None and day > closed:
                err(path, f"不能晚于结案日期（{closed}）", "after_closure")


def _after(err: Err, at: str, last: tuple[str, date], name: str, day: date) -> tuple[str, date]:
    if day < last[1]:
        err(f"{at}.{name}", f"不能早于 {last[0]}（{last[1]}）", "out_of_order")
        return last
    return (name, day)
