"""Intake's published contract for the other coercive measures (docs/rules.md §9): referral for
refusal to perform (拒执罪) with its answer, the applicant's private prosecution and the outcome; reward
notices (悬赏) with their leads and payment; exposure (曝光). One stream per measure,
``intake.coercive:<id>``, keyed by the case id. Imported by ``services/intake/events.py``.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from services.intake.measure_events import MeasureSubject
from shared.events import DomainEvent, event

ReferralOutcome = Literal["convicted", "acquitted", "not_prosecuted", "withdrawn", "performed"]
ExposureChannel = Literal["court_website", "wechat", "newspaper", "television", "outdoor_screen", "other"]
AssetKind = Literal["bank_deposit", "real_estate", "vehicle", "securities", "equity", "housing_fund",
                    "online_payment", "vessel", "movable"]


@event("intake.refusal_referred", 1, "涉嫌拒不执行判决、裁定罪，移送 {police_organ}（{referred_on}）")
class RefusalReferred(DomainEvent):
    """刑法 art. 313: the court refers the person with the evidence to the public security organ."""

    referral_id: str
    subject: MeasureSubject
    facts: str
    evidence: list[str]  # content hashes of the evidence handed over
    police_organ: str
    referred_on: date
    referred_by: str


@event("intake.referral_answered", 1, "公安机关对拒执罪移送的答复：{answer_zh}（{answered_on}）")
class ReferralAnswered(DomainEvent):
    referral_id: str
    accepted: bool
    answer_zh: str
    answered_on: date
    reason: str
    recorded_by: str


@event("intake.private_prosecution_filed", 1, "申请执行人提起拒执罪自诉（{filed_on}）")
class PrivateProsecutionFiled(DomainEvent):
    """拒执罪解释 2024 art. 14: after the police or procuratorate declined, the applicant may prosecute."""

    referral_id: str
    filed_on: date
    applicant_name: str
    guidance: str  # what the court told the applicant (the Yujiang court's 引导自诉)
    recorded_by: str


@event("intake.referral_concluded", 1, "拒执罪案件结果：{outcome_zh}（{concluded_on}）")
class ReferralConcluded(DomainEvent):
    referral_id: str
    outcome: ReferralOutcome
    outcome_zh: str
    concluded_on: date
    note: str
    recorded_by: str


@event("intake.reward_applied", 1, "申请执行人申请悬赏执行，悬赏金 {reward_fen} 分，应于 {decide_by} 前决定")
class RewardApplied(DomainEvent):
    """财产调查规定 2017 art. 21: on the applicant's application; the reward is the applicant's money."""

    reward_id: str
    applicant_name: str
    reward_fen: int
    applied_on: date
    decide_by: date  # 财产调查规定 art. 21: decided within 10 days (民诉法 art. 85 counting)
    recorded_by: str


@event("intake.reward_decided", 1, "悬赏执行申请：{decision_zh}（{decided_on}）")
class RewardDecided(DomainEvent):
    reward_id: str
    granted: bool
    decision_zh: str
    decided_on: date
    decided_within_limit: bool
    reason: str
    channels: list[ExposureChannel]
    decided_by: str


@event("intake.reward_lead_received", 1, "悬赏收到财产线索 {lead_id}：{description}")
class RewardLeadReceived(DomainEvent):
    """A lead given in answer to a reward notice: asset_search records it as an applicant's lead."""

    reward_id: str
    lead_id: str
    informant: str
    description: str
    asset_kind: AssetKind | None = None
    target: str
    region: str | None = None
    received_on: date
    recorded_by: str


@event("intake.reward_paid", 1, "申请执行人支付悬赏金 {amount_fen} 分（{paid_on}）")
class RewardPaid(DomainEvent):
    reward_id: str
    amount_fen: int
    paid_on: date
    lead_id: str | None = None
    recorded_by: str


@event("intake.exposure_published", 1, "曝光被执行人：{channel_zh}（{published_on}）")
class ExposurePublished(DomainEvent):
    exposure_id: str
    subject: MeasureSubject
    channel: ExposureChannel
    channel_zh: str
    content: str  # what was published (a short description)
    published_on: date
    decided_by: str


@event("intake.exit_restriction_decided", 1, "承办法官决定限制 {subject_name} 出境（{decided_on}）")
class ExitRestrictionDecided(DomainEvent):
    """民诉法 2023 art. 266: the debtor (or a unit's legal representative, 负责人 or 影响债务履行的直接责任人员) is
    restricted from leaving the country. Sending it to the border authority is not built yet."""

    restriction_id: str
    subject: MeasureSubject
    subject_name: str
    on_behalf_of: str | None = None  # the unit whose representative is restricted
    reason: str
    decided_on: date
    judge_id: str


@event("intake.exit_restriction_lifted", 1, "解除限制出境（{lifted_on}）：{reason}")
class ExitRestrictionLifted(DomainEvent):
    restriction_id: str
    reason: str
    lifted_on: date
    judge_id: str
