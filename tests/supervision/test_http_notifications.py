"""Reminders, overdue steps and escalation reach a real webhook gateway exactly once.

A private supervision instance (own database, own topic) runs with its gateway pointed at a tiny
webhook server started here, a fixed scanner day, a fast scan interval and ``as_of`` scans
allowed. Scans are repeated, the instance is restarted and the projection rebuilt: each step is
delivered once, and the rebuild sends and publishes nothing.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import asyncpg
import httpx
import pytest

from deploy import stack
from deploy.system import System
from shared.envelope import derived_event_id
from tests.conftest import RUN_ID, auth, scratch_database
from tests.supervision.helpers import ADMIN, SUPERVISOR, Story, publish, wait_trail

INSTANCE = "supervision@notif"
SCANNER_DAY = "2026-03-03"  # the private instance's background scanner always scans this day


@dataclass
class Webhook:
    """An SMS/webhook gateway stand-in: records every POST; can refuse the next few with 503."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    fail_next: int = 0
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def delivered(self, **match: Any) -> list[dict[str, Any]]:
        with self.lock:
            bodies = [r["body"] for r in self.requests if r["status"] == 200]
        return [b for b in bodies if all(_get(b, k) == v for k, v in match.items())]


def _get(body: dict[str, Any], key: str) -> Any:
    return body["recipient"].get("role") if key == "role" else body.get(key)


def serve(hook: Webhook) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with hook.lock:
                status = 503 if hook.fail_next > 0 else 200
                hook.fail_next -= status == 503
                hook.requests.append(
                    {"status": status, "body": body, "idempotency_key": self.headers.get("Idempotency-Key")}
                )
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@dataclass
class Notif:
    system: System
    hook: Webhook
    env: dict[str, str]
    port: int
    topic: str
    dsn: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.system.start("supervision", instance="notif", port=self.port, extra_env=self.env)
        self.system.wait_ready([INSTANCE], timeout=60)

    def restart(self) -> None:
        self.system.stop(INSTANCE)
        self.start()


@pytest.fixture(scope="module")
def hook() -> Iterator[Webhook]:
    h = Webhook()
    server = serve(h)
    h.port = server.server_address[1]
    yield h
    server.shutdown()


@pytest.fixture(scope="module")
async def notif(system: System, hook: Webhook) -> AsyncIterator[Notif]:
    name = f"t{RUN_ID}_supervision_notif"
    topic = f"{system.topic}.notif"
    await stack.create_topics(system.bootstrap, {topic: 3, f"{topic}.dlt": 3})
    dsn = await asyncio.to_thread(scratch_database, system.server_dsn, name)
    env = {
        "SUPERVISION_DATABASE_URL": dsn,
        "SUPERVISION_CONSUMER_GROUP": name,
        "CASE_EVENTS_TOPIC": topic,
        "DEAD_LETTER_TOPIC": f"{topic}.dlt",
        "SUPERVISION_NOTIFICATIONS__GATEWAY_URL": f"http://127.0.0.1:{hook.port}/sms",
        "SUPERVISION_NOTIFICATIONS__BACKOFF_S": "0.2",
        "SUPERVISION_NOTIFICATIONS__POLL_INTERVAL_S": "0.2",
        "SUPERVISION_SCANNER__INTERVAL_S": "0.3",
        "SUPERVISION_SCANNER__TODAY": SCANNER_DAY,
        "SUPERVISION_SCANNER__ALLOW_AS_OF": "true",
        "SUPERVISION_NOTIFICATIONS__PUSH_NEXT_NODE": "false",  # the deadline steps only (next nodes: issue 18's test)
        "SUPERVISION_RELAY_POLL_INTERVAL_S": "0.2",
    }
    n = Notif(system, hook, env, system.port("supervision") + 2, topic, dsn)
    n.start()
    try:
        yield n
    finally:
        system.stop(INSTANCE)
        await stack.delete_topics(system.bootstrap, [topic, f"{topic}.dlt"])
        await stack.delete_databases(system.server_dsn, [name])


@dataclass
class PrivateView(System):
    """The private instance as the helpers of ``story`` see a system: its topic and its URL."""

    private_url: str = ""

    def url(self, service: str) -> str:
        return self.private_url


def private(n: Notif) -> PrivateView:
    s = n.system
    return PrivateView(s.server_dsn, s.bootstrap, s.db_prefix, n.topic, f"{n.topic}.dlt", private_url=n.url)


async def scan(http: httpx.AsyncClient, n: Notif, as_of: str) -> dict[str, Any]:
    r = await http.post(f"{n.url}/admin/deadline-scan", headers=ADMIN, params={"as_of": as_of})
    assert r.status_code == 200, r.text
    return r.json()


async def settle(n: Notif, http: httpx.AsyncClient) -> None:
    """Until the notification outbox has nothing left to send."""
    for _ in range(200):
        r = await http.get(f"{n.url}/notifications", headers=SUPERVISOR, params={"status": "pending"})
        if not r.json()["notifications"]:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("notifications still pending")


async def background_warning(hook: Webhook, case_id: str) -> dict[str, Any]:
    """The first notification the background scanner sends for the case (it scans every 0.3 s)."""
    for _ in range(100):
        if delivered := hook.delivered(case_id=case_id):
            return delivered[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"the background scanner sent nothing for case {case_id} within 10 s")


async def counts(n: Notif) -> tuple[int, int, int]:
    conn = await asyncpg.connect(n.dsn)
    try:
        return (
            await conn.fetchval("SELECT count(*) FROM deadline_steps"),
            await conn.fetchval("SELECT count(*) FROM notification_outbox"),
            await conn.fetchval("SELECT count(*) FROM events"),
        )
    finally:
        await conn.close()


def case_a() -> Story:
    """Registered and assigned on Mon 2 March, notice issued; the first search (due Thu 5th) never runs."""
    s = Story()
    s.on("2026-03-02").registered()
    s.add(
        "intake.case_assigned", "affairs-1", "affairs_clerk", judge_id="judge-n1", team_id="team-n1", track="ordinary",
        team_lead_id="lead-n1"
    )
    s.add("intake.notice_issued", "affairs-1", "affairs_clerk", notice_kind="enforcement_notice", signed_by="judge-n1")
    return s


async def test_a_warning_and_each_overdue_step_reach_the_gateway_once_however_often_the_scanner_runs(
    notif: Notif, http: httpx.AsyncClient, hook: Webhook
) -> None:
    s = case_a()
    view = private(notif)
    await publish(view, s.envelopes)
    await wait_trail(http, view, s.case_id, 3)

    # The background scanner (day fixed at 3 March, every 0.3 s) warns the judge, once: more scans
    # of that day (the scanner's own pass, asked for here so they are seen to run) record nothing.
    await background_warning(hook, s.case_id)
    for _ in range(3):
        assert (await scan(http, notif, SCANNER_DAY))["steps"] == {}
    await settle(notif, http)
    [warning] = hook.delivered(case_id=s.case_id)
    assert (warning["step"], warning["node_key"], warning["deadline"]) == ("warning", "first_search", "2026-03-05")
    assert warning["recipient"] == {"role": "judge", "id": "judge-n1", "court": "黔01"}
    assert warning["node_name"] == "首次网络查控" and warning["case_number"] == s.envelopes[0].payload["case_number"]

    # 6 March: overdue (the judge) and level 1 (the team lead); 14 March: level 2 (the bureau chief).
    first = await scan(http, notif, "2026-03-06")
    assert first["steps"] == {"overdue": 1, "level_1": 1}
    for _ in range(3):
        assert (await scan(http, notif, "2026-03-06"))["steps"] == {}
    assert (await scan(http, notif, "2026-03-14"))["steps"] == {"level_2": 1}
    assert (await scan(http, notif, "2026-03-14"))["steps"] == {}
    await settle(notif, http)
    got = [(b["step"], b["recipient"]["role"], b["level"]) for b in hook.delivered(case_id=s.case_id)]
    assert got == [
        ("warning", "judge", 0),
        ("overdue", "judge", 1),
        ("level_1", "team_lead", 1),
        ("level_2", "bureau_chief", 2),
    ]
    bodies = hook.delivered(case_id=s.case_id)
    assert bodies[2]["recipient"]["team_id"] == "team-n1" and bodies[3]["days_overdue"] == 9
    assert bodies[2]["recipient"]["id"] == "lead-n1"  # the team's lead the assignment names (case_assigned v2)
    assert "督办升级至执行局长" in bodies[3]["message"]
    assert all(r["idempotency_key"] == r["body"]["notification_id"] for r in hook.requests)

    # Published once each, with ids derived from case, node, due date and level.
    events = await wait_trail(http, view, s.case_id, 3, service="supervision")
    assert [(e["event_type"], e["payload"]["level"]) for e in events] == [
        ("supervision.deadline_overdue", 1),
        ("supervision.escalated", 1),
        ("supervision.escalated", 2),
    ]
    assert events[2]["event_id"] == str(
        derived_event_id(s.case_id, 2, "supervision.deadline:first_search:2026-03-05:level_2")
    )
    assert events[0]["summary"] == "期限超期：首次网络查控，应于 2026-03-05 前完成，已超期 1 日"
    assert events[0]["causation_id"] == str(s.envelopes[0].event_id)

    # A restart scans again at start: nothing new goes out. (Its start-up pass is the scan of the
    # scanner's day, run here too: whenever the background one runs, it finds what these found.)
    before = await counts(notif)
    await asyncio.to_thread(notif.restart)
    assert (await scan(http, notif, "2026-03-14"))["steps"] == {}
    assert (await scan(http, notif, SCANNER_DAY))["steps"] == {}
    await settle(notif, http)
    assert await counts(notif) == before
    assert len(hook.delivered(case_id=s.case_id)) == 4


async def test_a_refusing_gateway_is_retried_with_backoff_until_it_takes_the_message(
    notif: Notif, http: httpx.AsyncClient, hook: Webhook
) -> None:
    s = case_a()
    view = private(notif)
    await publish(view, s.envelopes)
    await wait_trail(http, view, s.case_id, 3)
    await scan(http, notif, "2026-03-04")  # the background scanner may have warned already
    await settle(notif, http)
    hook.fail_next = 2
    assert (await scan(http, notif, "2026-03-06"))["steps"] == {"overdue": 1, "level_1": 1}
    await settle(notif, http)
    sent = (await http.get(f"{notif.url}/notifications", headers=SUPERVISOR, params={"case_id": s.case_id})).json()
    later = [x for x in sent["notifications"] if x["step"] != "warning"]
    assert {x["status"] for x in later} == {"sent"}
    assert sum(x["attempts"] for x in later) == 4  # two refusals, then each taken once
    assert any(x["last_error"] is None and x["attempts"] > 1 for x in later)
    assert sorted(b["step"] for b in hook.delivered(case_id=s.case_id)) == ["level_1", "overdue", "warning"]


async def test_closed_zhongben_cases_are_watched_and_the_applicant_hears_of_their_money(
    notif: Notif, http: httpx.AsyncClient, hook: Webhook
) -> None:
    applicant = {"kind": "organisation", "name": "贵州某某建材有限公司", "id_number": "91110000600037341L"}
    s = Story()
    s.on("2026-03-02").registered(applicant=applicant)
    s.add(
        "intake.case_assigned", "affairs-1", "affairs_clerk", judge_id="judge-n3", team_id="team-n3", track="ordinary"
    )
    s.add("intake.notice_issued", "affairs-1", "affairs_clerk", notice_kind="enforcement_notice")
    s.add("asset_search.query_dispatched", "search-1", "search_officer", query_id="q1", agency_kind="bank")
    s.add(
        "asset_search.control_confirmed",
        "search-1",
        "search_officer",
        control_id="c1",
        asset_id="a1",
        measure="freeze",
        effective_date="2026-03-02",
        expiry_date="2026-04-10",
        controlled_by="bank-1",
    )
    s.add("disposal.funds_received", "fin-1", "finance_officer", entry_id="e1", amount_fen=5000,
          source="bank_deduction")
    s.on("2026-03-03").add("intake.case_closed", "judge-n3", "judge", closure_type="终本", judge_id="judge-n3")
    view = private(notif)
    await publish(view, s.envelopes)
    await wait_trail(http, view, s.case_id, len(s.envelopes))

    # 29 March: the control (renew by 9 April) is warned 15 days ahead; the payout (due 1 April)
    # 3 days ahead, to the judge and the applicant; the closed case's investigation is not chased.
    report = await scan(http, notif, "2026-03-29")
    assert report["steps"].get("warning", 0) >= 2
    await settle(notif, http)
    got = {(b["node"], b["recipient"]["role"]) for b in hook.delivered(case_id=s.case_id)}
    assert got == {("renew", "judge"), ("payout", "judge"), ("payout", "applicant")}
    [to_applicant] = hook.delivered(case_id=s.case_id, role="applicant")
    assert to_applicant["recipient"]["id"] == "91110000600037341L"
    assert to_applicant["message"].startswith("【执行案件节点告知】您申请执行的")

    # The 6-monthly re-search after 终本 (due 3 September) is warned and then escalated.
    await scan(http, notif, "2026-08-20")
    await scan(http, notif, "2026-09-05")
    await settle(notif, http)
    research = [(b["step"], b["recipient"]["role"]) for b in hook.delivered(case_id=s.case_id, node="zhongben_search")]
    assert research == [("warning", "judge"), ("overdue", "judge"), ("level_1", "team_lead")]


async def test_a_rebuild_sends_and_publishes_nothing(notif: Notif, http: httpx.AsyncClient, hook: Webhook) -> None:
    s = case_a()
    view = private(notif)
    await publish(view, s.envelopes)
    await wait_trail(http, view, s.case_id, 3)
    await scan(http, notif, "2026-03-20")
    await settle(notif, http)
    await wait_trail(http, view, s.case_id, 3, service="supervision")
    before, delivered = await counts(notif), len(hook.requests)

    started = await http.post(f"{notif.url}/admin/rebuild", headers=ADMIN)
    assert started.status_code == 202, started.text
    for _ in range(600):
        run = (await http.get(f"{notif.url}/admin/rebuild/{started.json()['run_id']}", headers=ADMIN)).json()
        if run["status"] != "running":
            break
        await asyncio.sleep(0.1)
    assert run["status"] == "swapped", run
    assert (await scan(http, notif, "2026-03-20"))["steps"] == {}
    assert (await scan(http, notif, SCANNER_DAY))["steps"] == {}  # the background scanner's pass
    await settle(notif, http)
    assert await counts(notif) == before
    assert len(hook.requests) == delivered
    trail = await wait_trail(http, view, s.case_id, 3, service="supervision")
    assert [e["event_type"] for e in trail].count("supervision.escalated") == 2


async def test_only_a_drill_may_name_the_scan_day(system: System, http: httpx.AsyncClient) -> None:
    url = f"{system.url('supervision')}/admin/deadline-scan"
    refused = await http.post(url, headers=ADMIN, params={"as_of": "2026-03-06"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "as_of"
    assert (await http.post(url, headers=SUPERVISOR)).status_code == 403


async def test_the_recorded_steps_are_listed_by_case_step_and_level(notif: Notif, http: httpx.AsyncClient) -> None:
    s = case_a()
    view = private(notif)
    await publish(view, s.envelopes)
    await wait_trail(http, view, s.case_id, 3)
    url = f"{notif.url}/deadline-steps"

    async def steps(**params: Any) -> list[tuple[Any, ...]]:
        r = await http.get(url, headers=SUPERVISOR, params={"case_id": s.case_id, **params})
        assert r.status_code == 200, r.text
        return [(x["key"], x["node"], x["due"], x["step"], x["level"], x["days_overdue"], x["judge_id"],
                 x["team_id"], x["as_of"], x["event_id"]) for x in r.json()["steps"]]

    for _ in range(100):  # the background scanner (day fixed at 3 March) warns first
        if await steps():
            break
        await asyncio.sleep(0.1)
    await scan(http, notif, "2026-03-06")
    await scan(http, notif, "2026-03-14")

    def event(name: str, level: int) -> str:
        return str(derived_event_id(s.case_id, level, f"supervision.deadline:first_search:2026-03-05:{name}"))

    node = ("first_search", "first_search", "2026-03-05")
    people = ("judge-n1", "team-n1")
    assert await steps() == [
        (*node, "warning", 0, 0, *people, "2026-03-03", None),
        (*node, "overdue", 1, 1, *people, "2026-03-06", event("overdue", 1)),
        (*node, "level_1", 1, 1, *people, "2026-03-06", event("level_1", 1)),
        (*node, "level_2", 2, 9, *people, "2026-03-14", event("level_2", 2)),
    ]
    assert [x[3] for x in await steps(level=1)] == ["overdue", "level_1"]
    assert [x[3] for x in await steps(step="level_2")] == ["level_2"]
    elsewhere = await http.get(url, headers=auth("sup-gz", "supervisor", court="赣0502"),
                               params={"case_id": s.case_id})
    assert elsewhere.status_code == 200 and elsewhere.json()["steps"] == []
    clerk = await http.get(url, headers=auth("clerk-n1", "intake_clerk"), params={"case_id": s.case_id})
    assert clerk.status_code == 403
