"""Intake's published contract: the payloads of the events it writes to ``case-events``."""

from __future__ import annotations

from datetime import date
from typing import Literal

from shared.events import DomainEvent, Payload, event

PartyKind = Literal["person", "organisation"]
BasisKind = Literal["judgment", "mediation", "arbitral_award", "notarised_debt", "other"]


class PartyRecord(Payload):
    kind: PartyKind
    name: str
    id_number: str


class BasisRecord(Payload):
    kind: BasisKind
    issuing_body: str
    document_number: str
    effective_date: date
    performance_deadline: date | None = None


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
