"""field_ops's published contract: the payloads of the events it writes to ``case-events``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from services.field_ops.domain.routing import KIND_NAMES
from shared.events import DomainEvent, Payload, event

TargetKind = Literal["person", "asset", "address"]
Outcome = Literal["completed", "partially_completed", "not_found", "failed"]
OUTCOME_NAMES = {"completed": "已完成", "partially_completed": "部分完成", "not_found": "未找到", "failed": "未能执行"}
AssetKind = Literal[
    "bank_deposit", "real_estate", "vehicle", "securities", "equity", "housing_fund",
    "online_payment", "vessel", "movable",
]


class Target(Payload):
    """Whom or what the field work is about."""

    kind: TargetKind
    description: str
    id_number: str | None = None
    address: str | None = None


class EvidenceItem(Payload):
    """A photo, video or document kept elsewhere, fixed here by its sha256."""

    content_hash: str
    media_type: str
    taken_at: datetime
    place: str
    description: str | None = None


class FoundAsset(Payload):
    asset_id: str
    asset_kind: AssetKind
    description: str
    identifier: str | None = None
    location: str | None = None
    value_fen: int | None = None
    seized: bool = False
    seal_date: date | None = None


class FoundPerson(Payload):
    name: str
    id_number: str | None = None
    address: str | None = None
    note: str | None = None


@event("field_ops.proposal_received", 1, "外勤建议待法官决定：{reason}")
class ProposalReceived(DomainEvent):
    proposal_id: str
    source_event_id: str
    source_event_type: str
    kind: str
    target: Target | None = None
    region: str | None = None
    reason: str
    lead_id: str | None = None
    document_hash: str | None = None


@event("field_ops.instruction_issued", 1, "承办法官下达外勤指令（{kind}），期限 {deadline}")
class InstructionIssued(DomainEvent):
    instruction_id: str
    case_id: str
    kind: str
    judge_id: str
    target: Target
    region: str
    region_name: str
    deadline: date
    notes: str | None = None
    proposal_id: str | None = None
    lead_id: str | None = None

    def summary(self) -> str:
        kind = KIND_NAMES.get(self.kind, self.kind)
        return f"承办法官下达外勤指令（{kind}，{self.region_name}），期限 {self.deadline}"


@event("field_ops.task_routed", 1, "外勤任务登记并分派至 {team_name}")
class TaskRouted(DomainEvent):
    task_id: str
    instruction_id: str
    team_id: str
    team_name: str
    rule: str
    reason: str
    deadline: date


@event("field_ops.task_rerouted", 1, "外勤任务改派至 {team_name}：{reason}")
class TaskRerouted(DomainEvent):
    task_id: str
    instruction_id: str
    from_team_id: str
    team_id: str
    team_name: str
    reason: str
    rerouted_by: str


@event("field_ops.task_accepted", 1, "外勤人员 {officer_id} 接受任务")
class TaskAccepted(DomainEvent):
    task_id: str
    instruction_id: str
    officer_id: str
    team_id: str


@event("field_ops.attempt_recorded", 1, "外勤第 {attempt_no} 次执行：{note}")
class AttemptRecorded(DomainEvent):
    task_id: str
    instruction_id: str
    attempt_no: int
    officer_id: str
    attempted_at: datetime
    place: str
    note: str
    evidence: tuple[EvidenceItem, ...] = ()


@event("field_ops.task_reported", 1, "外勤任务报告：{outcome}")
class TaskReported(DomainEvent):
    task_id: str
    instruction_id: str
    kind: str
    officer_id: str
    team_id: str
    outcome: Outcome
    details: str
    found_assets: tuple[FoundAsset, ...] = ()
    found_persons: tuple[FoundPerson, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()
    late: bool = False
    lead_id: str | None = None

    def summary(self) -> str:
        late = "（逾期）" if self.late else ""
        return f"外勤任务报告{late}：{OUTCOME_NAMES[self.outcome]}，发现财产 {len(self.found_assets)} 项"


@event("field_ops.task_returned", 1, "外勤任务退回：{reason}")
class TaskReturned(DomainEvent):
    task_id: str
    instruction_id: str
    officer_id: str
    team_id: str
    reason: str


@event("field_ops.asset_seized_on_site", 1, "现场查封：{description}")
class AssetSeizedOnSite(DomainEvent):
    """The field officer who sealed the asset is the one who controlled it (互相制约-4 reads this)."""

    asset_id: str
    asset_kind: AssetKind
    description: str
    identifier: str | None = None
    location: str | None = None
    value_fen: int | None = None
    seized_by: str
    seal_date: date
    task_id: str
    instruction_id: str
    judge_id: str
    evidence: tuple[str, ...] = ()


# ---- detention (司法拘留) carried out by the field centre (docs/rules.md §9, §7.14) ------------------

@event("field_ops.detention_instructed", 1, "拘留决定 {decision_number} 交外勤执行：拘留 {detention_days} 日")
class DetentionInstructed(DomainEvent):
    """Appended with a ``detain`` instruction: the approved decision it carries out (intake's measure)."""

    task_id: str
    instruction_id: str
    measure_id: str
    decision_number: str
    detention_days: int
    judge_id: str
    approved_by: str


@event("field_ops.custody_started", 1, "被拘留人送交 {custody_organ} 看管（{started_on}），至迟 {release_by} 解除")
class CustodyStarted(DomainEvent):
    task_id: str
    instruction_id: str
    measure_id: str
    officer_id: str
    started_at: datetime
    started_on: date
    custody_organ: str
    detention_days: int
    release_by: date  # the last day of custody: started_on + days − 1 (民诉法 art. 118)


@event("field_ops.family_notified", 1, "拘留后通知家属：{result_zh}")
class FamilyNotified(DomainEvent):
    # 民诉法解释 art. 180: checked in the 2015 text (the docstring is part of the published v1 schema)
    """民诉法解释 art. 180 (recalled): family told within 24 hours, or the failure recorded."""

    task_id: str
    instruction_id: str
    measure_id: str
    officer_id: str
    notified: bool
    notified_at: datetime | None = None
    within_24h: bool
    failure_reason: str | None = None
    result_zh: str


@event("field_ops.custody_ended", 1, "解除拘留（{released_on}）：{end_zh}")
class CustodyEnded(DomainEvent):
    task_id: str
    instruction_id: str
    measure_id: str
    officer_id: str
    released_on: date
    days_in_custody: int
    early: bool
    reason: str | None = None
    end_zh: str
