"""The audit trail over HTTP: events other services publish, as a supervisor sees them."""

from __future__ import annotations

import csv
import io
import itertools
import uuid

import httpx
import orjson

from deploy.system import System
from tests.conftest import auth
from tests.supervision.helpers import SUPERVISOR, Story, of_story, publish, wait_story, wait_trail

NOT_INTAKE = ["asset_search", "field_ops", "disposal"]


def clean_story() -> Story:
    """A case handled by the book: five officers, four services."""
    s = Story()
    s.registered("clerk-1")
    s.assigned("judge-1")
    q = s.add(
        "asset_search.query_dispatched",
        "search-1",
        "search_officer",
        query_id="q1",
        agency_id="icbc",
        agency_kind="bank",
    )
    s.add(
        "asset_search.agency_answered",
        "system",
        cause=q,
        query_id="q1",
        agency_id="icbc",
        agency_kind="bank",
        outcome="found",
        item_count=1,
    )
    i = s.add(
        "field_ops.instruction_issued",
        "judge-1",
        "judge",
        instruction_id="i1",
        kind="investigate",
        judge_id="judge-1",
        target={"kind": "address", "description": "王某住所"},
        region="520102",
        deadline="2026-03-20",
    )
    s.add("field_ops.task_routed", "flead-1", "field_lead", cause=i, task_id="t1", instruction_id="i1", team_id="f2")
    s.add("field_ops.task_accepted", "field-1", "field_officer", task_id="t1", officer_id="field-1")
    return s


async def test_a_case_timeline_is_complete_in_log_order_with_summaries_and_an_intact_chain(
    system: System, http: httpx.AsyncClient
) -> None:
    s = clean_story()
    await publish(system, s.envelopes)
    trail = await wait_story(http, system, s)  # with asset_search's own queries for the case (it searches it)

    assert [e["seq"] for e in trail] == list(range(1, len(trail) + 1))
    assert trail[0]["prev_hash"] == "00" * 32
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(trail))
    events = of_story(trail, s)
    assert [e["event_id"] for e in events] == [str(e.event_id) for e in s.envelopes]  # in the order published
    assert {e["producer"] for e in trail if e not in events} <= {"asset_search"}
    routed = events[5]
    assert routed["summary"] == "外勤任务 t1 分派至 f2"
    assert routed["causation_id"] == str(s.envelopes[4].event_id)
    assert events[2]["summary"] == "发起网络查控：bank（icbc）"
    assert (events[2]["actor_id"], events[2]["actor_role"], events[2]["producer"]) == (
        "search-1",
        "search_officer",
        "asset_search",
    )


async def test_the_timeline_filters_by_officer_role_service_type_and_time(
    system: System, http: httpx.AsyncClient
) -> None:
    s = clean_story()
    await publish(system, s.envelopes)
    await wait_story(http, system, s)
    url = f"{system.url('supervision')}/cases/{s.case_id}/trail"

    async def types(**params: object) -> list[str]:
        """The types of the story's events the filter selects (asset_search's own queries aside)."""
        r = await http.get(url, headers=SUPERVISOR, params=params)
        assert r.status_code == 200, r.text
        return [e["event_type"] for e in of_story(r.json()["events"], s)]

    assert await types(officer="judge-1") == ["field_ops.instruction_issued"]
    assert await types(role="field_officer") == ["field_ops.task_accepted"]
    assert await types(service="asset_search") == ["asset_search.query_dispatched", "asset_search.agency_answered"]
    assert await types(event_type=["intake.case_assigned", "field_ops.task_routed"]) == [
        "intake.case_assigned",
        "field_ops.task_routed",
    ]
    since, until = s.envelopes[2].occurred_at.isoformat(), s.envelopes[4].occurred_at.isoformat()
    assert await types(since=since, until=until) == ["asset_search.query_dispatched", "asset_search.agency_answered"]


async def test_another_courts_supervisor_and_a_clerk_cannot_read_the_trail(
    system: System, http: httpx.AsyncClient
) -> None:
    s = clean_story()
    await publish(system, s.envelopes[:1])
    await wait_trail(http, system, s.case_id, 1)
    url = f"{system.url('supervision')}/cases/{s.case_id}/trail"
    other = await http.get(url, headers=auth("sup-9", "supervisor", court="赣0502"))
    assert other.status_code == 404 and other.json()["code"] == "case_not_found"
    clerk = await http.get(url, headers=auth("clerk-1", "intake_clerk"))
    assert clerk.status_code == 403 and clerk.headers["content-type"].startswith("application/problem+json")


async def test_an_officers_actions_span_cases_and_only_watchers_see_other_peoples(
    system: System, http: httpx.AsyncClient
) -> None:
    officer = f"search-{uuid.uuid4().hex[:8]}"
    stories = [Story(), Story()]
    for s in stories:
        s.registered()
        s.assigned()
        s.add("asset_search.query_dispatched", officer, "search_officer", query_id="q", agency_kind="bank")
        await publish(system, s.envelopes)
        await wait_trail(http, system, s.case_id, 3)
    url = f"{system.url('supervision')}/officers/{officer}/actions"
    r = await http.get(url, headers=SUPERVISOR)
    assert r.status_code == 200
    assert sorted(a["case_id"] for a in r.json()["actions"]) == sorted(s.case_id for s in stories)
    own = await http.get(url, headers=auth(officer, "search_officer"))
    assert own.status_code == 200 and len(own.json()["actions"]) == 2
    peer = await http.get(url, headers=auth("search-2", "search_officer"))
    assert peer.status_code == 403


async def test_the_trail_exports_as_csv_and_json(system: System, http: httpx.AsyncClient) -> None:
    s = clean_story()
    await publish(system, s.envelopes)
    await wait_story(http, system, s)
    url = f"{system.url('supervision')}/cases/{s.case_id}/trail/export"

    as_csv = await http.get(url, headers=SUPERVISOR, params={"format": "csv"})
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    rows = of_story(list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig")))), s)
    assert [r["event_id"] for r in rows] == [str(e.event_id) for e in s.envelopes]
    assert rows[1]["summary"].startswith("分案：承办法官 judge-1")
    assert orjson.loads(rows[0]["payload"])["registered_by"] == "clerk-1"

    as_json = await http.get(url, headers=SUPERVISOR, params={"format": "json", "service": "field_ops"})
    assert as_json.status_code == 200
    assert [e["event_type"] for e in orjson.loads(as_json.content)] == [
        "field_ops.instruction_issued",
        "field_ops.task_routed",
        "field_ops.task_accepted",
    ]

    officer = await http.get(
        f"{system.url('supervision')}/officers/judge-1/actions/export", headers=SUPERVISOR, params={"format": "json"}
    )
    assert str(s.envelopes[4].event_id) in {e["event_id"] for e in orjson.loads(officer.content)}
