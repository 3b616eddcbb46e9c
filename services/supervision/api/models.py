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


class Holidays(ResponseModel):
    years: list[HolidayYear] = Field(description="已导入的各年（按年份）")


class HolidaysLoaded(ResponseModel):
    year: int
    holidays: int = Field(ge=0, description="导入的放假日数")
    workdays: int = Field(ge=0, description="导入的调休上班日数")
    cases_recomputed: int = Field(ge=0, description="重算了期限的案件数")


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


# ---- indicators ------------------------------------------------------------------------------


class Period(ResponseModel):
    start: date = Field(alias="from", description="期间起（含）")
    end: date = Field(alias="to", description="期间止（含）")


class Ratio(ResponseModel):
    """比率 = 分子 ÷ 分母。"""

    value: float | None = Field(description="比率（四位小数）；分母为 0 时为 null")
    numerator: int = Field(description="分子")
    denominator: int = Field(description="分母")


class MeanDays(ResponseModel):
    value: float | None = Field(description="平均天数（两位小数）；没有结案时为 null")
    total_days: int = Field(description="用时合计（天）")
    cases: int = Field(ge=0, description="结案数")


class Figures(ResponseModel):
    """质效指标（docs/rules.md §8）。"""

    received: int = Field(ge=0, description="收案：旧存 + 新收")
    received_old: int = Field(ge=0, description="旧存：期间前立案、期间开始时未结")
    received_new: int = Field(ge=0, description="新收：期间内立案")
    closed: int = Field(ge=0, description="期间内结案")
    pending: int = Field(ge=0, description="期末未结")
    closed_by_type: dict[str, int] = Field(description="结案数，按结案方式" + _RECORDED)
    claimed_fen: Fen = Field(description="已结案件的执行标的合计（分）")
    recovered_fen: Fen = Field(description="已结案件的到位金额合计（分；每案不超过其标的）")
    closure_rate: Ratio = Field(alias="结案率", description="结案率：结案 ÷ 收案")
    paid_rate: Ratio = Field(alias="执行完毕率", description="执行完毕率：执行完毕 ÷ 已结执行实施案件（执、执恢）")
    executed_rate: Ratio = Field(alias="实际执结率", description="实际执结率")
    recovery_rate: Ratio = Field(alias="执行到位率", description="执行到位率：到位金额 ÷ 执行标的（已结案件）")
    mean_days_to_close: MeanDays = Field(alias="结案平均用时", description="结案平均用时（立案至结案的日历天数）")
    in_time_rate: Ratio = Field(alias="法定期限内结案率", description="法定期限内结案率")
    zhongben_rate: Ratio = Field(alias="终本率", description="终本率：终本结案 ÷ 结案")
    zhongben_quality_rate: Ratio = Field(alias="终本合格率", description="终本合格率：无 互相制约-6 发现的终本 ÷ 终本")


class _GroupKey(ResponseModel):
    track: str = absent("繁简分流（group_by=track）")
    team: str = absent("团队（group_by=team）")
    judge: str = absent("法官（group_by=judge）")


class GroupFigures(Figures, _GroupKey):
    """一组案件的指标；分组键按所选维度只有其中一项（无值的归入“未分配”）。"""


class TrackFigures(ResponseModel):
    received: int = Field(ge=0, description="收案：旧存 + 新收（与 totals 同口径）")
    received_old: int = Field(ge=0, description="旧存：期间开始前立案、期间开始时未结")
    received_new: int = Field(ge=0, description="新收：期间内立案")
    closed: int = Field(ge=0, description="期间内结案")
    pending: int = Field(ge=0, description="期末未结")
    share_of_closures: Ratio = Field(description="占全部结案的比例")
    mean_days_to_close: MeanDays = Field(description="结案平均用时")


class Tracks(ResponseModel):
    """各项之和等于 totals：收案、旧存、新收、结案、未结。"""

    fast: TrackFigures = Field(description="简案快执")
    ordinary: TrackFigures = Field(description="普通程序")
    others: TrackFigures = Field(description="未分流的案件（执异案件、尚未分流的案件）")


class IndicatorFilters(ResponseModel):
    track: Literal["fast", "ordinary"] | None
    team_id: str | None
    judge_id: str | None


class Indicators(ResponseModel):
    court: str
    period: Period
    filters: IndicatorFilters = Field(description="所用筛选条件（未筛选为 null）")
    totals: Figures = Field(description="筛选后全部案件的指标")
    tracks: Tracks = Field(description="快执与普执对比")
    groups: list[GroupFigures] = absent("按 group_by 分组的指标；未分组时不返回此项")


class IndicatorCase(ResponseModel):
    """一个案件的指标输入（由轨迹折叠而来）。"""

    case_id: str
    case_type: str = Field(description="案件类型代字，如 执、执恢" + _RECORDED)
    track: str | None = Field(description="繁简分流：fast / ordinary" + _RECORDED + "；尚未分流为 null")
    team_id: str | None
    judge_id: str | None
    registered_on: date = Field(description="立案日期")
    claim_fen: Fen = Field(description="执行标的（分；非金钱给付为 0）")
    recovered_fen: Fen = Field(description="到位金额合计（分）")
    settlement_performed: bool = Field(description="执行和解是否已履行完毕")
    closure_type: str | None = Field(description="结案方式" + _RECORDED + "；未结案为 null")
    closed_on: date | None = Field(description="结案日期")
    approved_by: str | None = Field(description="结案审批人")
    conditions: list[dict[str, Any]] = Field(description="终本结案时记录的条件（结案事件原样）")
    close_due: date | None = Field(description="法定结案期限（期限引擎）；期限中止或未知为 null")
    zhongben_finding: bool = Field(description="是否有 互相制约-6（终本条件）发现")


class IndicatorCases(ResponseModel):
    court: str
    period: Period
    cases: list[IndicatorCase]


class NodeCount(ResponseModel):
    node: str = Field(description="节点种类")
    cases: int = Field(ge=0, description="超期案件数")
    title: str = Field(description="节点名称")


class TeamCount(ResponseModel):
    team_id: str = Field(description="团队（未分配为“未分配”）")
    cases: int = Field(ge=0)


class JudgeCount(ResponseModel):
    judge_id: str = Field(description="法官（未分配为“未分配”）")
    cases: int = Field(ge=0)


class Overdue(ResponseModel):
    """超期案件（一案在每个节点、团队、法官各计一次，督办级别取最高）。"""

    as_of: date
    cases: int = Field(ge=0, description="超期案件数")
    by_node: list[NodeCount]
    by_team: list[TeamCount]
    by_judge: list[JudgeCount]
    by_level: dict[str, int] = Field(description="按督办级别（\"1\" 团队长 … \"4\" 院长）的案件数")


class AgencyTimes(ResponseModel):
    agency_id: str = Field(description="联动单位编号")
    agency_kind: str | None = Field(description="联动单位类别" + _RECORDED)
    agency_name: str | None = Field(default=None, description="联动单位名称（其答复事件记录的名称；尚未答复为 null）")
    dispatched: int = Field(ge=0, description="期间内发出的查询")
    answered: int = Field(ge=0, description="已答复")
    late: int = Field(ge=0, description="逾期答复")
    waiting: int = Field(ge=0, description="尚未答复")
    mean_seconds: float | None = Field(description="发出至首次答复的平均用时（秒）；没有答复为 null")
    median_seconds: float | None = Field(description="中位用时（秒）")
    max_seconds: float | None = Field(description="最长用时（秒）")


class Agencies(ResponseModel):
    court: str
    period: Period
    agencies: list[AgencyTimes]


# ---- the weekly report -----------------------------------------------------------------------


class _WeekCounts(ResponseModel):
    received: int = Field(ge=0, description="本周收案（分案）")
    closed: int = Field(ge=0, description="本周结案")
    closed_by_type: dict[str, int] = Field(description="结案数，按结案方式")
    pending: int = Field(ge=0, description="周末未结")
    overdue: int = Field(ge=0, description="周末超期节点数")
    overdue_by_node: dict[str, int] = Field(description="超期节点数，按节点")
    findings: int = Field(ge=0, description="本周检查发现")
    findings_by_rule: dict[str, int] = Field(description="检查发现，按规则")


class _Judge(ResponseModel):
    judge_id: str = Field(description="法官（未分案为“（未分案）”）")


class _Team(ResponseModel):
    team_id: str = Field(description="团队（无团队为“（无团队）”）")


class JudgeWeek(_WeekCounts, _Judge):
    team_ids: list[str] = Field(description="其案件所在的团队")


class TeamWeek(_WeekCounts, _Team):
    """一个团队的周数字。"""


class WeeklyReport(ResponseModel):
    """周报（ISO 周，北京时间）。"""

    week: str = Field(pattern=r"^\d{4}-W\d{2}$", description="ISO 周，如 2026-W10")
    start: date = Field(alias="from", description="周一")
    end: date = Field(alias="to", description="周日")
    court: str
    judges: list[JudgeWeek] = Field(description="每名法官（承办法官只见本人）")
    teams: list[TeamWeek] = Field(description="每个团队（按法官查看时为空）")


# ---- administration --------------------------------------------------------------------------


class Acknowledgement(ResponseModel):
    officer_id: str = Field(description="确认人工号")
    officer_name: str = Field(description="确认人姓名")
    roles: list[str] = Field(description="确认时的角色")
    court: str = Field(description="确认人所属法院")
    reason: str = Field(description="核查结论与确认理由")
    acknowledged_at: Instant = Field(description="确认时间")


class DeadLetter(ResponseModel):
    """未能记入审计轨迹的消息：轨迹可能因此缺少一个事件。"""

    id: int = Field(description="死信编号")
    topic: str = Field(description="Kafka 主题")
    partition: int = Field(description="分区")
    offset: int = Field(description="位置（offset）")
    case_id: str | None = Field(description="可能缺少该事件的案件（信封或消息键给出）；无从得知为 null")
    kind: Literal["envelope", "not_an_envelope"] = Field(
        description="envelope 是事件信封但未能记录 / not_an_envelope 不是符合约定的事件信封")
    what: str = Field(description="中文说明")
    event_id: str | None = Field(description="事件编号；不是信封为 null")
    event_type: str | None = Field(description="事件类型；不是信封为 null")
    error: str = Field(description="失败原因（至多 500 字）")
    attempts: int = Field(ge=0, description="尝试记录的次数")
    dead_lettered_at: Instant = Field(description="记为死信的时间")
    acknowledgement: Acknowledgement | None = Field(description="核查确认；尚未确认为 null")


class DeadLetters(ResponseModel):
    unacknowledged: int = Field(ge=0, description="尚未确认的死信数")
    dead_letters: list[DeadLetter] = Field(description="按到达顺序")


class BrokenStream(ResponseModel):
    """版本不是恰好 1..n 的流。"""

    stream_id: str
    first: int = Field(description="最小版本")
    last: int = Field(description="最大版本")
    events: int = Field(description="事件数")
    distinct_versions: int = Field(description="不同版本数")


class BrokenChain(ResponseModel):
    case_id: str
    seq: int = Field(description="出问题的序号（0：案件头部存在但轨迹为空）")
    reason: str = Field(description="中文说明")


class Digests(ResponseModel):
    """sha256（十六进制）：轨迹、检查发现、期限状态，及三者合一。"""

    trail: str
    findings: str
    deadlines: str
    all: str


class Verification(ResponseModel):
    """投影校验结果（各列表至多 50 项）。"""

    ok: bool = Field(description="流版本连续、哈希链完整且（实时投影）没有未确认的死信")
    events: int = Field(ge=0, description="事件数")
    cases: int = Field(ge=0, description="案件数")
    broken_streams: list[BrokenStream]
    broken_chains: list[BrokenChain]
    dead_letters: list[DeadLetter] = Field(description="未确认的死信（仅校验实时投影时列出）")
    digests: Digests


class RebuildStarted(ResponseModel):
    run_id: str = Field(description="重建任务编号（UUID）")
    status: Literal["running"]


class RebuildProgress(ResponseModel):
    phase: RebuildPhase = Field(description="当前阶段")
    total: int = Field(ge=0, description="本阶段总量（事件或案件）")
    done: int = Field(ge=0, description="已完成")
    events_per_s: float = Field(description="速率（每秒）")
    eta_s: float | None = Field(description="预计剩余秒数；无法估计为 null")


class SkippedRecord(ResponseModel):
    partition: int
    offset: int
    case_id: str | None = Field(description="消息键（按约定为案件编号）")
    error: str = Field(description="解析失败的异常类型")


class NotEnvelopes(ResponseModel):
    """回放时跳过的非信封消息（实时消费者将其记为死信）。"""

    count: int = Field(ge=0)
    records: list[SkippedRecord] = Field(description="前若干条")


class RebuildNoReport(ResponseModel):
    """重建尚在进行：还没有报告。"""


class RebuildSwapped(ResponseModel):
    """已切换：两侧的校验结果与用时。"""

    events: int = Field(ge=0)
    cases: int = Field(ge=0)
    rebuilt: Verification = Field(description="重建侧的校验")
    live: Verification = Field(description="切换前实时投影的校验")
    identical: bool = Field(description="两侧摘要是否一致")
    swapped: Literal[True]
    not_envelopes: NotEnvelopes
    seconds: float = Field(description="用时（秒）")
    events_per_s: float = Field(description="平均速率（事件/秒）")
    peak_rss_mb: float = Field(description="本进程内存峰值（MB）")
    processes: int = Field(ge=1, description="参与的进程数")
    worker_peak_rss_mb: float = absent("工作进程内存峰值（MB；仅多进程重建有此项）")
    progress: RebuildProgress


class RebuildEnded(ResponseModel):
    """未切换（实时投影未受影响）：原因。"""

    reason: str = Field(description="中止或失败的原因")
    progress: RebuildProgress


class RebuildRun(ResponseModel):
    """重建任务：进行中（progress 为进度，尚无报告时为 null）、已切换（swapped）、中止（aborted）或失败（failed）。"""

    run_id: str = Field(description="重建任务编号（UUID）")
    status: Literal["running", "swapped", "aborted", "failed"] = Field(
        description="running 进行中 / swapped 已切换 / aborted 已中止（校验不通过或不一致） / failed 失败")
    started_at: Instant
    finished_at: Instant | None = Field(description="结束时间；进行中为 null")
    report: RebuildSwapped | RebuildEnded | RebuildNoReport = Field(
        description="已切换：两侧校验与用时；中止或失败：原因；进行中：空对象")
    progress: RebuildProgress | None = absent("进度（仅进行中有此项；本实例尚无进度时为 null）")
