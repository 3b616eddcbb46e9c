"""The case aggregate of intake (stream ``intake.case:<case_id>``): one routing table from command
type to decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.intake.domain import commands as c
from services.intake.domain import decide_filing as f
from services.intake.domain import decide_lifecycle as lc
from services.intake.domain import objections
from services.intake.domain.state import CaseState, evolve
from shared.commands import TableDecider
from shared.events import DomainEvent

DECISIONS: dict[type, Callable[[Any, CaseState], list[DomainEvent]]] = {
    c.ReceiveApplication: f.receive,
    c.SupplementMaterials: f.supplement,
    c.RegisterCase: f.register,
    c.FileAndRegister: f.file_and_register,
    c.RefuseApplication: f.refuse,
    c.OverrideTriage: f.override_triage,
    c.Reassign: f.reassign,
    c.RegisterLinkedCase: f.register_linked,
    c.PrepareNotice: lc.prepare_notice,
    c.SignNotice: lc.sign_notice,
    c.Suspend: lc.suspend,
    c.LiftSuspension: lc.lift_suspension,
    c.Postpone: lc.postpone,
    c.LiftPostponement: lc.lift_postponement,
    c.RequestExtension: lc.request_extension,
    c.ApproveExtension: lc.approve_extension,
    c.RecordInterview: lc.record_interview,
    c.RecordSettlement: lc.record_settlement,
    c.ProposeClosure: lc.propose_closure,
    c.ApproveClosure: lc.approve_closure,
    c.RejectClosure: lc.reject_closure,
    c.ResumeCase: lc.resume,
    c.RegisterObjection: lc.register_objection,
    c.DecideObjection: lc.decide_objection,
    c.HoldObjectionHearing: objections.hold_hearing,
    c.CloseObjectionCase: objections.close_objection_case,
    c.ChangePartyContact: f.change_contact,
}


class CaseDecider(TableDecider[CaseState]):
    """The case aggregate (stream ``intake.case:<case_id>``)."""

    def __init__(self) -> None:
        super().__init__(CaseState, evolve, DECISIONS, cacheable=True)  # frozen state, replace() only


def stream_id(case_id: str) -> str:
    return f"intake.case:{case_id}"


def given(*events: DomainEvent) -> CaseState:
    """The state after ``events`` (for tests and replays)."""
    return CaseDecider().given(*events)