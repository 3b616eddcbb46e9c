"""Every node starts on the business date its start event carries, not on the day it was entered
(docs/rules.md §10, issue 14), and a late entry shows on the node."""

from __future__ import annotations

from datetime import date

import pytest

from services.supervision.domain.calendar import HolidayCalendar
from services.supervision.domain.deadlines import compute, status
from services.supervision.domain.nodes import BUSINESS_DATES, business_day, late_entry
from services.supervision.domain.ruleset import Context, check_case
from services.supervision.settings import DeadlineSettings
from shared.schemas import published_fields
from tests.supervision.helpers import History

pytestmark = pytest.mark.unit
CAL = HolidayCalendar()
CFG = DeadlineSettings()


def nodes(h: History) -> dict[str, dict]:
    return {d.key: d.to_json() for d in compute(h.entries, CFG, CAL)}


def test_every_business_date_read_is_a_field_its_producer_publishes() -> None:
    for event_type, name in BUSINESS_DATES.items():
        assert name in published_fields(event_type), (event_type, name)


def test_a_payout_is_due_30_days_after_the_money_was_received_not_after_it_was_booked() -> None:
    # Booked on 2026-12-04 with received_on 40 days back (2026-10-25): due 2026-11-24, overdue at once.
    h = History(start=date(2026, 10, 1)).opened()
    h.on(date(2026, 12, 4)).add("disposal.funds_received", "fin-1", "finance_officer", entry_id="E1",
                                amount_fen=500, received_on="2026-10-25")
    payout = nodes(h)["payout:E1"]
    assert payout["start"] == "2026-10-25"
    assert payout["due"] == "2026-11-24"
    assert status(payout, date(2026, 12, 4), 3) == "overdue"
    text = "\n".join(payout["explanation"])
    assert "自 2026-10-25 起算" in text
    assert "业务日期 2026-10-25（received_on），录入于 2026-12-04（迟 40 日录入）" in text


def test_a_payout_is_done_on_its_paid_on_date() -> None:
    h = History(start=date(2026, 10, 1)).opened()
    h.on(date(2026, 10, 5)).add("disposal.funds_received", "fin-1", "finance_officer", entry_id="E1",
                                amount_fen=500, received_on="2026-10-05")
    # Paid on 10-30 (in time), approved in the system on 11-20 (late entry, not a late payout).
    h.on(date(2026, 11, 20)).add("disposal.payout_approved", "fin-2", "finance_officer", payout_id="P1",
                                 amount_fen=500, proposed_by="fin-1", approved_by="fin-2", paid_on="2026-10-30")
    payout = nodes(h)["payout:E1"]
    assert payout["completed_on"] == "2026-10-30"
    assert status(payout, date(2026, 11, 20), 3) == "met"
    assert any("完成事件 disposal.payout_approved 业务日期 2026-10-30" in s for s in payout["explanation"])


def test_the_sale_starts_within_10_days_of_the_price_fixed_date() -> None:
    # The price fixed on 2026-09-08 and entered on 2026-12-04: due 09-18, not 12-14.
    h = History(start=date(2026, 8, 3)).opened()
    h.on(date(2026, 12, 4)).add("disposal.reference_price_fixed", "disp-1", "disposal_officer",
                                disposal_id="D1", determined_on="2026-09-08", received_on="2026-09-08")
    sale = nodes(h)["sale_start:D1"]
    assert sale["start"] == "2026-09-08"
    assert sale["due"] == "2026-09-18"
    assert not any("自 2026-12-04 起算" in s for s in sale["explanation"])


def test_the_close_by_date_counts_from_the_registration_day_and_tolls_a_suspension_from_its_ruling() -> None:
    h = History(start=date(2026, 1, 5))
    h.on(date(2026, 1, 9)).registered(registered_on="2026-01-05")  # entered four days late
    h.assigned()
    h.on(date(2026, 2, 20)).add("intake.case_suspended", "judge-1", "judge", reason="破产审查", on="2026-02-01")
    h.on(date(2026, 2, 20)).add("intake.suspension_lifted", "judge-1", "judge", reason="审查结束", on="2026-02-11")
    close = nodes(h)["close"]
    assert close["start"] == "2026-01-05"
    # 01-05 + 6 months = 07-05, + 10 days suspended (02-01 to 02-11) = 07-15 (Wed)
    assert close["due"] == "2026-07-15"


def test_a_price_start_counts_from_the_control_s_effective_date_and_ends_on_the_decision_date() -> None:
    h = History(start=date(2026, 3, 2)).opened()
    h.add("asset_search.control_confirmed", "system", control_id="C1", asset_id="A1", measure="seize",
          effective_date="2026-03-02", expiry_date="2029-03-01")
    h.on(date(2026, 4, 20)).add("disposal.disposal_decided", "judge-1", "judge", disposal_id="D1",
                                asset_id="A1", decided_on="2026-03-20")
    price = nodes(h)["price_start:A1"]
    assert (price["due"], price["completed_on"]) == ("2026-04-01", "2026-03-20")
    assert status(price, date(2026, 4, 20), 3) == "met"


def test_an_entry_on_its_business_day_or_the_next_is_not_a_late_entry() -> None:
    h = History(start=date(2026, 3, 2)).opened()
    on_time = h.on(date(2026, 3, 3)).add("disposal.funds_received", "fin-1", "finance_officer", entry_id="E1",
                                         amount_fen=1, received_on="2026-03-02")
    late = h.on(date(2026, 3, 4)).add("disposal.funds_received", "fin-1", "finance_officer", entry_id="E2",
                                      amount_fen=1, received_on="2026-03-02")
    assert business_day(on_time) == business_day(late) == date(2026, 3, 2)
    assert late_entry(on_time, "起算事件") is None
    assert late_entry(late, "起算事件") is not None and "迟 2 日录入" in (late_entry(late, "起算事件") or "")


def test_an_event_without_a_business_date_starts_on_its_own_day() -> None:
    h = History(start=date(2026, 3, 2)).opened()
    assigned = h.entries[-1]
    assert business_day(assigned) == assigned.day


def test_rule_11_counts_the_six_months_from_the_registration_day_entered_late() -> None:
    """Registered on 2026-01-05 and entered on 01-20: due 07-06 (07-05 is a Sunday). A request on 06-30 is
    6 days before: in time (v2 counted from 01-20 would also hold it); one on 07-02 is 4 days before: late,
    although counted from the entry day (due 07-20) it would look timely."""
    for asked, late in ((date(2026, 6, 30), False), (date(2026, 7, 2), True)):
        h = History(start=date(2026, 1, 20))
        h.registered(registered_on="2026-01-05")
        h.assigned()
        h.on(asked).add("intake.extension_requested", "judge-1", "judge", months=3, requested_by="judge-1")
        found = [f for f in check_case(h.entries, Context(CAL, CFG)) if f.rule_id == "互相制约-11"]
        assert bool(found) is late, asked


# 互相制约-8 v2 over the whole review (issue 14)
def _objection(h: History) -> None:
    h.add("intake.objection_registered", "clerk-2", "intake_clerk", objection_case_id="o1",
          reviewers=["rev-1", "rev-2", "rev-3"])


def test_rule_8_a_reviewer_who_records_a_lead_then_decides_is_found() -> None:
    h = History().opened()
    _objection(h)
    lead = h.add("asset_search.lead_recorded", "rev-1", "search_officer", lead_id="L1")
    decided = h.add("intake.objection_decided", "rev-1", "reviewer", objection_case_id="o1", outcome="rejected",
                    decided_by="rev-1")
    act, then = [f for f in check_case(h.entries, Context(CAL, CFG)) if f.rule_id == "互相制约-8"]
    assert act.people == then.people == ("rev-1",) and act.rule_version == then.rule_version == 2
    assert act.message.endswith("在审查期间办理本案（asset_search.lead_recorded）")
    assert "在审查期间办理本案（asset_search.lead_recorded），其后仍作出审查结论" in then.message
    assert lead.event_id in act.event_ids and decided.event_id not in act.event_ids
    assert {lead.event_id, decided.event_id} <= set(then.event_ids)
    # what the live checks found on the trail before the decision is found on the whole trail too (a
    # rebuild must find what the live checks found: findings only grow)
    before = {f.finding_id for f in check_case(h.entries[:-1], Context(CAL, CFG)) if f.rule_id == "互相制约-8"}
    assert before and before <= {act.finding_id, then.finding_id}


def test_rule_8_a_reviewer_assigned_as_judge_during_the_review_is_found_but_not_after_the_decision() -> None:
    h = History().opened()
    _objection(h)
    h.assigned(judge="rev-2", by="lead-1", role="team_lead", reason="改派")
    assert [f.people for f in check_case(h.entries, Context(CAL, CFG)) if f.rule_id == "互相制约-8"] == [("rev-2",)]
    later = History().opened()
    _objection(later)
    later.add("intake.objection_decided", "rev-1", "reviewer", objection_case_id="o1", outcome="rejected",
              decided_by="rev-1")
    later.add("asset_search.lead_recorded", "rev-3", "search_officer", lead_id="L1")
    assert [f for f in check_case(later.entries, Context(CAL, CFG)) if f.rule_id == "互相制约-8"] == []


# 互相制约-7 v2 and 互相制约-12 v2 (issue 14, item 6)
def _rule(h: History, rule_id: str) -> list:
    return [f for f in check_case(h.entries, Context(CAL, CFG)) if f.rule_id == rule_id]


def test_rule_7_a_resumed_case_reassigned_later_to_the_closing_judge_is_found() -> None:
    h = History(case_id="c2")
    h.registered(case_type="执恢", linked_case_id="case-1")
    h.assigned(judge="judge-2", previous_judge_id="judge-1")  # intake names the closing judge
    assert _rule(h, "互相制约-7") == []
    h.assigned(judge="judge-1", by="lead-1", role="team_lead", reason="工作调整", previous_judge_id="judge-2")
    [f] = _rule(h, "互相制约-7")
    assert f.people == ("judge-1",) and "原终本法官 judge-1" in f.message and f.rule_version == 2


def test_rule_12_a_reassignment_that_changes_the_track_without_a_triage_is_found() -> None:
    h = History().opened()  # ordinary
    h.add("intake.case_triaged", "system", None, track="ordinary", rule_ids=["r"], reasons=["r"], decided_by="system")
    h.add("intake.case_assigned", "lead-1", "team_lead", judge_id="judge-9", team_id="team-f", track="fast",
          assigned_by="lead-1", strategy="manual", reason="工作调整")
    [f] = _rule(h, "互相制约-12")
    assert "未经团队长调整繁简分流" in f.message and f.people == ("lead-1",)
    ok = History().opened()
    ok.add("intake.case_triaged", "system", None, track="ordinary", rule_ids=["r"], reasons=["r"], decided_by="system")
    ok.add("intake.case_triaged", "lead-1", "team_lead", track="fast", rule_ids=["TR-OVERRIDE"], reasons=["调整"],
           decided_by="lead-1", override=True, previous_track="ordinary")
    ok.add("intake.case_assigned", "lead-1", "team_lead", judge_id="judge-9", team_id="team-f", track="fast",
           assigned_by="lead-1", strategy="manual", reason="繁简分流调整后重新分案")
    assert _rule(ok, "互相制约-12") == []


# Local internal targets (issue 14): 终本 100 days, with disposal 180 days
def _targets(h: History) -> dict[str, dict]:
    return {d.key: d.to_json() for d in compute(h.entries, CFG, CAL) if d.key.endswith("_target")}


def test_a_case_whose_first_search_found_nothing_has_a_100_day_target() -> None:
    h = History(start=date(2026, 3, 2)).opened()
    h.add("asset_search.search_completed", "system", round=1, agency_kinds=["bank_deposit"], query_count=1,
          asset_count=0)
    target = _targets(h)["zhongben_target"]
    assert (target["start"], target["due"]) == ("2026-03-02", "2026-06-10")  # + 100 days, a Wednesday
    h.on(date(2026, 6, 10)).add("intake.case_closed", "chief-1", "bureau_chief", closure_type="终本",
                                judge_id="judge-1", approved_by="chief-1", closed_on="2026-06-10")
    assert status(_targets(h)["zhongben_target"], date(2026, 6, 30), 3) == "met"


def test_a_case_with_a_disposal_has_a_180_day_target_and_one_with_assets_found_no_100_day_one() -> None:
    h = History(start=date(2026, 3, 2)).opened()
    h.add("asset_search.search_completed", "system", round=1, agency_kinds=["bank_deposit"], query_count=1,
          asset_count=2)
    h.add("disposal.disposal_decided", "judge-1", "judge", disposal_id="D1", asset_id="A1", decided_on="2026-03-20")
    targets = _targets(h)
    assert set(targets) == {"disposal_target"}
    assert targets["disposal_target"]["due"] == "2026-08-31"  # 03-02 + 180 days = 08-29 (Sat) → Mon 08-31
    assert status(targets["disposal_target"], date(2026, 9, 1), 3) == "overdue"
