"""Intake's published contract for enforcement petitions (涉执信访) and judicial aid (国家司法救助).

A petition lives in the stream ``intake.petition:<petition_id>``, an aid application in
``intake.aid:<aid_id>``; both are keyed by the case they are about (the envelope's ``case_id``), so
supervision sees them in that case's trail. Registered through ``services/intake/events.py``.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from shared.events import DomainEvent, Payload, event

PetitionerRole = Literal["applicant", "respondent", "other"]
Channel = Literal["visit", "letter", "phone", "online"]  # 来访 / 来信 / 来电 / 网上信访
PetitionOutcome = Literal["settled", "enforced", "judicial_aid", "explained", "referred"]


class Petitioner(Payload):
    """信访人: who, in which capacity (申请执行人 / 被执行人 / 案外人等), how to reach them."""

    name: str
    role: PetitionerRole
    contact: str | None = None


@event("intake.petition_registered", 1, "登记涉执信访 {petition_id}（{channel_label}），交承办人 {officer_id}")
class PetitionRegistered(DomainEvent):
    """A petition about a case, assigned to the case's team and officer (谁办理谁接待)."""

    petition_id: str
    case_id: str
    court: str
    case_number: str | None
    petitioner: Petitioner
    request: str
    channel: Channel
    channel_label: str
    received_on: date
    team_id: str | None
    officer_id: str | None
    accept_by: date
    registered_by: str


@event("intake.petition_acknowledged", 1, "信访事项受理并告知信访人，{acknowledged_by}")
class PetitionAcknowledged(DomainEvent):
    petition_id: str
    acknowledged_on: date
    acknowledged_by: str
    conclude_by: date
    note: str | None = None


@event("intake.petition_escalated", 1, "信访督办：{escalated_to}（{escalated_to_role}），限 {due_on} 前")
class PetitionEscalated(DomainEvent):
    """督办 by the bureau chief or the vice president: who, the instruction, by when."""

    petition_id: str
    escalated_to: str
    escalated_to_role: Literal["bureau_chief", "vice_president"]
    instruction: str
    due_on: date
    escalated_on: date


@event("intake.petition_discussed", 1, "信访会商：{conclusion}")
class PetitionDiscussed(DomainEvent):
    petition_id: str
    participants: list[str]
    conclusion: str
    discussed_on: date
    recorded_by: str


@event("intake.petition_extended", 1, "信访办理期限延长 {days} 日至 {conclude_by}，批准 {approved_by}")
class PetitionExtended(DomainEvent):
    petition_id: str
    days: int
    reason: str
    conclude_by: date
    approved_by: str


@event("intake.petition_closed", 1, "信访办结：{outcome_label}，息访：{petition_stopped}")
class PetitionClosed(DomainEvent):
    petition_id: str
    outcome: PetitionOutcome
    outcome_label: str
    petition_stopped: bool
    details: str
    closed_on: date
    closed_by: str
    aid_id: str | None = None


class AidApplicant(Payload):
    name: str
    id_number: str | None = None
    contact: str | None = None


@event("intake.judicial_aid_applied", 1, "申请国家司法救助 {aid_id}，金额 {amount_requested_fen} 分")
class JudicialAidApplied(DomainEvent):
    aid_id: str
    case_id: str
    court: str
    case_number: str | None
    case_judge_id: str | None
    claim_amount_fen: int
    applicant: AidApplicant
    amount_requested_fen: int
    grounds: str
    applied_on: date
    recorded_by: str
    petition_id: str | None = None


@event("intake.judicial_aid_examined", 1, "司法救助审查：{eligible}，审查人 {examined_by}")
class JudicialAidExamined(DomainEvent):
    """Eligibility: the case cannot be enforced (the debtor has no assets) and the applicant is in
    hardship (the grounds found)."""

    aid_id: str
    eligible: bool
    case_unenforceable: bool
    hardship_grounds: list[str]
    findings: str
    examined_on: date
    examined_by: str


@event("intake.judicial_aid_decided", 1, "司法救助决定：{granted}，金额 {amount_fen} 分（上限 {cap_fen} 分）")
class JudicialAidDecided(DomainEvent):
    aid_id: str
    granted: bool
    amount_fen: int
    cap_fen: int
    monthly_wage_fen: int
    wage_year: int
    panel: list[str] = Field(min_length=1)
    reason: str
    decided_on: date
    decided_by: str


@event("intake.judicial_aid_funds_requested", 1, "司法救助资金报请上级法院 {higher_court}：{amount_fen} 分")
class JudicialAidFundsRequested(DomainEvent):
    aid_id: str
    amount_fen: int
    higher_court: str
    reported_on: date
    reported_by: str
