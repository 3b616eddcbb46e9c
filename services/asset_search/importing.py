"""Importing the search and controls of a court's existing cases (docs/import.md §2b).

The record's ``search`` (the old system's online search: when it went out, when every agency had
answered, to which kinds of agency) and ``controls[]`` (freezes, seizures, impoundments and
deductions, with their renewals and release) become the events a live search file records, in the
case's stream ``asset_search.case:<case_id>``, dated by their original days, attributed to the
importing officer in the role ``importer``: round 1's ``query_dispatched`` and ``agency_answered`` per
agency kind (agency ``legacy-<kind>``: the old system's channel, not today's agencies; nothing is sent
to anyone), the controlled assets as ``asset_found`` under their kind's answer, ``search_completed``,
then each control's ``control_ordered``, ``control_confirmed`` (``deduction_confirmed``),
``control_renewal_ordered`` + ``control_renewed`` per renewal, and ``control_released`` — or
``control_lapsed`` the day after an expiry already past. Pure; the route is ``api/imports.py``.
"""

from __future__ import annotations

from datetime import date, timedelta

from services.asset_search import events as ev
from services.asset_search.domain.decider import stream_id
from services.asset_search.domain.rules import MONEY_KINDS, asset_id_for, max_expiry
from shared.events import DomainEvent
from shared.import_sections import CaseView, ControlRec, read_case
from shared.importing import SectionPlan, business_instant, fingerprint, item_id

Step = tuple[date, int, str, DomainEvent]  # (day, rank on that day, step, payload)
# On one day: the search goes out and is answered, then controls are ordered, confirmed, renewed, ended.
_SEARCH, _ORDERED, _CONFIRMED, _RENEWED, _ENDED = range(5)


def legacy_agency(kind: str) -> str:
    """The "agency" of an imported query or control: the old system's channel to agencies of that kind."""
    return f"legacy-{kind}"


def plan(raw: object, court: str, today: date, officer_id: str = "") -> SectionPlan:
    """The record's search and controls as events (empty when it has neither); :class:`RecordRefused`
    (shared.importing) lists every error of the record's sections."""
    case = read_case(raw, court, today)
    number, case_id = case.number, case.case_id
    section = {"search": case.search.model_dump(mode="json") if case.search else None,
               "controls": [c.model_dump(mode="json") for c in case.controls]}
    record_hash = fingerprint(section)
    steps: list[Step] = []
    if case.search is not None:
        steps += _search(case, number, case_id, record_hash)
    for i, c in enumerate(case.controls):
        steps += _control(case, number, case_id, i, c, record_hash, today)
    steps.sort(key=lambda s: (s[0], s[1]))
    return SectionPlan(court=case.court, case_number=number, case_id=case_id, stream_id=stream_id(case_id),
                       record_hash=record_hash, events=[(step, day, e) for day, _, step, e in steps])


def _assets(case: CaseView, case_id: str) -> dict[str, list[tuple[str, ev.FoundItem]]]:
    """The controlled assets per kind, once each (asset id, as an agency would have reported it)."""
    out: dict[str, list[tuple[str, ev.FoundItem]]] = {}
    seen: set[str] = set()
    for c in case.controls:
        a = c.asset
        asset_id = asset_id_for(case_id, a.kind, a.identifier)
        if asset_id not in seen:
            seen.add(asset_id)
            out.setdefault(a.kind, []).append((asset_id, ev.FoundItem(
                asset_kind=a.kind, identifier=a.identifier, value_fen=a.value_fen, location=a.location)))
    return out


def _search(case: CaseView, number: str, case_id: str, raw_hash: str) -> list[Step]:
    s = case.search
    assert s is not None
    respondent = case.application.respondent
    subject = ev.Subject(kind=respondent.kind, name=respondent.name, id_number=respondent.id_number)
    sent, answered = business_instant(s.date), business_instant(s.answered_on)
    found = _assets(case, case_id)
    steps: list[Step] = []
    for kind in s.agency_kinds:
        query_id = item_id("query", case.court, number, kind)
        agency = legacy_agency(kind)
        steps.append((s.date, _SEARCH, f"search:{kind}:dispatched", ev.QueryDispatched(
            query_id=query_id, agency_id=agency, agency_kind=kind, channel="pull", round=1, reason="case_assigned",
            subject=subject, case_number=number, dispatched_at=sent, due_at=answered)))
    for kind in s.agency_kinds:
        query_id = item_id("query", case.court, number, kind)
        items = found.get(kind, [])
        steps.append((s.answered_on, _SEARCH, f"search:{kind}:answered", ev.AgencyAnswered(
            query_id=query_id, agency_id=legacy_agency(kind), agency_kind=kind,
            outcome="found" if items else "nothing_found", item_count=len(items), items=[i for _, i in items],
            raw_hash=raw_hash, message_id=f"import:{query_id}",
            response_seconds=(answered - sent).total_seconds(), late=False)))
        for asset_id, item in items:
            steps.append((s.answered_on, _SEARCH, f"asset:{asset_id}", ev.AssetFound(
                asset_id=asset_id, asset_kind=item.asset_kind, identifier=item.identifier, holder_id=None,
                holder_name=None, value_fen=item.value_fen, location=item.location, encumbrances=[],
                existing_seizures=[], query_id=query_id, agency_id=legacy_agency(kind))))
    steps.append((s.answered_on, _SEARCH, "search:completed", ev.SearchCompleted(
        round=1, agency_kinds=sorted(s.agency_kinds), query_count=len(s.agency_kinds),
        asset_count=sum(len(v) for v in found.values()))))
    return steps


def _control(case: CaseView, number: str, case_id: str, i: int, c: ControlRec, raw_hash: str,
             today: date) -> list[Step]:
    assert case.assignment is not None
    a = c.asset
    control_id = item_id("control", case.court, number, str(i))
    asset_id = asset_id_for(case_id, a.kind, a.identifier)
    agency, judge = legacy_agency(a.kind), c.judge_id or case.assignment.judge_id
    if a.kind in MONEY_KINDS:
        value = c.amount_limit_fen or 0
    else:
        value = min([v for v in (a.value_fen, c.amount_limit_fen) if v is not None], default=0)
    expiry = None if c.measure == "deduct" else (c.expiry_date or max_expiry(a.kind, c.effective_date))
    at = f"control:{i}"
    steps: list[Step] = [
        (c.ordered_on, _ORDERED, f"{at}:ordered", ev.ControlOrdered(
            control_id=control_id, asset_id=asset_id, asset_kind=a.kind, measure=c.measure,
            amount_limit_fen=c.amount_limit_fen, control_value_fen=value, judge_id=judge,
            ruling_number=c.ruling_number, agency_id=agency, requested_by=judge)),
        (c.effective_date, _CONFIRMED, f"{at}:confirmed", ev.ControlConfirmed(
            control_id=control_id, asset_id=asset_id, asset_kind=a.kind, measure=c.measure,
            effective_date=c.effective_date, expiry_date=expiry, amount_fen=c.amount_fen,
            queue_position=c.queue_position, controlled_by=agency, raw_hash=raw_hash, controller_kind="agency",
            requested_by=judge)),
    ]
    if c.measure == "deduct" and c.amount_fen:
        steps.append((c.effective_date, _CONFIRMED, f"{at}:deducted", ev.DeductionConfirmed(
            control_id=control_id, asset_id=asset_id, amount_fen=c.amount_fen, agency_id=agency)))
    for j, r in enumerate(c.renewals):
        steps.append((r.date, _RENEWED, f"{at}:renewal:{j}:ordered", ev.ControlRenewalOrdered(
            control_id=control_id, asset_id=asset_id, judge_id=judge, ruling_number=c.ruling_number,
            agency_id=agency)))
        steps.append((r.date, _RENEWED, f"{at}:renewal:{j}:renewed", ev.ControlRenewed(
            control_id=control_id, asset_id=asset_id, asset_kind=a.kind, previous_expiry_date=expiry,
            expiry_date=r.expiry_date, controlled_by=agency, raw_hash=raw_hash)))
        expiry = r.expiry_date
    if c.released is not None:
        steps.append((c.released.date, _ENDED, f"{at}:released", ev.ControlReleased(
            control_id=control_id, asset_id=asset_id, expiry_date=expiry, judge_id=judge,
            ruling_number=c.released.ruling_number or c.ruling_number, reason=c.released.reason, agency_id=agency)))
    elif expiry is not None and expiry < today and c.queue_position is None:
        steps.append((expiry + timedelta(days=1), _ENDED, f"{at}:lapsed", ev.ControlLapsed(
            control_id=control_id, asset_id=asset_id, expiry_date=expiry)))
    return steps
