"""The sections of an import record that belong to other services than intake (docs/import.md §1b).

A record of a court's old system carries, besides intake's history, the old system's online search
(``search``), its controls (``controls[]``: freezes, seizures, impoundments, deductions with their
dates, expiry, renewals and release) and its money (``receipts[]``, ``payouts[]``). Intake checks
the whole record, these sections included (a record wrong anywhere is refused whole, before any
service writes anything of it); asset_search and disposal read the same record with :class:`CaseView`
and import their section. The shapes and checks live here so the three agree. Pure.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.courts import parse_case_number
from shared.errors import FieldError
from shared.import_disposals import DisposalRec, check_disposals, disposal_dates
from shared.importing import RecordRefused, case_id_for
from shared.problems import validation_field_errors
from shared.text import RequestModel

# Dates older than this are typing errors (the enforcement procedure of the 1982 民诉法(试行)).
EARLIEST = date(1980, 1, 1)
AgencyKind = Literal["bank_deposit", "real_estate", "vehicle", "securities", "equity", "housing_fund",
                     "online_payment", "vessel"]
AGENCY_KINDS: tuple[AgencyKind, ...] = get_args(AgencyKind)
Measure = Literal["freeze", "seize", "impound", "deduct"]
Source = Literal["bank_deduction", "auction_proceeds", "sale_proceeds", "voluntary_payment", "offset_in_kind"]
Day = date  # a field may be called ``date``
Officer = Annotated[str, Field(min_length=1, max_length=64, description="工号")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Fen = Annotated[int, Field(strict=True, gt=0, le=10**15)]
MONEY_KINDS = ("bank_deposit", "housing_fund", "online_payment")


class SearchRec(RequestModel):
    """旧系统的网络查控（第 1 轮）：发起和全部反馈的日期、覆盖的协助单位类型。"""

    date: Day = Field(description="发起网络查控的日期")
    answered_on: Day = Field(description="全部协助单位反馈完毕的日期")
    agency_kinds: list[AgencyKind] = Field(default_factory=lambda: list(AGENCY_KINDS), min_length=1,
                                           description="查询的协助单位类型；缺省为全部八类")


class AssetRec(RequestModel):
    kind: AgencyKind = Field(description="财产类型（即查得该财产的协助单位类型）")
    identifier: Annotated[str, Field(min_length=1, max_length=200)] = Field(description="账号、不动产权证号、车牌等")
    value_fen: Fen | None = Field(default=None, description="价值（分）")
    location: Annotated[str, Field(min_length=1, max_length=200)] | None = None


class RenewalRec(RequestModel):
    date: Day = Field(description="续行日期")
    expiry_date: Day = Field(description="续行后的到期日")


class ReleaseRec(RequestModel):
    date: Day = Field(description="解除日期")
    reason: Text = Field(default="旧系统解除（导入）", description="解除理由")
    ruling_number: Annotated[str, Field(min_length=1, max_length=100)] | None = None


class ControlRec(RequestModel):
    """一项控制措施：冻结、查封、扣押或扣划，及其续行和解除。"""

    asset: AssetRec
    measure: Measure = Field(description="freeze 冻结 / seize 查封 / impound 扣押 / deduct 扣划")
    ruling_number: Annotated[str, Field(min_length=1, max_length=100)] = Field(description="裁定书文号")
    judge_id: Officer | None = Field(default=None, description="裁定法官；缺省为承办法官")
    ordered_on: Day = Field(description="裁定日期")
    effective_date: Day = Field(description="控制生效日期")
    expiry_date: Day | None = Field(default=None, description="到期日；缺省按法定最长期限（扣划无到期日）")
    amount_limit_fen: Fen | None = Field(default=None, description="冻结、扣划限额（分；资金类必填）")
    amount_fen: Fen | None = Field(default=None, description="实际冻结或扣划的金额（分）")
    queue_position: Annotated[int, Field(strict=True, ge=1)] | None = Field(default=None, description="轮候顺位")
    renewals: list[RenewalRec] = Field(default_factory=list, max_length=20, description="续行（按时间顺序）")
    released: ReleaseRec | None = Field(default=None, description="解除；未解除时省略")


class ReceiptRec(RequestModel):
    """执行款到账。"""

    received_on: Day = Field(description="到账日期")
    amount_fen: Fen = Field(description="金额（分）")
    source: Source = Field(description="来源：bank_deduction 扣划 / auction_proceeds 拍卖价款 / "
                                       "sale_proceeds 变卖价款 / voluntary_payment 自动履行 / offset_in_kind 以物抵债")
    payer: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    recorded_by: Officer | None = Field(default=None, description="登记人；缺省为导入人员")


class PayoutRec(RequestModel):
    """执行款发放（经审批）。"""

    paid_on: Day = Field(description="发放日期")
    amount_fen: Fen = Field(description="金额（分）")
    recipient: Literal["applicant", "court_fee"] = Field(default="applicant",
                                                         description="applicant 申请执行人 / court_fee 执行费")
    proposed_by: Officer = Field(description="经办人")
    approved_by: Officer = Field(description="审批人")


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class _Party(_Lenient):
    kind: str = "person"
    name: str = ""
    id_number: str = ""


class _Basis(_Lenient):
    effective_date: Day
    performance_deadline: Day | None = None


class _Application(_Lenient):
    respondent: _Party
    basis: _Basis
    claim_amount_fen: int


class _Dated(_Lenient):
    date: Day


class _Assignment(_Lenient):
    judge_id: str
    date: Day


class _Closure(_Lenient):
    type: str
    date: Day


class CaseView(_Lenient):
    """What asset_search and disposal read of a record: the case's identity and dates (intake checks
    them), and their sections (checked here)."""

    court: str
    case_number: str
    application: _Application
    registration: _Dated
    assignment: _Assignment | None = None
    closure: _Closure | None = None
    search: SearchRec | None = None
    controls: list[ControlRec] = Field(default_factory=list, max_length=100)
    receipts: list[ReceiptRec] = Field(default_factory=list, max_length=500)
    payouts: list[PayoutRec] = Field(default_factory=list, max_length=500)
    disposals: list[DisposalRec] = Field(default_factory=list, max_length=100)

    @property
    def number(self) -> str:
        return str(parse_case_number(self.case_number))

    @property
    def case_id(self) -> str:
        return case_id_for(self.court, self.number)


def read_case(raw: Any, court: str, today: date) -> CaseView:
    """The record as asset_search and disposal read it, checked (:func:`check_sections`), of the
    importing officer's ``court``."""
    if not isinstance(raw, dict):
        raise RecordRefused([FieldError("", "每一行应为一个 JSON 对象（一个案件）", "not_an_object")])
    number = raw.get("case_number") if isinstance(raw.get("case_number"), str) else None
    try:
        case = CaseView.model_validate(raw)
        case.number  # noqa: B018 - parses
    except (ValidationError, ValueError) as exc:
        errors = (validation_field_errors([dict(e) for e in exc.errors()]) if isinstance(exc, ValidationError)
                  else [FieldError("case_number", str(exc), "invalid_case_number")])
        raise RecordRefused(errors, number) from None
    errors = check_sections(case, today)
    if case.court != court:
        errors.insert(0, FieldError("court", f"只能导入本院（{court}）的案件", "court_mismatch"))
    elif parse_case_number(case.case_number).court != court:
        errors.insert(0, FieldError("case_number", f"案号中的法院代字与 court（{court}）不一致", "court_mismatch"))
    if errors:
        raise RecordRefused(errors, case.number)
    return case


Err = Callable[[str, str, str], None]


def check_sections(case: Any, today: date | None) -> list[FieldError]:
    """Every error of the search, controls and money sections: dates in range and in the order the
    procedure takes them. ``case`` is intake's record or a :class:`CaseView` (same field names)."""
    errors: list[FieldError] = []

    def err(path: str, message: str, code: str) -> None:
        errors.append(FieldError(path, message, code))

    reg_day = case.registration.date
    asg = case.assignment
    closed = case.closure.date if case.closure is not None else None
    for path, day in _dates(case):
        if today is not None and day > today:
            err(path, f"日期 {day} 晚于今天（{today}），旧案件的日期应已过去", "future_date")
        elif day < EARLIEST:
            err(path, f"日期 {day} 早于 {EARLIEST}，请核对", "too_early")
        elif day < reg_day:
            err(path, f"不能早于立案日期（{reg_day}）", "before_registration")
    search = case.search
    if search is not None:
        if asg is None:
            err("search", "未分案的案件不能有网络查控；请填写 assignment", "not_assigned")
        if search.answered_on < search.date:
            err("search.answered_on", "反馈日期不能早于发起日期", "before_start")
        if closed is not None and search.answered_on > closed:
            err("search.answered_on", f"不能晚于结案日期（{closed}）；终本后的定期查询暂不导入", "after_closure")
        if len(set(search.agency_kinds)) != len(search.agency_kinds):
            err("search.agency_kinds", "协助单位类型重复", "duplicate")
    _check_controls(case, err)
    _check_money(case, err)
    check_disposals(case, err)
    return errors


def _dates(case: Any) -> list[tuple[str, date]]:
    out: list[tuple[str, date]] = []
    if case.search is not None:
        out += [("search.date", case.search.date), ("search.answered_on", case.search.answered_on)]
    for i, c in enumerate(case.controls):
        out += [(f"controls.{i}.ordered_on", c.ordered_on), (f"controls.{i}.effective_date", c.effective_date)]
        out += [(f"controls.{i}.renewals.{j}.date", r.date) for j, r in enumerate(c.renewals)]
        if c.released is not None:
            out.append((f"controls.{i}.released.date", c.released.date))
    out += [(f"receipts.{i}.received_on", r.received_on) for i, r in enumerate(case.receipts)]
    out += [(f"payouts.{i}.paid_on", p.paid_on) for i, p in enumerate(case.payouts)]
    return out + disposal_dates(case)


def _check_controls(case: Any, err: Err) -> None:
    search, closed = case.search, (case.closure.date if case.closure is not None else None)
    seen: set[tuple[str, str, str]] = set()
    for i, c in enumerate(case.controls):
        at = f"controls.{i}"
        if search is None:
            err(at, "控制措施的财产应由网络查控查得；请填写 search", "no_search")
        elif c.asset.kind not in search.agency_kinds:
            err(f"{at}.asset.kind", "该类财产的协助单位不在 search.agency_kinds 中", "not_searched")
        elif c.ordered_on < search.answered_on:
            err(f"{at}.ordered_on", f"不能早于网络查控反馈日期（{search.answered_on}）", "before_search")
        key = (c.asset.kind, "".join(c.asset.identifier.split()).upper(), c.measure)
        if key in seen:
            err(f"{at}.asset.identifier", "同一财产的同一控制措施重复", "duplicate")
        seen.add(key)
        if c.measure == "deduct" and c.asset.kind not in MONEY_KINDS:
            err(f"{at}.measure", "只有存款、公积金、网络支付账户可以扣划", "measure_not_allowed")
        if c.asset.kind in MONEY_KINDS and c.amount_limit_fen is None:
            err(f"{at}.amount_limit_fen", "冻结、扣划资金须写明限额（分）", "required")
        if c.effective_date < c.ordered_on:
            err(f"{at}.effective_date", "生效日期不能早于裁定日期", "before_ruling")
        if closed is not None and c.ordered_on > closed:
            err(f"{at}.ordered_on", f"不能晚于结案日期（{closed}）", "after_closure")
        if c.measure == "deduct" and (c.expiry_date is not None or c.renewals or c.released is not None):
            err(at, "扣划没有到期日、续行或解除", "not_applicable")
        expiry = c.expiry_date
        if expiry is not None and expiry < c.effective_date:
            err(f"{at}.expiry_date", "到期日不能早于生效日期", "before_effective")
        previous = c.effective_date
        for j, r in enumerate(c.renewals):
            if r.date < previous:
                err(f"{at}.renewals.{j}.date", f"不能早于生效日期或上一次续行（{previous}）", "out_of_order")
            if expiry is None and j == 0 and c.expiry_date is None:
                pass  # the statutory expiry is asset_search's to compute; the renewal extends it
            elif expiry is not None and r.expiry_date <= expiry:
                err(f"{at}.renewals.{j}.expiry_date", f"应晚于原到期日（{expiry}）", "not_later")
            previous, expiry = r.date, r.expiry_date
        if c.released is not None and c.released.date < previous:
            err(f"{at}.released.date", f"不能早于生效日期或最后一次续行（{previous}）", "out_of_order")


def _check_money(case: Any, err: Err) -> None:
    """Money arrives before it goes out: the account never goes below zero (互相制约-9)."""
    if (case.receipts or case.payouts) and case.assignment is None:
        err("receipts" if case.receipts else "payouts", "未分案的案件不能有执行款记录；请填写 assignment",
            "not_assigned")
    moves = sorted(
        [(r.received_on, 0, i, r.amount_fen if r.source != "offset_in_kind" else 0) for i, r in
         enumerate(case.receipts)] + [(p.paid_on, 1, i, -p.amount_fen) for i, p in enumerate(case.payouts)])
    balance = 0
    for day, kind, i, amount in moves:
        balance += amount
        if kind == 1 and balance < 0:
            err(f"payouts.{i}.amount_fen", f"{day} 发放后账户余额为负（{balance} 分）：发放不能多于此前到账的现金",
                "insufficient_balance")
            balance -= amount
