"""A field instruction with its task, as the fold of its ``field_ops.instruction:<id>`` stream.

:func:`evolve` is a table from event type to a small function; an event the table does not list
leaves the state as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from services.field_ops.events import (
    AttemptRecorded,
    CustodyEnded,
    CustodyStarted,
    DetentionInstructed,
    FamilyNotified,
    InstructionIssued,
    TaskAccepted,
    TaskReported,
    TaskRerouted,
    TaskReturned,
    TaskRouted,
)
from shared.events import DomainEvent


@dataclass(frozen=True)
class InstructionState:
    issued: bool = False
    instruction_id: str | None = None
    task_id: str | None = None
    kind: str | None = None
    judge_id: str | None = None
    deadline: date | None = None
    lead_id: str | None = None
    status: str = "none"  # none → routed → accepted → reported | returned
    team_id: str | None = None
    assignee: str | None = None
    attempts: int = 0
    # a ``detain`` task: the approved decision it carries out, and the custody (docs/rules.md §9)
    measure_id: str | None = None
    deciders: frozenset[str] = frozenset()  # the deciding judge and the approving president
    detention_days: int | None = None
    custody: str = "none"  # none → in_custody → ended
    custody_started_on: date | None = None
    custody_started_at: datetime | None = None
    release_by: date | None = None
    family_notice: bool = False


def _issued(state: InstructionState, event: InstructionIssued) -> InstructionState:
    return replace(state, issued=True, instruction_id=event.instruction_id, kind=event.kind,
                   judge_id=event.judge_id, deadline=event.deadline, lead_id=event.lead_id)


def _routed(state: InstructionState, event: TaskRouted) -> InstructionState:
    return replace(state, task_id=event.task_id, team_id=event.team_id, status="routed")


def _rerouted(state: InstructionState, event: TaskRerouted) -> InstructionState:
    return replace(state, team_id=event.team_id, status="routed", assignee=None)


def _accepted(state: InstructionState, event: TaskAccepted) -> InstructionState:
    return replace(state, status="accepted", assignee=event.officer_id)


def _attempt(state: InstructionState, event: AttemptRecorded) -> InstructionState:
    return replace(state, attempts=event.attempt_no)


def _reported(state: InstructionState, event: TaskReported) -> InstructionState:
    return replace(state, status="reported")


def _returned(state: InstructionState, event: TaskReturned) -> InstructionState:
    return replace(state, status="returned")


def _detention(state: InstructionState, event: DetentionInstructed) -> InstructionState:
    return replace(state, measure_id=event.measure_id, deciders=frozenset({event.judge_id, event.approved_by}),
                   detention_days=event.detention_days)


def _custody(state: InstructionState, event: CustodyStarted) -> InstructionState:
    return replace(state, custody="in_custody", custody_started_on=event.started_on,
                   custody_started_at=event.started_at, release_by=event.release_by)


def _family(state: InstructionState, event: FamilyNotified) -> InstructionState:
    return replace(state, family_notice=True)


def _ended(state: InstructionState, event: CustodyEnded) -> InstructionState:
    return replace(state, custody="ended")


EVOLVE: dict[type, Callable[[InstructionState, Any], InstructionState]] = {
    DetentionInstructed: _detention,
    CustodyStarted: _custody,
    FamilyNotified: _family,
    CustodyEnded: _ended,
    InstructionIssued: _issued,
    TaskRouted: _routed,
    TaskRerouted: _rerouted,
    TaskAccepted: _accepted,
    AttemptRecorded: _attempt,
    TaskReported: _reported,
    TaskReturned: _returned,
}


def evolve(state: InstructionState, event: DomainEvent) -> InstructionState:
    """The instruction after ``event``."""
    step = EVOLVE.get(type(event))
    return state if step is None else step(state, event)
