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


def close_due(*sold_on: str) -> date | None:
    h = History(start=date(2026, 3, 2))
    h.registered(registered_on="2026-03-02")
    h.assigned()
    h.on(date(2026, 4, 1)).add("disposal.online_sale_announced", "disp-1", "disposal_officer", disposal_id="D1",
                               announced_on="2026-04-01", sale_start="2026-04-08", sale_end="2026-06-01")
    for day in sold_on:
        h.on(date.fromisoformat(day)).add("disposal.direct_sale_completed", "disp-1", "disposal_officer",
                                          disposal_id="D1", sold_on=day)
    [close] = [d for d in compute(h.entries, DeadlineSettings(), HolidayCalendar()) if d.key == "close"]
    return close.due


def test_the_online_sale_does_not_count_toward_the_six_months_until_it_ends_or_sells() -> None:
    """严格审限规定 art. 9: sale periods are tolled — the online sale from its announcement to its last day
    (04-01 → 06-01, 61 days), or to the day it sold (04-20, 19 days)."""
    assert close_due() == date(2026, 11, 2)  # 09-02 + 61 days
    assert close_due("2026-04-20") == date(2026, 9, 21)  # 09-02 + 19 days
