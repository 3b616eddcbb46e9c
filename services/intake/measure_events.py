"""Intake's published contract for coercive measures (罚款、拘留): one stream per measure,
``intake.measure:<measure_id>``, keyed on Kafka by the case id like every intake event.

Imported by ``services/intake/events.py`` so the registry (and the published schemas) know them.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from shared.events import DomainEvent, Payload, event

SubjectKind = Literal["person", "organisation"]
# 民诉法 2023 arts. 114, 116, 117, 252 (the article numbers of the 2023 text, docs/rules.md §9).
Ground = Literal[
    "conceal_property", "obstruct_officers", "insult_officers", "refuse_to_perform", "false_evidence",
    "collusive_evasion", "unit_refuses_assistance", "asset_report_violation",
]
ReconsiderationResult = Literal["upheld", "changed", "revoked"]
Effect = Literal["paid", "settled", "none"]


class MeasureSubject(Payload):
    """Whom the measure is against: a person, or a unit (a unit may be fined, never detained)."""

    kind: SubjectKind
    name: str
    id_number: str


@event("intake.measure_proposed", 1, "承办法官 {proposed_by} 提请强制措施：{measure_zh}（{ground_zh}）")
class MeasureProposed(DomainEvent):
    measure_id: str
    court: str
    subject: MeasureSubject
    ground: Ground
    ground_zh: str
    facts: str
    fine_fen: int | None = None
    detention_days: int | None = None
    measure_zh: str
    region: str | None = None  # where the person is to be found (GB/T 2260), for a detention
    proposed_by: str
    proposed_on: date


@event("intake.measure_approved", 1, "院长 {approved_by} 批准强制措施：{measure_zh}，决定书 {decision_number}")
class MeasureApproved(DomainEvent):
    """民诉法 2023 art. 119: fines and detention need the president's approval and a written decision."""

    measure_id: str
    decision_number: str
    subject: MeasureSubject
    fine_fen: int | None = None
    detention_days: int | None = None
    measure_zh: str
    region: str | None = None
    judge_id: str
    proposed_by: str
    approved_by: str
    approved_on: date


@event("intake.measure_rejected", 1, "院长 {rejected_by} 不批准强制措施：{reason}")
class MeasureRejected(DomainEvent):
    measure_id: str
    rejected_by: str
    reason: str
    rejected_on: date


@event("intake.measure_served", 1, "强制措施决定书 {decision_number} 送达，复议申请期限至 {reconsider_by}")
class MeasureServed(DomainEvent):
    measure_id: str
    decision_number: str
    served_on: date
    served_by: str
    reconsider_by: date  # 民诉法解释 art. 185: 3 days from receipt (民诉法 art. 85 counting)


@event("intake.measure_reconsideration_applied", 1, "被处罚人申请复议（{applied_on}），上级法院应于 {decide_by} 前决定")
class ReconsiderationApplied(DomainEvent):
    """Once (民诉法 art. 119), within 3 days of service; the measure is not suspended meanwhile."""

    measure_id: str
    applied_on: date
    grounds: str
    higher_court: str
    recorded_by: str
    decide_by: date  # 民诉法解释 art. 185: the higher court decides within 5 days of receipt


@event("intake.measure_reconsideration_decided", 1, "上级法院复议决定：{result_zh}（{decided_on}）")
class ReconsiderationDecided(DomainEvent):
    measure_id: str
    result: ReconsiderationResult
    result_zh: str
    decided_on: date
    decided_within_limit: bool
    reason: str
    fine_fen: int | None = None  # the measure as it stands after the decision (changed: the new one)
    detention_days: int | None = None
    recorded_by: str


@event("intake.measure_effect_recorded", 1, "强制措施效果：{effect_zh}")
class MeasureEffectRecorded(DomainEvent):
    measure_id: str
    effect: Effect
    effect_zh: str
    amount_paid_fen: int | None = None
    note: str
    recorded_on: date
    recorded_by: str


@event("intake.measure_early_release_approved", 1, "院长 {approved_by} 批准提前解除拘留（{approved_on}）：{reason}")
class EarlyReleaseApproved(DomainEvent):
    """民诉法解释 art. 182 (checked in the 2015 text): a detained person who admits and corrects the conduct may be
    released early with the president's approval; field_ops records an early release only after it."""

    measure_id: str
    decision_number: str
    approved_by: str
    approved_on: date
    reason: str
