"""The case account: money in, maker ≠ checker, never negative, paid in full (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from services.disposal.domain.commands import ApprovePayout, CaseFacts, ProposePayout, ReceiveFunds
from services.disposal.domain.decider import LedgerDecider
from services.disposal.domain.ledger import ledger_view
from services.disposal.domain.state import LedgerState
from services.disposal.events import ClaimPaidInFull, PayoutApproved
from shared.errors import DomainError

pytestmark = pytest.mark.unit
L = LedgerDecider()
FACTS = CaseFacts(claim_fen=1_000_000, deadline=date(2026, 1, 1))
TODAY = date(2026, 1, 11)  # 10 days late: interest 1,750 fen; fee 5,000 fen


def given(*commands: object) -> LedgerState:
    state = L.initial_state()
    for command in commands:
        for e in L.decide(command, state):
            state = L.evolve(state, e)
    return state


def refusal(state: LedgerState, command: object) -> DomainError:
    with pytest.raises(DomainError) as exc:
        L.decide(command, state)
    return exc.value


def paid_in(amount: int, entry: str = "e1", on: date = TODAY) -> ReceiveFunds:
    return ReceiveFunds(entry, amount, "voluntary_payment", on, "fin-1", FACTS)


def propose(amount: int, pid: str = "p1", by: str = "fin-1", recipient: str = "applicant") -> ProposePayout:
    return ProposePayout(pid, amount, recipient, by, TODAY, FACTS)


def approve(pid: str = "p1", by: str = "fin-2") -> ApprovePayout:
    return ApprovePayout(pid, by, TODAY, FACTS)


def test_money_in_raises_the_balance_and_the_same_arrival_twice_changes_nothing() -> None:
    state = given(paid_in(500_000))
    assert state.balance_fen == 500_000
    assert L.decide(paid_in(500_000), state) == []


def test_the_proposer_may_not_approve_their_own_payout() -> None:
    err = refusal(given(paid_in(500_000), propose(100_000)), approve(by="fin-1"))
    assert err.rule == "互相制约-9" and err.kind == "forbidden"


def test_a_payout_beyond_the_balance_is_refused() -> None:
    assert refusal(given(paid_in(500_000)), propose(500_001)).code == "insufficient_balance"


def test_pending_payouts_reserve_the_balance() -> None:
    state = given(paid_in(500_000), propose(300_000))
    assert state.available_fen == 200_000
    assert refusal(state, propose(300_000, "p2")).code == "insufficient_balance"


def test_a_payout_beyond_what_is_still_due_is_refused() -> None:
    state = given(paid_in(2_000_000))
    assert refusal(state, propose(1_001_751)).code == "payout_exceeds_due"  # claim 1,000,000 + interest 1,750
    assert refusal(state, propose(5_001, recipient="court_fee")).code == "payout_exceeds_due"


def test_an_approved_payout_lowers_the_balance() -> None:
    [e] = L.decide(approve(), given(paid_in(500_000), propose(100_000)))
    assert isinstance(e, PayoutApproved) and e.balance_after_fen == 400_000 and e.approved_by == "fin-2"


def test_paying_claim_interest_and_fee_says_the_claim_is_paid_in_full() -> None:
    state = given(paid_in(1_006_750), propose(1_001_750), approve(), propose(5_000, "p2", recipient="court_fee"))
    _approved, full = L.decide(approve("p2"), state)
    assert isinstance(full, ClaimPaidInFull)
    assert (full.amount_fen, full.claim_amount_fen, full.fee_fen, full.interest_fen) == (1_006_750, 1_000_000, 5_000,
                                                                                         1_750)
    after = given(paid_in(1_006_750), propose(1_001_750), approve(), propose(5_000, "p2", recipient="court_fee"),
                  approve("p2"))
    assert after.paid_in_full and after.balance_fen == 0
    assert ledger_view(after, FACTS, TODAY)["amount_due"]["outstanding_fen"] == 0


def test_proceeds_may_not_exceed_the_sale_price() -> None:
    proceeds = ReceiveFunds("e2", 800_001, "auction_proceeds", TODAY, "fin-1", FACTS, disposal_id="d1",
                            proceeds_limit_fen=800_000)
    assert refusal(given(), proceeds).code == "proceeds_exceed_price"
    unsold = ReceiveFunds("e3", 1, "auction_proceeds", TODAY, "fin-1", FACTS, disposal_id="d1")
    assert refusal(given(), unsold).code == "disposal_not_sold"


def test_an_offset_in_kind_counts_as_paid_without_cash() -> None:
    offset = ReceiveFunds("o1", 1_001_750, "offset_in_kind", TODAY, "judge-1", FACTS, in_kind=True)
    state = given(offset)
    assert state.balance_fen == 0 and state.in_kind_fen == 1_001_750
    view = ledger_view(state, FACTS, TODAY)
    assert view["amount_due"]["outstanding_fen"] == 5_000
