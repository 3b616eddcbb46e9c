"""The weekly report over HTTP, from events other services publish (JSON and CSV)."""

from __future__ import annotations

import csv
import io
import uuid

import httpx

from deploy.system import System
from tests.conftest import auth
from tests.supervision.helpers import SUPERVISOR, Story, publish, wait_trail


def case(judge: str, team: str, day: str = "2026-03-02", *, registrar: str = "clerk-1", worked: bool = True) -> Story:
    s = Story()
    s.on(day).registered(registrar)
    s.add("intake.case_assigned", "affairs-1", "affairs_clerk", judge_id=judge, team_id=team, track="ordinary")
    if worked:
        s.add("intake.notice_issued", "affairs-1", "affairs_clerk", notice_kind="enforcement_notice")
        s.add("asset_search.query_dispatched", "search-1", "search_officer", query_id="q1", agency_kind="bank")
    return s


async def test_the_weekly_report_counts_each_judges_and_teams_cases(system: System, http: httpx.AsyncClient) -> None:
    tag = uuid.uuid4().hex[:6]
    j1, j2, team = f"judge-{tag}-1", f"judge-{tag}-2", f"team-{tag}"
    pending = case(j1, team)
    closed = case(j1, team)
    closed.on("2026-03-04").add("intake.case_closed", j1, "judge", closure_type="终本", judge_id=j1)
    earlier = case(j1, team, "2026-02-24")  # received the week before, still pending
    idle = case(j2, team, worked=False)  # no notice, no search: both overdue by Sunday
    clash = case(j2, team, registrar=j2, worked=False)  # the registrar judges the case: 互相制约-1
    later = case(j2, team, "2026-03-09")  # the next week: not in this report
    stories = [pending, closed, earlier, idle, clash, later]
    await publish(system, [e for s in stories for e in s.envelopes])
    for s in stories:
        await wait_trail(http, system, s.case_id, len(s.envelopes))

    url = f"{system.url('supervision')}/reports/weekly"
    r = await http.get(url, headers=SUPERVISOR, params={"week": "2026-W10"})
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["from"], report["to"], report["court"]) == ("2026-03-02", "2026-03-08", "黔01")
    judges = {j["judge_id"]: j for j in report["judges"]}
    first, second = judges[j1], judges[j2]
    assert (first["received"], first["closed"], first["pending"], first["overdue"]) == (2, 1, 2, 0)
    assert first["closed_by_type"] == {"终本": 1} and first["team_ids"] == [team]
    assert (second["received"], second["closed"], second["pending"], second["findings"]) == (2, 0, 2, 1)
    assert second["overdue_by_node"] == {"first_search": 2, "notice": 2}
    assert second["findings_by_rule"] == {"互相制约-1": 1}
    [t] = [x for x in report["teams"] if x["team_id"] == team]
    assert (t["received"], t["closed"], t["pending"], t["overdue"]) == (4, 1, 4, 4)
    assert t["findings"] == first["findings"] + second["findings"]  # the bare 终本 closure may raise one too

    exported = await http.get(url, headers=SUPERVISOR, params={"week": "2026-W10", "format": "csv"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert 'filename="weekly-2026-W10.csv"' in exported.headers["content-disposition"]
    rows = {(r["scope"], r["id"]): r for r in csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")))}
    assert rows[("judge", j2)]["overdue_by_node"] == "first_search:2；notice:2"
    assert rows[("team", team)]["received"] == "4"


async def test_a_judge_reads_only_their_own_week_and_a_wrong_week_is_named(
    system: System, http: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:6]
    mine, other = f"judge-{tag}-1", f"judge-{tag}-2"
    stories = [case(mine, f"team-{tag}"), case(other, f"team-{tag}")]
    await publish(system, [e for s in stories for e in s.envelopes])
    for s in stories:
        await wait_trail(http, system, s.case_id, len(s.envelopes))
    url = f"{system.url('supervision')}/reports/weekly"

    own = await http.get(url, headers=auth(mine, "judge"), params={"week": "2026-W10"})
    assert own.status_code == 200
    assert [j["judge_id"] for j in own.json()["judges"]] == [mine] and own.json()["teams"] == []
    peek = await http.get(url, headers=auth(mine, "judge"), params={"week": "2026-W10", "judge_id": other})
    assert peek.status_code == 403 and peek.json()["code"] == "own_report_only"
    assert (await http.get(url, headers=auth("clerk-1", "intake_clerk"))).status_code == 403
    wrong = await http.get(url, headers=SUPERVISOR, params={"week": "2026-W60"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "week"
    lead = await http.get(url, headers=auth("lead-1", "team_lead"), params={"week": "2026-W10", "judge_id": other})
    assert [j["judge_id"] for j in lead.json()["judges"]] == [other]
