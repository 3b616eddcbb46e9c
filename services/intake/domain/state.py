"""A case as intake sees it: the fold of its intake events."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from services.intake import events as ev
from shared.events import DomainEvent


@dataclass(frozen=True)
class Notice:
    notice_id: str
    kind: str
    document_hash: str
    prepared_by: str
    signed_by: str | None = None
    service_method: str | None = None
    recipient: ev.Recipient | None = None
    region: str | None = None


@dataclass(frozen=True)
class Objection:
    objection_case_id: str
    reviewers: tuple[str, ...]
    asset_ids: tuple[str, ...]
    outcome: str | None = None  # upheld / rejected / withdrawn once decided
    received_on: date | None = None
    hearings: int = 0


@dataclass(frozen=True)
class CaseState:
    status: str = "new"
    case_id: str | None = None
    court: str | None = None
    case_type: str = "执"
    case_number: str | None = None
    application: ev.ApplicationReceived | None = None
    registered: ev.CaseRegistered | None = None
    missing: tuple[ev.MissingItem, ...] = ()
    supplement_requested: bool = False
    supplement_deadline: date | None = None
    # The day the 7 days to register or refuse run from: the application, or the supplement that
    # completed it (登记立案规定 2015 art. 7).
    decide_from: date | None = None
    registered_on: date | None = None
    registered_by: str | None = None
    conflicts: frozenset[str] = frozenset()
    track: str | None = None
    judge_id: str | None = None
    team_id: str | None = None
    notices: tuple[Notice, ...] = ()
    paused_since: date | None = None
    paused_days: int = 0
    # 中止 / 暂缓 as intervals (start, end or None while it lasts, reason): the close-by date is counted
    # from them as supervision counts it (shared.periods.close_by).
    pauses: tuple[tuple[date, date | None, str], ...] = ()
    extension_months_requested: int = 0
    extension_months: int = 0
    interviewed: bool = False
    settlement_performed: bool = False
    settlement_recorded: bool = False
    proposal: ev.ClosureProposed | None = None
    closure_type: str | None = None
    closed_by_judge: str | None = None
    resumed_as: str | None = None
    linked_case_id: str | None = None
    objections: tuple[Objection, ...] = ()

    def issued(self, kind: str) -> bool:
        return any(n.kind == kind and n.signed_by for n in self.notices)

    def notice(self, notice_id: str) -> Notice | None:
        return next((n for n in self.notices if n.notice_id == notice_id), None)

    def objection(self, objection_case_id: str) -> Objection | None:
        return next((o for o in self.objections if o.objection_case_id == objection_case_id), None)


def _pause_end(state: CaseState, on: date) -> CaseState:
    if state.paused_since is None:
        return state
    pauses = tuple((s, on if e is None else e, r) for s, e, r in state.pauses)
    return replace(state, paused_since=None, paused_days=state.paused_days + (on - state.paused_since).days,
                   pauses=pauses)


def evolve(state: CaseState, event: DomainEvent) -> CaseState:  # long: one flat `case` per event type
    """The state after ``event``."""
    match event:
        case ev.ApplicationReceived():
            return replace(
                state, status="awaiting_supplement" if event.missing else "applied", case_id=event.case_id,
                court=event.court, case_type=event.case_type, application=event, missing=tuple(event.missing),
                conflicts=frozenset(event.conflicts), linked_case_id=event.linked_case_id,
                decide_from=event.application_date,
            )
        case ev.SupplementRequested():
            return replace(state, supplement_requested=True, supplement_deadline=event.deadline)
        case ev.MaterialsSupplemented():
            assert state.application is not None
            app = state.application.model_copy(update={"materials": [*state.application.materials, *event.items]})
            restart = event.received_on if not event.still_missing and event.received_on else state.decide_from
            return replace(state, application=app, missing=tuple(event.still_missing),
                           status="awaiting_supplement" if event.still_missing else "applied", decide_from=restart)
        case ev.CaseRegistered():
            return replace(
                state, status="registered", case_id=event.case_id, court=event.court,
                case_type=event.case_type, case_number=event.case_number, registered=event,
                registered_on=event.registered_on, registered_by=event.registered_by,
                linked_case_id=event.linked_case_id,
            )
        case ev.ApplicationRefused():
            return replace(state, status="refused")
        case ev.CaseTriaged():
            return replace(state, track=event.track)
        case ev.CaseAssigned():
            status = "in_progress" if state.status in ("registered", "in_progress") else state.status
            return replace(state, judge_id=event.judge_id, team_id=event.team_id, track=event.track, status=status)
        case ev.NoticePrepared():
            n = Notice(event.notice_id, event.notice_kind, event.document_hash, event.prepared_by,
                       service_method=event.service_method, recipient=event.recipient, region=event.region)
            return replace(state, notices=(*state.notices, n))
        case ev.NoticeIssued():
            notices = tuple(replace(n, signed_by=event.signed_by) if n.notice_id == event.notice_id else n
                            for n in state.notices)
            return replace(state, notices=notices)
        case ev.CaseSuspended():
            return replace(state, status="suspended", paused_since=event.on,
                           pauses=(*state.pauses, (event.on, None, "中止执行")))
        case ev.CasePostponed():
            return replace(state, status="postponed", paused_since=event.on,
                           pauses=(*state.pauses, (event.on, None, "暂缓执行")))
        case ev.SuspensionLifted() | ev.PostponementLifted():
            return replace(_pause_end(state, event.on), status="in_progress")
        case ev.ExtensionRequested():
            return replace(state, extension_months_requested=event.months)
        case ev.ExtensionApproved():
            return replace(state, extension_months=state.extension_months + event.months,
                           extension_months_requested=0)
        case ev.ApplicantInterviewed():
            return replace(state, interviewed=True)
        case ev.SettlementRecorded():
            return replace(state, settlement_performed=state.settlement_performed or event.performed,
                           settlement_recorded=True)
        case ev.ClosureProposed():
            return replace(state, status="closure_proposed", proposal=event)
        case ev.ClosureRejected():
            return replace(state, status="in_progress", proposal=None)
        case ev.CaseClosed():
            return replace(state, status="closed", proposal=None, closure_type=event.closure_type,
                           closed_by_judge=event.judge_id)
        case ev.CaseResumed():
            return replace(state, resumed_as=event.new_case_id)
        case ev.ObjectionRegistered():
            o = Objection(event.objection_case_id, tuple(event.reviewers), tuple(event.asset_ids),
                          received_on=event.received_on)
            return replace(state, objections=(*state.objections, o))
        case ev.ObjectionHearingHeld():
            objections = tuple(replace(o, hearings=o.hearings + 1) if o.objection_case_id == event.objection_case_id
                               else o for o in state.objections)
            return replace(state, objections=objections)
        case ev.ObjectionDecided():
            objections = tuple(replace(o, outcome=event.outcome) if o.objection_case_id == event.objection_case_id
                               else o for o in state.objections)
            return replace(state, objections=objections)
    return state
