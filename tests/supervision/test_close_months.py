"""The close-by date is 6 months for every basis intake accepts (严格审限规定 art. 5): the 3 months of
非诉执行 concern administrative decisions enforced on an agency's application, which this system does
not take in, so no rule keys on a basis kind that never arrives (issue 14; docs/rules.md §3). Pure."""

from __future__ import annotations

import typing
from datetime import date

import pytest

from services.intake.events import BasisKind
from services.supervision.domain.calendar import HolidayCalendar
from services.supervision.domain.deadlines import compute
from services.supervision.settings import DeadlineSettings
from shared.periods import CLOSE_MONTHS
from tests.supervision.helpers import History

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("kind", typing.get_args(BasisKind))
def test_every_accepted_basis_closes_within_six_months(kind: str) -> None:
    h = History(start=date(2026, 3, 2))
    h.registered(registered_on="2026-03-02", basis={"kind": kind, "document_number": "（2025）黔01民初1号",
                                                    "issuing_body": "某法院", "effective_date": "2025-12-01"})
    h.assigned()
    [close] = [d for d in compute(h.entries, DeadlineSettings(), HolidayCalendar())
               if d.key == "close"]
    assert CLOSE_MONTHS == 6 and close.due == date(2026, 9, 2)


def test_the_settings_carry_no_non_litigation_kinds() -> None:
    assert not {"non_litigation_basis_kinds", "close_months_non_litigation"} & set(DeadlineSettings.model_fields)
