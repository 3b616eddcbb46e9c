"""Reminders and four-level escalation, pure: steps reached, who is told, stable ids, backoff."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.supervision.alerts.escalation import OpenNode, notification, pending_steps, recipients, steps_reached
from services.supervision.alerts.notifications import backoff
from services.supervision.domain.calendar import HolidayCalendar
from services.supervision.domain.deadlines import compute
from services.supervision.settings import DeadlineSettings, NotificationSettings
from tests.supervision.helpers import History

pytestmark = pytest.mark.unit
CFG = DeadlineSettings()
DUE = date(2026, 3, 5)


def open_node(node: str = "first_search", **kw: object) -> OpenNode:
    fields: dict[str, object] = {
        "case_id": "case-1",
        "key": node,
        "node": node,
        "court": "黔01",
        "title": "首次网络查控",
        "due": DUE,
        "judge_id": "judge-1",
        "team_id": "team-1",
    }
    fields.update(kw)
    return OpenNode(**fields)  # type: ignore[arg-type]


def names(node: OpenNode, today: date, cfg: DeadlineSettings = CFG) -> list[str]:
    return [s.name for s in steps_reached(node, today, cfg)]


def test_a_node_is_warned_the_configured_number_of_days_before_its_due_date_and_not_earlier() -> None:
    assert names(open_node(), DUE - timedelta(days=4)) == []
    assert names(open_node(), DUE - timedelta(days=3)) == ["warning"]
    assert names(open_node(), DUE) == ["warning"]
    assert names(open_node(), DUE - timedelta(days=5), DeadlineSettings(warning_days=5)) == ["warning"]


def test_a_control_nearing_expiry_and_the_re_search_after_zhongben_are_warned_earlier() -> None:
    renew = open_node("renew", key="renew:c1:2027-03-01")
    assert names(renew, DUE - timedelta(days=15)) == ["warning"]
    assert names(renew, DUE - timedelta(days=16)) == []
    assert names(open_node("zhongben_search", key="zhongben_search:1"), DUE - timedelta(days=15)) == ["warning"]


def test_the_day_after_the_due_date_the_node_is_overdue_and_escalates_to_the_team_lead() -> None:
    steps = steps_reached(open_node(), DUE + timedelta(days=1), CFG)
    assert [(s.name, s.level, s.days_overdue) for s in steps] == [("overdue", 1, 1), ("level_1", 1, 1)]


@pytest.mark.parametrize(
    ("days", "level"),
    [(1, 1), (7, 1), (8, 2), (15, 2), (16, 3), (30, 3), (31, 4), (400, 4)],
)
def test_escalation_levels_follow_the_configured_thresholds(days: int, level: int) -> None:
    steps = steps_reached(open_node(), DUE + timedelta(days=days), CFG)
    assert steps[-1].level == level
    assert [s.name for s in steps] == ["overdue", *(f"level_{n}" for n in range(1, level + 1))]


def test_other_thresholds_escalate_on_other_days() -> None:
    cfg = DeadlineSettings(escalation_days=[2, 4, 6, 8])
    assert names(open_node(), DUE + timedelta(days=2), cfg) == ["overdue"]  # overdue, not yet escalated
    assert names(open_node(), DUE + timedelta(days=5), cfg) == ["overdue", "level_1", "level_2"]


def test_recorded_steps_are_not_pending_again() -> None:
    today = DUE + timedelta(days=9)
    pending = pending_steps(open_node(), today, CFG, {"warning", "overdue", "level_1"})
    assert [s.name for s in pending] == ["level_2"]
    assert pending_steps(open_node(), today, CFG, {"overdue", "level_1", "level_2"}) == []
    assert pending_steps(open_node(), DUE, CFG, {"overdue", "level_1"}) == []  # an earlier day warns no more
    assert [s.name for s in pending_steps(open_node(), today, CFG, {"warning"})] == ["overdue", "level_1", "level_2"]


def test_a_closed_case_is_chased_only_for_controls_the_re_search_and_money() -> None:
    late = DUE + timedelta(days=3)
    assert names(open_node("investigation", case_closed=True), late) == []
    assert names(open_node("renew", key="renew:c1:x", case_closed=True), late)[0] == "overdue"
    assert names(open_node("zhongben_search", key="zhongben_search:2", case_closed=True), late)[0] == "overdue"
    assert names(open_node("payout", key="payout:e1", case_closed=True), late)[0] == "overdue"


def test_the_judge_hears_of_warnings_and_overdue_nodes_and_each_level_tells_its_leader() -> None:
    node = open_node()
    warning, overdue, *levels = steps_reached(node, DUE - timedelta(days=1), CFG) + steps_reached(
        node, DUE + timedelta(days=31), CFG
    )
    assert recipients(warning, node, CFG, None) == [{"role": "judge", "id": "judge-1", "court": "黔01"}]
    assert recipients(overdue, node, CFG, None) == [{"role": "judge", "id": "judge-1", "court": "黔01"}]
    leaders = [recipients(s, node, CFG, None)[0] for s in levels]
    assert [p["role"] for p in leaders] == ["team_lead", "bureau_chief", "vice_president", "president"]
    assert leaders[0]["team_id"] == "team-1"


def test_before_assignment_the_desk_of_the_node_is_told() -> None:
    node = open_node("register", judge_id=None, team_id=None, title="立案或不予受理")
    [step] = steps_reached(node, DUE, CFG)
    assert recipients(step, node, CFG, None)[0] == {"role": "intake_clerk", "id": None, "court": "黔01"}


def test_the_applicant_is_told_only_of_the_nodes_that_are_their_own_waiting_time() -> None:
    applicant = {"kind": "organisation", "name": "贵州某某建材有限公司", "id_number": "91110000600037341L"}
    payout = open_node("payout", key="payout:e1", title="执行款发放")
    [warning] = steps_reached(payout, DUE, CFG)
    told = recipients(warning, payout, CFG, applicant)
    assert told[1] == {"role": "applicant", "id": "91110000600037341L", "name": "贵州某某建材有限公司", "court": "黔01"}
    msg = notification(warning, payout, "（2026）黔01执1号", told[1])
    assert msg["message"].startswith("【执行案件节点告知】您申请执行的（2026）黔01执1号“执行款发放”")
    [search_warning] = steps_reached(open_node(), DUE, CFG)
    assert [p["role"] for p in recipients(search_warning, open_node(), CFG, applicant)] == ["judge"]
    level = steps_reached(payout, DUE + timedelta(days=1), CFG)[-1]
    assert [p["role"] for p in recipients(level, payout, CFG, applicant)] == ["team_lead"]


def test_a_notification_names_the_case_node_deadline_and_level_with_stable_ids() -> None:
    node = open_node()
    step = steps_reached(node, DUE + timedelta(days=8), CFG)[-1]
    leader = recipients(step, node, CFG, None)[0]
    msg = notification(step, node, "（2026）黔01执7号", leader)
    assert (msg["node_name"], msg["deadline"], msg["level"], msg["level_name"]) == (
        "首次网络查控",
        "2026-03-05",
        2,
        "执行局长",
    )
    assert msg["kind"] == "escalation" and msg["recipient"]["role"] == "bureau_chief"
    assert "督办升级至执行局长" in msg["message"] and "已超期8日" in msg["message"]
    again = steps_reached(node, DUE + timedelta(days=12), CFG)[-1]
    assert again.step_id == step.step_id and again.event_id == step.event_id
    assert notification(again, node, "（2026）黔01执7号", leader)["notification_id"] == msg["notification_id"]
    moved = open_node(due=DUE + timedelta(days=90))  # an extension gives a new due date: new steps
    assert steps_reached(moved, DUE + timedelta(days=100), CFG)[-1].step_id != step.step_id


def test_failed_sends_back_off_exponentially_up_to_a_cap() -> None:
    cfg = NotificationSettings(backoff_s=2, backoff_max_s=30)
    assert [backoff(n, cfg).total_seconds() for n in (1, 2, 3, 4, 5, 9)] == [2, 4, 8, 16, 30, 30]


def test_a_resumed_zhongben_case_is_no_longer_due_for_a_re_search() -> None:
    h = History(start=date(2026, 1, 5)).opened()
    h.on(date(2026, 5, 6)).add("intake.case_closed", "judge-1", "judge", closure_type="终本", judge_id="judge-1")
    h.on(date(2026, 7, 1)).add("intake.case_resumed", "rev-1", "reviewer", new_case_id="case-2")
    d = {x.key: x for x in compute(h.entries, CFG, HolidayCalendar())}
    assert d["zhongben_search:1"].completed_on == date(2026, 7, 1)
