"""disposal's part of an import record (docs/import.md §2c), pure: the case account's events and checks."""

from __future__ import annotations

from datetime import date

import pytest

from services.disposal.domain.money import enforcement_fee_fen
from services.disposal.domain.state import LedgerState, evolve_ledger
from services.disposal.importing import plan
from shared.importing import RecordRefused, item_id
from tests.import_records import with_sections
from tests.intake.test_import_records import record

TODAY = date(2026, 12, 4)


def test_receipts_and_payouts_become_the_ledger_of_a_live_case() -> None:
    p = plan(with_sections(record()), "黔01", TODAY, "imp-1")
    assert p.stream_id == f"disposal.ledger:{p.case_id}"
    assert [(step, day.isoformat(), e.event_type.split(".")[1]) for step, day, e in p.events] == [
        ("receipt:0", "2025-04-11", "funds_received"),
        ("payout:0:proposed", "2025-05-20", "payout_proposed"),
        ("payout:0:approved", "2025-05-20", "payout_approved"),
        ("receipt:1", "2025-06-02", "funds_received"),
        ("payout:1:proposed", "2025-06-10", "payout_proposed"),
        ("payout:1:approved", "2025-06-10", "payout_approved"),
    ]
    first_paid = p.events[2][2]
    # paid 39 days after the arrival: late in the old system, and the event says so as a live one would
    assert first_paid.overdue_arrivals == [item_id("receipt", "黔01", "（2025）黔01执1234号", "0")]  # type: ignore[attr-defined]
    assert (first_paid.approved_by, first_paid.balance_after_fen) == ("qz-fin-02", 0)  # type: ignore[attr-defined]
    assert p.events[0][2].recorded_by == "imp-1"  # type: ignore[attr-defined]
    state = LedgerState()
    for _, _, e in p.events:
        state = evolve_ledger(state, e)
    assert (state.balance_fen, state.paid_applicant_fen, state.paid_in_full) == (0, 350_000, False)


def test_money_covering_claim_interest_and_fee_is_paid_in_full_that_day() -> None:
    rec = record()  # claim 1,000,000 fen; judgment effective 2024-12-01: interest runs from the 2nd
    fee = enforcement_fee_fen(1_000_000)
    rec = with_sections(rec, receipts=[{"received_on": "2025-04-11", "amount_fen": 2_000_000,
                                        "source": "voluntary_payment"}],
                        payouts=[{"paid_on": "2025-04-15", "amount_fen": 1_500_000, "proposed_by": "f1",
                                  "approved_by": "f2"},
                                 {"paid_on": "2025-04-15", "amount_fen": fee, "recipient": "court_fee",
                                  "proposed_by": "f1", "approved_by": "f2"}])
    p = plan(rec, "黔01", TODAY, "imp-1")
    last = p.events[-1]
    assert last[0] == "paid_in_full" and last[1] == date(2025, 4, 15)
    assert last[2].fee_fen == fee and last[2].claim_amount_fen == 1_000_000  # type: ignore[attr-defined]


def test_paying_out_more_than_arrived_is_refused_and_no_money_means_nothing_here() -> None:
    rec = with_sections(record())
    rec["payouts"][0]["paid_on"] = "2025-04-10"  # before the deduction arrived
    with pytest.raises(RecordRefused) as refused:
        plan(rec, "黔01", TODAY, "imp-1")
    assert [(e["field"], e["code"]) for e in refused.value.errors] == [("payouts.0.amount_fen", "insufficient_balance")]
    assert plan(record(), "黔01", TODAY, "imp-1").events == []
