"""Petition deadline nodes (15 days to accept, 60 (+30) to conclude) at their boundaries, watched after
the case closes; petition and judicial aid indicators for a period, per team and judge. Pure."""

from __future__ import annotations

from datetime import date

import pytest

from services.supervision.domain.calendar import HolidayCalendar
from services.supervision.domain.deadlines import compute, status
from services.supervision.indicators import petitions as pi
from services.supervision.indicators.figures import CaseFacts, Period
from services.supervision.settings import DeadlineSettings
from tests.supervision.helpers import History

pytestmark = pytest.mark.unit
CAL = HolidayCalendar()
CFG = DeadlineSettings()


def nodes(h: History) -> dict[str, dict]:
    return {d.key: d.to_json() for d in compute(h.entries, CFG, CAL) if d.key.startswith("petition")}


def petition(h: History, pid: str = "P1", received: str = "2026-03-02") -> None:
    h.add("intake.petition_registered", "clerk-1", "intake_clerk", petition_id=pid, received_on=received,
          accept_by="2026-03-17", officer_id="judge-1", team_id="team-1")


def test_acceptance_is_due_15_days_after_receipt_and_is_late_the_day_after() -> None:
    h = History(start=date(2026, 3, 2)).opened()
    petition(h)
    accept = nodes(h)["petition_accept:P1"]
    assert accept["due"] == "2026-03-17"
    assert status(accept, date(2026, 3, 17), 3) == "warning"
    assert status(accept, date(2026, 3, 18), 3) == "overdue"
    h.on(date(2026, 3, 17)).add("intake.petition_acknowledged", "judge-1", "judge", petition_id="P1",
                                acknowledged_on="2026-03-17", conclude_by="2026-05-16")
    assert status(nodes(h)["petition_accept:P1"], date(2026, 6, 1), 3) == "met"


def test_conclusion_is_due_60_days_after_acceptance_or_90_with_the_extension() -> None:
    h = History(start=date(2026, 3, 2)).opened()
    petition(h)
    h.on(date(2026, 3, 12)).add("intake.petition_acknowledged", "judge-1", "judge", petition_id="P1",
                                acknowledged_on="2026-03-12", conclude_by="2026-05-11")
    conclude = nodes(h)["petition_conclude:P1"]
    assert conclude["due"] == "2026-05-11"  # a Monday: 60 days exactly
    assert status(conclude, date(2026, 5, 12), 3) == "overdue"
    h.on(date(2026, 5, 1)).add("intake.petition_extended", "chief-1", "bureau_chief", petition_id="P1", days=30,
                               conclude_by="2026-06-10")
    extended = nodes(h)["petition_conclude:P1"]
    assert extended["due"] == "2026-06-10" and any("延长 30 日" in s for s in extended["explanation"])
    h.on(date(2026, 6, 11)).add("intake.petition_closed", "judge-1", "judge", petition_id="P1",
                                closed_on="2026-06-11", outcome="explained", outcome_label="解释说明", aid_id=None)
    assert status(nodes(h)["petition_conclude:P1"], date(2026, 7, 1), 3) == "late"


def test_a_petition_about_a_closed_case_stays_watched() -> None:
    h = History(start=date(2026, 3, 2)).opened()
    h.add("intake.case_closed", "judge-1", "judge", closure_type="终本", judge_id="judge-1")
    h.on(date(2026, 4, 1))
    petition(h, received="2026-04-01")
    accept = nodes(h)["petition_accept:P1"]
    assert accept["completed_on"] is None and status(accept, date(2026, 4, 20), 3) == "overdue"


# ---- indicators --------------------------------------------------------------------------------------

def _trail() -> list:
    h = History(start=date(2026, 3, 2))
    petition(h, "P1")
    h.add("intake.petition_acknowledged", "judge-1", "judge", petition_id="P1", acknowledged_on="2026-03-05",
          conclude_by="2026-05-04")
    h.add("intake.petition_closed", "judge-1", "judge", petition_id="P1", closed_on="2026-03-20",
          outcome="judicial_aid", outcome_label="司法救助", petition_stopped=True, aid_id="A1")
    h.add("intake.petition_registered", "clerk-1", "intake_clerk", petition_id="P2", received_on="2026-03-09",
          accept_by="2026-03-24", officer_id="judge-2", team_id="team-2")
    h.add("intake.petition_registered", "clerk-1", "intake_clerk", petition_id="P3", received_on="2026-05-09",
          accept_by="2026-05-24", officer_id="judge-1", team_id="team-1")
    h.add("intake.judicial_aid_applied", "clerk-1", "intake_clerk", aid_id="A1", applied_on="2026-03-10")
    h.add("intake.judicial_aid_decided", "rev-1", "reviewer", aid_id="A1", granted=True, amount_fen=3_000_000,
          decided_on="2026-03-15")
    h.add("disposal.judicial_aid_paid", "fin-1", "finance_officer", aid_id="A1", amount_fen=3_000_000,
          paid_on="2026-03-18")
    return h.entries


CASES = [CaseFacts("case-1", registered_on=date(2026, 1, 5), team_id="team-1", judge_id="judge-1"),
         CaseFacts("case-2", registered_on=date(2026, 2, 5), team_id="team-2", judge_id="judge-2"),
         CaseFacts("case-3", registered_on=date(2025, 1, 5), closed_on=date(2026, 2, 27), team_id="team-2",
                   judge_id="judge-2"),
         CaseFacts("case-4", registered_on=date(2026, 4, 5), team_id="team-1", judge_id="judge-1")]


def test_petitions_case_petition_ratio_stop_and_closure_rates_and_aid_for_a_period() -> None:
    petitions, aids = pi.fold(_trail())
    march = pi.figures(petitions, aids, CASES, Period(date(2026, 3, 1), date(2026, 3, 31)))
    assert march["petitions"] == 2
    assert march["case_petition_ratio"] == {"value": 1.0, "numerator": 2, "denominator": 2}  # case-3 closed before
    assert march["closure_rate"]["numerator"] == 1 and march["closure_rate"]["denominator"] == 2
    assert march["stop_rate"] == {"value": 1.0, "numerator": 1, "denominator": 1}
    assert march["accepted_in_time"]["value"] == 1.0 and march["closed_in_time"]["value"] == 1.0
    assert march["outcomes"] == {"judicial_aid": 1}
    assert march["judicial_aid"] == {"applications": 1, "decided": 1, "granted_cases": 1, "granted_fen": 3_000_000,
                                     "paid_cases": 1, "paid_fen": 3_000_000}
    april = pi.figures(petitions, aids, CASES, Period(date(2026, 4, 1), date(2026, 4, 30)))
    assert april["petitions"] == 0 and april["judicial_aid"]["paid_fen"] == 0
    assert april["case_petition_ratio"]["value"] == 0.0 and april["stop_rate"]["value"] is None


def test_per_team_and_judge_a_petition_counts_where_it_was_assigned() -> None:
    petitions, aids = pi.fold(_trail())
    groups = {g["key"]: g for g in pi.grouped(petitions, aids, CASES, Period(date(2026, 3, 1), date(2026, 3, 31)),
                                              "judge")}
    assert groups["judge-1"]["petitions"] == 1 and groups["judge-2"]["petitions"] == 1
    assert groups["judge-1"]["judicial_aid"]["paid_fen"] == 3_000_000
    assert groups["judge-2"]["judicial_aid"]["paid_fen"] == 0
    assert groups["judge-2"]["cases_under_enforcement"] == 1


def test_a_team_or_judge_filter_keeps_its_petitions_cases_and_aid() -> None:
    petitions, aids = pi.fold(_trail())
    p, a, c = pi.select(petitions, aids, CASES, team_id="team-2", judge_id=None)
    assert {x.petition_id for x in p} == {"P2"} and a == [] and {f.case_id for f in c} == {"case-2", "case-3"}
    p, a, c = pi.select(petitions, aids, CASES, judge_id="judge-1")
    assert {x.petition_id for x in p} == {"P1", "P3"} and [x.aid_id for x in a] == ["A1"]


def test_a_petition_about_a_closed_case_is_still_warned_and_escalated() -> None:
    from services.supervision.alerts.escalation import OpenNode, steps_reached

    node = OpenNode("case-1", "petition_accept:P1", "petition_accept", "黔01", "信访事项受理告知", date(2026, 3, 17),
                    judge_id="judge-1", case_closed=True)
    assert [s.name for s in steps_reached(node, date(2026, 3, 16), CFG)] == ["warning"]
    assert "overdue" in [s.name for s in steps_reached(node, date(2026, 3, 18), CFG)]
    # the other nodes of a closed case are not chased any more
    assert steps_reached(OpenNode("case-1", "notice", "notice", "黔01", "通知", date(2026, 3, 17), case_closed=True),
                         date(2026, 3, 18), CFG) == []


def test_sitting_on_an_aid_panel_or_receiving_a_petition_is_not_handling_the_case() -> None:
    """互相制约-8 (and -7) bar reviewers who handled the enforcement case; a petition or a judicial aid
    decision on it is a procedure beside the case (intake's case_actors do not count it either)."""
    from services.supervision.domain.ruleset import Context, check_case

    h = History(start=date(2026, 3, 2)).opened()
    h.add("intake.judicial_aid_decided", "rev-1", "reviewer", aid_id="A1", panel=["rev-1", "rev-2", "rev-3"])
    h.add("intake.petition_escalated", "rev-2", "bureau_chief", petition_id="P1")
    h.add("intake.objection_registered", "clerk-2", "intake_clerk", objection_case_id="o1",
          reviewers=["rev-1", "rev-2", "rev-3"])
    h.add("intake.judicial_aid_funds_requested", "rev-3", "bureau_chief", aid_id="A1")
    found = [f for f in check_case(h.entries, Context(CAL, CFG)) if f.rule_id in ("互相制约-7", "互相制约-8")]
    assert found == []
    h.add("asset_search.lead_recorded", "rev-3", "search_officer", lead_id="L1")  # handling: still found
    assert [f.people for f in check_case(h.entries, Context(CAL, CFG)) if f.rule_id == "互相制约-8"] == [("rev-3",)]


def test_a_supervision_due_date_is_a_node_of_its_own_until_the_petition_closes() -> None:
    h = History(start=date(2026, 3, 2)).opened()
    petition(h)
    h.on(date(2026, 3, 4)).add("intake.petition_escalated", "chief-1", "bureau_chief", petition_id="P1",
                               escalated_on="2026-03-04", due_on="2026-03-13", instruction="十日内答复")
    node = nodes(h)["petition_supervised:P1:1"]
    assert node["due"] == "2026-03-13" and status(node, date(2026, 3, 16), 3) == "overdue"
    h.on(date(2026, 3, 12)).add("intake.petition_closed", "judge-1", "judge", petition_id="P1",
                                closed_on="2026-03-12", outcome="explained", outcome_label="解释说明", aid_id=None)
    assert status(nodes(h)["petition_supervised:P1:1"], date(2026, 3, 16), 3) == "met"
