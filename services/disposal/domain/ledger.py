"""The case account (一案一账号) as a finance officer sees it: :func:`ledger_view`.

The account's state and fold are in ``state.py``, its commands in ``commands.py``, its decisions
in ``decide_ledger.py`` and :class:`LedgerDecider` in ``decider.py``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from services.disposal.domain.commands import CaseFacts
from services.disposal.domain.money import offset_difference_fen, outstanding_fen
from services.disposal.domain.state import LedgerState


def ledger_view(s: LedgerState, facts: CaseFacts | None, today: date) -> dict[str, Any]:
    """What a finance officer sees: balance, amount due, pending payouts and payout limits."""
    view: dict[str, Any] = {
        "balance_fen": s.balance_fen,
        "available_fen": s.available_fen,
        "received_fen": s.cash_in_fen,
        "in_kind_fen": s.in_kind_fen,
        "paid_to_applicant_fen": s.paid_applicant_fen,
        "paid_fee_fen": s.paid_fee_fen,
        "paid_in_full": s.paid_in_full,
        "receipts": [r.__dict__ for r in s.receipts],
        "pending_payouts": [p.__dict__ for p in s.pending],
        "payout_limits": [a.__dict__ for a in s.payout_limits(today)],
        # Aid money (domain/aid.py): shown apart, in none of the enforcement figures above or below.
        "judicial_aid": {"paid_fen": sum(p.amount_fen for p in s.aid_payments),
                         "payments": [p.__dict__ for p in s.aid_payments],
                         "pending": [p.__dict__ for p in s.aid_pending]},
    }
    if facts is not None:
        due = s.due(facts, today)
        owed = due.claim_fen + due.interest_fen
        outstanding = outstanding_fen(owed, due.fee_fen, s.paid_applicant_fen, s.in_kind_fen, s.paid_fee_fen)
        # 差价 (拍卖变卖规定 art. 16): an asset taken in kind worth more than the applicant was owed.
        difference = offset_difference_fen(owed, s.paid_applicant_fen, s.in_kind_fen)
        view["amount_due"] = {"claim_fen": due.claim_fen, "fee_fen": due.fee_fen, "interest_fen": due.interest_fen,
                              "total_fen": due.total_fen, "outstanding_fen": outstanding,
                              "offset_difference_fen": difference, "as_of": today.isoformat()}
    return view
