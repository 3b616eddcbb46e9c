"""Importing the money of a court's existing cases (docs/import.md §2c): the case account's history
(and, in their own streams, the record's disposals: ``import_disposals.py``, §2d).

The record's ``receipts[]`` (执行款到账) and ``payouts[]`` (执行款发放, proposed and approved by two
officers of the old system) become the events a live case account records, in the case's stream
``disposal.ledger:<case_id>``, dated by their original days, attributed to the importing officer in
the role ``importer``: ``funds_received`` per receipt, ``payout_proposed`` + ``payout_approved`` per
payout (with the balance after it and the arrivals then past their 30-day payout limit, computed as
live), and ``claim_paid_in_full`` on the day claim, interest and fee were covered. On one day money
arrives before it goes out. Rules the old system broke (a payout later than 30 days, one officer
proposing and approving) are history, not refused: supervision finds them. Pure; the route is
``api/imports.py``.
"""

from __future__ import annotations

from datetime import date

from services.disposal import events as ev
from services.disposal.domain.commands import CaseFacts
from services.disposal.domain.decider import ledger_stream_id
from services.disposal.domain.state import LedgerState, evolve_ledger
from services.disposal.import_disposals import disposal_streams
from shared.events import DomainEvent
from shared.import_sections import CaseView, read_case
from shared.importing import SectionPlan, fingerprint, item_id

Step = tuple[date, int, int, str, DomainEvent]  # (day, 0 receipt / 1 payout, index, step, payload)


def plan(raw: object, court: str, today: date, officer_id: str) -> SectionPlan:
    """The record's money as ledger events (empty when it has none); :class:`RecordRefused`
    (shared.importing) lists every error of the record's sections."""
    case = read_case(raw, court, today)
    number, case_id = case.number, case.case_id
    section = {"receipts": [r.model_dump(mode="json") for r in case.receipts],
               "payouts": [p.model_dump(mode="json") for p in case.payouts]}
    if case.disposals:  # only when present: money imported before disposals existed stays "unchanged"
        section["disposals"] = [d.model_dump(mode="json") for d in case.disposals]
    moves = sorted(
        [(r.received_on, 0, i) for i, r in enumerate(case.receipts)]
        + [(p.paid_on, 1, i) for i, p in enumerate(case.payouts)])
    facts = _facts(case)
    state = LedgerState()
    events: list[tuple[str, date, DomainEvent]] = []

    def add(step: str, day: date, e: DomainEvent) -> None:
        nonlocal state
        events.append((step, day, e))
        state = evolve_ledger(state, e)

    for day, kind, i in moves:
        if kind == 0:
            r = case.receipts[i]
            add(f"receipt:{i}", day, ev.FundsReceived(
                entry_id=item_id("receipt", case.court, number, str(i)), amount_fen=r.amount_fen, source=r.source,
                in_kind=r.source == "offset_in_kind", received_on=day, payer=r.payer,
                recorded_by=r.recorded_by or officer_id))
        else:
            p = case.payouts[i]
            payout_id = item_id("payout", case.court, number, str(i))
            add(f"payout:{i}:proposed", day, ev.PayoutProposed(
                payout_id=payout_id, amount_fen=p.amount_fen, recipient=p.recipient, proposed_by=p.proposed_by))
            overdue = [a.entry_id for a in state.payout_limits(day) if a.overdue]
            add(f"payout:{i}:approved", day, ev.PayoutApproved(
                payout_id=payout_id, amount_fen=p.amount_fen, recipient=p.recipient, proposed_by=p.proposed_by,
                approved_by=p.approved_by, paid_on=day, balance_after_fen=state.balance_fen - p.amount_fen,
                overdue_arrivals=overdue))
        if not state.paid_in_full:
            due = state.due(facts, day)
            if (state.paid_applicant_fen + state.in_kind_fen >= due.claim_fen + due.interest_fen
                    and state.paid_fee_fen >= due.fee_fen):
                add("paid_in_full", day, ev.ClaimPaidInFull(
                    amount_fen=due.total_fen, claim_amount_fen=due.claim_fen, fee_fen=due.fee_fen,
                    interest_fen=due.interest_fen, paid_on=day))
    return SectionPlan(court=case.court, case_number=number, case_id=case_id, stream_id=ledger_stream_id(case_id),
                       record_hash=fingerprint(section), events=events, more=disposal_streams(case, officer_id))


def _facts(case: CaseView) -> CaseFacts:
    """迟延履行利息解释 2014 art. 1: interest runs from the day after the performance deadline; a basis
    without one is due when it takes effect (as ``reads.case_facts``)."""
    basis = case.application.basis
    return CaseFacts(case.application.claim_amount_fen, basis.performance_deadline or basis.effective_date)
