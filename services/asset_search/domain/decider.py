"""The search-file aggregate: routes each command to the rule module that decides it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from services.asset_search.domain import control, leads, on_site, search
from services.asset_search.domain.state import SearchFile, evolve
from shared.events import DomainEvent

_DECIDE: dict[type, Callable[[Any, SearchFile], list[DomainEvent]]] = {
    search.DispatchSearch: search.dispatch,
    search.RecordDelivery: search.record_delivery,
    search.RecordAnswer: search.answer,
    search.MarkOverdue: search.mark_overdue,
    control.OrderControl: control.order_control,
    control.ConfirmControl: control.confirm,
    control.OrderRenewal: control.order_renewal,
    control.ReleaseControl: control.release,
    control.LapseControl: control.lapse,
    leads.RecordLead: leads.record_lead,
    leads.VerifyLead: leads.verify_lead,
    on_site.RecordOnSiteSeizure: on_site.record_on_site_seizure,
}


class SearchFileDecider:
    """One case's 查控案卷 (stream ``asset_search.case:<case_id>``)."""

    def initial_state(self) -> SearchFile:
        return SearchFile()

    def evolve(self, state: SearchFile, event: DomainEvent) -> SearchFile:
        return evolve(state, event)

    def decide(self, command: object, state: SearchFile) -> Sequence[DomainEvent]:
        try:
            fn = _DECIDE[type(command)]
        except KeyError:
            raise TypeError(f"unknown command {type(command).__name__}") from None
        return fn(command, state)


def stream_id(case_id: str) -> str:
    return f"asset_search.case:{case_id}"


def given(*events: DomainEvent) -> SearchFile:
    """The state after ``events`` (for tests and replays)."""
    state = SearchFile()
    for e in events:
        state = evolve(state, e)
    return state
