"""A case's search file (查控案卷): the fold of its ``asset_search.case:<id>`` stream."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from services.asset_search import events as ev
from shared.events import DomainEvent


@dataclass
class QueryState:
    query_id: str
    agency_id: str
    agency_kind: str
    round: int
    reason: str
    dispatched_at: datetime
    due_at: datetime
    status: str = "open"  # open → partial → answered
    overdue: bool = False
    asset_ids: set[str] = field(default_factory=set)


@dataclass
class AssetState:
    asset_id: str
    kind: str
    identifier: str
    value_fen: int | None
    agency_id: str
    query_id: str
    encumbrances: list[str] = field(default_factory=list)
    existing_seizures: list[str] = field(default_factory=list)
    on_site: bool = False  # sealed by a field officer: no agency controls it


@dataclass
class ControlState:
    control_id: str
    asset_id: str
    asset_kind: str
    measure: str
    agency_id: str
    amount_limit_fen: int | None
    control_value_fen: int
    status: str = "ordered"  # ordered → effective | queued | refused; → released | lapsed
    expiry_date: date | None = None
    renewal_pending: bool = False
    requested_by: str | None = None
    origin: str = "ruling"

    @property
    def live(self) -> bool:
        return self.status in ("ordered", "effective", "queued")


@dataclass
class LeadState:
    lead_id: str
    urgent: bool
    due_date: date
    target: str
    region: str | None
    verified: bool = False


@dataclass
class ExitRequest:
    """An exit restriction (or its lifting) sent to the border authority (docs/rules.md §9)."""

    restriction_id: str
    action: str
    agency_id: str
    subject: ev.Subject | None = None
    confirmed: bool = False


@dataclass
class SearchFile:
    queries: dict[str, QueryState] = field(default_factory=dict)
    assets: dict[str, AssetState] = field(default_factory=dict)
    controls: dict[str, ControlState] = field(default_factory=dict)
    leads: dict[str, LeadState] = field(default_factory=dict)
    delivered: set[str] = field(default_factory=set)
    completed_rounds: set[int] = field(default_factory=set)
    exit_requests: dict[str, ExitRequest] = field(default_factory=dict)

    @property
    def rounds(self) -> int:
        return max((q.round for q in self.queries.values()), default=0)

    def round_queries(self, round_: int) -> list[QueryState]:
        return [q for q in self.queries.values() if q.round == round_]

    def controlled_value_fen(self, extra: ControlState | None = None) -> int:
        """Value under live control: per asset the largest live control (a deduction of frozen money
        does not count twice)."""
        per_asset: dict[str, int] = {}
        for c in [*self.controls.values(), *([extra] if extra else [])]:
            if c.live:
                per_asset[c.asset_id] = max(per_asset.get(c.asset_id, 0), c.control_value_fen)
        return sum(per_asset.values())


def evolve(state: SearchFile, e: DomainEvent) -> SearchFile:
    if isinstance(e, ev.QueryDispatched):
        state.queries[e.query_id] = QueryState(
            e.query_id, e.agency_id, e.agency_kind, e.round, e.reason, e.dispatched_at, e.due_at
        )
    elif isinstance(e, ev.RequestDelivered):
        state.delivered.add(e.request_id)
    elif isinstance(e, ev.AgencyAnswered):
        q = state.queries[e.query_id]
        q.status = "partial" if e.outcome == "partial" else "answered"
    elif isinstance(e, ev.QueryOverdue):
        state.queries[e.query_id].overdue = True
    elif isinstance(e, ev.AssetFound):
        state.assets[e.asset_id] = AssetState(
            e.asset_id, e.asset_kind, e.identifier, e.value_fen, e.agency_id, e.query_id,
            list(e.encumbrances), list(e.existing_seizures),
        )
        state.queries[e.query_id].asset_ids.add(e.asset_id)
    elif isinstance(e, ev.FieldAssetRecorded):
        state.assets[e.asset_id] = AssetState(
            e.asset_id, e.asset_kind, e.identifier or e.description, e.value_fen, ev.FIELD_AGENCY, e.task_id,
            on_site=True,
        )
    elif isinstance(e, ev.AssetUpdated):
        a = state.assets[e.asset_id]
        a.value_fen, a.encumbrances, a.existing_seizures = e.value_fen, list(e.encumbrances), list(e.existing_seizures)
    elif isinstance(e, ev.SearchCompleted):
        state.completed_rounds.add(e.round)
    elif isinstance(e, ev.ControlOrdered):
        state.controls[e.control_id] = ControlState(
            e.control_id, e.asset_id, e.asset_kind, e.measure, e.agency_id, e.amount_limit_fen, e.control_value_fen,
            requested_by=e.requested_by, origin=e.origin,
        )
    elif isinstance(e, ev.ControlConfirmed):
        c = state.controls[e.control_id]
        c.status = "queued" if e.queue_position else "effective"
        c.expiry_date = e.expiry_date
    elif isinstance(e, ev.ControlRefused):
        state.controls[e.control_id].status = "refused"
    elif isinstance(e, ev.ControlRenewalOrdered):
        state.controls[e.control_id].renewal_pending = True
    elif isinstance(e, ev.ControlRenewed):
        c = state.controls[e.control_id]
        c.renewal_pending, c.expiry_date = False, e.expiry_date
    elif isinstance(e, ev.ControlReleased):
        state.controls[e.control_id].status = "released"
    elif isinstance(e, ev.ControlLapsed):
        state.controls[e.control_id].status = "lapsed"
    elif isinstance(e, ev.LeadRecorded):
        state.leads[e.lead_id] = LeadState(e.lead_id, e.urgent, e.due_date, e.target, e.region)
    elif isinstance(e, ev.LeadVerified):
        state.leads[e.lead_id].verified = True
    elif isinstance(e, ev.ExitRestrictionRequested):
        state.exit_requests[e.request_id] = ExitRequest(e.restriction_id, e.action, e.agency_id, e.subject)
    elif isinstance(e, ev.ExitRestrictionConfirmed):
        state.exit_requests[e.request_id].confirmed = True
    return state

