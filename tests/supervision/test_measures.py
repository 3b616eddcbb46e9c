"""Coercive measures in supervision, pure: the deadlines the law sets (the 3-day reconsideration window,
the higher court's 5 days, the detention's last day) and the 互相制约-13/14 rules over the trail, each
broken and kept; the indicator's counts per month and judge."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.supervision.domain.calendar import HolidayCalendar
from services.supervision.domain.deadlines import compute, status
from services.supervision.domain.ruleset import Context, check_case
from services.supervision.indicators.measures import measure_counts
from services.supervision.settings import DeadlineSettings
from tests.supervision.helpers import History

pytestmark = pytest.mark.unit
CAL = HolidayCalendar()
CFG = DeadlineSettings()
CTX = Context(CAL, CFG)
PERSON = {"kind": "person", "name": "王某", "id_number": "11010519491231002X"}


def _case() -> History:
    h = History(start=date(2026, 12, 1))
    h.registered()
    h.assigned(judge="judge-1")
    return h


def _detention(h: History, approver: str = "pres-1", approver_role: str = "president") -> None:
    h.add("intake.measure_proposed", "judge-1", "judge", measure_id="m1", subject=PERSON, detention_days=10,
          proposed_by="judge-1", proposed_on=h.day.isoformat())
    h.add("intake.measure_approved", approver, approver_role, measure_id="m1", subject=PERSON, detention_days=10,
          judge_id="judge-1", proposed_by="judge-1", approved_by=approver, approved_on=h.day.isoformat())


def _nodes(h: History) -> dict[str, dict]:
    return {d.key: d.to_json() for d in compute(h.entries, CFG, CAL)}


def _findings(h: History, rule_id: str) -> list:
    return [f for f in check_case(h.entries, CTX) if f.rule_id == rule_id]


def test_the_reconsideration_window_closes_on_its_third_day_and_is_never_overdue() -> None:
    h = _case()
    _detention(h)
    h.add("intake.measure_served", "affairs-1", "affairs_clerk", measure_id="m1", served_on="2026-12-02",
          reconsider_by="2026-12-07")
    window = _nodes(h)["reconsider_window:m1"]
    assert window["due"] == "2026-12-07"  # Wed + 3 = Sat → Mon (民诉法 art. 85)
    assert status(window, date(2026, 12, 7), 3) == "warning"
    assert status(window, date(2026, 12, 8), 3) == "met"  # closed, nobody overdue


def test_the_higher_court_decides_within_5_days_of_the_application() -> None:
    h = _case()
    _detention(h)
    h.add("intake.measure_served", "affairs-1", "affairs_clerk", measure_id="m1", served_on="2026-12-01")
    h.add("intake.measure_reconsideration_applied", "clerk-1", "intake_clerk", measure_id="m1",
          applied_on="2026-12-03")
    nodes = _nodes(h)
    assert nodes["reconsider_window:m1"]["completed_on"] == "2026-12-03"
    decision = nodes["reconsider_decision:m1"]
    assert decision["due"] == "2026-12-08" and status(decision, date(2026, 12, 9), 3) == "overdue"
    h.later(6).add("intake.measure_reconsideration_decided", "clerk-1", "intake_clerk", measure_id="m1",
                   decided_on="2026-12-08")
    assert status(_nodes(h)["reconsider_decision:m1"], date(2026, 12, 9), 3) == "met"


def test_the_detention_ends_on_its_last_day_which_never_moves_past_a_rest_day() -> None:
    h = _case()
    _detention(h)
    h.add("field_ops.custody_started", "fo-1a", "field_officer", measure_id="m1", task_id="t1", officer_id="fo-1a",
          started_on="2026-12-03", started_at="2026-12-03T10:00:00+08:00", detention_days=10,
          release_by="2026-12-12")  # a Saturday
    node = _nodes(h)["detention_end:t1"]
    assert node["due"] == "2026-12-12" and status(node, date(2026, 12, 13), 3) == "overdue"
    h.add("field_ops.custody_ended", "fo-1a", "field_officer", measure_id="m1", task_id="t1", officer_id="fo-1a",
          released_on="2026-12-12")
    assert status(_nodes(h)["detention_end:t1"], date(2026, 12, 13), 3) == "met"


def test_rule_13_the_proposer_does_not_approve_and_only_the_president_approves() -> None:
    kept = _case()
    _detention(kept)
    assert _findings(kept, "互相制约-13") == []
    same = _case()
    _detention(same, approver="judge-1")
    [f] = _findings(same, "互相制约-13")
    assert f.people == ("judge-1",) and len(f.event_ids) == 2
    vice = _case()
    _detention(vice, approver="vp-1", approver_role="vice_president")
    [g] = _findings(vice, "互相制约-13")
    assert "未经院长批准" in g.message


def test_rule_14_the_detaining_officer_is_not_a_decider() -> None:
    for officer, broken in (("fo-1a", False), ("judge-1", True), ("pres-1", True)):
        h = _case()
        _detention(h)
        h.add("field_ops.custody_started", officer, "field_officer", measure_id="m1", task_id="t1",
              officer_id=officer)
        assert bool(_findings(h, "互相制约-14")) is broken, officer


def test_measures_are_counted_per_month_and_per_judge() -> None:
    h = _case()
    _detention(h)
    h.later(31).add("intake.measure_proposed", "judge-1", "judge", measure_id="m2", subject=PERSON, fine_fen=100_000,
                    detention_days=None, proposed_by="judge-1", proposed_on=(h.day).isoformat())
    counts = measure_counts([h.entries], date(2026, 12, 1), date(2027, 1, 31))
    assert counts["by_month"] == [
        {"month": "2026-12", "proposed": 1, "approved": 1, "fines": 0, "detentions": 1, "fine_fen": 0},
        {"month": "2027-01", "proposed": 1, "approved": 0, "fines": 0, "detentions": 0, "fine_fen": 0},
    ]
    assert counts["by_judge"] == [{"judge_id": "judge-1", "proposed": 2, "approved": 1, "detentions": 1, "fines": 0}]
    assert date(2027, 1, 1) == date(2026, 12, 1) + timedelta(days=31)


def test_a_reward_application_is_decided_within_10_days_and_the_other_measures_are_counted() -> None:
    h = _case()
    h.add("intake.reward_applied", "clerk-1", "intake_clerk", reward_id="w1", applied_on="2026-12-02")
    node = _nodes(h)["reward_decision:w1"]
    assert node["due"] == "2026-12-14"  # + 10 = Sat 12th → Mon 14th
    assert status(node, date(2026, 12, 15), 3) == "overdue"
    h.later(5).add("intake.reward_decided", "judge-1", "judge", reward_id="w1", granted=True, decided_on="2026-12-06")
    h.add("intake.refusal_referred", "judge-1", "judge", referral_id="r1", referred_on="2026-12-06")
    h.add("intake.exposure_published", "judge-1", "judge", exposure_id="x1", published_on="2026-12-06")
    assert status(_nodes(h)["reward_decision:w1"], date(2026, 12, 15), 3) == "met"
    totals = measure_counts([h.entries], date(2026, 12, 1), date(2026, 12, 31))["totals"]
    assert (totals["rewards_granted"], totals["referrals"], totals["exposures"], totals["private_prosecutions"]) == (
        1, 1, 1, 0)
