"""Objection (执异) indicators and their exclusion from the enforcement figures (pure): decided by the
last of the 15 days is in time, the day after is not; a hearing counts; 执异 cases are in no
enforcement figure (结案率, received, pending)."""

from __future__ import annotations

from datetime import date

import pytest

from services.supervision.indicators import figures as ind
from services.supervision.indicators import objections as oi
from tests.supervision.helpers import History

pytestmark = pytest.mark.unit
PERIOD = ind.Period(date(2026, 11, 1), date(2026, 11, 30))


def objection(h: History, oid: str, received: date, decide_by: date) -> None:
    h.on(received).add("intake.objection_registered", by="clerk-1", objection_case_id=oid,
                       received_on=received.isoformat(), decide_by=decide_by.isoformat())


def test_in_time_up_to_the_last_day_and_a_hearing_counted() -> None:
    h = History("case-1", date(2026, 11, 2))
    objection(h, "o1", date(2026, 11, 2), date(2026, 11, 17))
    h.on(date(2026, 11, 9)).add("intake.objection_hearing_held", by="rev-1", objection_case_id="o1",
                                held_on="2026-11-09", held_by="rev-1", notes="听证")
    h.on(date(2026, 11, 17)).add("intake.objection_decided", by="rev-1", objection_case_id="o1", outcome="rejected",
                                 decided_on="2026-11-17")
    objection(h, "o2", date(2026, 11, 2), date(2026, 11, 17))
    h.on(date(2026, 11, 18)).add("intake.objection_decided", by="rev-1", objection_case_id="o2", outcome="upheld",
                                 decided_on="2026-11-18")
    objection(h, "o3", date(2026, 11, 3), date(2026, 11, 18))
    f = oi.figures(oi.fold(h.entries), PERIOD)
    assert (f["received"], f["decided"], f["pending"], f["overdue_pending"]) == (3, 2, 1, 1)
    assert (f["decided_in_time"]["numerator"], f["decided_in_time"]["denominator"]) == (1, 2)
    assert (f["hearing_rate"]["numerator"], f["upheld_rate"]["numerator"], f["upheld_rate"]["denominator"]) == (1, 1, 2)
    assert f["outcomes"] == {"upheld": 1, "rejected": 1, "withdrawn": 0} and f["mean_days"] == 15.5


def test_objection_cases_are_in_no_enforcement_figure() -> None:
    enforcement = ind.CaseFacts("case-1", case_type="执", registered_on=date(2026, 11, 2))
    objection_case = ind.CaseFacts("case-2", case_type="执异", registered_on=date(2026, 11, 3))
    totals = ind.indicators([enforcement, objection_case], PERIOD)
    assert (totals["received"], totals["pending"], totals["结案率"]["denominator"]) == (1, 1, 1)
    tracks = ind.tracks([enforcement, objection_case], PERIOD)
    assert sum(t["received"] for t in tracks.values()) == 1


def test_an_objection_case_is_not_under_enforcement_for_the_case_petition_ratio() -> None:
    from services.supervision.indicators.petitions import under_enforcement

    assert under_enforcement(ind.CaseFacts("case-1", case_type="执", registered_on=date(2026, 11, 2)), PERIOD)
    assert not under_enforcement(ind.CaseFacts("case-2", case_type="执异", registered_on=date(2026, 11, 3)), PERIOD)


def test_an_objection_case_closed_by_its_ruling_counts_closed_as_decided() -> None:
    """Intake closes the 执异 case with its ruling on the decision's day (intake.case_closed v2 on the 执异
    case's stream, which the trail may list before the case objected to): 结案 equals 审结; an objection
    decided before that rule (no closure on its case) is counted in closed_missing."""
    own = History("o1", date(2026, 11, 17))
    own.add("intake.case_closed", by="rev-1", closure_type="裁定驳回异议", judge_id="rev-1", approved_by="rev-1",
            reason="异议不成立", closed_on="2026-11-17", track=None)
    h = History("case-1", date(2026, 11, 2))
    objection(h, "o1", date(2026, 11, 2), date(2026, 11, 17))
    h.on(date(2026, 11, 17)).add("intake.objection_decided", by="rev-1", objection_case_id="o1",
                                 outcome="rejected", decided_on="2026-11-17")
    objection(h, "o2", date(2026, 11, 3), date(2026, 11, 18))
    h.on(date(2026, 11, 10)).add("intake.objection_decided", by="rev-1", objection_case_id="o2",
                                 outcome="upheld", decided_on="2026-11-10")
    [o1, o2] = oi.fold([*own.entries, *h.entries])
    assert (o1.decided_on, o1.closed_on, o2.closed_on) == (date(2026, 11, 17), date(2026, 11, 17), None)
    f = oi.figures([o1, o2], PERIOD)
    assert (f["decided"], f["closed"], f["closed_missing"]) == (2, 1, 1)
    december = oi.figures([o1], ind.Period(date(2026, 12, 1), date(2026, 12, 31)))
    assert (december["decided"], december["closed"], december["closed_missing"]) == (0, 0, 0)
