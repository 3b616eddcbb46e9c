"""asset_search's published contract: the payloads of the events it writes to ``case-events``.

Every event of a case's search file lives in one stream, ``asset_search.case:<case_id>``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from shared.events import REGISTRY, DomainEvent, Payload, event

AssetKind = Literal[
    "bank_deposit", "real_estate", "vehicle", "securities", "equity", "housing_fund", "online_payment",
    "vessel", "movable",
]
Measure = Literal["freeze", "seize", "impound", "deduct"]
Outcome = Literal["found", "nothing_found", "partial", "correction"]
RequestKind = Literal["query", "control", "renewal", "release", "exit_restriction"]
Origin = Literal["ruling", "on_site"]  # a judge's ruling carried out by an agency, or a field seizure
FIELD_AGENCY = "field_ops"  # the "agency" of an on-site seizure: the field team, no request is sent


class Subject(Payload):
    """Whom the query is about (the debtor)."""

    kind: str
    name: str
    id_number: str


class FoundItem(Payload):
    """One item an agency reported."""

    asset_kind: AssetKind
    identifier: str
    holder_id: str | None = None
    holder_name: str | None = None
    value_fen: int | None = None
    location: str | None = None
    encumbrances: list[str] = Field(default_factory=list)
    existing_seizures: list[str] = Field(default_factory=list)


@event("asset_search.query_dispatched", 1, "向联动单位 {agency_id} 发出查询（第 {round} 轮）")
class QueryDispatched(DomainEvent):
    query_id: str
    agency_id: str
    agency_kind: str
    channel: Literal["push", "pull"]
    round: int
    reason: Literal["case_assigned", "after_closure"]
    subject: Subject
    case_number: str | None = None
    dispatched_at: datetime
    due_at: datetime


@event("asset_search.request_delivered", 2, "请求 {request_id} 已送达联动单位 {agency_id}")
class RequestDelivered(DomainEvent):
    """v2: ``request_kind`` may be ``exit_restriction`` (a request to the border authority)."""

    request_id: str
    request_kind: RequestKind
    ref_id: str  # query_id, control_id, or the request id of an exit restriction
    agency_id: str
    channel: Literal["push", "pull"]
    attempts: int


@event("asset_search.agency_answered", 1, "联动单位 {agency_id} 答复：{outcome}，{item_count} 项")
class AgencyAnswered(DomainEvent):
    query_id: str
    agency_id: str
    agency_kind: str
    outcome: Outcome
    item_count: int
    items: list[FoundItem]
    raw_hash: str
    message_id: str
    response_seconds: float
    late: bool


@event("asset_search.query_overdue", 1, "联动单位 {agency_id} 的查询逾期未复")
class QueryOverdue(DomainEvent):
    query_id: str
    agency_id: str
    agency_kind: str
    due_at: datetime


@event("asset_search.asset_found", 1, "查得财产：{asset_kind} {identifier}")
class AssetFound(DomainEvent):
    asset_id: str
    asset_kind: AssetKind
    identifier: str
    holder_id: str | None
    holder_name: str | None
    value_fen: int | None
    location: str | None
    encumbrances: list[str]
    existing_seizures: list[str]
    query_id: str
    agency_id: str


@event("asset_search.asset_updated", 1, "财产信息更新：{identifier}")
class AssetUpdated(DomainEvent):
    asset_id: str
    identifier: str
    value_fen: int | None
    encumbrances: list[str]
    existing_seizures: list[str]
    query_id: str


@event("asset_search.field_asset_recorded", 1, "外勤现场查封的财产入卷：{asset_kind} {description}")
class FieldAssetRecorded(DomainEvent):
    """An asset found and sealed on site by a field officer (from ``field_ops.asset_seized_on_site``)."""

    asset_id: str
    asset_kind: AssetKind
    description: str
    identifier: str | None
    location: str | None
    value_fen: int | None
    seized_by: str
    seal_date: date
    task_id: str
    instruction_id: str
    judge_id: str


@event("asset_search.search_completed", 1, "第 {round} 轮网络查控全部答复，查得 {asset_count} 项财产")
class SearchCompleted(DomainEvent):
    round: int
    agency_kinds: list[str]
    query_count: int
    asset_count: int


@event("asset_search.assets_found_after_closure", 1, "终本后第 {round} 轮查询发现新财产")
class AssetsFoundAfterClosure(DomainEvent):
    round: int
    asset_ids: list[str]


@event("asset_search.control_ordered", 2, "法官 {judge_id} 裁定{measure}财产 {asset_id}")
class ControlOrdered(DomainEvent):
    """v2: ``requested_by`` (the officer who asked for the control: the ruling judge, or the judge
    whose instruction led to an on-site seizure) and ``origin``; an on-site seizure names its
    instruction in ``ruling_number`` and ``instruction_id`` and has ``agency_id`` = ``field_ops``."""

    control_id: str
    asset_id: str
    asset_kind: str
    measure: Measure
    amount_limit_fen: int | None
    control_value_fen: int
    judge_id: str
    ruling_number: str
    agency_id: str
    over_control_reason: str | None = None
    requested_by: str
    origin: Origin = "ruling"
    instruction_id: str | None = None
    task_id: str | None = None


@event("asset_search.control_confirmed", 2, "控制到位 {control_id}（{controlled_by}），至 {expiry_date}")
class ControlConfirmed(DomainEvent):
    """v2: ``controller_kind`` says whether ``controlled_by`` is an agency or an officer (the field
    officer who sealed the asset on site); ``requested_by`` is the officer who asked for the control
    (null only for v1 events, whose requester is on their ``control_ordered``)."""

    control_id: str
    asset_id: str
    asset_kind: str
    measure: Measure
    effective_date: date
    expiry_date: date | None
    amount_fen: int | None
    queue_position: int | None
    controlled_by: str
    raw_hash: str
    controller_kind: Literal["agency", "officer"] = "agency"
    requested_by: str | None = None
    origin: Origin = "ruling"


@event("asset_search.control_refused", 1, "联动单位未能执行控制 {control_id}：{reason}")
class ControlRefused(DomainEvent):
    control_id: str
    asset_id: str
    reason: str
    controlled_by: str
    raw_hash: str


@event("asset_search.control_renewal_ordered", 1, "法官 {judge_id} 裁定续行控制 {control_id}")
class ControlRenewalOrdered(DomainEvent):
    control_id: str
    asset_id: str
    judge_id: str
    ruling_number: str
    agency_id: str


@event("asset_search.control_renewed", 1, "控制 {control_id} 已续行至 {expiry_date}")
class ControlRenewed(DomainEvent):
    control_id: str
    asset_id: str
    asset_kind: str
    previous_expiry_date: date | None
    expiry_date: date
    controlled_by: str
    raw_hash: str


@event("asset_search.control_released", 1, "法官 {judge_id} 裁定解除控制 {control_id}")
class ControlReleased(DomainEvent):
    control_id: str
    asset_id: str
    expiry_date: date | None
    judge_id: str
    ruling_number: str
    reason: str
    agency_id: str


@event("asset_search.control_lapsed", 1, "控制 {control_id} 于 {expiry_date} 到期未续行，已失效")
class ControlLapsed(DomainEvent):
    control_id: str
    asset_id: str
    expiry_date: date


@event("asset_search.deduction_confirmed", 1, "扣划到账 {amount_fen} 分（控制 {control_id}）")
class DeductionConfirmed(DomainEvent):
    control_id: str
    asset_id: str
    amount_fen: int
    agency_id: str


@event("asset_search.lead_recorded", 1, "登记申请人提供的财产线索 {lead_id}")
class LeadRecorded(DomainEvent):
    lead_id: str
    urgent: bool
    description: str
    asset_kind: AssetKind | None
    target: str
    region: str | None
    due_date: date
    recorded_by: str


@event("asset_search.lead_verified", 1, "财产线索 {lead_id} 核查结果：{outcome}")
class LeadVerified(DomainEvent):
    lead_id: str
    urgent: bool
    outcome: Literal["confirmed", "not_found", "needs_field_check"]
    note: str
    verified_by: str
    late: bool


@event("asset_search.field_check_requested", 1, "财产线索 {lead_id} 需外勤实地核查")
class FieldCheckRequested(DomainEvent):
    lead_id: str
    target: str
    region: str | None
    reason: str


def _ordered_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 was always a judge's ruling: the judge is the one who requested the control."""
    return {**payload, "requested_by": payload["judge_id"], "origin": "ruling"}


def _confirmed_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 confirmations came only from agencies; their requester is on the control_ordered event."""
    return {**payload, "controller_kind": "agency", "requested_by": None, "origin": "ruling"}


REGISTRY.add_upcaster("asset_search.control_ordered", 1, _ordered_v1_to_v2)
REGISTRY.add_upcaster("asset_search.control_confirmed", 1, _confirmed_v1_to_v2)


REGISTRY.add_upcaster("asset_search.request_delivered", 1, dict)  # v1 → v2: the kinds only grew

ExitAction = Literal["restrict", "lift"]
ACTION_ZH = {"restrict": "限制出境", "lift": "解除限制出境"}


@event("asset_search.exit_restriction_requested", 1, "请求边控机关{action_zh}：{subject_name}（{agency_id}）")
class ExitRestrictionRequested(DomainEvent):
    """intake's exit restriction (or its lifting) sent to the border authority through the agency channel."""

    request_id: str
    restriction_id: str
    action: ExitAction
    action_zh: str
    agency_id: str
    subject: Subject
    subject_name: str
    case_number: str | None = None


@event("asset_search.exit_restriction_confirmed", 1, "边控机关回执：{action_zh}{outcome_zh}（{agency_id}）")
class ExitRestrictionConfirmed(DomainEvent):
    request_id: str
    restriction_id: str
    action: ExitAction
    action_zh: str
    agency_id: str
    outcome: Literal["effective", "refused"]
    outcome_zh: str
    effective_date: date | None = None
    reason: str | None = None
    raw_hash: str
