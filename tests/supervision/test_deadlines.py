"""The deadline engine: calendar days, start day not counted, holiday rollover, tolling, extension."""

from __future__ import annotations

from datetime import date

import pytest

from services.supervision.domain.calendar import HolidayCalendar, YearSchedule
from services.supervision.domain.deadlines import compute, escalation_level, status
from services.supervision.domain.periods import Pause, count_period
from services.supervision.settings import DeadlineSettings
from tests.supervision.helpers import History

pytestmark = pytest.mark.unit
CAL = HolidayCalendar()
CFG = DeadlineSettings()


def by_key(history: History) -> dict[str, dict]:
    return {d.key: d.to_json() for d in compute(history.entries, CFG, CAL)}


def test_the_start_day_is_not_counted() -> None:
    assert count_period(date(2026, 3, 2), days=7, calendar=CAL).due == date(2026, 3, 9)


def test_a_period_ending_on_national_day_moves_to_the_first_working_day_after_the_holiday() -> None:
    period = count_period(date(2025, 9, 24), days=7, calendar=CAL)
    assert period.due == date(2025, 10, 9)
    assert any("顺延至其后第一个工作日 2025-10-09" in s for s in period.steps)
    assert not period.fallback_calendar


def test_a_period_ending_on_a_weekend_moves_to_monday_but_a_make_up_working_saturday_counts() -> None:
    assert count_period(date(2026, 2, 28), days=7, calendar=CAL).due == date(2026, 3, 9)  # Sat 7th → Mon 9th
    assert count_period(date(2025, 10, 4), days=7, calendar=CAL).due == date(2025, 10, 11)  # 调休上班


def test_a_year_without_a_schedule_falls_back_to_weekends_and_says_so() -> None:
    # A year no holiday package will ever cover (the package raises for a year it has no data for),
    # whatever version is installed; 2094-10-01 is a Friday.
    period = count_period(date(2094, 9, 24), days=7, calendar=CAL)
    assert period.due == date(2094, 10, 1)
    assert period.fallback_calendar
    assert any("仅按周末判断" in s for s in period.steps)


def test_a_year_loaded_by_an_administrator_replaces_the_fallback() -> None:
    golden_week = frozenset(date(2094, 10, d) for d in range(1, 8))
    cal = HolidayCalendar.with_years([YearSchedule(2094, golden_week, frozenset({date(2094, 10, 9)}))])
    period = count_period(date(2094, 9, 24), days=7, calendar=cal)
    assert period.due == date(2094, 10, 8)
    assert not period.fallback_calendar


def test_months_are_calendar_months_clamped_to_the_month_end() -> None:
    assert count_period(date(2026, 8, 31), months=6, calendar=CAL).due == date(2027, 3, 1)  # 2-28 is a Sunday


def test_suspension_and_auction_periods_do_not_count_toward_the_six_months() -> None:
    h = History(start=date(2026, 1, 5)).opened()
    h.on(date(2026, 2, 1)).add("intake.case_suspended", "judge-1", "judge", reason="破产审查")
    h.on(date(2026, 2, 11)).add("intake.suspension_lifted", "judge-1", "judge", reason="审查结束")
    h.on(date(2026, 3, 2)).add(
        "disposal.auction_scheduled",
        "disp-1",
        "disposal_officer",
        auction_id="a-1",
        round=1,
        announcement_start="2026-03-02",
        bidding_start="2026-04-01T10:00:00+08:00",
        bidding_end="2026-04-02T10:00:00+08:00",
        starting_price_fen=70,
        deposit_fen=7,
    )
    close = by_key(h)["close"]
    # 2026-01-05 + 6 months = 07-05; + 10 days suspended + 31 days announced/auctioned = 08-15 (Sat) → 08-17
    assert close["due"] == "2026-08-17"
    text = "\n".join(close["explanation"])
    assert "中止执行" in text and "拍卖公告及拍卖期间" in text and "严格审限规定第5条" in text
    assert close["start_event_id"] == h.entries[0].event_id


def test_an_open_suspension_pauses_the_clock() -> None:
    h = History().opened()
    h.later(10).add("intake.case_suspended", "judge-1", "judge", reason="执行和解")
    close = by_key(h)["close"]
    assert close["due"] is None and close["paused"]
    assert status(close, date(2030, 1, 1), 3) == "paused"


def test_an_approved_extension_adds_three_months() -> None:
    h = History(start=date(2026, 1, 5)).opened()
    h.on(date(2026, 6, 20)).add("intake.extension_requested", "judge-1", "judge", months=3, requested_by="judge-1")
    h.on(date(2026, 6, 25)).add("intake.extension_approved", "pres-1", "president", months=3, approved_by="pres-1")
    close = by_key(h)["close"]
    assert close["due"] == "2026-10-08"  # 10-05 falls in the National Day holiday (10-01..10-07)
    assert any("经批准延长 3 个月" in s for s in close["explanation"])


def test_assignment_notice_and_first_search_nodes_follow_the_registration() -> None:
    h = History(start=date(2026, 3, 2))
    h.registered(application_date="2026-02-27")
    h.on(date(2026, 3, 4)).assigned()
    d = by_key(h)
    assert d["register"]["due"] == "2026-03-06" and d["register"]["completed_on"] == "2026-03-02"
    assert status(d["register"], date(2026, 3, 3), 3) == "met"
    assert d["assign"]["due"] == "2026-03-09" and d["assign"]["completed_on"] == "2026-03-04"
    assert d["notice"]["due"] == "2026-03-09"  # min(assign + 3 = 03-07 → Mon 03-09, application + 10 = 03-09)
    assert d["first_search"]["due"] == "2026-03-05"
    assert status(d["first_search"], date(2026, 3, 6), 3) == "overdue"
    assert status(d["first_search"], date(2026, 3, 3), 3) == "warning"


def test_a_look_back_sees_a_step_as_it_stood_that_day() -> None:
    """A search done on 03-20 was, on 03-16, not done yet: overdue then, late now."""
    searched = {"due": "2026-03-05", "completed_on": "2026-03-20"}
    assert status(searched, date(2026, 3, 16), 3) == "overdue"
    assert status(searched, date(2026, 3, 4), 3) == "warning"
    assert status(searched, date(2026, 3, 20), 3) == "late"
    assert status(searched, date(2030, 1, 1), 3) == "late"


def test_the_fast_track_is_assigned_the_same_day_and_has_a_ninety_day_target() -> None:
    h = History(start=date(2026, 3, 2))
    h.registered()
    h.add("intake.case_triaged", "affairs-1", "affairs_clerk", track="fast", rule_ids=["fast-1"], reasons=[])
    d = by_key(h)
    assert d["assign"]["due"] == "2026-03-02"
    assert d["fast_target"]["due"] == "2026-06-01"  # 05-31 is a Sunday


def test_leads_funds_and_controls_get_their_own_deadlines() -> None:
    h = History(start=date(2026, 3, 2)).opened()
    h.add("asset_search.lead_recorded", "search-1", "search_officer", lead_id="L1", urgent=True)
    h.add("disposal.funds_received", "fin-1", "finance_officer", entry_id="E1", amount_fen=500)
    h.add(
        "asset_search.control_confirmed",
        "search-1",
        "search_officer",
        control_id="C1",
        asset_id="A1",
        measure="freeze",
        expiry_date="2027-03-02",
    )
    d = by_key(h)
    assert d["verify_lead:L1"]["due"] == "2026-03-05"
    assert d["payout:E1"]["due"] == "2026-04-01"
    assert d["renew:C1:2027-03-02"]["due"] == "2027-03-02"  # the expiry date itself (民诉法解释 art. 485)


def test_overdue_cases_escalate_through_four_levels_by_configured_thresholds() -> None:
    thresholds = CFG.escalation_days  # [0, 7, 15, 30]
    assert [escalation_level(n, thresholds) for n in (0, 1, 7, 8, 16, 31, 400)] == [0, 1, 1, 2, 3, 4, 4]


def test_closed_zhongben_cases_stay_watched_for_a_re_search_every_six_months() -> None:
    h = History(start=date(2026, 1, 5)).opened()
    h.on(date(2026, 5, 6)).add("intake.case_closed", "judge-1", "judge", closure_type="终本", judge_id="judge-1")
    d = by_key(h)
    assert d["zhongben_search:1"]["due"] == "2026-11-06"


def test_pauses_are_merged_when_they_overlap() -> None:
    pauses = [
        Pause(date(2026, 2, 1), date(2026, 2, 11), "中止", "e1"),
        Pause(date(2026, 2, 5), date(2026, 2, 15), "暂缓", "e2"),
    ]
    assert count_period(date(2026, 1, 5), months=6, pauses=pauses, calendar=CAL).due == date(2026, 7, 20)


# ---- issue 14: the law, exactly -------------------------------------------------------------------


def test_an_extension_is_counted_from_the_start_in_one_go_not_from_a_clamped_intermediate_day() -> None:
    """08-31 + 6 months is clamped to 02-28; chaining 3 more months from there gave 05-28. The 9
    months run from 08-31 in one go: 05-31 (a Monday)."""
    period = count_period(date(2026, 8, 31), months=6, extension_months=3, calendar=CAL)
    assert period.due == date(2027, 5, 31)
    assert any("经批准延长 3 个月" in s and "合计 9 个月" in s for s in period.steps)
    h = History(start=date(2026, 8, 31)).opened()
    h.on(date(2027, 2, 10)).add("intake.extension_requested", "judge-1", "judge", months=3, requested_by="judge-1")
    h.on(date(2027, 2, 12)).add("intake.extension_approved", "pres-1", "president", months=3, approved_by="pres-1")
    assert by_key(h)["close"]["due"] == "2027-05-31"


def national_day_control(**more: str) -> History:
    h = History(start=date(2026, 3, 2)).opened()
    h.add(
        "asset_search.control_confirmed",
        "search-1",
        "search_officer",
        control_id="C1",
        asset_id="A1",
        measure="freeze",
        expiry_date="2026-10-03",
        **more,
    )
    return h


def test_a_renewal_falls_due_on_the_expiry_date_and_never_rolls_over_a_holiday_past_it() -> None:
    """A control expiring on 2026-10-03 (National Day) lapses at the end of that day: renew by 10-03,
    not by 10-08 (the day before expiry rolled over the holiday), with the last working day before
    it named in the explanation."""
    renew = by_key(national_day_control())["renew:C1:2026-10-03"]
    assert renew["due"] == "2026-10-03"
    assert any("最后一个工作日 2026-09-30" in s for s in renew["explanation"])
    assert not any("顺延至" in s for s in renew["explanation"])
    assert status(renew, date(2026, 10, 3), 15) == "warning"
    assert status(renew, date(2026, 10, 4), 15) == "overdue"  # the day asset_search lapses it
    on_expiry = {**renew, "completed_on": "2026-10-03"}
    assert status(on_expiry, date(2026, 10, 9), 15) == "met"  # as rule 10 accepts it


def test_a_price_start_node_ends_when_its_control_is_released_or_lapses() -> None:
    h = History(start=date(2026, 3, 2)).opened()
    for n in (1, 2):
        h.on(date(2026, 3, 2)).add(
            "asset_search.control_confirmed", "search-1", "search_officer", control_id=f"C{n}", asset_id=f"A{n}",
            measure="seize", effective_date="2026-03-02", expiry_date="2029-03-01",
        )
    h.on(date(2026, 3, 10)).add("asset_search.control_released", "search-1", "search_officer", control_id="C1",
                                asset_id="A1", expiry_date="2029-03-01")
    h.on(date(2026, 4, 20)).add("asset_search.control_lapsed", "system", None, control_id="C2", asset_id="A2",
                                expiry_date="2029-03-01")
    d = by_key(h)
    released, lapsed = d["price_start:A1"], d["price_start:A2"]
    assert released["completed_on"] == "2026-03-10" and status(released, date(2026, 5, 1), 3) == "met"
    assert any("解除" in s and "本节点终止" in s for s in released["explanation"])
    # due 04-01; open and overdue until the lapse on 04-20, not after it
    assert lapsed["due"] == "2026-04-01" and lapsed["completed_on"] == "2026-04-20"
    assert status(lapsed, date(2026, 4, 10), 3) == "overdue"
    assert status(lapsed, date(2026, 5, 1), 3) == "late"


def test_a_closed_case_keeps_only_its_watched_nodes_open() -> None:
    h = History(start=date(2026, 3, 2)).opened()  # no notice, no search: overdue since March
    h.add("asset_search.control_confirmed", "search-1", "search_officer", control_id="C1", asset_id="A1",
          measure="seize", effective_date="2026-03-02", expiry_date="2029-03-01")
    h.add("disposal.funds_received", "fin-1", "finance_officer", entry_id="E1", amount_fen=500)
    closed = h.on(date(2026, 4, 20)).add("intake.case_closed", "judge-1", "judge", closure_type="终本",
                                         judge_id="judge-1")
    h.on(date(2026, 5, 4)).add("asset_search.lead_recorded", "search-1", "search_officer", lead_id="L9")
    d = by_key(h)
    watched = {k for k, v in d.items() if v["node"] in CFG.watched_after_closure}
    assert watched == {"renew:C1:2029-03-01", "payout:E1", "zhongben_search:1"}
    for key in watched:
        assert d[key]["completed_on"] is None, key
    after = date(2026, 12, 1)
    for key, node in d.items():
        if key not in watched:
            assert status(node, after, 3) in ("met", "late"), key
    for key in ("notice", "first_search", "investigation", "price_start:A1"):
        assert d[key]["completed_event_id"] == closed.event_id and d[key]["completed_on"] == "2026-04-20"
        assert status(d[key], date(2026, 4, 19), 3) == "overdue"  # as it stood before the closure
        assert any("随结案终止" in s for s in d[key]["explanation"])
    assert d["verify_lead:L9"]["completed_on"] == "2026-05-04"  # begun after the closure: ended at once
    assert d["payout:E1"]["due"] == "2026-04-01" and status(d["payout:E1"], after, 3) == "overdue"


def test_an_objection_case_has_no_implementation_nodes() -> None:
    """A 执异 case is reviewed, not implemented: no first search, assignment or investigation; its
    15-day decision is the objection node of the case objected to."""
    objection = History(case_id="case-9", start=date(2026, 3, 2))
    objection.registered(case_type="执异", case_number="（2026）黔01执异1号")
    assert compute(objection.entries, CFG, CAL) == []
    original = History(start=date(2026, 3, 2)).opened()
    original.on(date(2026, 3, 10)).add(
        "intake.objection_registered", "clerk-1", "intake_clerk", objection_case_id="case-9",
        objection_case_number="（2026）黔01执异1号", reviewers=["r1", "r2", "r3"], registered_by="clerk-1",
    )
    original.on(date(2026, 3, 12)).add("intake.case_closed", "judge-1", "judge", closure_type="终本",
                                       judge_id="judge-1")
    node = by_key(original)["objection:case-9"]
    assert node["due"] == "2026-03-25" and node["completed_on"] is None  # still watched after the closure
