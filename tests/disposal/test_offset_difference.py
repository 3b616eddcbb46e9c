"""差价 of an offset in kind (issue 14): an asset taken in kind worth more than the applicant was still
owed leaves a difference the applicant must pay in (拍卖变卖规定 2020 art. 16), and never settles the
court's fee; the ledger shows both."""

from __future__ import annotations

import pytest

from services.disposal.domain.commands import ReceiveFunds
from services.disposal.domain.ledger import ledger_view
from services.disposal.domain.money import offset_difference_fen, outstanding_fen
from tests.disposal.test_ledger_domain import FACTS, TODAY, given

pytestmark = pytest.mark.unit
OWED = 1_001_750  # claim 1,000,000 + interest 1,750 (FACTS, TODAY); fee 5,000


def test_the_difference_is_what_the_asset_is_worth_beyond_what_the_applicant_was_owed() -> None:
    assert offset_difference_fen(OWED, 0, OWED) == 0  # exactly the debt: nothing to pay in
    assert offset_difference_fen(OWED, 0, OWED + 1) == 1
    assert offset_difference_fen(OWED, 300_000, 1_000_000) == 298_250  # part paid in cash before
    assert offset_difference_fen(OWED, 0, 700_000) == 0  # worth less: the rest is still owed


def test_an_asset_worth_more_than_the_debt_settles_the_claim_but_not_the_fee() -> None:
    assert outstanding_fen(OWED, 5_000, 0, 28_000_000, 0) == 5_000
    assert outstanding_fen(OWED, 5_000, 0, 700_000, 0) == 301_750 + 5_000
    assert outstanding_fen(OWED, 5_000, 0, OWED, 5_000) == 0


def test_the_ledger_shows_the_difference_and_the_fee_still_owed_after_a_large_offset() -> None:
    # The case in small: the asset is worth 28,000,000 on a case owing 1,006,750 in all.
    offset = ReceiveFunds("o1", 28_000_000, "offset_in_kind", TODAY, "judge-1", FACTS, in_kind=True)
    due = ledger_view(given(offset), FACTS, TODAY)["amount_due"]
    assert due["offset_difference_fen"] == 28_000_000 - OWED
    assert due["outstanding_fen"] == 5_000  # never 0 while the fee is unpaid
    small = ReceiveFunds("o2", 700_000, "offset_in_kind", TODAY, "judge-1", FACTS, in_kind=True)
    due = ledger_view(given(small), FACTS, TODAY)["amount_due"]
    assert (due["offset_difference_fen"], due["outstanding_fen"]) == (0, OWED - 700_000 + 5_000)
