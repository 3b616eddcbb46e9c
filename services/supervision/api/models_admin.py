"""What supervision's administration routes answer: dead letters, verification, rebuilds (split from
:mod:`.models`; same rules: each model lists exactly what its route sends)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from services.supervision.api.models import Instant, RebuildPhase, absent
from shared.openapi import ResponseModel

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
    """sha256（十六进制）：轨迹、检查发现、期限状态、质效指标逐案输入，及四者合一。"""

    trail: str
    findings: str
    deadlines: str
    facts: str = Field(description="质效指标的逐案输入（indicator_facts）")
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
    step_seconds: dict[str, float] = Field(
        default_factory=dict, description="各步骤用时（秒）：prepare 准备、replay 回放、checks 重算检查、swap 切换"
    )
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
