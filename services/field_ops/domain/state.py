"""A field instruction with its task, as the fold of its ``field_ops.instruction:<id>`` stream.

:func:`evolve` is a table from event type to a small function; an event the table does not list
leaves the state as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from services.field_ops.events import (
    AttemptRecorded,
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


EVOLVE: dict[type, Callable[[InstructionState, Any], InstructionState]] = {
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
