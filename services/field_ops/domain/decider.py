"""The field instruction aggregate (with its task): one routing table from command type to decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.field_ops.domain import commands as c
from services.field_ops.domain import decide_instruction as d
from services.field_ops.domain import detention as det
from services.field_ops.domain.state import InstructionState, evolve
from shared.commands import TableDecider
from shared.events import DomainEvent

DECISIONS: dict[type, Callable[[Any, InstructionState], list[DomainEvent]]] = {
    c.IssueInstruction: d.issue,
    c.RerouteTask: d.reroute,
    c.AcceptTask: d.accept,
    c.RecordAttempt: d.record_attempt,
    c.ReportTask: d.report,
    c.ReturnTask: d.return_task,
    det.StartCustody: det.start_custody,
    det.NotifyFamily: det.notify_family,
    det.EndCustody: det.end_custody,
}


class InstructionDecider(TableDecider[InstructionState]):
    """One instruction and its task (stream ``field_ops.instruction:<instruction_id>``)."""

    def __init__(self) -> None:
        super().__init__(InstructionState, evolve, DECISIONS)


def stream_id(instruction_id: str) -> str:
    return f"field_ops.instruction:{instruction_id}"


def given(*events: DomainEvent) -> InstructionState:
    """The state after ``events`` (for tests and replays)."""
    return InstructionDecider().given(*events)