"""Issue 14, "the law, exactly", on intake's side: the close-by date counts its months from the
registration in one go, and only a first application (执) carries the 2-year limitation warning."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.intake.domain import CaseState
from services.intake.domain import commands as c
from services.intake.domain.closure import closure_due
from tests.intake.helpers import basis, decide, registered, who

pytestmark = pytest.mark.unit


def test_the_close_by_date_adds_the_extension_to_the_registration_in_one_go() -> None:
    """08-31 + 6 months = 02-28 (clamped); + 3 approved months is 05-31 (9 months from 08-31), not
    05-28 (3 months from the clamped day). Supervision's `close` node counts the same way."""
    state = replace(registered(), registered_on=date(2026, 8, 31))
    assert closure_due(state, date(2026, 9, 1)) == date(2027, 2, 28)
    assert closure_due(replace(state, extension_months=3), date(2026, 9, 1)) == date(2027, 5, 31)


OLD_BASIS = basis(effective_date=date(2023, 1, 1), performance_deadline=date(2023, 1, 10))


def linked(case_type: str) -> list[object]:
    old = registered(basis=OLD_BASIS)
    objector = None
    if case_type == "执异":
        objector = old.registered.applicant if old.registered else None
    cmd = c.RegisterLinkedCase(who("qz-rev-01"), "case-2", f"（2026）黔01{case_type}1号", case_type, old, None,
                               objector)
    return decide(cmd, CaseState())


def test_a_resumed_case_has_no_limitation_warning_though_its_basis_is_years_old() -> None:
    """Resumption after 终本 has no time bar (民诉法解释 2022 art. 517); the first application on the same
    basis, three years late, keeps its warning (民诉法 art. 250)."""
    first = registered(basis=OLD_BASIS).registered
    assert first is not None and first.limitation_warning
    reg = linked("执恢")[1]
    assert reg.case_type == "执恢" and not reg.limitation_warning  # type: ignore[attr-defined]
    reg = linked("执异")[1]
    assert reg.case_type == "执异" and not reg.limitation_warning  # type: ignore[attr-defined]
