"""asset_search's commands and the views of the case they carry (pure data).

Grouped by topic: online search, control of found assets, the applicant's leads, seizures made on
site. Each is decided by the function of the same topic module that ``decider.DECISIONS`` names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.asset_search import events as ev

# ---- online search -------------------------------------------------------------------------------

@dataclass(frozen=True)
class AgencyTarget:
    agency_id: str
    kind: str
    channel: str
    answer_within_s: int


@dataclass(frozen=True)
class DispatchSearch:
    """Send one query to every agency (the 集约 line's online search)."""

    query_ids: tuple[str, ...]
    agencies: tuple[AgencyTarget, ...]
    subject: ev.Subject
    case_number: str | None
    reason: str  # case_assigned | after_closure
    now: datetime
    round: int | None = None  # None: the next round


@dataclass(frozen=True)
class RecordDelivery:
    request_id: str
    request_kind: str
    ref_id: str
    agency_id: str
    channel: str
    attempts: int


@dataclass(frozen=True)
class RecordAnswer:
    case_id: str
    query_id: str
    agency_id: str
    outcome: str
    items: tuple[ev.FoundItem, ...]
    raw_hash: str
    message_id: str
    now: datetime


@dataclass(frozen=True)
class MarkOverdue:
    query_id: str
    now: datetime


# ---- control of found assets ---------------------------------------------------------------------

@dataclass(frozen=True)
class CaseFacts:
    """What asset_search knows of the case from intake's events."""

    court: str
    judge_id: str | None
    claim_amount_fen: int | None


@dataclass(frozen=True)
class Ruling:
    """Who rules: the officer, the court of their token, and what the case's projection says."""

    officer_id: str
    officer_court: str
    case: CaseFacts | None
    ruling_number: str


@dataclass(frozen=True)
class OrderControl:
    control_id: str
    asset_id: str
    measure: str
    amount_limit_fen: int | None
    over_control_reason: str | None
    ruling: Ruling


@dataclass(frozen=True)
class ConfirmControl:
    control_id: str
    agency_id: str
    outcome: str  # effective | queued | refused
    effective_date: date | None
    expiry_date: date | None
    amount_fen: int | None
    queue_position: int | None
    reason: str | None
    raw_hash: str


@dataclass(frozen=True)
class OrderRenewal:
    control_id: str
    ruling: Ruling
    today: date


@dataclass(frozen=True)
class ReleaseControl:
    control_id: str
    reason: str
    ruling: Ruling


@dataclass(frozen=True)
class LapseControl:
    control_id: str
    today: date


# ---- the applicant's asset leads -----------------------------------------------------------------

@dataclass(frozen=True)
class RecordLead:
    lead_id: str
    urgent: bool
    description: str
    asset_kind: str | None
    target: str
    region: str | None
    officer_id: str
    today: date


@dataclass(frozen=True)
class VerifyLead:
    lead_id: str
    outcome: str  # confirmed | not_found | needs_field_check
    note: str
    officer_id: str
    today: date


# ---- seizures made on site -----------------------------------------------------------------------

@dataclass(frozen=True)
class RecordOnSiteSeizure:
    asset_id: str
    asset_kind: str
    description: str
    identifier: str | None
    location: str | None
    value_fen: int | None
    seized_by: str
    seal_date: date
    task_id: str
    instruction_id: str
    judge_id: str
    raw_hash: str  # sha256 of the field report's seizure payload (the evidence hashes are in it)
