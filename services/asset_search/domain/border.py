"""Exit restrictions (限制出境, 民诉法 2023 art. 266) sent to the border authority through the agency
channel, and the authority's receipt: pure decisions on the case's search file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.asset_search import events as ev
from services.asset_search.domain.state import ExitRequest, SearchFile
from shared.errors import Conflict, NotFound
from shared.events import DomainEvent


@dataclass(frozen=True)
class RequestExitRestriction:
    request_id: str
    restriction_id: str
    action: str  # restrict | lift
    agency_id: str
    subject: ev.Subject | None  # None for a lifting: the restricted person of the restriction it lifts
    case_number: str | None
    fallback_subject: ev.Subject | None = None  # the case's debtor, when no earlier request names anyone


@dataclass(frozen=True)
class ConfirmExitRestriction:
    request_id: str
    agency_id: str
    outcome: str  # effective | refused
    effective_date: date | None
    reason: str | None
    raw_hash: str


def request_exit_restriction(c: RequestExitRestriction, state: SearchFile) -> list[DomainEvent]:
    if c.request_id in state.exit_requests:
        return []  # the same intake event again
    earlier = next((r.subject for r in state.exit_requests.values() if r.restriction_id == c.restriction_id), None)
    subject = c.subject or earlier or c.fallback_subject
    if subject is None:
        return []  # nobody to name: nothing can be sent (the reaction logs it)
    return [ev.ExitRestrictionRequested(
        request_id=c.request_id, restriction_id=c.restriction_id, action=c.action,  # type: ignore[arg-type]
        action_zh=ev.ACTION_ZH[c.action], agency_id=c.agency_id, subject=subject, subject_name=subject.name,
        case_number=c.case_number,
    )]


def confirm_exit_restriction(c: ConfirmExitRestriction, state: SearchFile) -> list[DomainEvent]:
    req: ExitRequest | None = state.exit_requests.get(c.request_id)
    if req is None or req.agency_id != c.agency_id:
        raise NotFound("未找到该边控请求", code="exit_restriction_not_found")
    if req.confirmed:
        raise Conflict("该边控请求已回执", code="exit_restriction_confirmed")
    return [ev.ExitRestrictionConfirmed(
        request_id=c.request_id, restriction_id=req.restriction_id, action=req.action,  # type: ignore[arg-type]
        action_zh=ev.ACTION_ZH[req.action], agency_id=c.agency_id, outcome=c.outcome,  # type: ignore[arg-type]
        outcome_zh="已生效" if c.outcome == "effective" else "未能办理",
        effective_date=c.effective_date, reason=c.reason, raw_hash=c.raw_hash,
    )]
