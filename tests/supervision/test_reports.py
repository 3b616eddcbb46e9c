"""The weekly report, pure: ISO weeks, per-judge and per-team sums, the CSV export."""

from __future__ import annotations

from datetime import date

import pytest

from services.supervision.indicators.reports import IsoWeek, assemble, to_csv

pytestmark = pytest.mark.unit


def test_the_weekly_report_adds_up_per_judge_and_per_team() -> None:
    week = IsoWeek.parse("2026-W10")
    assert (week.first_day, week.last_day) == (date(2026, 3, 2), date(2026, 3, 8))
    counts = {
        "received": [{"judge_id": "j1", "team_id": "t1", "item": None, "n": 3}],
        "closed": [
            {"judge_id": "j1", "team_id": "t1", "item": "终本", "n": 1},
            {"judge_id": "j2", "team_id": "t1", "item": "执行完毕", "n": 2},
        ],
        "pending": [{"judge_id": "j1", "team_id": "t1", "item": None, "n": 5}],
        "overdue": [{"judge_id": "j2", "team_id": "t1", "item": "first_search", "n": 2}],
        "findings": [{"judge_id": "j1", "team_id": "t1", "item": "互相制约-1", "n": 1}],
    }
    report = assemble(week, "黔01", counts)
    j1, j2 = report["judges"]
    assert (j1["received"], j1["closed"], j1["pending"], j1["findings"]) == (3, 1, 5, 1)
    assert j2["overdue_by_node"] == {"first_search": 2} and j2["closed_by_type"] == {"执行完毕": 2}
    [team] = report["teams"]
    assert (team["team_id"], team["closed"], team["overdue"]) == ("t1", 3, 2)
    assert [j["judge_id"] for j in assemble(week, "黔01", counts, judge_id="j2")["judges"]] == ["j2"]
    lines = to_csv(report).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("week,scope,id,team_ids,received,closed,pending,overdue,findings")
    assert lines[3] == "2026-W10,team,t1,,3,3,5,2,1,执行完毕:2；终本:1,first_search:2,互相制约-1:1"


@pytest.mark.parametrize(("text", "reason"), [("2026-10", "格式"), ("2026-W54", "没有第 54 周"), ("2025-W53", "没有")])
def test_a_wrong_iso_week_is_refused_with_its_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        IsoWeek.parse(text)
