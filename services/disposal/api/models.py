"""What disposal's routes answer: the response bodies, field by field (issue 13).

Each model lists exactly what its route sends (``ResponseModel`` refuses an undeclared field), so the
OpenAPI document cannot fall behind the code. Money in fen (整数，单位：分); dates ISO; instants with
their offset, written as the service has always written them (``2026-08-01T10:00:00+08:00``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, PlainSerializer, WithJsonSchema

from services.disposal.events import Method, NoticeKind, Outcome, Party, Recipient, Source
from shared.openapi import ResponseModel

# An instant as ``datetime.isoformat()`` writes it (``+00:00``, not pydantic's ``Z``): the JSON stays
# byte for byte what clients received before the bodies were typed.
Instant = Annotated[
    datetime,
    PlainSerializer(lambda v: v.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
Fen = Annotated[int, Field(description="金额，单位：分")]
AssetClass = Literal["movable", "real_estate_or_rights"]
DisposalStatus = Literal["decided", "priced", "auction_scheduled", "auction_sold", "auction_unsold", "sold",
                         "concluded"]
RowStatus = Literal["decided", "priced", "auction_scheduled", "auction_sold", "auction_unsold", "sold",
                    "ruling_signed", "concluded"]


class Written(ResponseModel):
    """What every command's answer adds (the ``ETag`` header carries the same version)."""

    version: int = Field(description="命令执行后该流（处置或本案账户）的版本号；下次修改时可作为 If-Match 发送")
    events: list[str] = Field(description="本次命令记录的事件类型（可能为空：重复的命令不再记录）")


# ---- one asset's disposal ------------------------------------------------------------------


class Notice(ResponseModel):
    notice_kind: NoticeKind = Field(
        description="disposal_notice 处置告知书 / auction_notice 网络拍卖告知书 / price_report 参考价报告")
    party: Party = Field(description="applicant 申请执行人 / respondent 被执行人")
    served_on: date = Field(description="送达日期")


class PriceProcedure(ResponseModel):
    """进行中的网络询价或委托评估（确定参考价后为 null）。"""

    method: Method = Field(description="online_enquiry 网络询价 / valuation 委托评估")
    started_on: date = Field(description="启动日期")
    extensions: int = Field(description="已延长的次数")


class ReferencePrice(ResponseModel):
    """已确定的参考价（异议成立后撤销为 null）。"""

    disposal_id: str
    method: Method = Field(description="agreement 当事人议价 / targeted_enquiry 定向询价 / online_enquiry 网络询价 / "
                                       "valuation 委托评估")
    amount_fen: Fen
    platform_results_fen: list[int] = Field(description="网络询价各平台结果（分）；其他方式为空")
    determined_on: date = Field(description="结果作出日期")
    received_on: date = Field(description="报告送达当事人日期")
    valid_until: date = Field(description="参考价有效期至")
    fixed_by: str = Field(description="确定参考价的工作人员工号")


class AuctionTerms(ResponseModel):
    """法官为下一次拍卖确定的条件（排期后清空为 null）。"""

    disposal_id: str
    round: int = Field(description="第几次拍卖")
    starting_price_fen: Fen
    deposit_fen: Fen
    increment_fen: Fen
    judge_id: str = Field(description="确定条件的法官工号")


class AuctionRound(ResponseModel):
    auction_id: str
    round: int = Field(description="第几次拍卖")
    starting_price_fen: Fen
    bidding_end: Instant = Field(description="竞价结束时间")
    result: Literal["sold", "unsold"] | None = Field(description="sold 成交 / unsold 流拍；尚未结束为 null")
    price_fen: int | None = Field(description="成交价（分）；流拍或尚未结束为 null")
    buyer: str | None = Field(description="买受人；流拍或尚未结束为 null")
    ended_on: date | None = Field(description="结束日期；尚未结束为 null")
    last_bid_at: Instant | None = Field(default=None, description="最后出价时间（顺延五分钟的依据）；未记录为 null")
    bidding_start: Instant | None = Field(default=None, description="竞价开始时间")


class Sale(ResponseModel):
    price_fen: Fen
    buyer: str = Field(description="买受人")
    via: Literal["sold", "direct_sale"] = Field(description="sold 网络拍卖成交 / direct_sale 变卖成交")


class OnlineSale(ResponseModel):
    platform: str
    price_fen: Fen = Field(description="变卖价：第二次拍卖的起拍价")
    announced_on: date = Field(description="变卖公告日期")
    sale_start: date
    sale_end: date = Field(description="变卖期届满日（六十日）")
    unsold: bool = Field(description="变卖期满无人买受")


class Disposal(ResponseModel):
    """一项财产的处置：从法官决定到成交、以物抵债或解除。"""

    disposal_id: str
    asset_id: str = Field(description="被处置的财产编号")
    asset_class: AssetClass = Field(description="movable 动产 / real_estate_or_rights 不动产及其他财产权")
    judge_id: str = Field(description="决定处置的法官工号")
    status: DisposalStatus = Field(
        description="decided 已决定 / priced 已确定参考价 / auction_scheduled 拍卖已排期 / auction_sold 拍卖成交 / "
                    "auction_unsold 流拍 / sold 已变卖 / concluded 已终结")
    outcome: Outcome | None = Field(
        description="终结方式：sold 拍卖成交 / direct_sale 变卖 / offset_in_kind 以物抵债 / released 解除；"
                    "未终结为 null")
    notices: list[Notice] = Field(description="已送达的告知书与报告（按送达日期排序）")
    unavailable_methods: list[Method] = Field(description="已记录不能适用的参考价方式")
    price_procedure: PriceProcedure | None
    reference_price: ReferencePrice | None
    objection_pending: bool = Field(description="是否有尚未处理的参考价异议")
    auction_terms: AuctionTerms | None
    auctions: list[AuctionRound] = Field(description="各次网络拍卖")
    sale: Sale | None = Field(description="成交情况；尚未成交为 null")
    online_sale: OnlineSale | None = Field(default=None, description="两次流拍后的网络变卖；未发布为 null")
    ruling_signed: bool = Field(description="成交裁定是否已签发")


class _OfCase(ResponseModel):
    case_id: str = Field(description="案件编号")


class DisposalOut(Disposal, _OfCase):
    """处置详情。"""


class DisposalWritten(Written, Disposal):
    """命令执行后的处置。"""


class DisposalRow(ResponseModel):
    disposal_id: str
    case_id: str
    asset_id: str
    status: RowStatus = Field(description="同处置详情的 status，另有 ruling_signed 成交裁定已签发")
    outcome: Outcome | None = Field(description="终结方式；未终结为 null")
    sale_price_fen: int | None = Field(description="成交价（分）；尚未成交为 null")
    updated_at: Instant = Field(description="最后更新时间")


class DisposalList(_OfCase):
    disposals: list[DisposalRow] = Field(description="本案的处置（按最后更新时间排序）")


# ---- the case account ----------------------------------------------------------------------


class Receipt(ResponseModel):
    entry_id: str = Field(description="到账记录编号")
    on: date = Field(description="到账日期")
    amount_fen: Fen
    source: Source = Field(
        description="bank_deduction 银行扣划 / auction_proceeds 拍卖价款 / sale_proceeds 变卖价款 / "
                    "voluntary_payment 自动履行 / offset_in_kind 以物抵债")
    in_kind: bool = Field(description="是否以物抵债（不是现金，不可发放）")
    disposal_id: str | None = Field(description="对应的处置；其他来源为 null")


class PendingPayout(ResponseModel):
    payout_id: str
    amount_fen: Fen
    recipient: Recipient = Field(description="applicant 申请执行人 / court_fee 执行申请费")
    proposed_by: str = Field(description="申请发放的财务人员工号（审批须由另一人）")


class PayoutLimit(ResponseModel):
    """尚未发放完毕的一笔到账及其 30 日发放期限。"""

    entry_id: str
    received_on: date = Field(description="到账日期")
    amount_fen: Fen
    outstanding_fen: int = Field(description="尚未发放的部分（分）")
    pay_by: date = Field(description="发放期限")
    overdue: bool = Field(description="是否已超过发放期限")


class AmountDue(ResponseModel):
    claim_fen: int = Field(description="执行标的（分）")
    fee_fen: int = Field(description="执行申请费（分）")
    interest_fen: int = Field(description="迟延履行期间的加倍部分债务利息（分），计至 as_of")
    total_fen: int = Field(description="应付合计（分）")
    outstanding_fen: int = Field(description="尚欠金额（分）：申请执行人尚未受偿的部分（已发放、已抵债计入，"
                                             "抵债超出部分不抵执行费）加未交的执行费")
    offset_difference_fen: int = Field(
        description="以物抵债差价（分）：抵债财产价额超过申请执行人应受清偿债权额的部分，由承受人补交"
                    "（拍卖变卖规定第16条）；无则为 0")
    as_of: date = Field(description="计算日期")


class AidPaymentOut(ResponseModel):
    payment_id: str
    aid_id: str = Field(description="司法救助申请编号（立案服务）")
    amount_fen: Fen
    paid_on: date
    paid_by: str = Field(description="审批发放的财务人员（复核）")
    proposed_by: str | None = Field(description="申请发放的财务人员（制单；早于两人审批规则的发放为空）")


class AidPendingOut(ResponseModel):
    payment_id: str
    aid_id: str
    amount_fen: Fen
    granted_fen: int
    paid_on: date = Field(description="申请所写的发放日期")
    proposed_by: str = Field(description="申请发放的财务人员（制单）；须由另一名财务人员审批")


class AidAccount(ResponseModel):
    """经本案账户发放的国家司法救助金：与执行款分列，不计入执行到位、不减少应付金额。"""

    paid_fen: int = Field(description="已发放救助金合计（分）")
    payments: list[AidPaymentOut]
    pending: list[AidPendingOut] = Field(description="待另一名财务人员审批的救助金发放申请（互相制约-9）")


class Ledger(_OfCase):
    """本案执行款账户（一案一账号）。"""

    balance_fen: int = Field(description="账户余额（分）")
    available_fen: int = Field(description="可发放余额（分）：余额减去待审批的发放")
    received_fen: int = Field(description="现金到账合计（分）")
    in_kind_fen: int = Field(description="以物抵债合计（分）")
    paid_to_applicant_fen: int = Field(description="已发放申请执行人（分）")
    paid_fee_fen: int = Field(description="已交执行申请费（分）")
    paid_in_full: bool = Field(description="是否已全部履行")
    receipts: list[Receipt] = Field(description="到账记录")
    pending_payouts: list[PendingPayout] = Field(description="待审批的发放")
    payout_limits: list[PayoutLimit] = Field(description="尚未发放完毕的到账及发放期限")
    judicial_aid: AidAccount = Field(description="司法救助金（与执行款分列，不计入执行到位）")


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


class LedgerOut(Ledger):
    amount_due: AmountDue = Field(
        default=None,  # type: ignore[assignment]  # absent (not null) when the claim is not known
        json_schema_extra=_no_default,
        description="应付金额；尚未收到执行标的或履行期限时不返回此项")


class _Entry(ResponseModel):
    entry_id: str = Field(description="新到账记录的编号")


class _Payout(ResponseModel):
    payout_id: str = Field(description="发放申请编号")


class ReceiptWritten(Written, _Entry, Ledger):
    """登记到账后的账户（不含应付金额）。"""


class PayoutWritten(Written, _Payout, Ledger):
    """申请、审批或退回发放后的账户（不含应付金额）。"""


class _AidPaid(ResponseModel):
    payment_id: str = Field(description="司法救助金发放记录编号")


class AidPaymentWritten(Written, _AidPaid, Ledger):
    """申请、审批或退回司法救助金发放后的账户（不含应付金额）。"""


# ---- what disposal knows of the case -------------------------------------------------------


class CaseFacts(ResponseModel):
    """本服务从立案服务的事件中得知的案件信息。"""

    case_id: str
    court: str | None = Field(description="法院代码")
    updated_at: Instant
    case_number: str | None = Field(description="案号")
    case_type: str | None
    claim_amount_fen: int | None = Field(description="执行标的（分）；非金钱给付为 null")
    respondent: dict[str, Any] | None = Field(description="被执行人（立案信息原样）")
    registered_by: str | None = Field(description="立案人工号")
    judge_id: str | None = Field(description="承办法官工号；尚未分案为 null")
    closed: bool = Field(description="是否已结案")
    registered_on: date | None
    performance_deadline: date | None = Field(description="执行依据确定的履行期限")
    basis_effective_date: date | None = Field(description="执行依据生效日期")
    team_id: str | None
    closure_type: str | None = Field(description="结案方式；未结案为 null")
    closed_on: date | None


class Control(ResponseModel):
    control_id: str
    case_id: str
    asset_id: str
    asset_kind: str | None = Field(description="财产类别")
    measure: str | None = Field(description="控制措施（查封、扣押、冻结等）")
    controlled_by: str | None = Field(description="实施控制的工作人员工号；联动单位控制为 null")
    status: Literal["ordered", "active", "released", "lapsed"] = Field(
        description="ordered 已发出 / active 有效 / released 已解除 / lapsed 已失效")
    expiry_date: date | None = Field(description="控制期限届满日")
    updated_at: Instant
    requested_by: str | None = Field(description="申请控制的工作人员工号")


class AssetObjection(ResponseModel):
    objection_id: str
    case_id: str
    asset_id: str
    status: Literal["pending", "rejected", "withdrawn", "upheld", "closed"] = Field(
        description="pending 审查中 / rejected 已驳回（驳回后十五日内不得处分）/ withdrawn 已撤回 / "
                    "upheld 异议成立（财产不得处置）/ closed 已驳回或撤回（早期记录，未区分）")
    decided_on: date | None = Field(default=None, description="审查结论作出日期")
    hold_until: date | None = Field(
        default=None, description="驳回后不得处分该财产的期间届满日（民诉法解释第463条）；此日之后方可继续处置")


class Controls(_OfCase):
    case: CaseFacts
    controls: list[Control] = Field(description="本案的财产控制")
    objections: list[AssetObjection] = Field(description="案外人对本案财产的异议")
