"""Supervision watches the 7 days to register or refuse while the application is pending (issue 14):
from the application date, counted as intake counts them (shared.periods), paused by a one-time
notice to supplement and run again from the supplement that completes the materials (登记立案规定 2015
art. 7), done by the registration or the refusal."""

from __future__ import annotations

from datetime import date

import pytest

from services.supervision.domain.calendar import HolidayCalendar
from services.supervision.domain.deadlines import compute, status
from services.supervision.settings import DeadlineSettings
from tests.supervision.helpers import History

pytestmark = pytest.mark.unit
CAL = HolidayCalendar()
CFG = DeadlineSettings()
MISSING = [{"material_class": "identity", "kind": "id_card", "description": "身份证明"}]


def nodes(h: History) -> dict[str, dict]:
    return {d.key: d.to_json() for d in compute(h.entries, CFG, CAL)}


def received(h: History, day: date, **extra: object) -> None:
    h.on(day).add("intake.application_received", "clerk-1", "intake_clerk", application_date=day.isoformat(),
                  **extra)


def test_a_pending_application_has_its_register_node_warning_then_overdue() -> None:
    h = History()
    received(h, date(2026, 11, 21))  # Saturday: day 7 is Sat 11-28 → Mon 11-30, as intake's decide_by
    [only] = compute(h.entries, CFG, CAL)
    reg = only.to_json()
    assert (reg["key"], reg["start"], reg["due"]) == ("register", "2026-11-21", "2026-11-30")
    assert any("顺延至其后第一个工作日 2026-11-30" in s for s in reg["explanation"])
    assert status(reg, date(2026, 11, 26), 3) == "open"
    assert status(reg, date(2026, 11, 27), 3) == "warning"
    assert status(reg, date(2026, 11, 30), 3) == "warning"
    assert status(reg, date(2026, 12, 1), 3) == "overdue"


def test_a_refusal_ends_the_pending_application_s_node() -> None:
    h = History()
    received(h, date(2026, 11, 20))
    h.on(date(2026, 11, 25)).add("intake.application_refused", "clerk-1", "intake_clerk", ground_code="no_jurisdiction",
                                 legal_ground="执行工作规定第16条第5项", reason="无管辖权")
    reg = nodes(h)["register"]
    assert (reg["due"], reg["completed_on"]) == ("2026-11-27", "2026-11-25")
    assert status(reg, date(2026, 12, 10), 3) == "met"


def test_a_supplement_notice_pauses_the_node_and_the_completing_supplement_restarts_it() -> None:
    h = History()
    received(h, date(2026, 11, 2), missing=MISSING)
    h.add("intake.supplement_requested", "clerk-1", "intake_clerk", missing=MISSING, deadline="2026-11-17")
    reg = nodes(h)["register"]
    assert reg["due"] is None and reg["paused"] is True
    assert status(reg, date(2026, 11, 12), 3) == "paused"  # not overdue on 11-12 while waiting
    h.on(date(2026, 11, 10)).add("intake.materials_supplemented", "clerk-1", "intake_clerk", still_missing=MISSING,
                                 received_on="2026-11-10")
    assert nodes(h)["register"]["paused"] is True  # still incomplete
    h.on(date(2026, 11, 13)).add("intake.materials_supplemented", "clerk-1", "intake_clerk", still_missing=[],
                                 received_on="2026-11-13", decide_by="2026-11-20")
    reg = nodes(h)["register"]
    assert (reg["start"], reg["due"]) == ("2026-11-13", "2026-11-20")
    assert any("自收到补正材料之日起重新计算" in s for s in reg["explanation"])
    h.on(date(2026, 11, 20)).registered(registered_on="2026-11-20", application_date="2026-11-02")
    reg = nodes(h)["register"]
    assert reg["completed_on"] == "2026-11-20" and status(reg, date(2026, 11, 30), 3) == "met"
    assert "assign" in nodes(h)  # registered: the case's other nodes begin


def test_an_objection_application_gets_no_register_node() -> None:
    h = History()
    received(h, date(2026, 11, 20), case_type="执异")
    assert compute(h.entries, CFG, CAL) == []


def test_an_application_entered_days_after_it_was_received_counts_from_its_application_date_and_says_so() -> None:
    h = History()
    h.on(date(2026, 11, 30)).add("intake.application_received", "clerk-1", "intake_clerk",
                                 application_date="2026-11-20")
    reg = nodes(h)["register"]
    assert (reg["start"], reg["due"]) == ("2026-11-20", "2026-11-27")
    late = "业务日期 2026-11-20（application_date），录入于 2026-11-30（迟 10 日录入）"
    assert any(late in s for s in reg["explanation"])
    assert status(reg, date(2026, 11, 30), 3) == "overdue"
