"""互相制约 findings and deadlines over HTTP, from events other services publish."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from deploy.system import System
from tests.supervision.helpers import ADMIN, SUPERVISOR, Story, publish, wait_trail


async def wait_findings(http: httpx.AsyncClient, system: System, case_id: str, count: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for _ in range(600):  # up to a minute: the consumer may lag behind a busy suite
        r = await http.get(f"{system.url('supervision')}/findings", headers=SUPERVISOR, params={"case_id": case_id})
        found = r.json()["findings"]
        if len(found) >= count:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"{len(found)} of {count} findings")


async def test_a_registrar_who_becomes_the_judge_is_a_finding_published_once(
    system: System, http: httpx.AsyncClient
) -> None:
    s = Story()
    registered = s.registered("clerk-7")
    assigned = s.assigned("clerk-7")
    await publish(system, s.envelopes)

    [finding] = await wait_findings(http, system, s.case_id, 1)
    assert finding["rule_id"] == "互相制约-1" and finding["rule_version"] == 1
    assert finding["people"] == ["clerk-7"]
    assert finding["event_ids"] == [str(registered.event_id), str(assigned.event_id)]
    assert "立案人 clerk-7 被分为本案承办法官" in finding["message"]

    raised = await wait_trail(http, system, s.case_id, 1, service="supervision")
    assert raised[0]["event_type"] == "supervision.finding_raised"
    assert raised[0]["causation_id"] == str(assigned.event_id)
    assert raised[0]["payload"]["finding_id"] == finding["finding_id"]
    await publish(system, [assigned])  # the relay may publish twice: nothing is raised again
    await asyncio.sleep(0.5)
    again = await http.get(f"{system.url('supervision')}/cases/{s.case_id}/trail", headers=SUPERVISOR)
    assert [e["event_type"] for e in again.json()["events"]].count("supervision.finding_raised") == 1


async def test_deadlines_show_their_explanation_status_and_escalation(system: System, http: httpx.AsyncClient) -> None:
    s = Story()
    s.on("2026-03-02").registered()
    s.on("2026-03-04").assigned()
    await publish(system, s.envelopes)
    await wait_trail(http, system, s.case_id, 2)
    url = f"{system.url('supervision')}/cases/{s.case_id}/deadlines"
    r = await http.get(url, headers=SUPERVISOR, params={"as_of": "2026-03-16"})
    assert r.status_code == 200
    d = {x["key"]: x for x in r.json()["deadlines"]}
    assert d["assign"]["status"] == "met"
    search = d["first_search"]
    assert (search["due"], search["status"], search["days_overdue"]) == ("2026-03-05", "overdue", 11)
    assert (search["escalation_level"], search["escalated_to"]) == (2, "执行局长")
    assert search["explanation"][0].startswith("依据：本院规定")
    assert search["start_event_id"] == str(s.envelopes[0].event_id)
    assert d["close"]["status"] == "open" and d["close"]["due"] == "2026-09-02"

    board = await http.get(
        f"{system.url('supervision')}/deadlines",
        headers=SUPERVISOR,
        params={"status": "overdue", "as_of": "2026-03-16", "judge_id": "judge-1"},
    )
    assert {(x["case_id"], x["key"]) for x in board.json()["deadlines"]} >= {(s.case_id, "first_search")}


async def test_a_holiday_schedule_loaded_by_an_administrator_recomputes_open_deadlines(
    system: System, http: httpx.AsyncClient
) -> None:
    s = Story()
    # 2094: a year no holiday package covers, and only this test's case lives in it, so the schedule
    # it loads into the shared database changes no other test's deadlines.
    s.on("2094-09-24").registered()
    await publish(system, s.envelopes)
    await wait_trail(http, system, s.case_id, 1)
    url = f"{system.url('supervision')}/cases/{s.case_id}/deadlines"
    before = {x["key"]: x for x in (await http.get(url, headers=SUPERVISOR)).json()["deadlines"]}["assign"]
    assert before["due"] == "2094-10-01" and before["fallback_calendar"]

    holidays = f"{system.url('supervision')}/admin/holidays/2094"
    schedule = {"holidays": [f"2094-10-0{d}" for d in range(1, 8)], "workdays": ["2094-10-09"]}
    assert (await http.put(holidays, json=schedule, headers=SUPERVISOR)).status_code == 403
    wrong = await http.put(holidays, json={"holidays": ["2026-10-01"]}, headers=ADMIN)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "holidays[0]"
    loaded = await http.put(holidays, json=schedule, headers=ADMIN)
    assert loaded.status_code == 200 and loaded.json()["cases_recomputed"] >= 1

    after = {x["key"]: x for x in (await http.get(url, headers=SUPERVISOR)).json()["deadlines"]}["assign"]
    assert after["due"] == "2094-10-08" and not after["fallback_calendar"]
    assert any("顺延" in step for step in after["explanation"])
