"""Supervision for a person (issue 18): a judge reads the trail and deadlines of their own cases only;
a case is found by its number (full-width or ASCII brackets); the judge's and the leaders' 我的待办;
timeline sentences in plain Chinese; the one label table; the 超期 figures under the track filter."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from deploy.system import System
from services.supervision.trail.names import UUID
from shared.envelope import Actor
from tests.conftest import auth
from tests.supervision.helpers import SUPERVISOR, Story, publish, wait_story
from tests.waits import poll
from tests.worklists import of_case


def a_case(judge: str, court: str = "黔01", track: str = "ordinary", lead: str = "wl-lead") -> tuple[Story, str]:
    """A case registered on 2 March 2026 and assigned to ``judge`` of ``lead``'s team: long past its first nodes."""
    s = Story(court=court).on("2026-03-02")
    number = f"（2026）黔01执{uuid.uuid4().int % 10**7 + 10**6}号"
    s.add("intake.case_registered", "clerk-1", "intake_clerk", case_number=number, court=court,
          claim_amount_fen=12_345_600, registered_by="clerk-1")
    s.add("intake.case_assigned", "system", None, judge_id=judge, team_id="team-wl", track=track,
          assigned_by="system", team_lead_id=lead)
    s.add("field_ops.instruction_issued", judge, "judge", judge_id=judge,
          target={"kind": "address", "description": "南明区某路1号"})
    return s, number


async def test_a_judge_reads_their_own_cases_trail_and_deadlines_by_case_number_and_no_one_elses(
    system: System, http: httpx.AsyncClient
) -> None:
    base = system.url("supervision")
    judge_id = f"wl-j-{uuid.uuid4().hex[:6]}"
    mine, number = a_case(judge_id)
    # The judge acts under a name; the second round's query goes to an agency that answers under its own.
    mine.envelopes[-1] = mine.envelopes[-1].model_copy(update={"actor": Actor(
        kind="officer", id=judge_id, name="李明", role="judge", court="黔01")})
    query, request = str(uuid.uuid4()), str(uuid.uuid4())
    mine.add("asset_search.query_dispatched", query_id=query, agency_id="wl-land-bureau",
             agency_kind="real_estate", round=2)
    mine.add("asset_search.request_delivered", request_id=request, request_kind="query", ref_id=query,
             agency_id="wl-land-bureau")
    answered = mine.add("asset_search.agency_answered", query_id=query, agency_id="wl-land-bureau",
                        agency_kind="real_estate", outcome="nothing_found", item_count=0, items=[])
    mine.envelopes[-1] = answered.model_copy(update={"actor": Actor(
        kind="agency", id="wl-land-bureau", name="某市自然资源局", court="黔01")})
    await publish(system, mine.envelopes)
    await wait_story(http, system, mine)
    me = auth(judge_id, "judge")

    ascii_number = number.replace("（", "(").replace("）", ")")
    for ref in (mine.case_id, number, ascii_number):
        r = await http.get(f"{base}/cases/{ref}/trail", headers=me)
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["case_id"], body["case_number"]) == (mine.case_id, number)
        r = await http.get(f"{base}/cases/{ref}/deadlines", headers=me)
        assert r.status_code == 200 and r.json()["case_id"] == mine.case_id and r.json()["case_number"] == number
    texts = [e["text"] for e in body["events"]]
    assert f"立案登记，案号 {number}，执行标的 123,456.00 元" in texts
    # A field target as a sentence, not a Python dict; the judge by name (their own event carries it).
    field = "承办法官 李明 下达外勤指令：现场调查，对象 地址 南明区某路1号"
    assert any(t.startswith(field) for t in texts), texts
    assert "分案：承办法官 李明，团队 team-wl，普执" in texts
    # A request delivered: the agency's name and kind and the query's round, never the request's UUID.
    assert "第 2 轮网络查控的查询请求已送达 某市自然资源局（不动产）" in texts
    assert "某市自然资源局（不动产） 答复第 2 轮查询：未查得财产，0 项" in texts
    assert not any("{'" in t or "None" in t or UUID.search(t) for t in texts), texts

    other = await http.get(f"{base}/cases/{number}/trail", headers=auth("wl-someone-else", "judge"))
    assert other.status_code == 403 and other.json()["rule"] == "权责清单" and other.json()["code"] == "not_own_case"
    other = await http.get(f"{base}/cases/{mine.case_id}/deadlines", headers=auth("wl-someone-else", "judge"))
    assert other.status_code == 403
    elsewhere = await http.get(f"{base}/cases/{mine.case_id}/trail", headers=auth(judge_id, "judge", court="粤0304"))
    assert elsewhere.status_code == 404 and elsewhere.json()["code"] == "case_not_found"
    unknown = await http.get(f"{base}/cases/（2026）黔01执99999999号/trail", headers=SUPERVISOR)
    assert unknown.status_code == 404
    clerk = await http.get(f"{base}/cases/{mine.case_id}/trail", headers=auth("clerk-1", "intake_clerk"))
    assert clerk.status_code == 403  # still a watcher's or the case's judge's


async def test_the_judges_open_nodes_and_the_leaders_escalations_are_their_worklists(
    system: System, http: httpx.AsyncClient
) -> None:
    base = system.url("supervision")
    judge_id = f"wl-j-{uuid.uuid4().hex[:6]}"
    s, number = a_case(judge_id)
    await publish(system, s.envelopes)
    await wait_story(http, system, s)
    me = auth(judge_id, "judge")

    async def nodes() -> list[dict[str, Any]]:
        return await of_case(http, base, me, s.case_id)

    items = await poll(nodes, "the judge's open nodes", until=lambda items: "node:notice" in {i["kind"] for i in items})
    assert all(i["case_number"] == number and i["role"] == "judge" for i in items)
    notice = next(i for i in items if i["kind"] == "node:notice")
    assert notice["status"] == "overdue" and notice["days_left"] < 0 and notice["title"].startswith("发出执行通知书")
    assert notice["action"] == {"service": "intake", "method": "POST", "path": f"/cases/{s.case_id}/notices",
                                "label": "制作并签发执行通知书"}
    close = next(i for i in items if i["kind"] == "node:close")
    assert close["action"]["path"] == f"/cases/{s.case_id}/closure"
    assert await of_case(http, base, auth("wl-someone-else", "judge"), s.case_id) == []
    assert await of_case(http, base, auth(judge_id, "judge", court="粤0304"), s.case_id) == []

    # The leaders: nodes overdue since spring are escalated to the president's level (4).
    for role in ("bureau_chief", "vice_president", "president"):
        leader = await of_case(http, base, auth(f"wl-{role}", role), s.case_id)
        assert leader and {i["kind"] for i in leader} == {"escalation"} and all(i["role"] == role for i in leader)
        assert all(i["title"].startswith("4级督办：") for i in leader), leader
        assert all(i["action"]["path"] == f"/cases/{s.case_id}/trail" for i in leader)
    assert await of_case(http, base, auth("wl-president", "president", court="粤0304"), s.case_id) == []
    # The team's lead (named on the assignment, intake.case_assigned v2): level 1 and above, their team only.
    lead = await of_case(http, base, auth("wl-lead", "team_lead"), s.case_id)
    assert lead and all(i["kind"] == "escalation" and i["role"] == "team_lead" for i in lead), lead
    assert {i["ref"] for i in lead} >= {"notice", "close"} and all(i["role_name"] == "团队长" for i in lead)
    assert await of_case(http, base, auth("wl-other-lead", "team_lead"), s.case_id) == []

    # The notice goes out: the node is done and leaves the judge's list and the leaders'.
    s.add("intake.notice_issued", judge_id, "judge", signed_by=judge_id)
    await publish(system, s.envelopes[-1:])
    await poll(nodes, "the notice node off the judge's list",
               until=lambda items: "node:notice" not in {i["kind"] for i in items})
    president = await of_case(http, base, auth("wl-president", "president"), s.case_id)
    assert not [i for i in president if i["ref"] == "notice"]


async def test_labels_and_the_overdue_figures_under_a_track_filter(system: System, http: httpx.AsyncClient) -> None:
    base = system.url("supervision")
    court = "粤0305"  # a court of its own: the figures are of these two cases only
    watcher = auth("wl-sup", "supervisor", court=court)
    fast, _ = a_case("wl-fast-judge", court, "fast")
    ordinary, _ = a_case("wl-ordinary-judge", court, "ordinary")
    # A 终本 its own judge approved (互相制约-6), closed the day it was assigned: no node left open.
    zb, zb_number = a_case("wl-zb-judge", court, "ordinary")
    zb.add("intake.case_closed", "wl-zb-judge", "judge", closure_type="终本", judge_id="wl-zb-judge",
           approved_by="wl-zb-judge", closed_on="2026-03-02", track="ordinary")
    await publish(system, fast.envelopes + ordinary.envelopes + zb.envelopes)
    for s in (fast, ordinary, zb):
        await wait_story(http, system, s, headers=watcher)

    async def findings(**params: str) -> list[str]:
        r = await http.get(f"{base}/findings", headers=watcher, params=params)
        assert r.status_code == 200, r.text
        return [f"{f['case_number']} {f['rule_id']}" for f in r.json()["findings"]]

    await poll(findings, "the 终本 case's finding", until=lambda f: f"{zb_number} 互相制约-6" in f)
    assert await findings(track="fast") == []  # the dashboard's findings follow its track filter
    assert f"{zb_number} 互相制约-6" in await findings(track="ordinary")
    by_number = await findings(case_id=zb_number.replace("（", "(").replace("）", ")"))
    assert by_number and all(f.startswith(zb_number) for f in by_number)

    async def overdue(**params: str) -> dict[str, Any]:
        r = await http.get(f"{base}/indicators/overdue", headers=watcher, params=params)
        assert r.status_code == 200, r.text
        return dict(r.json())

    await poll(overdue, "both cases overdue", until=lambda o: o["cases"] == 2)
    assert (await overdue(track="fast"))["cases"] == 1
    assert (await overdue(track="ordinary"))["cases"] == 1
    assert (await overdue(judge_id="wl-fast-judge"))["by_judge"] == [{"judge_id": "wl-fast-judge", "cases": 1}]
    board = await http.get(f"{base}/deadlines", headers=watcher, params={"status": "overdue", "track": "fast"})
    assert {d["case_id"] for d in board.json()["deadlines"]} == {fast.case_id}
    assert all(d["case_number"] for d in board.json()["deadlines"])

    page = await http.get(f"{base}/dashboard/worklist")  # the 我的待办 page itself is public static HTML
    assert page.status_code == 200 and "我的待办" in page.text and "/dashboard/static/worklist.js" in page.text
    labels = (await http.get(f"{base}/labels", headers=auth("wl-j", "judge"))).json()["tables"]
    assert labels["agency_kind"]["bank_deposit"] == "银行存款" and labels["role"]["judge"] == "承办法官"
    assert labels["measure"]["freeze"] == "冻结" and labels["node"]["first_search"] == "首次网络查控"
    assert labels["closure_type"]["终本"] == "终结本次执行程序" and labels["track"]["fast"] == "快执"
