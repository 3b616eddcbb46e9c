"""What supervision's routes answer: the response bodies, field by field (issue 13).

Each model lists exactly what its route sends (``ResponseModel`` refuses an undeclared field), so the
OpenAPI document cannot fall behind the code. Money in fen (整数，单位：分); dates ISO; instants with
their offset, written as the service has always written them (``2026-08-01T02:00:00.123456+00:00``).

A field that is sometimes left out (not null) is declared with :func:`absent`; the routes that send
such a body set ``response_model_exclude_unset=True``. Values the trail copied from other services'
events (case type, track, closure type, agency kind, the event payloads) are text as recorded: the
trail keeps whatever a producer published, so they are described rather than enumerated.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, PlainSerializer, WithJsonSchema

from shared.openapi import ResponseModel

# An instant as ``datetime.isoformat()`` writes it (``+00:00``, not pydantic's ``Z``): the JSON stays
# byte for byte what clients received before the bodies were typed.
Instant = Annotated[
    datetime,
    PlainSerializer(lambda v: v.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
Fen = Annotated[int, Field(description="金额，单位：分")]
Count = Annotated[int, Field(ge=0)]

DeadlineStatus = Literal["met", "late", "paused", "open", "warning", "overdue"]
StepName = Literal["warning", "overdue", "level_1", "level_2", "level_3", "level_4"]
LeaderTitle = Literal["团队长", "执行局长", "分管副院长", "院长"]
RecipientRole = Literal["judge", "intake_clerk", "affairs_clerk", "search_officer", "applicant", "team_lead",
                        "bureau_chief", "vice_president", "president"]
RebuildPhase = Literal["准备", "回放事件", "重算检查与期限", "追平并切换", "完成"]

_STATUS = ("met 按期完成 / late 逾期完成 / paused 期限中止（不计算） / open 未到期 / warning 临期 / "
           "overdue 超期")
_STEP = "warning 临期提醒 / overdue 超期 / level_1 … level_4 督办升级至团队长、执行局长、分管副院长、院长"
_RECORDED = "（轨迹所记录的原值）"


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def absent(description: str) -> Any:
    """A field sent only in some answers (left out, not null, otherwise): not required, no default shown."""
    return Field(default=None, json_schema_extra=_no_default, description=description)


# ---- the audit trail -------------------------------------------------------------------------


class TrailEntry(ResponseModel):
    """审计轨迹中的一个事件（按生产者发布时的原值；哈希链逐案连续）。"""

    case_id: str = Field(description="案件编号")
    seq: int = Field(ge=1, description="该事件在本案轨迹中的序号（从 1 起，连续）")
    event_id: str = Field(description="事件编号（UUID）")
    event_type: str = Field(description="事件类型，如 intake.case_registered")
    schema_version: int = Field(description="事件结构版本")
    producer: str = Field(description="产生事件的服务，如 asset_search")
    stream_id: str = Field(description="事件所属的流")
    stream_version: int = Field(description="事件在其流中的版本号")
    actor_kind: Literal["officer", "agency", "system"] = Field(
        description="officer 工作人员 / agency 联动单位 / system 系统")
    actor_id: str = Field(description="经办人员工号、联动单位编号或服务名")
    actor_name: str | None = Field(description="经办人姓名")
    actor_role: str | None = Field(description="行为时的角色，如 judge")
    actor_court: str | None = Field(description="经办人所属法院")
    court: str = Field(description="案件所属法院")
    occurred_at: Instant = Field(description="发生时间")
    recorded_at: Instant = Field(description="生产者记录时间")
    correlation_id: str = Field(description="关联编号（同一次操作引起的事件相同）")
    causation_id: str | None = Field(description="引起该事件的事件或请求")
    summary: str = Field(description="中文摘要（记录时生成，属于哈希链）")
    text: str | None = Field(default=None, description="以通俗中文写成的一句话（读取时生成：金额为元，代码为中文名称）")
    payload: dict[str, Any] = Field(description="事件内容（随事件类型而不同，原样）")
    prev_hash: str = Field(description="前一事件的哈希（十六进制）；第一件为全零")
    hash: str = Field(description="sha256(prev_hash ‖ 规范化事件)，十六进制")
    escaped: Literal[True] = absent(
        "事件中有数据库无法原样保存的字符（已转义保存并记为发现 轨迹-1）；此处显示的是原值。没有时不返回此项")


class CaseTrail(ResponseModel):
    case_id: str = Field(description="案件编号")
    case_number: str | None = Field(default=None, description="案号，如（2026）黔01执1号；尚未立案为 null")
    events: list[TrailEntry] = Field(description="按日志顺序的事件")


class OfficerActions(ResponseModel):
    officer_id: str = Field(description="人员工号")
    actions: list[TrailEntry] = Field(description="按发生时间排序的操作")


# ---- checks, deadlines, holidays ---------------------------------------------------------------


class RuleOut(ResponseModel):
    rule_id: str = Field(description="规则编号，如 互相制约-6、轨迹-1")
    version: int = Field(description="规则版本")
    kind: Literal["互相制约", "轨迹"] = Field(description="互相制约 办案环节的相互制约 / 轨迹 审计轨迹自身的检查")
    title: str = Field(description="规则内容")
    source: str = Field(description="规则依据")


class Rules(ResponseModel):
    """检查规则集。"""

    ruleset_version: str = Field(description="规则集版本：各规则 编号@版本，以分号连接")
    rules: list[RuleOut]


class FindingOut(ResponseModel):
    finding_id: str = Field(description="发现编号（UUID）")
    rule_id: str = Field(description="违反的规则")
    rule_version: int = Field(description="检查时的规则版本")
    case_id: str = Field(description="案件编号")
    case_number: str | None = Field(default=None, description="案号；尚未立案为 null")
    people: list[str] = Field(description="涉及人员工号")
    event_ids: list[str] = Field(description="依据的事件")
    message: str = Field(description="中文说明")
    raised_at: Instant = Field(description="发现时间")


class Findings(ResponseModel):
    findings: list[FindingOut] = Field(description="按发现时间排序")


class DeadlineOut(ResponseModel):
    """一个案件节点的期限、计算说明与状态。"""

    case_id: str = Field(description="案件编号")
    case_number: str | None = Field(default=None, description="案号；尚未立案为 null")
    key: str = Field(description="节点在本案中的键（同一节点可多次出现，如各次续行）")
    node: str = Field(description="节点种类，如 close、first_search、renew")
    judge_id: str | None = Field(description="承办法官；尚未分案为 null")
    team_id: str | None = Field(description="承办团队；尚未分案为 null")
    title: str = Field(description="节点名称")
    source: str = Field(description="期限依据")
    start_date: date = Field(description="起算日")
    start_event_id: str | None = Field(description="起算事件")
    due: date | None = Field(description="届满日；期限中止时为 null")
    completed_on: date | None = Field(description="完成日；未完成为 null")
    completed_event_id: str | None = Field(description="完成事件；未完成为 null")
    explanation: list[str] = Field(description="计算说明（依据、起算、中止、节假日顺延）")
    fallback_calendar: bool = Field(description="是否因缺少该年节假日安排而按周末计算")
    paused: bool = Field(description="期限是否中止")
    status: DeadlineStatus = Field(description=_STATUS)
    days_overdue: int = Field(ge=0, description="超期天数（未超期为 0）")
    escalation_level: int = Field(ge=0, description="督办级别：0 未督办，1 团队长 … 4 院长")
    escalated_to: LeaderTitle | None = Field(description="督办到的领导；未督办为 null")


class CaseDeadlines(ResponseModel):
    case_id: str = Field(description="案件编号")
    case_number: str | None = Field(default=None, description="案号；尚未立案为 null")
    as_of: date = Field(description="判断状态所按的日期")
    deadlines: list[DeadlineOut] = Field(description="按起算日排序")


class OpenDeadlines(ResponseModel):
    as_of: date = Field(description="判断状态所按的日期")
    status: Literal["warning", "overdue"] = Field(description="warning 临期 / overdue 超期")
    deadlines: list[DeadlineOut] = Field(description="按届满日排序")


class HolidayYear(ResponseModel):
    year: int
    holidays: list[date] = Field(description="放假日期")
    workdays: list[date] = Field(description="调休上班日期")
    loaded_by: str = Field(description="导入人员工号")
    loaded_at: Instant = Field(description="导入时间")
    source: str = Field(default="", description="依据（国务院办公厅通知文号）")
    reason: str = Field(default="", description="导入理由")
    event_id: uuid.UUID | None = Field(default=None, description="节假日记录编号（节假日主题上的记录）")


class Holidays(ResponseModel):
    years: list[HolidayYear] = Field(description="已导入的各年（按年份）")


class HolidaysLoaded(ResponseModel):
    year: int
    holidays: int = Field(ge=0, description="导入的放假日数")
    workdays: int = Field(ge=0, description="导入的调休上班日数")
    cases_recomputed: int = Field(ge=0, description="重算了期限的案件数")
    event_id: uuid.UUID = Field(description="节假日记录编号：各服务采用的就是这条记录")
    source: str = Field(description="依据（国务院办公厅通知文号）")


# ---- reminders and escalation ------------------------------------------------------------------


class ScanReport(ResponseModel):
    """一次期限扫描的结果。"""

    as_of: date = Field(description="扫描所按的日期")
    scan_id: str = Field(description="扫描编号（UUID；督办事件的关联编号为 supervision.scan:<扫描编号>）")
    deadlines_checked: int = Field(ge=0, description="检查的未完成节点数")
    steps: dict[str, int] = Field(description="本次新记录的步骤数，按步骤：" + _STEP)
    notifications: int = Field(ge=0, description="本次排入发件箱的通知数")


class DeadlineStep(ResponseModel):
    step_id: str = Field(description="步骤编号（UUID）")
    case_id: str
    key: str = Field(description="节点在本案中的键")
    node: str = Field(description="节点种类")
    due: date = Field(description="届满日")
    step: StepName = Field(description=_STEP)
    level: int = Field(ge=0, le=4, description="督办级别（提醒为 0）")
    days_overdue: int = Field(ge=0, description="记录时的超期天数")
    judge_id: str | None = Field(description="承办法官")
    team_id: str | None = Field(description="承办团队")
    as_of: date = Field(description="扫描日期")
    event_id: str | None = Field(description="宣告该步骤的 supervision.* 事件；提醒没有事件，为 null")
    recorded_at: Instant = Field(description="记录时间")


class DeadlineSteps(ResponseModel):
    steps: list[DeadlineStep]


class Recipient(ResponseModel):
    role: RecipientRole = Field(description="接收人角色（applicant 为申请执行人）")
    id: str | None = Field(description="接收人工号或证件号；只知岗位时为 null")
    name: str | None = absent("申请执行人姓名（仅申请执行人有此项）")
    court: str = Field(description="法院")
    team_id: str | None = absent("团队（仅团队长有此项）")
    mobile: str | None = absent("手机号（遮蔽，如 138****0001；仅登记了手机号的申请执行人有此项）")


class NotificationMessage(ResponseModel):
    """发给通知网关的消息。"""

    notification_id: str = Field(description="通知编号（UUID，稳定：网关可据此去重）")
    kind: Literal["warning", "overdue", "escalation"] = Field(description="warning 临期提醒 / overdue 超期 / "
                                                                          "escalation 督办")
    step: StepName = Field(description=_STEP)
    recipient: Recipient
    case_id: str
    case_number: str | None = Field(description="案号（立案信息中没有时为 null）")
    court: str
    node: str = Field(description="节点种类")
    node_key: str = Field(description="节点在本案中的键")
    node_name: str = Field(description="节点名称")
    deadline: date = Field(description="届满日")
    days_overdue: int = Field(ge=0, description="超期天数")
    level: int = Field(ge=0, le=4, description="督办级别（提醒、超期为 0）")
    level_name: LeaderTitle | None = Field(description="督办到的领导；非督办为 null")
    judge_id: str | None
    team_id: str | None
    message: str = Field(description="通知正文（中文）")


class Notification(ResponseModel):
    notification_id: str = Field(description="通知编号（UUID）")
    case_id: str
    key: str = Field(description="节点在本案中的键")
    step: StepName = Field(description=_STEP)
    level: int = Field(ge=0, le=4, description="督办级别")
    recipient_role: RecipientRole = Field(description="接收人角色")
    recipient_id: str | None = Field(description="接收人；只知岗位时为 null")
    message: NotificationMessage
    status: Literal["pending", "sent", "failed"] = Field(description="pending 待发送 / sent 已发送 / failed 发送失败")
    attempts: int = Field(ge=0, description="已尝试发送的次数")
    last_error: str | None = Field(description="最近一次发送失败的原因")
    created_at: Instant = Field(description="排入发件箱的时间")
    sent_at: Instant | None = Field(description="发送成功的时间；未发送为 null")


class Notifications(ResponseModel):
    notifications: list[Notification] = Field(description="按排入顺序")


# ---- shared with the indicator models (kept here: its OpenAPI name is this module's) ----------


class Ratio(ResponseModel):
    """比率 = 分子 ÷ 分母。"""

    value: float | None = Field(description="比率（四位小数）；分母为 0 时为 null")
    numerator: int = Field(description="分子")
    denominator: int = Field(description="分母")
