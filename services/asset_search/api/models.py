"""asset_search's response bodies: what each route answers, field by field (shared.openapi.ResponseModel:
a field a route sends but its model does not declare is a 500, so this file cannot fall behind).

Times are ISO 8601 with time zone; dates ``YYYY-MM-DD``; amounts in fen (分, integers).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, TypeVar

from fastapi.responses import JSONResponse
from pydantic import Field

from services.asset_search.agencies.registry import AgencyKind
from services.asset_search.events import AssetKind, Measure, Origin
from shared.openapi import ResponseModel

M = TypeVar("M", bound=ResponseModel)

QueryStatus = Literal["open", "partial", "answered"]
Reason = Literal["case_assigned", "after_closure"]
ControlStatus = Literal["ordered", "effective", "queued", "refused", "released", "lapsed"]
LeadOutcome = Literal["confirmed", "not_found", "needs_field_check"]


def conforming(model: type[M], response: JSONResponse) -> JSONResponse:
    """A command's answer (shared.api.run_command builds the JSONResponse with its ETag), checked
    against the model the route documents: FastAPI does not validate a Response a route returns
    itself, so a field the model does not declare is refused here (a 500), as for other routes."""
    if response.status_code < 300:
        model.model_validate_json(bytes(response.body))
    return response


# ---- staff commands ------------------------------------------------------------------------------


class ControlOrdered(ResponseModel):
    """裁定已记录，控制请求已发往联动单位。"""

    control_id: str = Field(description="控制编号（此后续行、解除均用此编号）")
    status: Literal["ordered"] = Field(description="ordered 已裁定、待联动单位回执")
    version: int = Field(description="案件查控案卷的版本号（同响应头 ETag）")


class RenewalOrdered(ResponseModel):
    """续行裁定已记录，续行请求已发往联动单位。"""

    control_id: str = Field(description="控制编号")
    status: Literal["renewal_ordered"] = Field(description="renewal_ordered 已裁定续行、待回执")
    version: int = Field(description="案件查控案卷的版本号（同响应头 ETag）")


class ControlReleased(ResponseModel):
    """解除裁定已记录，解除通知已发往联动单位。"""

    control_id: str = Field(description="控制编号")
    status: Literal["released"] = Field(description="released 已解除")
    version: int = Field(description="案件查控案卷的版本号（同响应头 ETag）")


class LeadRecorded(ResponseModel):
    """线索已登记。"""

    lead_id: str = Field(description="线索编号")
    due_date: date = Field(description="核查期限（7 日，紧急 3 日，遇节假日顺延）")


class LeadVerified(ResponseModel):
    """核查结果已记录。"""

    lead_id: str = Field(description="线索编号")
    events: list[str] = Field(description="本次记录的事件类型，如 asset_search.lead_verified、"
                                          "asset_search.field_check_requested")


# ---- the search file -------------------------------------------------------------------------------


class SearchCase(ResponseModel):
    """查控系统所知的案件信息（来自立案、分案、结案事件）。"""

    case_id: str
    court: str | None = Field(description="法院代码（立案事件尚未到达时为空）")
    case_number: str | None = Field(description="案号")
    judge_id: str | None = Field(description="承办法官工号")
    claim_amount_fen: int | None = Field(description="申请执行标的（分）")
    closure_type: str | None = Field(description="结案方式（未结案为空）")
    closed_on: date | None = Field(description="结案日期")


class SearchRound(ResponseModel):
    """一轮网络查控（立案后第 1 轮；终本后每 6 个月一轮）。"""

    round: int = Field(description="轮次")
    reason: Reason = Field(description="case_assigned 分案后 / after_closure 终本后复查")
    queries: int = Field(description="本轮发出的查询数")
    answered: int = Field(description="已答复的查询数")
    complete: bool = Field(description="本轮是否全部答复")


class QueryRow(ResponseModel):
    """发往一个联动单位的一次查询。"""

    query_id: str
    case_id: str
    agency_id: str = Field(description="联动单位编号")
    agency_kind: str = Field(description="联动单位类别，如 bank_deposit、vehicle")
    round: int = Field(description="轮次")
    reason: Reason = Field(description="case_assigned 分案后 / after_closure 终本后复查")
    status: QueryStatus = Field(description="open 未答复 / partial 部分答复 / answered 已答复")
    dispatched_at: datetime = Field(description="发出时间")
    due_at: datetime = Field(description="答复期限")
    delivered_at: datetime | None = Field(description="送达联动单位的时间")
    first_answer_at: datetime | None = Field(description="首次答复时间")
    completed_at: datetime | None = Field(description="完整答复时间")
    overdue: bool = Field(description="是否曾逾期未复")
    late: bool = Field(description="答复是否逾期")
    answers: int = Field(description="答复次数（含部分答复、更正）")


class AssetRow(ResponseModel):
    """查得（或外勤现场查封）的一项财产。"""

    asset_id: str
    case_id: str
    asset_kind: AssetKind = Field(description="财产类别")
    identifier: str = Field(description="账号、不动产权证号、车牌号等（现场查封无编号时为财产描述）")
    holder_id: str | None = Field(description="登记的权利人证件号")
    holder_name: str | None = Field(description="登记的权利人名称")
    value_fen: int | None = Field(description="价值（分）")
    location: str | None = Field(description="所在地")
    encumbrances: list[str] = Field(description="抵押、质押等权利负担")
    existing_seizures: list[str] = Field(description="他案已有的查封、冻结")
    agency_id: str = Field(description="报告该财产的联动单位（现场查封为 field_ops）")
    query_id: str = Field(description="所属查询（现场查封为外勤任务编号）")
    reports: int = Field(description="被报告的次数")
    found_at: datetime = Field(description="查得时间")
    updated_at: datetime = Field(description="最近更新时间")
    source: Literal["agency", "on_site"] = Field(description="agency 网络查控 / on_site 外勤现场查封")
    description: str | None = Field(description="财产描述（现场查封）")


class ControlRow(ResponseModel):
    """一项控制措施（冻结、查封、扣押、扣划）及其回执。"""

    control_id: str
    case_id: str
    asset_id: str
    asset_kind: str = Field(description="财产类别")
    measure: Measure = Field(description="freeze 冻结 / seize 查封 / impound 扣押 / deduct 扣划")
    agency_id: str = Field(description="执行控制的联动单位（现场查封为 field_ops）")
    status: ControlStatus = Field(description="ordered 已裁定 / effective 已生效 / queued 轮候 / refused 未能执行 /"
                                              " released 已解除 / lapsed 到期失效")
    amount_limit_fen: int | None = Field(description="冻结、扣划的金额上限（分）")
    control_value_fen: int = Field(description="计入控制总额的价值（分）")
    judge_id: str = Field(description="裁定法官工号")
    ruling_number: str = Field(description="裁定书文号（现场查封为外勤指令编号）")
    over_control_reason: str | None = Field(description="超标的控制的理由")
    effective_date: date | None = Field(description="生效日期")
    expiry_date: date | None = Field(description="到期日期")
    amount_fen: int | None = Field(description="实际冻结、扣划金额（分）")
    queue_position: int | None = Field(description="轮候顺位")
    renewal_pending: bool = Field(description="续行是否待回执")
    ordered_at: datetime = Field(description="裁定时间")
    updated_at: datetime = Field(description="最近更新时间")
    origin: Origin = Field(description="ruling 法官裁定、联动单位执行 / on_site 外勤现场查封")
    requested_by: str | None = Field(description="申请控制的人员（裁定法官，或下达外勤指令的法官）")
    controlled_by: str | None = Field(description="实施控制者（联动单位编号，或现场查封的外勤人员工号）")
    controller_kind: Literal["agency", "officer"] | None = Field(description="agency 联动单位 / officer 外勤人员")
    instruction_id: str | None = Field(description="现场查封所依据的外勤指令")


class LeadRow(ResponseModel):
    """申请人提供的一条财产线索及其核查。"""

    lead_id: str
    case_id: str
    urgent: bool = Field(description="是否紧急（3 日内核查）")
    description: str = Field(description="线索内容")
    asset_kind: AssetKind | None = Field(description="财产类别")
    target: str = Field(description="线索指向：账户、地址、车牌等")
    region: str | None = Field(description="行政区划")
    due_date: date = Field(description="核查期限")
    status: Literal["open", "verified"] = Field(description="open 待核查 / verified 已核查")
    outcome: LeadOutcome | None = Field(
        description="confirmed 属实 / not_found 未查到 / needs_field_check 需外勤实地核查（未核查为空）")
    late: bool | None = Field(description="核查是否逾期（未核查为空）")
    recorded_by: str = Field(description="登记人工号")
    verified_by: str | None = Field(description="核查人工号")
    recorded_at: datetime = Field(description="登记时间")
    verified_at: datetime | None = Field(description="核查时间")


class ResearchSchedule(ResponseModel):
    """终本后复查计划（终本规定第 9 条：5 年内每 6 个月查询一次）。"""

    closed_on: date = Field(description="终本日期")
    due_dates: list[date] = Field(description="各次复查日期")
    done: int = Field(description="已进行的次数")
    stopped: bool = Field(description="是否已停止（案件恢复执行等）")


class SearchFile(ResponseModel):
    """案件查控案卷：查询轮次、每个查询、查得财产、控制措施、线索与终本后复查计划。"""

    case: SearchCase
    rounds: list[SearchRound] = Field(description="各轮查控（按轮次）")
    queries: list[QueryRow] = Field(description="全部查询（按轮次、单位类别）")
    assets: list[AssetRow] = Field(description="查得的财产（按查得时间）")
    controls: list[ControlRow] = Field(description="控制措施（按裁定时间）")
    leads: list[LeadRow] = Field(description="财产线索（按登记时间）")
    research_schedule: ResearchSchedule | None = Field(description="终本后复查计划（未终本为空）")


class EvidenceRow(ResponseModel):
    """联动单位提交的一份原始回执。"""

    id: int = Field(description="序号")
    agency_id: str = Field(description="联动单位编号")
    ref_id: str = Field(description="所答复的查询编号或控制编号")
    message_id: str = Field(description="消息编号（webhook-id）")
    sha256: str = Field(description="原文的 SHA-256（十六进制）")
    raw: str = Field(description="原文（联动单位签名的字节，UTF-8）")
    received_at: datetime = Field(description="收到时间")


class CaseEvidence(ResponseModel):
    """本案联动单位原始回执（证据），按收到先后。"""

    case_id: str
    evidence: list[EvidenceRow]


# ---- agencies (staff view) -----------------------------------------------------------------------------


class Breaker(ResponseModel):
    """熔断器：连续失败达到阈值后暂停推送一段时间，再试探一次。"""

    consecutive_failures: int = Field(description="连续失败次数")
    open_until: datetime | None = Field(description="熔断至（为空或已过即未熔断）")
    last_error: str | None = Field(description="最近一次失败的原因")
    last_success_at: datetime | None = Field(description="最近一次成功送达的时间")


class AgencyStats(ResponseModel):
    """该单位全部查询的统计。"""

    queries: int = Field(description="查询总数")
    answered: int = Field(description="已答复")
    open: int = Field(description="未答复（含部分答复）")
    overdue_open: int = Field(description="逾期未复")
    answered_late: int = Field(description="逾期答复")
    avg_response_s: float | None = Field(description="平均首次答复用时（秒）")
    max_response_s: float | None = Field(description="最长首次答复用时（秒）")


class NoStats(ResponseModel):
    """尚无查询：空对象 {}。"""


class AgencyView(ResponseModel):
    """一个联动单位：配置、暂停开关、熔断状态、待送达请求与统计。"""

    id: str = Field(description="联动单位编号")
    name: str = Field(description="名称")
    kind: AgencyKind | Literal["border"] = Field(description="类别（border：出入境边控，只收限制出境）")
    channel: Literal["push", "pull"] = Field(description="push 本系统推送 / pull 单位拉取")
    paused: bool = Field(description="是否暂停（配置暂停或人工暂停）")
    paused_in_configuration: bool = Field(description="是否在配置中暂停")
    pause_reason: str | None = Field(description="人工暂停的理由")
    answer_within_s: int = Field(description="约定答复时限（秒）")
    breaker: Breaker
    pending_requests: int = Field(description="待送达的请求数")
    stats: AgencyStats | NoStats = Field(description="查询统计（尚无查询时为空对象）")


class AgencyList(ResponseModel):
    agencies: list[AgencyView] = Field(description="登记的全部联动单位")


class OverdueQuery(ResponseModel):
    """逾期未复的一个查询。"""

    query_id: str
    case_id: str
    agency_id: str = Field(description="联动单位编号")
    agency_kind: str = Field(description="联动单位类别")
    round: int = Field(description="轮次")
    dispatched_at: datetime = Field(description="发出时间")
    due_at: datetime = Field(description="答复期限")
    status: Literal["open", "partial"] = Field(description="open 未答复 / partial 部分答复")


class OverdueQueries(ResponseModel):
    queries: list[OverdueQuery] = Field(description="按期限先后，最多 500 条")


class AgencySwitch(ResponseModel):
    """暂停开关的新状态。"""

    agency_id: str
    paused: bool = Field(description="true 已暂停（请求排队等待）/ false 已恢复")
