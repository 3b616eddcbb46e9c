"""The field instruction aggregate (with its task): one routing table from command type to decision."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from services.field_ops.domain import commands as c
from services.field_ops.domain import decide_instruction as d
from services.field_ops.domain.state import InstructionState, evolve
from shared.events import DomainEvent

DECISIONS: dict[type, Callable[[Any, InstructionState], list[DomainEvent]]] = {
    c.IssueInstruction: d.issue,
    c.RerouteTask: d.reroute,
    c.AcceptTask: d.accept,
    c.RecordAttempt: d.record_attempt,
    c.ReportTask: d.report,
    c.ReturnTask: d.return_task,
}


class InstructionDecider:
    """One instruction and its task (stream ``field_ops.instruction:<instruction_id>``)."""

    def initial_state(self) -> InstructionState:
        return InstructionState()

    def evolve(self, state: InstructionState, event: DomainEvent) -> InstructionState:
        return evolve(state, event)

    def decide(self, command: object, state: InstructionState) -> Sequence[DomainEvent]:
        decision = DECISIONS.get(type(command))
        if decision is None:
            raise TypeError(f"unknown command {type(command).__name__}")
        return decision(command, state)


def stream_id(instruction_id: str) -> str:
    return f"field_ops.instruction:{instruction_id}"


def given(*events: DomainEvent) -> InstructionState:
    """The state after ``events`` (for tests and replays)."""
    state = InstructionState()
    for e in events:
        state = evolve(state, e)
    return state
