"""互相制约 findings and deadlines over HTTP, from events other services publish.

The module's cases live in a court of their own, so its boards hold only them; the holiday
schedule it loads (the calendar is shared by every court) is taken back out afterwards.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

import asyncpg
import httpx

from deploy.system import System
from shared.envelope import SHANGHAI, Actor, Envelope
from shared.events import REGISTRY
from tests.conftest import auth
from tests.helpers import payload as registered_payload
from tests.supervision.helpers import ADMIN, SUPERVISOR, Story, publish, wait_trail
from tests.waits import drained, poll, readiness

COURT = "黔0111"
WATCHER = auth("sup-c01", "supervisor", court=COURT)


async def wait_findings(http: httpx.AsyncClient, system: System, case_id: str, count: int) -> list[dict[str, Any]]:
    async def found() -> list[dict[str, Any]]:
        r = await http.get(f"{system.url('supervision')}/findings", headers=WATCHER, params={"case_id": case_id})
        assert r.status_code == 200, r.text
        return list(r.json()["findings"])

    # up to a minute: the consumer may lag behind a busy suite
    return await poll(found, f"{count} findings of case {case_id}", timeout=60, until=lambda f: len(f) >= count)


async def test_a_registrar_who_becomes_the_judge_is_a_finding_published_once(
    system: System, http: httpx.AsyncClient
) -> None:
    s = Story(court=COURT)
    registered = s.registered("clerk-7")
    assigned = s.assigned("clerk-7")
    await publish(system, s.envelopes)

    [finding] = await wait_findings(http, system, s.case_id, 1)
    assert finding["rule_id"] == "互相制约-1" and finding["rule_version"] == 1
    assert finding["people"] == ["clerk-7"]
    assert finding["event_ids"] == [str(registered.event_id), str(assigned.event_id)]
    assert "立案人 clerk-7 被分为本案承办法官" in finding["message"]

    raised = await wait_trail(http, system, s.case_id, 1, headers=WATCHER, service="supervision")
    assert raised[0]["event_type"] == "supervision.finding_raised"
    assert raised[0]["causation_id"] == str(assigned.event_id)
    assert raised[0]["payload"]["finding_id"] == finding["finding_id"]
    # Supervision has taken everything on the case's partition (the finding's own event included)…
    await drained(http, system, relays=["supervision"], case_ids=[s.case_id])
    duplicates = (await readiness(http, system.port("supervision")))["consumer"]["duplicates"]
    await publish(system, [assigned])  # the relay may publish twice: nothing is raised again
    # …and now the redelivery too, and whatever it would have raised is back through the log.
    await drained(http, system, relays=["supervision"], case_ids=[s.case_id])
    assert (await readiness(http, system.port("supervision")))["consumer"]["duplicates"] == duplicates + 1
    again = await http.get(f"{system.url('supervision')}/cases/{s.case_id}/trail", headers=WATCHER)
    # (asset_search reacts to the assignment with its own queries: those events keep coming)
    assert [e["event_type"] for e in again.json()["events"]].count("supervision.finding_raised") == 1
    assert await wait_findings(http, system, s.case_id, 1) == [finding]


async def test_deadlines_show_their_explanation_status_and_escalation(system: System, http: httpx.AsyncClient) -> None:
    judge = f"judge-{uuid.uuid4().hex[:8]}"  # only this case is his (reruns on kept data included)
    s = Story(court=COURT)
    s.on("2026-03-02").registered()
    s.on("2026-03-04").assigned(judge)
    await publish(system, s.envelopes)
    await wait_trail(http, system, s.case_id, 2, headers=WATCHER)
    url = f"{system.url('supervision')}/cases/{s.case_id}/deadlines"
    r = await http.get(url, headers=WATCHER, params={"as_of": "2026-03-20"})
    assert r.status_code == 200
    d = {x["key"]: x for x in r.json()["deadlines"]}
    assert (d["assign"]["status"], d["assign"]["completed_event_id"]) == ("met", str(s.envelopes[1].event_id))
    # The notices nobody sent: due 3 days after the assignment, a Saturday, so the Monday after.
    notice = d["notice"]
    assert (notice["due"], notice["status"], notice["days_overdue"]) == ("2026-03-09", "overdue", 11)
    assert (notice["escalation_level"], notice["escalated_to"]) == (2, "执行局长")
    assert notice["start_event_id"] == str(s.envelopes[1].event_id)
    assert notice["explanation"] == [
        "依据：期限规定第4条：分案后3日内",
        f"起算事件：intake.case_assigned（{s.envelopes[1].event_id}）",
        "自 2026-03-04 起算 3 日（起算日不计入）：2026-03-07",
        "期间届满日 2026-03-07 为法定休假日，顺延至其后第一个工作日 2026-03-09（民诉法第85条）",
    ]
    # The first search, due 3 days after registration: on 20 March nobody had searched, so it was
    # overdue then, whatever happened since (the real asset_search searches the case today).
    search = d["first_search"]
    assert (search["due"], search["status"], search["days_overdue"]) == ("2026-03-05", "overdue", 15)
    assert search["escalation_level"] >= notice["escalation_level"]
    assert search["explanation"][0].startswith("依据：本院规定")
    assert search["start_event_id"] == str(s.envelopes[0].event_id)
    assert d["close"]["status"] == "open" and d["close"]["due"] == "2026-09-02"

    board = await http.get(
        f"{system.url('supervision')}/deadlines",
        headers=WATCHER,
        params={"status": "overdue", "as_of": "2026-03-20", "judge_id": judge},
    )
    assert board.status_code == 200, board.text
    assert sorted((x["case_id"], x["key"]) for x in board.json()["deadlines"]) == [
        (s.case_id, "first_search"), (s.case_id, "notice")
    ]
    # Today the search has happened (asset_search's first query, dated today): met late.
    trail = await wait_trail(http, system, s.case_id, 1, headers=WATCHER, event_type="asset_search.query_dispatched")

    async def searched() -> dict[str, Any] | None:
        r = await http.get(url, headers=WATCHER)
        found = {x["key"]: x for x in r.json()["deadlines"]}["first_search"]
        return found if found["completed_event_id"] else None

    search = await poll(searched, "the first search recorded on its deadline")
    assert (search["status"], search["completed_event_id"]) == ("late", trail[0]["event_id"])
    # Another court's supervisor sees none of it.
    elsewhere = await http.get(
        f"{system.url('supervision')}/deadlines",
        headers=SUPERVISOR,
        params={"status": "overdue", "as_of": "2026-03-20", "judge_id": judge},
    )
    assert elsewhere.json()["deadlines"] == []


async def held_year(system: System, year: int) -> asyncpg.Record | None:
    conn = await asyncpg.connect(system.dsn("supervision"))
    try:
        return await conn.fetchrow("SELECT holidays, workdays FROM holiday_years WHERE year = $1", year)
    finally:
        await conn.close()


async def drop_year(system: System, year: int) -> None:
    """Take a loaded year back out (the API has no route for it): what the calendar was before."""
    conn = await asyncpg.connect(system.dsn("supervision"))
    try:
        await conn.execute("DELETE FROM holiday_years WHERE year = $1", year)
    finally:
        await conn.close()


async def cases_in(system: System, year: int) -> list[str]:
    """This court's cases with a deadline in ``year`` (only this test's cases live in 2094)."""
    conn = await asyncpg.connect(system.dsn("supervision"))
    try:
        rows = await conn.fetch(
            "SELECT DISTINCT case_id FROM deadlines WHERE court = $3 AND start_date >= $1 AND start_date < $2"
            " ORDER BY 1",
            date(year, 1, 1),
            date(year + 1, 1, 1),
            COURT,
        )
    finally:
        await conn.close()
    return [r["case_id"] for r in rows]


def nudge(case_id: str, year: int) -> Envelope:
    """A triage of the case (no service but supervision reacts to one, and it moves no deadline), on
    a stream of its own: what makes supervision look at the case again."""
    on = date(year, 9, 25)
    return Envelope(
        event_id=uuid.uuid4(),
        event_type="intake.case_triaged",
        schema_version=REGISTRY.get("intake.case_triaged").version,
        case_id=case_id,
        stream_id=f"intake.test-nudge-{uuid.uuid4().hex[:8]}:{case_id}",  # never a real service's stream
        stream_version=1,
        occurred_at=datetime.combine(on, time(9), SHANGHAI),
        recorded_at=datetime.combine(on, time(9), SHANGHAI),
        producer="intake",
        actor=Actor.system("intake"),
        court=COURT,
        correlation_id=case_id,
        payload=registered_payload("intake.case_triaged", track="ordinary"),
    )


async def test_a_holiday_schedule_loaded_by_an_administrator_recomputes_open_deadlines(
    system: System, http: httpx.AsyncClient
) -> None:
    year = 2094  # a year no holiday package covers: only this test's cases live in it
    # The calendar is shared by every court and every test: this test starts from it without 2094
    # and puts back what it found (a rerun on kept data, or one after a crash, starts clean too).
    found = await held_year(system, year)
    if found is not None:
        await drop_year(system, year)
    s = Story(court=COURT)
    s.on(f"{year}-09-24").registered()
    await publish(system, s.envelopes)
    await wait_trail(http, system, s.case_id, 1, headers=WATCHER)
    url = f"{system.url('supervision')}/cases/{s.case_id}/deadlines"

    async def assign() -> dict[str, Any]:
        r = await http.get(url, headers=WATCHER)
        assert r.status_code == 200, r.text
        return {x["key"]: x for x in r.json()["deadlines"]}.get("assign") or {}

    holidays = f"{system.url('supervision')}/admin/holidays/{year}"
    try:
        before = await assign()
        assert (before["due"], before["fallback_calendar"]) == (f"{year}-10-01", True)

        schedule = {"holidays": [f"{year}-10-0{d}" for d in range(1, 8)], "workdays": [f"{year}-10-09"]}
        assert (await http.put(holidays, json=schedule, headers=SUPERVISOR)).status_code == 403
        wrong = await http.put(holidays, json={"holidays": ["2026-10-01"]}, headers=ADMIN)
        assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "holidays[0]"
        await drained(http, system)  # every case supervision will hold is in: the recompute covers them all
        conn = await asyncpg.connect(system.dsn("supervision"))
        try:
            cases = await conn.fetchval("SELECT count(*) FROM case_heads")
        finally:
            await conn.close()
        # The answer comes once every case is recomputed: on a long-lived database that takes a while.
        loaded = await http.put(holidays, json=schedule, headers=ADMIN, timeout=300)
        assert loaded.status_code == 200, loaded.text
        assert {k: v for k, v in loaded.json().items() if k != "event_id"} == {
            "year": year, "holidays": 7, "workdays": 1, "cases_recomputed": cases, "source": "未注明"}
        listed = (await http.get(f"{system.url('supervision')}/admin/holidays", headers=ADMIN)).json()["years"]
        [mine] = [y for y in listed if y["year"] == year]
        assert (mine["holidays"], mine["workdays"]) == (schedule["holidays"], schedule["workdays"])

        after = await assign()
        assert after["due"] == f"{year}-10-08" and not after["fallback_calendar"]
        assert any("顺延" in step for step in after["explanation"])
    finally:
        await drop_year(system, year)
        if found is not None:  # put back what an earlier run left (the API recomputes every case)
            back = {
                "holidays": [d.isoformat() for d in found["holidays"]],
                "workdays": [d.isoformat() for d in found["workdays"]],
            }
            assert (await http.put(holidays, json=back, headers=ADMIN, timeout=300)).status_code == 200

    # Without the schedule, every case computed with it (this one; on kept data, earlier runs' too:
    # the load recomputed them all) is recomputed on the fallback calendar by its next event, as a
    # rebuild would compute it: the projection agrees with the log again.
    if found is None:
        stale = await cases_in(system, year)
        assert s.case_id in stale
        await publish(system, [nudge(case_id, year) for case_id in stale])
        for case_id in stale:

            async def assign_of(case_id: str = case_id) -> dict[str, Any]:
                r = await http.get(f"{system.url('supervision')}/cases/{case_id}/deadlines", headers=WATCHER)
                assert r.status_code == 200, r.text
                return {x["key"]: x for x in r.json()["deadlines"]}.get("assign") or {}

            await poll(
                assign_of,
                f"case {case_id}'s deadlines to be back on the fallback calendar",
                until=lambda a: (a.get("due"), a.get("fallback_calendar")) == (f"{year}-10-01", True),
            )
