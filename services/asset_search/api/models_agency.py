"""asset_search's response bodies of the agencies' own API (the linkage agencies' side: requests they
take, results and confirmations they post); the staff side is in models.py, which re-exports these."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from services.asset_search.events import Measure
from shared.openapi import ResponseModel

# ---- the agencies' own API -----------------------------------------------------------------------------


class Subject(ResponseModel):
    """被查询人（被执行人）。"""

    kind: str = Field(description="person 自然人 / organisation 单位")
    name: str = Field(description="姓名或名称")
    id_number: str = Field(description="身份证号或统一社会信用代码")


class QueryRequest(ResponseModel):
    """查询请求：查该被执行人在本单位的财产。"""

    request_id: str = Field(description="请求编号（查询请求即查询编号）")
    kind: Literal["query"]
    agency_id: str
    case_id: str
    court: str = Field(description="法院代码")
    query_id: str = Field(description="查询编号：提交结果时使用")
    agency_kind: str = Field(description="联动单位类别")
    round: int = Field(description="轮次")
    subject: Subject
    case_number: str | None = Field(description="案号")
    due_at: datetime = Field(description="答复期限")


class RegisteredAsset(ResponseModel):
    """被控制的财产（查得时的登记信息）。"""

    identifier: str = Field(description="账号、权证号、车牌号等")
    holder_id: str | None = Field(description="权利人证件号")
    holder_name: str | None = Field(description="权利人名称")


class UnknownAsset(ResponseModel):
    """被控制的财产（本系统无登记信息时只有编号）。"""

    asset_id: str


class ControlRequest(ResponseModel):
    """控制请求：按裁定冻结、查封、扣押或扣划。"""

    request_id: str = Field(description="请求编号（<control_id>.order）")
    kind: Literal["control"]
    agency_id: str
    case_id: str
    court: str = Field(description="法院代码")
    control_id: str = Field(description="控制编号：提交回执时使用")
    measure: Measure = Field(description="freeze 冻结 / seize 查封 / impound 扣押 / deduct 扣划")
    asset_kind: str = Field(description="财产类别")
    asset: RegisteredAsset | UnknownAsset
    amount_limit_fen: int | None = Field(description="金额上限（分）")
    ruling_number: str = Field(description="裁定书文号")


class RenewalRequest(ResponseModel):
    """续行请求（续封、续冻）。"""

    request_id: str = Field(description="请求编号（<control_id>.renewal.<版本>）")
    kind: Literal["renewal"]
    agency_id: str
    case_id: str
    court: str = Field(description="法院代码")
    control_id: str = Field(description="控制编号：提交续行回执时使用")
    ruling_number: str = Field(description="续行裁定书文号")
    measure: Measure | None = Field(description="原控制措施")
    asset_kind: str | None = Field(description="财产类别")
    current_expiry_date: date | None = Field(description="当前到期日期")


class ReleaseRequest(ResponseModel):
    """解除通知。"""

    request_id: str = Field(description="请求编号（<control_id>.release）")
    kind: Literal["release"]
    agency_id: str
    case_id: str
    court: str = Field(description="法院代码")
    control_id: str = Field(description="控制编号")
    ruling_number: str = Field(description="解除裁定书文号")
    reason: str = Field(description="解除理由")


class ExitRestrictionRequest(ResponseModel):
    """限制出境（或解除）请求：送边控机关（民诉法第266条）。"""

    request_id: str = Field(description="请求编号：提交回执时使用")
    kind: Literal["exit_restriction"]
    agency_id: str
    case_id: str
    court: str = Field(description="法院代码")
    restriction_id: str = Field(description="法院的限制出境决定编号")
    action: Literal["restrict", "lift"] = Field(description="restrict 限制出境 / lift 解除")
    subject: Subject
    case_number: str | None = Field(description="案号")


AgencyRequest = Annotated[
    QueryRequest | ControlRequest | RenewalRequest | ReleaseRequest | ExitRestrictionRequest,
    Field(discriminator="kind"),
]


class PendingRequests(ResponseModel):
    """本单位待处理的请求（按产生先后，最多 100 个；暂停期间为空）。"""

    paused: bool = Field(description="本单位是否已被暂停（暂停期间不发请求，恢复后照常）")
    requests: list[AgencyRequest] = Field(
        description="kind：query 查询 / control 控制 / renewal 续行 / release 解除 / exit_restriction 限制出境")


class TakenRequest(ResponseModel):
    """已领取的请求（领取即送达）。"""

    request: AgencyRequest


class ResultsAccepted(ResponseModel):
    """查询结果已接收并记录（原文作为证据保存）。"""

    query_id: str
    outcome: Literal["found", "nothing_found", "partial", "correction"] = Field(description="提交的结果类型")
    raw_hash: str = Field(description="所提交原文的 SHA-256（十六进制）")
    new_asset_ids: list[str] = Field(description="本次新查得的财产编号")
    accepted: Literal[True]


class ConfirmationAccepted(ResponseModel):
    """控制回执已接收并记录（原文作为证据保存）。"""

    control_id: str
    events: list[str] = Field(description="本次记录的事件类型，如 asset_search.control_confirmed")
    raw_hash: str = Field(description="所提交原文的 SHA-256（十六进制）")


class ExitConfirmationAccepted(ResponseModel):
    """边控回执已接收并记录（原文作为证据保存）。"""

    request_id: str
    events: list[str] = Field(description="本次记录的事件类型，如 asset_search.exit_restriction_confirmed")
    raw_hash: str = Field(description="所提交原文的 SHA-256（十六进制）")
