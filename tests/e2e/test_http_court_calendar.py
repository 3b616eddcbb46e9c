"""One calendar for every service (issue 14), end to end on a system of its own (drill clock, its own
databases and topics): an administrator loads a made-up 2031 schedule with a rest day on a Wednesday
through supervision; every process of every service and the simulator applies it (their /readyz say
so), and intake's decide_by, disposal's payout limit and supervision's register and payout nodes all
move over that Wednesday alike. A restarted intake still has it (it applies the calendar topic before
it serves). Before the load, 2031 is a year the holiday package does not know: weekends only. A year
supervision held before the calendar topic existed is published to every service when it starts.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import asyncpg
import httpx
import pytest

from deploy import stack
from deploy._common import run_coro
from deploy.system import SERVICES, System
from tests.conftest import OTHER_SYSTEMS, PORT_OFFSET, RUN_ID, auth
from tests.disposal.helpers import known_to_disposal, publish, registered_and_assigned
from tests.intake.conftest import CLERK, application
from tests.waits import poll
from tests.worklists import of_case

ADMIN = auth("cal-admin-01", "admin")
SUPERVISOR = auth("sup-cal-01", "supervisor")
JUDGE = auth("judge-101", "judge")
FIN = auth("fin-cal-1", "finance_officer")
APPS = [s.name for s in SERVICES]  # the five services and the simulator
WEDNESDAY = date(2031, 3, 12)  # the made-up rest day
APPLIED = date(2031, 3, 5)  # + 7 days: the Wednesday
RECEIVED = date(2031, 2, 10)  # + 30 days: the Wednesday


@pytest.fixture(scope="module")
def cal(stack_parts: tuple[str, str]) -> Iterator[System]:
    server_dsn, bootstrap = stack_parts
    sys_ = System(server_dsn, bootstrap, f"h{RUN_ID}_", f"case-events-h{RUN_ID}", f"case-events-h{RUN_ID}.dlt",
                  port_offset=PORT_OFFSET + 800, extra_env={"COURT_CLOCK_DRILL": "1"})
    run_coro(sys_.prepare(partitions=3))
    OTHER_SYSTEMS.append(sys_)  # its calls count for the route coverage
    for name in APPS:
        sys_.start(name)
    try:
        sys_.wait_ready(timeout=120)
        yield sys_
    finally:
        sys_.stop_all()
        if not os.environ.get("KEEP_TEST_DATA"):
            run_coro(stack.delete_topics(bootstrap, sys_.topics))
            run_coro(stack.delete_databases(server_dsn, [sys_.db_name(s.name) for s in SERVICES]))


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=60) as client:
        yield client


async def calendars(http: httpx.AsyncClient, system: System, names: list[str]) -> dict[str, dict[str, Any]]:
    out = {}
    for name in names:
        r = await http.get(f"{system.url(name)}/readyz")
        out[name] = r.json().get("checks", {}).get("calendar", {})
    return out


async def everyone_has_2031(http: httpx.AsyncClient, system: System, names: list[str]) -> dict[str, Any]:
    async def loaded() -> dict[str, Any] | None:
        shown = await calendars(http, system, names)
        ok = all(2031 in c.get("years_loaded", []) and c.get("caught_up") for c in shown.values())
        return shown if ok else None

    result: dict[str, Any] = await poll(loaded, "2031 loaded in every process's calendar", timeout=15)
    return result


async def decide_by(http: httpx.AsyncClient, system: System) -> tuple[str, str]:
    r = await http.post(f"{system.url('intake')}/applications", headers=CLERK,
                        json=application(application_date=APPLIED.isoformat()))
    assert r.status_code == 201, r.text
    return r.json()["case_id"], r.json()["decide_by"]


async def node(http: httpx.AsyncClient, system: System, case_id: str, prefix: str, due: str) -> dict[str, Any]:
    async def found() -> dict[str, Any] | None:
        r = await http.get(f"{system.url('supervision')}/cases/{case_id}/deadlines", headers=SUPERVISOR)
        if r.status_code != 200:
            return None
        hits = [d for d in r.json()["deadlines"] if d["key"].startswith(prefix) and d["due"] == due]
        return hits[0] if hits else None

    result: dict[str, Any] = await poll(found, f"supervision's {prefix} node due {due}")
    return result


async def test_a_year_loaded_through_supervision_moves_every_services_periods_alike(
    cal: System, http: httpx.AsyncClient
) -> None:
    r = await http.post(f"{cal.url('supervision')}/admin/clock", headers=ADMIN,
                        json={"to": "2031-04-01T10:00:00+08:00", "reason": "演练：2031 年"})
    assert r.status_code == 200, r.text
    assert WEDNESDAY.weekday() == 2

    # Before: 2031 is unknown to the package, and nobody has loaded it — weekends only, everywhere.
    before = await calendars(http, cal, APPS)
    assert all(c["years_loaded"] == [] and c["caught_up"] in (True, None) for c in before.values()), before
    assert all(c["otherwise"] == "weekend_fallback" for c in before.values())
    case_before, due_before = await decide_by(http, cal)
    assert due_before == WEDNESDAY.isoformat()

    # The administrator loads 2031 (one rest day on a Wednesday) through supervision.
    url = f"{cal.url('supervision')}/admin/holidays/2031"
    body = {"holidays": [WEDNESDAY.isoformat()], "workdays": [], "source": "国办发明电〔2030〕99号（演练）",
            "reason": "演练：2031 年安排"}
    assert (await http.put(url, json=body, headers=SUPERVISOR)).status_code == 403
    r = await http.put(url, json=body, headers=ADMIN)
    assert r.status_code == 200, r.text
    loaded = r.json()
    assert (loaded["year"], loaded["holidays"], loaded["source"]) == (2031, 1, "国办发明电〔2030〕99号（演练）")
    shown = await everyone_has_2031(http, cal, APPS)
    for name, c in shown.items():
        year = c["source_per_year"]["2031"]
        assert (year["source"], year["document"], year["loaded_by"], year["event_id"]) == (
            "administrator", body["source"], "cal-admin-01", loaded["event_id"]), name
    listed = (await http.get(f"{cal.url('supervision')}/admin/holidays", headers=ADMIN)).json()["years"]
    [y2031] = [y for y in listed if y["year"] == 2031]
    assert (y2031["source"], y2031["reason"], y2031["event_id"]) == (body["source"], body["reason"],
                                                                    loaded["event_id"])

    # intake: 7 days from 03-05 end on the Wednesday, now a rest day: 03-13
    case_id, due = await decide_by(http, cal)
    assert due == "2031-03-13"
    await node(http, cal, case_id, "register", "2031-03-13")  # supervision counts the same
    await node(http, cal, case_before, "register", "2031-03-13")  # and recomputed the earlier one

    # disposal: funds received 02-10 are to be paid out in 30 days: the Wednesday, moved to 03-13
    paid_case = str(uuid.uuid4())
    await publish(cal, *registered_and_assigned(paid_case, "judge-101"))
    await known_to_disposal(http, cal, paid_case, JUDGE, judge="judge-101")
    r = await http.post(f"{cal.url('disposal')}/cases/{paid_case}/ledger/receipts", headers=FIN,
                        json={"source": "voluntary_payment", "amount_fen": 500_000,
                              "received_on": RECEIVED.isoformat()})
    assert r.status_code == 201, r.text
    [item] = await of_case(http, cal.url("disposal"), FIN, paid_case)
    assert (item["kind"], item["due"]) == ("payout_propose", "2031-03-13")
    await node(http, cal, paid_case, "payout:", "2031-03-13")  # supervision's payout node alike

    # A restarted intake has the year before it serves.
    cal.stop("intake")
    cal.start("intake")
    cal.wait_ready(["intake"], timeout=90)
    [restarted] = (await calendars(http, cal, ["intake"])).values()
    assert 2031 in restarted["years_loaded"] and restarted["caught_up"] is True
    _, due_again = await decide_by(http, cal)
    assert due_again == "2031-03-13"


async def test_a_year_supervision_held_before_the_calendar_topic_is_published_at_its_start(
    cal: System, http: httpx.AsyncClient
) -> None:
    # A year in supervision's table as the route wrote it before the calendar topic existed (no record id).
    conn = await asyncpg.connect(cal.dsn("supervision"))
    try:
        await conn.execute("INSERT INTO holiday_years (year, holidays, workdays, loaded_by) VALUES ($1, $2, $3, $4)",
                           2032, [date(2032, 3, 10)], [], "admin-old-01")
    finally:
        await conn.close()
    cal.stop("supervision")
    cal.start("supervision")
    cal.wait_ready(["supervision"], timeout=90)

    async def everywhere() -> dict[str, Any] | None:
        shown = await calendars(http, cal, APPS)
        ok = all("2032" in c.get("source_per_year", {}) for c in shown.values())
        return shown if ok else None

    shown = await poll(everywhere, "2032 published to every process by the restarted supervision", timeout=15)
    assert {c["source_per_year"]["2032"]["loaded_by"] for c in shown.values()} == {"admin-old-01"}
    listed = (await http.get(f"{cal.url('supervision')}/admin/holidays", headers=ADMIN)).json()["years"]
    [y2032] = [y for y in listed if y["year"] == 2032]
    assert y2032["event_id"] == shown["intake"]["source_per_year"]["2032"]["event_id"]  # published once, recorded
