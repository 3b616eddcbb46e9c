"""Intake's petition limits (accept_by, conclude_by) and supervision's petition nodes count alike
(shared/periods.py): 15 days from receipt, 60 (+ at most 30) from acceptance, the start day not counted,
a last day on a rest day moved to the next working day (信访工作条例 2022 arts. 23, 34; 民法典 arts. 201, 203).
Pure, at rest-day boundaries."""

from __future__ import annotations

from datetime import date

import pytest

from services.intake.domain import petitions as pt
from services.supervision.domain.calendar import HolidayCalendar
from services.supervision.domain.deadlines import compute
from services.supervision.settings import DeadlineSettings
from tests.supervision.helpers import History

pytestmark = pytest.mark.unit


def _nodes(received: date, acknowledged: date, extension: int) -> dict[str, str]:
    h = History(start=received).opened()
    h.on(received).add("intake.petition_registered", "clerk-1", "intake_clerk", petition_id="P1",
                       received_on=received.isoformat(), accept_by=pt.accept_by(received).isoformat(),
                       officer_id="judge-1", team_id="team-1")
    h.on(acknowledged).add("intake.petition_acknowledged", "judge-1", "judge", petition_id="P1",
                           acknowledged_on=acknowledged.isoformat(),
                           conclude_by=pt.conclude_by(acknowledged).isoformat())
    if extension:
        h.add("intake.petition_extended", "chief-1", "bureau_chief", petition_id="P1", days=extension,
              conclude_by=pt.conclude_by(acknowledged, extension).isoformat())
    return {d.key: str(d.to_json()["due"]) for d in compute(h.entries, DeadlineSettings(), HolidayCalendar())
            if d.key.startswith("petition")}


@pytest.mark.parametrize(("received", "accept_due"), [
    (date(2026, 11, 12), date(2026, 11, 27)),  # Thu + 15 = Fri 11-27: a working day, unchanged
    (date(2026, 11, 13), date(2026, 11, 30)),  # Fri + 15 = Sat 11-28 → Mon 11-30 (intake said Sat before)
    (date(2026, 9, 16), date(2026, 10, 8)),  # + 15 = 10-01, National Day (10-01..10-07 off) → Thu 10-08
])
def test_acceptance_limit_moves_past_a_rest_day_in_intake_and_supervision_alike(received: date,
                                                                                  accept_due: date) -> None:
    assert pt.accept_by(received) == accept_due
    assert _nodes(received, received, 0)["petition_accept:P1"] == accept_due.isoformat()


@pytest.mark.parametrize(("acknowledged", "extension", "due"), [
    (date(2026, 3, 12), 0, date(2026, 5, 11)),  # 60 days: Mon 05-11
    (date(2026, 3, 2), 0, date(2026, 5, 6)),  # 60th day Labour Day 05-01 → Wed 05-06
    (date(2026, 3, 2), 30, date(2026, 6, 1)),  # 90 days counted in one go: Sun 05-31 → Mon 06-01
    (date(2026, 3, 2), 29, date(2026, 6, 1)),  # Sat 05-30 → Mon 06-01, not 05-06 + 29
])
def test_conclusion_limit_with_its_extension_agrees_in_intake_and_supervision(acknowledged: date, extension: int,
                                                                               due: date) -> None:
    assert pt.conclude_by(acknowledged, extension) == due
    assert _nodes(acknowledged, acknowledged, extension)["petition_conclude:P1"] == due.isoformat()


def test_an_extension_is_counted_from_the_acceptance_not_added_to_a_moved_last_day() -> None:
    """Accepted 2026-03-02: 60 days end on the holiday 05-01 → 05-06; with 30 more, the 90th day is
    05-31 (→ 06-01), never 05-06 + 30 = 06-05."""
    state = pt.PetitionState(petition_id="p", status="acknowledged", acknowledged_on=date(2026, 3, 2),
                             conclude_by=date(2026, 5, 6))
    assert pt.conclude_by(state.acknowledged_on or date.min, 30) == date(2026, 6, 1)
