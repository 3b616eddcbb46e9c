"""Rebuild from the log and verify, over the real Kafka and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import datetime
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer

from deploy.system import REPO, System
from shared.envelope import SHANGHAI
from tests.conftest import auth
from tests.supervision.helpers import ADMIN, SUPERVISOR, Story, publish, wait_trail
from tests.waits import drained, end_offsets, poll

LOG_AT_LEAST = 1500  # events on the run's topic before the first rebuild: its replay takes a while


COURT = "沪0115"  # the first test's court: no other test's cases show on its boards
WATCHER = auth("sup-rb1", "supervisor", court=COURT)
FILLER_COURT = "粤03"  # where the cases that only make the log longer live
# The stories live in 2091: no deadline of theirs is due by the day the suite runs, so the live
# deadline scanner (at start, then hourly) never adds its steps to their trails while they are
# compared; the boards are read as of days in 2091. (No holiday package covers 2091 and no test loads
# a schedule for it: the fallback calendar, the same live and rebuilt.)
START = datetime(2091, 3, 2, 9, 0, tzinfo=SHANGHAI)
PERIOD = {"from": "2091-01-01", "to": "2091-12-31"}
AS_OF = "2091-11-02"  # the day the boards are read for: the stories' deadlines are due or past by then
# a late case's nodes past due by then: registered 2 March, never assigned, searched, investigated
# or closed, its money never paid out
LATE_OVERDUE = ("assign", "close", "first_search", "investigation", "payout:l1")


def busy_story(n: int, clash: bool = True, *, court: str = "黔01", team: str = "team-1", closed: bool = False) -> Story:
    """A case with funds, a control and (with ``clash``) a finding, so every projection has rows;
    registered and assigned, so asset_search searches it (the simulator answers within a second)."""
    s = Story(court=court, start=START)
    s.registered(f"clerk-{n}")
    s.add(
        "intake.case_assigned",
        "affairs-1",
        "affairs_clerk",
        judge_id=f"judge-{n}",
        team_id=team,
        track="ordinary",
        assigned_by="affairs-1",
    )
    s.add("asset_search.query_dispatched", f"off-{n}", "search_officer", query_id="q1", agency_kind="bank")
    s.add(
        "asset_search.control_confirmed",
        "search-1",
        "search_officer",
        control_id="c1",
        asset_id="a1",
        measure="freeze",
        expiry_date="2091-09-01",
        controlled_by="search-1",
    )
    s.add(
        "disposal.funds_received",
        f"off-{n}" if clash else "fin-1",
        "finance_officer",
        entry_id="e1",
        amount_fen=1000,
        source="bank_deduction",
    )
    if closed:
        s.on("2091-03-20").add(
            "intake.case_closed",
            "chief-1",
            "bureau_chief",
            closure_type="执行完毕",
            judge_id=f"judge-{n}",
            approved_by="chief-1",
            registered_on="2091-03-02",
            closed_on="2091-03-20",
        )
    return s


def late_story(n: int) -> Story:
    """A case that arrives while the rebuild runs: registered and triaged, money received; no other
    service reacts to it, so its trail is exactly what is published here."""
    s = Story(court=COURT, start=START)
    s.registered(f"clerk-l{n}")
    s.add("intake.case_triaged", "system", None, track="ordinary")
    s.add("disposal.funds_received", "fin-1", "finance_officer", entry_id="l1", amount_fen=5, source="bank_deduction")
    return s


def filler(n: int) -> list[Story]:
    """``n`` one-event cases of another court: a log long enough that the replay takes a while."""
    out = []
    for i in range(n):
        s = Story(court=FILLER_COURT, start=START)
        s.registered(f"clerk-f{i % 7}")
        out.append(s)
    return out


async def land(http: httpx.AsyncClient, system: System, stories: list[Story]) -> None:
    for s in stories:  # a story's events come first in its partition: they are seq 1..n
        await wait_trail(http, system, s.case_id, len(s.envelopes))


async def rebuild(http: httpx.AsyncClient, system: System, **params: Any) -> dict[str, Any]:
    base = f"{system.url('supervision')}/admin/rebuild"
    started = await http.post(base, headers=ADMIN, params=params)
    assert started.status_code == 202, started.text

    async def status() -> dict[str, Any]:
        return dict((await http.get(f"{base}/{started.json()['run_id']}", headers=ADMIN)).json())

    return await poll(status, "the rebuild to finish", timeout=120, until=lambda r: r["status"] != "running")


async def verify(http: httpx.AsyncClient, system: System) -> dict[str, Any]:
    r = await http.post(f"{system.url('supervision')}/admin/verify", headers=ADMIN)
    assert r.status_code == 200
    return dict(r.json())


async def derived_events(system: System) -> int:
    """How many events supervision has published other than the deadline scanner's (a rebuild must
    add none; the scanner is a publisher of its own, apart from any projection)."""
    conn = await asyncpg.connect(system.dsn("supervision"))
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM events WHERE envelope->>'correlation_id' NOT LIKE 'supervision.scan:%'"
            )
        )
    finally:
        await conn.close()


async def read(http: httpx.AsyncClient, system: System, path: str, **params: Any) -> Any:
    r = await http.get(f"{system.url('supervision')}{path}", headers=WATCHER, params=params)
    assert r.status_code == 200, (path, r.text)
    return r.json()


async def users_view(http: httpx.AsyncClient, system: System, cases: list[str], team: str) -> dict[str, Any]:
    """What the court's watchers read about ``cases`` (and ``team``) through supervision's API."""
    view: dict[str, Any] = {
        "findings": (await read(http, system, "/findings"))["findings"],
        "overdue": (await read(http, system, "/deadlines", status="overdue", as_of=AS_OF, team_id=team))["deadlines"],
        "warning": (await read(http, system, "/deadlines", status="warning", as_of="2091-03-03", team_id=team))[
            "deadlines"
        ],
        "indicators": await read(http, system, "/indicators", team_id=team, group_by="judge", **PERIOD),
        "court": (await read(http, system, "/indicators", **PERIOD))["totals"],
        "agencies": (await read(http, system, "/indicators/agencies", **PERIOD))["agencies"],
        "by_team": {
            r["team_id"]: r for r in (await read(http, system, "/indicators/overdue", as_of=AS_OF))["by_team"]
        }.get(team),
    }
    for case_id in cases:
        view[case_id] = {
            "trail": (await read(http, system, f"/cases/{case_id}/trail"))["events"],
            "deadlines": (await read(http, system, f"/cases/{case_id}/deadlines", as_of=AS_OF))["deadlines"],
        }
    return view


def only(rows: list[dict[str, Any]], cases: list[str]) -> list[dict[str, Any]]:
    return [r for r in rows if r["case_id"] in cases]


async def quiet(http: httpx.AsyncClient, system: System, stories: list[Story]) -> None:
    """Until the services' reactions to ``stories`` are over (asset_search's first search round is
    answered by the simulator and recorded) and supervision has applied everything published."""
    # the real asset_search searches every story's case and those of the filler (≥ 1,500 events on the
    # log): under load its first rounds can take more than the usual 30 s
    for s in stories:
        await wait_trail(http, system, s.case_id, 1, headers=WATCHER, tries=1200,
                         event_type="asset_search.search_completed")
    await drained(http, system)


async def test_users_read_the_same_before_and_after_a_rebuild_while_events_keep_arriving(
    system: System, http: httpx.AsyncClient
) -> None:
    team = f"team-{uuid.uuid4().hex[:6]}"
    stories = [busy_story(n, clash=n % 2 == 0, court=COURT, team=team, closed=n % 3 == 0) for n in range(6)]
    cases = [s.case_id for s in stories]
    await publish(system, [e for s in stories for e in s.envelopes])
    await publish(system, stories[0].envelopes[1:3])  # a relay publishing twice
    logged = sum((await end_offsets(system)).values())
    await publish(system, [s.envelopes[0] for s in filler(max(0, LOG_AT_LEAST - logged))])
    await quiet(http, system, stories)
    before = await verify(http, system)
    assert before["ok"], before
    published_before = await derived_events(system)
    seen = await users_view(http, system, cases, team)
    # What the view holds: this test's six cases, three findings (互相制约-1: searcher and payer), two closed,
    # and boards with rows.
    assert seen["overdue"] and seen["warning"] and seen["agencies"] and seen["by_team"]["cases"] == 6
    assert sorted(f["case_id"] for f in only(seen["findings"], cases)) == sorted(cases[0::2])
    assert (seen["indicators"]["totals"]["received"], seen["indicators"]["totals"]["closed"]) == (6, 2)
    assert all(len(seen[c]["trail"]) > len(s.envelopes) for c, s in zip(cases, stories, strict=True))

    # Late cases keep arriving from before the rebuild starts until after it has swapped.
    late: list[tuple[Story, float]] = []  # each story and when its last event was acknowledged
    observed: list[tuple[float, str, Any]] = []  # (when, status, progress) of the rebuild
    finished = asyncio.Event()
    producer = AIOKafkaProducer(bootstrap_servers=system.bootstrap, acks="all", enable_idempotence=True)
    await producer.start()

    async def keep_publishing() -> None:
        for n in itertools.count():
            last = finished.is_set()  # then this one goes out once the rebuild was seen to end
            s = late_story(n)
            for env in s.envelopes:
                await producer.send_and_wait(system.topic, env.to_bytes(), key=env.case_id.encode())
            late.append((s, time.monotonic()))
            if last:
                return
            await asyncio.sleep(0.05)

    publisher = asyncio.create_task(keep_publishing())
    try:
        async def publishing() -> int:
            return len(late)

        await poll(publishing, "the publisher to be publishing")
        base = f"{system.url('supervision')}/admin/rebuild"
        started = await http.post(base, headers=ADMIN)
        assert started.status_code == 202, started.text

        async def status() -> dict[str, Any]:
            body = dict((await http.get(f"{base}/{started.json()['run_id']}", headers=ADMIN)).json())
            observed.append((time.monotonic(), body["status"], body.get("progress")))
            return body

        result = await poll(
            status, "the rebuild to finish", timeout=120, interval=0.02, until=lambda r: r["status"] != "running"
        )
        finished.set()
        await publisher
    finally:
        finished.set()
        publisher.cancel()
        with contextlib.suppress(BaseException):
            await publisher
        await producer.stop()

    assert result["status"] == "swapped", result["report"]
    report = result["report"]
    assert report["identical"] and report["rebuilt"]["ok"]
    assert report["rebuilt"]["digests"] == report["live"]["digests"]
    assert report["events_per_s"] > 0 and report["peak_rss_mb"] > 0
    # The publisher was still publishing once the replay had begun (its end offsets were taken before
    # it reported any progress): cases acknowledged after that and before the rebuild was seen to end
    # arrived during the rebuild.
    replaying = [t for t, st, progress in observed if st == "running" and progress]
    assert replaying, f"the rebuild was never seen replaying: {observed}"
    last_running = max(t for t, st, _ in observed if st == "running")
    during = [s for s, acked in late if replaying[0] < acked < last_running]
    assert during, (observed, [acked for _, acked in late])
    assert any(acked > last_running for _, acked in late)  # …and kept on after the swap

    # What users read: the same about every case that was there before; the late ones all in.
    await drained(http, system)
    now = await users_view(http, system, cases, team)
    assert now["findings"] == seen["findings"]  # the court's: the late cases raise none
    for key in ("overdue", "warning", "indicators", "agencies", "by_team", *cases):
        assert now[key] == seen[key], key
    assert now["court"]["received"] - seen["court"]["received"] == len(late)
    for s, _ in late:
        trail = (await read(http, system, f"/cases/{s.case_id}/trail"))["events"]
        assert [e["event_id"] for e in trail] == [str(e.event_id) for e in s.envelopes]
        assert [e["seq"] for e in trail] == [1, 2, 3]
        assert trail[1]["prev_hash"] == trail[0]["hash"] and trail[2]["prev_hash"] == trail[1]["hash"]
    # …and each is on the court's board with the nodes it has missed.
    board = (await read(http, system, "/deadlines", status="overdue", as_of=AS_OF, limit=5000))["deadlines"]
    assert len(board) < 5000
    late_cases = {s.case_id for s, _ in late}
    assert {(d["case_id"], d["key"]) for d in board if d["case_id"] in late_cases} == {
        (c, key) for c in late_cases for key in LATE_OVERDUE
    }
    after = await verify(http, system)
    assert after["ok"], after
    assert await derived_events(system) == published_before  # the rebuild published nothing

    # The live consumer keeps appending to the swapped-in trail, on the same hash chain.
    trail = now[cases[1]]["trail"]
    more = stories[1].add(
        "disposal.funds_received", "fin-2", "finance_officer", entry_id="e2", amount_fen=5, source="bank_deduction"
    )
    await publish(system, [more])
    grown = await wait_trail(http, system, cases[1], len(trail) + 1, headers=WATCHER)
    assert grown[:-1] == trail
    assert grown[-1]["event_id"] == str(more.event_id) and grown[-1]["prev_hash"] == grown[-2]["hash"]


async def test_the_command_line_verifies_and_rebuilds_with_the_same_digest(system: System) -> None:
    env = {
        **os.environ,
        "SUPERVISION_DATABASE_URL": system.dsn("supervision"),
        "KAFKA_BOOTSTRAP_SERVERS": system.bootstrap,
        "CASE_EVENTS_TOPIC": system.topic,
    }

    def cli(*args: str, **extra_env: str) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-m", "services.supervision.rebuild.cli", *args],
            cwd=REPO,
            env={**env, **extra_env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    checked = await asyncio.to_thread(cli, "verify")
    assert checked["ok"]
    rebuilt = await asyncio.to_thread(cli, "run")
    assert rebuilt["identical"] and rebuilt["swapped"]
    # Other services keep writing while the suite runs, so compare the two sides of the swap.
    assert rebuilt["rebuilt"]["digests"]["all"] == rebuilt["live"]["digests"]["all"]
    # A long log is replayed and checked by worker processes (partitions, then ranges of cases
    # side by side): the same projection. Forced here on the suite's short log.
    parallel = await asyncio.to_thread(
        cli, "run", SUPERVISION_REBUILD_WORKERS="2", SUPERVISION_REBUILD_PARALLEL_MIN_EVENTS="0"
    )
    assert parallel["identical"] and parallel["swapped"] and parallel["rebuilt"]["ok"]
    assert parallel["rebuilt"]["digests"]["all"] == parallel["live"]["digests"]["all"]
    assert parallel["events"] >= rebuilt["events"] > 0


async def test_verify_detects_an_altered_event_and_a_rebuild_from_the_log_repairs_it(
    system: System, http: httpx.AsyncClient
) -> None:
    s = busy_story(99)
    await publish(system, s.envelopes)
    await land(http, system, [s])
    conn = await asyncpg.connect(system.dsn("supervision"))
    try:
        await conn.execute(
            "UPDATE audit_trail SET payload = jsonb_set(payload, '{amount_fen}', '1') WHERE case_id = $1 AND seq = 5",
            s.case_id,
        )
    finally:
        await conn.close()
    tampered = await verify(http, system)
    assert not tampered["ok"]
    assert {"case_id": s.case_id, "seq": 5, "reason": "哈希链断裂：事件内容或顺序被改动"} in tampered["broken_chains"]

    refused = await rebuild(http, system)
    assert refused["status"] == "aborted" and "不一致" in refused["report"]["reason"]
    repaired = await rebuild(http, system, require_identical="false")
    assert repaired["status"] == "swapped" and not repaired["report"]["identical"]
    assert (await verify(http, system))["ok"]
    trail = await http.get(f"{system.url('supervision')}/cases/{s.case_id}/trail", headers=SUPERVISOR)
    assert trail.json()["events"][4]["payload"]["amount_fen"] == 1000
