"""Exit restrictions to the border authority, over the pure search-file decider: the request names the
person (a lifting, the person its restriction named), only the addressed authority confirms, once."""

from __future__ import annotations

from datetime import date

import pytest

from services.asset_search import events as ev
from services.asset_search.domain import border
from services.asset_search.domain.decider import SearchFileDecider
from services.asset_search.domain.state import SearchFile
from shared.errors import Conflict, NotFound

pytestmark = pytest.mark.unit
D = SearchFileDecider()
PERSON = ev.Subject(kind="person", name="李某（法定代表人）", id_number="11010519491231002X")
DEBTOR = ev.Subject(kind="organisation", name="某公司", id_number="91110000600037341L")


def run(state: SearchFile, *commands: object) -> SearchFile:
    for c in commands:
        for e in D.decide(c, state):
            state = D.evolve(state, e)
    return state


def test_the_lifting_names_the_person_the_restriction_named_and_each_receipt_counts_once() -> None:
    state = run(D.initial_state(), border.RequestExitRestriction("r1", "x1", "restrict", "border-control", PERSON,
                                                                 "（2026）黔01执1号", DEBTOR))
    [lift] = D.decide(border.RequestExitRestriction("r2", "x1", "lift", "border-control", None, None, DEBTOR), state)
    assert lift.subject == PERSON and lift.action_zh == "解除限制出境"  # type: ignore[attr-defined]
    assert D.decide(border.RequestExitRestriction("r1", "x1", "restrict", "border-control", PERSON, None), state) == []
    confirm = border.ConfirmExitRestriction("r1", "bank-network", "effective", date(2026, 12, 1), None, "ab" * 32)
    with pytest.raises(NotFound):
        D.decide(confirm, state)
    state = run(state, border.ConfirmExitRestriction("r1", "border-control", "effective", date(2026, 12, 1), None,
                                                     "ab" * 32))
    assert state.exit_requests["r1"].confirmed
    with pytest.raises(Conflict):
        D.decide(border.ConfirmExitRestriction("r1", "border-control", "refused", None, "重复", "cd" * 32), state)
