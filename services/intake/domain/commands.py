"""Intake's commands: what a user asks for, with who, when and any facts read beforehand.

Time (``now``), ids and the acting officer arrive on the command, so the rules stay pure. Facts
intake knows from its own projections (judges' loads, who acted on a case, other services'
results) are read inside the command's transaction and handed in here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from services.intake.config import ClosurePolicy, CourtRoster, TriagePolicy
from services.intake.events import BasisRecord, ClosureType, MaterialItem, NoticeKind, PartyRecord, Recipient
from shared.periods import Pause


@dataclass(frozen=True)
class Who:
    """The acting officer: id and the court of their token."""

    officer_id: str
    court: str
    now: datetime

    @property
    def today(self) -> date:
        return self.now.date()


@dataclass(frozen=True)
class Routing:
    """What automatic triage and assignment need: rules, roster, loads and a random draw."""

    triage: TriagePolicy
    roster: CourtRoster
    loads: dict[str, int] = field(default_factory=dict)
    draw: float = 0.0  # uniform in [0, 1): the random choice made outside the domain
    exclude: frozenset[str] = frozenset()  # extra exclusions (e.g. the judge who closed a 终本 case)


@dataclass(frozen=True)
class PartyContact:
    """A party's mobile number and SMS choice as given at intake (``party``: applicant/respondent)."""

    party: str
    mobile: str | None = None
    sms_opt_out: bool = False


@dataclass(frozen=True)
class ChangePartyContact:
    """A later change: a new (or no) mobile number, and/or the SMS opt-out; ``None``: unchanged."""

    who: Who
    party: str
    mobile: str | None = None
    clear_mobile: bool = False
    sms_opt_out: bool | None = None


@dataclass(frozen=True)
class ReceiveApplication:
    who: Who
    case_id: str
    court: str
    case_type: str
    applicant: PartyRecord
    respondent: PartyRecord
    basis: BasisRecord
    claim_amount_fen: int
    application_date: date
    materials: tuple[MaterialItem, ...]
    supplement_deadline_days: int
    service_address_confirmed: bool = False
    real_estate_disposal_expected: bool = False
    conflicts: tuple[str, ...] = ()
    linked_case_id: str | None = None
    materials_checked_at_counter: bool = False  # POST /cases: the counter checked paper materials
    contacts: tuple[PartyContact, ...] = ()


@dataclass(frozen=True)
class SupplementMaterials:
    who: Who
    items: tuple[MaterialItem, ...]


@dataclass(frozen=True)
class RegisterCase:
    who: Who
    routing: Routing
    case_number: str | None = None  # allocated inside the transaction before decide


@dataclass(frozen=True)
class FileAndRegister:
    """Counter registration: receive a complete application and register it in one step."""

    application: ReceiveApplication
    register: RegisterCase


@dataclass(frozen=True)
class RefuseApplication:
    who: Who
    ground_code: str
    legal_ground: str
    reason: str


@dataclass(frozen=True)
class OverrideTriage:
    who: Who
    track: str
    reason: str
    routing: Routing


@dataclass(frozen=True)
class Reassign:
    who: Who
    judge_id: str
    reason: str
    roster: CourtRoster
    is_bureau_chief: bool = False


@dataclass(frozen=True)
class PrepareNotice:
    who: Who
    notice_id: str
    notice_kind: NoticeKind
    document_hash: str
    service_method: str = "electronic"
    recipient: Recipient | None = None
    region: str | None = None


@dataclass(frozen=True)
class SignNotice:
    who: Who
    notice_id: str


@dataclass(frozen=True)
class Suspend:
    who: Who
    reason: str


@dataclass(frozen=True)
class LiftSuspension:
    who: Who
    reason: str


@dataclass(frozen=True)
class Postpone:
    who: Who
    reason: str
    until: date


@dataclass(frozen=True)
class LiftPostponement:
    who: Who
    reason: str


@dataclass(frozen=True)
class RequestExtension:
    who: Who
    months: int
    reason: str
    tolled: tuple[Pause, ...] = ()  # disposal's periods (reads.tolled), as supervision tolls them


@dataclass(frozen=True)
class ApproveExtension:
    who: Who
    tolled: tuple[Pause, ...] = ()


@dataclass(frozen=True)
class RecordInterview:
    who: Who
    summary_hash: str
    interviewed_on: date


@dataclass(frozen=True)
class RecordSettlement:
    who: Who
    performed: bool
    agreement_hash: str


@dataclass(frozen=True)
class ClosureFacts:
    """What intake has learnt from other services' events about one case (its own projections)."""

    queries: tuple[tuple[str, str, str | None], ...] = ()  # (query_id, agency_kind, outcome or None)
    unverified_leads: tuple[str, ...] = ()
    field_reports: int = 0
    unresolved_assets: tuple[str, ...] = ()  # found assets neither realised nor shown undisposable
    paid_in_full: bool = False
    active_controls: tuple[str, ...] = ()  # controls in effect (not released or lapsed)
    open_disposals: tuple[str, ...] = ()  # disposals decided and not concluded


@dataclass(frozen=True)
class ProposeClosure:
    who: Who
    closure_type: ClosureType
    reason: str
    facts: ClosureFacts
    policy: ClosurePolicy
    debtor_qualifies_for_blacklisting: bool = False


@dataclass(frozen=True)
class ApproveClosure:
    who: Who
    facts: ClosureFacts
    policy: ClosurePolicy


@dataclass(frozen=True)
class RejectClosure:
    who: Who
    reason: str


@dataclass(frozen=True)
class ResumeCase:
    who: Who
    new_case_id: str
    new_case_number: str
    ground: str
    reason: str
    designated_reviewers: frozenset[str]
    handlers: frozenset[str]  # everyone who acted on the case, from intake's projections
    # a breached settlement (ground settlement_breached): the applicant's statement of the breach, the
    # settlement's last day of performance, the day the application was received
    breach: str | None = None
    settlement_due_on: date | None = None
    applied_on: date | None = None


@dataclass(frozen=True)
class RegisterLinkedCase:
    """The new case of a resumption (执恢) or an objection (执异), linked to the old one."""

    who: Who
    case_id: str
    case_number: str
    case_type: str
    linked: object  # the old case's state (CaseState), read in the same transaction
    routing: Routing | None  # None: no automatic triage/assignment (执异 goes to its reviewers)
    objector: PartyRecord | None = None


@dataclass(frozen=True)
class RegisterObjection:
    who: Who
    objection_case_id: str
    objection_case_number: str
    objector: PartyRecord
    grounds: str
    reviewers: tuple[str, ...]
    handlers: frozenset[str]
    asset_ids: tuple[str, ...] = ()
    received_on: date | None = None  # the written objection's receipt (民诉法 art. 236); default today


@dataclass(frozen=True)
class HoldObjectionHearing:
    """A hearing (听证) of an objection, recorded by a member of its panel (执行异议复议规定 art. 12)."""

    who: Who
    objection_case_id: str
    held_on: date
    notes: str


@dataclass(frozen=True)
class CloseObjectionCase:
    """The objection case's own end (stream of the 执异 case), written with the decision recorded on the
    case objected to, in the same transaction: its ruling closes it on the decision's day."""

    who: Who
    objected_case_id: str
    outcome: str  # upheld / rejected / withdrawn
    reason: str
    decided_on: date


@dataclass(frozen=True)
class DecideObjection:
    """The review panel's decision on an objection (or its withdrawal by the objector)."""

    who: Who
    objection_case_id: str
    outcome: str  # upheld / rejected / withdrawn
    reason: str
    # Officers who acted on the case other than by reviewing an objection (reads.acted_on_case):
    # 互相制约-8 is checked again at the decision, not only when the panel was formed.
    acted: frozenset[str] = frozenset()
