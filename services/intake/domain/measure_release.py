"""Early release from detention (提前解除拘留): the president's approval, recorded on the measure's
stream (``intake.measure:<measure_id>``) beside the measure's own decider (docs/rules.md §9). Pure.

Source: 民诉法解释 art. 182 (checked in the 2015 text, docs/rules.md §9): 被拘留人在拘留期间认错悔改的，
可以责令其具结悔过，提前解除拘留；提前解除拘留，应报经院长批准. field_ops records an early release only
once this approval reached it (``RULE_EARLY_RELEASE``, refused there naming the rule).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from services.intake import measure_events as ev
from shared.commands import TableDecider
from shared.errors import Conflict, FieldError, InvalidInput, NotFound, in_court
from shared.events import DomainEvent

RULE_EARLY_RELEASE = "民诉法解释-182"


@dataclass(frozen=True)
class ApproveEarlyRelease:
    officer_id: str
    court: str
    today: date
    reason: str
    approved_on: date | None = None  # the day the president signed (default: today)


@dataclass(frozen=True)
class ReleaseState:
    measure_id: str | None = None
    court: str | None = None
    status: str = "none"  # none → proposed → approved | rejected → served → revoked
    detention_days: int | None = None
    decision_number: str | None = None
    approved_on: date | None = None
    early_release_approved_on: date | None = None


def evolve(state: ReleaseState, e: DomainEvent) -> ReleaseState:
    match e:
        case ev.MeasureProposed():
            return replace(state, measure_id=e.measure_id, court=e.court, status="proposed",
                           detention_days=e.detention_days)
        case ev.MeasureApproved():
            return replace(state, status="approved", decision_number=e.decision_number, approved_on=e.approved_on)
        case ev.MeasureRejected():
            return replace(state, status="rejected")
        case ev.MeasureServed():
            return replace(state, status="served")
        case ev.ReconsiderationDecided():
            return replace(state, detention_days=e.detention_days,
                           status="revoked" if e.result == "revoked" else state.status)
        case ev.EarlyReleaseApproved():
            return replace(state, early_release_approved_on=e.approved_on)
    return state


def approve_early_release(c: ApproveEarlyRelease, state: ReleaseState) -> list[DomainEvent]:
    """The president approves releasing the detained person before the last day of custody."""
    if state.status == "none" or not in_court(c.court, state.court):
        raise NotFound("未找到该强制措施", code="measure_not_found")
    if state.status not in ("approved", "served") or not state.detention_days:
        raise Conflict("只有已批准且未撤销的拘留决定才能批准提前解除", code="not_a_detention",
                       rule=RULE_EARLY_RELEASE, extra={"measure_status": state.status})
    if state.early_release_approved_on is not None:
        raise Conflict(f"已于 {state.early_release_approved_on} 批准提前解除拘留", code="early_release_approved",
                       rule=RULE_EARLY_RELEASE)
    approved_on = c.approved_on or c.today
    if approved_on > c.today:
        raise InvalidInput("日期不能晚于今天", code="date_in_future",
                           errors=[FieldError("approved_on", "日期不能晚于今天", "future")])
    assert state.approved_on is not None and state.measure_id is not None and state.decision_number is not None
    if approved_on < state.approved_on:
        raise InvalidInput("批准提前解除的日期不能早于拘留决定的批准日期", code="approved_before_decision",
                           errors=[FieldError("approved_on", f"拘留决定于 {state.approved_on} 批准", "before")])
    if not c.reason.strip():
        raise InvalidInput("须写明提前解除的理由（如认错悔改、已履行义务）", code="reason_required",
                           errors=[FieldError("reason", "须写明理由", "required")])
    return [ev.EarlyReleaseApproved(measure_id=state.measure_id, decision_number=state.decision_number,
                                    approved_by=c.officer_id, approved_on=approved_on, reason=c.reason.strip())]


DECISIONS: dict[type, Callable[[Any, ReleaseState], list[DomainEvent]]] = {
    ApproveEarlyRelease: approve_early_release,
}


class EarlyReleaseDecider(TableDecider[ReleaseState]):
    """The early-release approval on a measure's stream (``intake.measure:<measure_id>``)."""

    def __init__(self) -> None:
        super().__init__(ReleaseState, evolve, DECISIONS)
