"""Intake's published contract: the payloads of the events it writes to ``case-events``.

Every intake event of a case lives in the stream ``intake.case:<case_id>``; an application's id
is the id of the case it becomes, so the Kafka key never changes between filing and closure.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from shared.events import REGISTRY, DomainEvent, Payload, event

PartyKind = Literal["person", "organisation"]
BasisKind = Literal["judgment", "mediation", "arbitral_award", "notarised_debt", "other"]
MaterialClass = Literal["application_form", "basis_document", "identity", "asset_leads"]
Track = Literal["fast", "ordinary"]
NoticeKind = Literal["enforcement_notice", "consumption_restriction", "blacklisting"]
ClosureType = Literal["执行完毕", "终本", "终结执行", "销案", "不予执行", "驳回申请"]
# An objection case (执异) ends with the panel's ruling on it (民诉法 2023 art. 236; 执行异议复议规定 2015
# art. 17): 裁定异议成立 (upheld: 撤销、改正 or 中止对该标的的执行), 裁定驳回异议 (rejected), 裁定准许撤回异议
# (withdrawn by the objector). Its own closure types: never an enforcement case's.
ObjectionClosureType = Literal["裁定异议成立", "裁定驳回异议", "裁定准许撤回异议"]
OBJECTION_CLOSURE: dict[str, ObjectionClosureType] = {
    "upheld": "裁定异议成立", "rejected": "裁定驳回异议", "withdrawn": "裁定准许撤回异议"}
ServiceMethod = Literal["electronic", "post", "by_hand"]  # 电子送达 / 邮寄送达 / 直接送达


class AgentRecord(Payload):
    """委托代理人 with the scope of the authorisation (一般授权 / 特别授权)."""

    name: str
    id_number: str
    scope: Literal["general", "special"]
    powers: list[str] = Field(default_factory=list)


class PartyRecord(Payload):
    kind: PartyKind
    name: str
    id_number: str
    agent: AgentRecord | None = None


class BasisRecord(Payload):
    kind: BasisKind
    issuing_body: str
    document_number: str
    effective_date: date
    performance_deadline: date | None = None


class MaterialItem(Payload):
    material_class: MaterialClass
    kind: str
    content_hash: str | None = None
    reference: str | None = None


class MissingItem(Payload):
    material_class: MaterialClass
    kind: str
    description: str


class Condition(Payload):
    """One checked condition (终本, 执行完毕): its code, whether it holds, and why."""

    code: str
    met: bool
    detail: str


@event("intake.application_received", 1, "收到执行申请，执行标的 {claim_amount_fen} 分")
class ApplicationReceived(DomainEvent):
    case_id: str
    court: str
    case_type: str
    applicant: PartyRecord
    respondent: PartyRecord
    basis: BasisRecord
    claim_amount_fen: int
    application_date: date
    decide_by: date
    materials: list[MaterialItem]
    missing: list[MissingItem]
    service_address_confirmed: bool = False
    real_estate_disposal_expected: bool = False
    conflicts: list[str] = Field(default_factory=list)
    received_by: str
    linked_case_id: str | None = None
    materials_checked_at_counter: bool = False


@event("intake.supplement_requested", 1, "一次性告知补正材料，期限至 {deadline}")
class SupplementRequested(DomainEvent):
    missing: list[MissingItem]
    deadline: date
    requested_by: str


@event("intake.materials_supplemented", 2, "补正材料")
class MaterialsSupplemented(DomainEvent):
    """v2: ``received_on`` (the day the supplement was received) and ``decide_by``: once nothing is
    missing, the 7 days to register or refuse run again from the supplement's receipt (登记立案规定
    2015 art. 7); null while items are still missing (and on upcast v1 events)."""

    items: list[MaterialItem]
    still_missing: list[MissingItem]
    supplemented_by: str
    received_on: date | None = None
    decide_by: date | None = None


def _supplemented_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 supplements did not say when they were received nor restart the 7 days."""
    return {"received_on": None, "decide_by": None, **payload}


REGISTRY.add_upcaster("intake.materials_supplemented", 1, _supplemented_v1_to_v2)


@event("intake.case_registered", 1, "立案：{case_number}，执行标的 {claim_amount_fen} 分")
class CaseRegistered(DomainEvent):
    case_id: str
    case_number: str
    case_type: str
    court: str
    applicant: PartyRecord
    respondent: PartyRecord
    basis: BasisRecord
    claim_amount_fen: int
    application_date: date
    registered_by: str
    limitation_warning: bool = False
    linked_case_id: str | None = None
    decide_by: date | None = None
    decided_within_limit: bool = True
    registered_on: date | None = None


@event("intake.application_refused", 1, "不予受理：{legal_ground}")
class ApplicationRefused(DomainEvent):
    ground_code: str
    legal_ground: str
    reason: str
    refused_by: str
    decide_by: date
    decided_within_limit: bool


@event("intake.case_triaged", 1, "繁简分流：{track}")
class CaseTriaged(DomainEvent):
    track: Track
    rule_ids: list[str]
    reasons: list[str]
    decided_by: str
    override: bool = False
    previous_track: Track | None = None


@event("intake.case_assigned", 2, "分案：承办法官 {judge_id}（{team_id}）")
class CaseAssigned(DomainEvent):
    """v2: ``team_lead_id``, the lead of the judge's team on the roster when the case was assigned
    (the officer a level-1 督办 goes to; supervision reads it). Null on upcast v1 events."""

    judge_id: str
    team_id: str
    track: Track
    assigned_by: str
    strategy: Literal["least_loaded", "random", "manual"]
    reason: str | None = None
    previous_judge_id: str | None = None
    excluded: list[str] = Field(default_factory=list)
    team_lead_id: str | None = None


def _assigned_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 assignments did not name the team's lead."""
    return {"team_lead_id": None, **payload}


REGISTRY.add_upcaster("intake.case_assigned", 1, _assigned_v1_to_v2)


class Recipient(Payload):
    """受送达人 of a notice served by hand: whom and where."""

    kind: PartyKind
    name: str
    address: str


@event("intake.notice_prepared", 2, "事务中心制作文书：{notice_kind}（{service_method}）")
class NoticePrepared(DomainEvent):
    """v2: how the notice is to be served; by hand it names the recipient and the region (GB/T 2260)."""

    notice_id: str
    notice_kind: NoticeKind
    document_hash: str
    prepared_by: str
    service_method: ServiceMethod | None = None  # null only on upcast v1 events
    recipient: Recipient | None = None
    region: str | None = None


@event("intake.notice_issued", 2, "法官签发文书：{notice_kind}（{service_method}）")
class NoticeIssued(DomainEvent):
    """v2: ``service_method``, ``recipient``, ``region`` as prepared (field_ops proposes a service
    task for a notice served by hand)."""

    notice_id: str
    notice_kind: NoticeKind
    document_hash: str
    prepared_by: str
    signed_by: str
    service_method: ServiceMethod | None = None
    recipient: Recipient | None = None
    region: str | None = None


def _notice_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 notices did not say how they were served."""
    return {"service_method": None, "recipient": None, "region": None, **payload}


REGISTRY.add_upcaster("intake.notice_prepared", 1, _notice_v1_to_v2)
REGISTRY.add_upcaster("intake.notice_issued", 1, _notice_v1_to_v2)


@event("intake.case_suspended", 1, "中止执行：{reason}")
class CaseSuspended(DomainEvent):
    reason: str
    decided_by: str
    on: date


@event("intake.suspension_lifted", 1, "恢复（中止结束）：{reason}")
class SuspensionLifted(DomainEvent):
    reason: str
    decided_by: str
    on: date


@event("intake.case_postponed", 1, "暂缓执行至 {until}：{reason}")
class CasePostponed(DomainEvent):
    reason: str
    until: date
    decided_by: str
    on: date


@event("intake.postponement_lifted", 1, "暂缓结束：{reason}")
class PostponementLifted(DomainEvent):
    reason: str
    decided_by: str
    on: date


@event("intake.extension_requested", 1, "申请延长执行期限 {months} 个月")
class ExtensionRequested(DomainEvent):
    months: int
    reason: str
    requested_by: str
    current_due: date


@event("intake.extension_approved", 1, "院长批准延长执行期限 {months} 个月")
class ExtensionApproved(DomainEvent):
    months: int
    approved_by: str
    new_due: date


@event("intake.applicant_interviewed", 1, "约谈申请执行人")
class ApplicantInterviewed(DomainEvent):
    interviewed_by: str
    summary_hash: str
    interviewed_on: date


@event("intake.settlement_recorded", 1, "记录执行和解（已履行：{performed}）")
class SettlementRecorded(DomainEvent):
    performed: bool
    agreement_hash: str
    recorded_by: str


@event("intake.closure_proposed", 1, "法官提请结案：{closure_type}")
class ClosureProposed(DomainEvent):
    closure_type: ClosureType
    judge_id: str
    reason: str
    conditions: list[Condition] = Field(default_factory=list)
    debtor_qualifies_for_blacklisting: bool = False


@event("intake.closure_rejected", 1, "结案审批未通过：{reason}")
class ClosureRejected(DomainEvent):
    closure_type: ClosureType
    rejected_by: str
    reason: str


@event("intake.case_closed", 2, "结案：{closure_type}")
class CaseClosed(DomainEvent):
    """v2: an objection case (执异) closes too, on its ruling's day, with one of
    :data:`ObjectionClosureType` (v1 knew enforcement closures only; the upcast is the same payload)."""

    closure_type: ClosureType | ObjectionClosureType
    judge_id: str
    approved_by: str
    reason: str
    conditions: list[Condition] = Field(default_factory=list)
    claim_amount_fen: int = 0
    registered_on: date | None = None
    closed_on: date | None = None
    track: Track | None = None


@event("intake.case_resumed", 2, "恢复执行：新案 {new_case_number}")
class CaseResumed(DomainEvent):
    """v2: ground ``settlement_breached`` (执行和解规定 2018 art. 9; 民诉法解释 art. 465) with the breach as
    the applicant stated it, the settlement's last day of performance and the application's date."""

    new_case_id: str
    new_case_number: str
    reviewer_id: str
    previous_judge_id: str
    ground: Literal["applicant_new_lead", "ex_officio_research", "settlement_breached"]
    reason: str
    breach: str | None = None
    settlement_due_on: date | None = None
    applied_on: date | None = None
    # 民诉法 art. 250 via 执行和解规定 art. 10: two years from settlement_due_on; passed is recorded, not
    # refused (the respondent's defence, 民诉法解释 art. 481)
    limitation_ends: date | None = None
    limitation_passed: bool = False


@event("intake.objection_registered", 3, "执行异议立案：{objection_case_number}")
class ObjectionRegistered(DomainEvent):
    """v2: ``asset_ids`` — the assets a third party (案外人) claims; disposal holds them until decided.
    v3: ``received_on`` — the day the written objection was received, from which the 15 days of
    民诉法 (2023) art. 236 run, and ``decide_by``, their last day (null on upcast v2: the day it was
    recorded stands for the receipt)."""

    objection_case_id: str
    objection_case_number: str
    objector: PartyRecord
    grounds: str
    reviewers: list[str]
    registered_by: str
    asset_ids: list[str] = Field(default_factory=list)
    received_on: date | None = None
    decide_by: date | None = None  # 15 days from received_on (民诉法 arts. 236, 85)


@event("intake.objection_hearing_held", 1, "执行异议听证（{held_on}）")
class ObjectionHearingHeld(DomainEvent):
    """A hearing of an objection, held by its panel (执行异议复议规定 2015 art. 12: 书面审查；案情复杂、争议较大的，
    应当进行听证). It does not move the 15 days of 民诉法 art. 236."""

    objection_case_id: str
    held_on: date
    held_by: str
    notes: str


@event("intake.objection_decided", 1, "执行异议审查结论：{outcome}")
class ObjectionDecided(DomainEvent):
    """The panel's decision on an objection, or its withdrawal (recorded by a panel member)."""

    objection_case_id: str
    outcome: Literal["upheld", "rejected", "withdrawn"]
    decided_by: str
    reason: str
    asset_ids: list[str]
    decided_on: date


PartyRole = Literal["applicant", "respondent"]


@event("intake.party_mobile_recorded", 1, "登记当事人（{party}）手机号")
class PartyMobileRecorded(DomainEvent):
    """A party's mobile number for SMS (节点推送, 执行公开 codes): taken at intake, changed later;
    ``mobile`` null: the number was removed. Mainland numbers only (shared/contact.py)."""

    party: PartyRole
    mobile: str | None
    recorded_by: str
    recorded_on: date


@event("intake.party_sms_opt_out_changed", 1, "当事人（{party}）短信通知设置：opted_out={opted_out}")
class PartySmsOptOutChanged(DomainEvent):
    """A party declines (``opted_out``) or accepts again the SMS pushes of their case's nodes. A
    one-time code the party asks for themselves (执行公开) is still sent."""

    party: PartyRole
    opted_out: bool
    changed_by: str
    changed_on: date


def _objection_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 objections named no assets."""
    return {**payload, "asset_ids": []}


REGISTRY.add_upcaster("intake.objection_registered", 1, _objection_v1_to_v2)


def _objection_v2_to_v3(payload: dict[str, Any]) -> dict[str, Any]:
    """v2 objections carried no receipt date (the day it was recorded stands for it)."""
    return {**payload, "received_on": None, "decide_by": None}


REGISTRY.add_upcaster("intake.objection_registered", 2, _objection_v2_to_v3)

# Coercive measures (罚款、拘留), petitions (涉执信访) and judicial aid (国家司法救助) live in their own
# modules; importing them registers their events.
from services.intake import coercive_events as _coercive_events  # noqa: E402,F401
from services.intake import events_petitions as _petitions  # noqa: E402,F401
from services.intake import measure_events as _measure_events  # noqa: E402,F401


def _resumed_v1(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 resumptions were of 终本 cases: no settlement fields."""
    return {**payload, "breach": None, "settlement_due_on": None, "applied_on": None, "limitation_ends": None,
            "limitation_passed": False}


REGISTRY.add_upcaster("intake.case_resumed", 1, _resumed_v1)


def _closed_v1(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 closures were enforcement closures, a subset of v2's closure types: the same payload."""
    return dict(payload)


REGISTRY.add_upcaster("intake.case_closed", 1, _closed_v1)
