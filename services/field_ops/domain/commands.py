"""field_ops's commands: the judge's instruction and the field team's work on its task (pure data).

Time, ids, the actor and what the service knows from its projections (the case's current judge,
the caller's teams) arrive on the command.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.field_ops.domain.detention import DetentionFacts
from services.field_ops.domain.routing import Route
from services.field_ops.events import EvidenceItem, FoundAsset, FoundPerson, Outcome, Target


@dataclass(frozen=True)
class IssueInstruction:
    instruction_id: str
    task_id: str
    case_id: str
    kind: str
    target: Target
    region: str
    region_name: str
    deadline: date
    notes: str | None
    officer_id: str
    now: datetime
    route: Route
    current_judge_id: str | None  # from intake.case_assigned, None when no assignment is known
    case_closed: bool = False
    proposal_id: str | None = None
    lead_id: str | None = None
    detention: DetentionFacts | None = None  # a ``detain`` instruction: the approved decision


@dataclass(frozen=True)
class RerouteTask:
    officer_id: str
    led_team_ids: frozenset[str]
    to_team_id: str
    to_team_name: str
    reason: str


@dataclass(frozen=True)
class AcceptTask:
    officer_id: str
    officer_team_ids: frozenset[str]
    current_judge_id: str | None


@dataclass(frozen=True)
class RecordAttempt:
    officer_id: str
    officer_team_ids: frozenset[str]
    current_judge_id: str | None
    attempted_at: datetime
    place: str
    note: str
    evidence: tuple[EvidenceItem, ...] = ()


@dataclass(frozen=True)
class ReportTask:
    officer_id: str
    officer_team_ids: frozenset[str]
    current_judge_id: str | None
    now: datetime
    outcome: Outcome
    details: str
    found_assets: tuple[FoundAsset, ...] = ()
    found_persons: tuple[FoundPerson, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()


@dataclass(frozen=True)
class ReturnTask:
    officer_id: str
    officer_team_ids: frozenset[str]
    reason: str
