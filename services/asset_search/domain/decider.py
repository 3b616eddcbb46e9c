"""The search-file aggregate: routes each command to the rule module that decides it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.asset_search.domain import border, control, leads, on_site, search
from services.asset_search.domain import commands as c
from services.asset_search.domain.state import SearchFile, evolve
from shared.commands import TableDecider
from shared.events import DomainEvent

DECISIONS: dict[type, Callable[[Any, SearchFile], list[DomainEvent]]] = {
    c.DispatchSearch: search.dispatch,
    c.RecordDelivery: search.record_delivery,
    c.RecordAnswer: search.answer,
    c.MarkOverdue: search.mark_overdue,
    c.OrderControl: control.order_control,
    c.ConfirmControl: control.confirm,
    c.OrderRenewal: control.order_renewal,
    c.ReleaseControl: control.release,
    c.LapseControl: control.lapse,
    c.RecordLead: leads.record_lead,
    c.VerifyLead: leads.verify_lead,
    c.RecordOnSiteSeizure: on_site.record_on_site_seizure,
    border.RequestExitRestriction: border.request_exit_restriction,
    border.ConfirmExitRestriction: border.confirm_exit_restriction,
}


class SearchFileDecider(TableDecider[SearchFile]):
    """One case's 查控案卷 (stream ``asset_search.case:<case_id>``)."""

    def __init__(self) -> None:
        super().__init__(SearchFile, evolve, DECISIONS)


def stream_id(case_id: str) -> str:
    return f"asset_search.case:{case_id}"


def given(*events: DomainEvent) -> SearchFile:
    """The state after ``events`` (for tests and replays)."""
    return SearchFileDecider().given(*events)