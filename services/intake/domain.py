"""Intake's rules: pure functions over commands and case state (no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from shared.errors import Conflict
from shared.events import DomainEvent
from services.intake.events import BasisRecord, CaseRegistered, PartyRecord

# 申请执行的期间为二年 (民诉法 2023 art. 250): the limit is the debtor's defence, so a late
# application is still registered, with a warning on record.
LIMITATION_YEARS = 2


@dataclass(frozen=True)
class RegisterCase:
    case_id: str
    court: str
    case_type: str
    applicant: PartyRecord
    respondent: PartyRecord
    basis: BasisRecord
    claim_amount_fen: int
    application_date: date
    officer_id: str
    now: datetime
    case_number: str | None = None  # allocated inside the transaction before decide


@dataclass(frozen=True)
class CaseState:
    registered: bool = False
    case_number: str | None = None
    court: str | None = None
    status: str = "new"


def limitation_expired(basis: BasisRecord, application_date: date) -> bool:
    """True when the application comes more than 2 years after the performance deadline."""
    start = basis.performance_deadline or basis.effective_date
    try:
        end = start.replace(year=start.year + LIMITATION_YEARS)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + LIMITATION_YEARS, day=28)
    return application_date > end


class CaseDecider:
    """The case aggregate of intake."""

    def initial_state(self) -> CaseState:
        return CaseState()

    def evolve(self, state: CaseState, event: DomainEvent) -> CaseState:
        if isinstance(event, CaseRegistered):
            return replace(
                state, registered=True, case_number=event.case_number, court=event.court, status="registered"
            )
        return state

    def decide(self, command: object, state: CaseState) -> Sequence[DomainEvent]:
        if isinstance(command, RegisterCase):
            if state.registered:
                raise Conflict("该案件已立案，不能重复立案", code="already_registered")
            assert command.case_number is not None
            return [
                CaseRegistered(
                    case_id=command.case_id,
                    case_number=command.case_number,
                    case_type=command.case_type,
                    court=command.court,
                    applicant=command.applicant,
                    respondent=command.respondent,
                    basis=command.basis,
                    claim_amount_fen=command.claim_amount_fen,
                    application_date=command.application_date,
                    registered_by=command.officer_id,
                    limitation_warning=limitation_expired(command.basis, command.application_date),
                )
            ]
        raise TypeError(f"unknown command {type(command).__name__}")
