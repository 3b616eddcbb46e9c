"""What supervision's indicator and weekly-report routes answer (split from :mod:`.models`; same rules:
each model lists exactly what its route sends, money in fen, dates ISO)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from services.supervision.api.models import _RECORDED, Fen, Ratio, absent
from shared.openapi import ResponseModel

# ---- indicators ------------------------------------------------------------------------------


class Period(ResponseModel):
    start: date = Field(alias="from", description="期间起（含）")
    end: date = Field(alias="to", description="期间止（含）")


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
