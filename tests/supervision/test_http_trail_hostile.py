"""No holes, ever: whatever a producer published reaches the trail, in order, and the chain holds.

What the database cannot store as published is kept escaped, flagged and reported (轨迹-1); what the
checks cannot read is kept and reported (轨迹-2); only bytes that are not an envelope go to the
dead-letter topic, and then supervision says so — ``/readyz`` 503, ``verify`` not ok, the dashboard's
banner — until someone acknowledges each one. A rebuild never stops on any of it and is identical.
"""

from __future__ import annotations

import asyncio
import itertools
import shutil
import tempfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
from aiokafka import AIOKafkaProducer

from deploy._common import run_dir
from deploy.system import System
from shared.envelope import ID_MAX, SHANGHAI
from tests.conftest import auth
from tests.supervision.helpers import ADMIN, SUPERVISOR, Story, publish, wait_trail
from tests.supervision.test_http_rebuild import rebuild, verify

try:
    from playwright.async_api import async_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    async_playwright = None  # type: ignore[assignment]

HOSTILE = "王\x00某\ue000\ue0000\u202e\u200b"  # NUL, the trail's own escape character (alone and before "0"), RLO, ZWSP


async def test_nul_and_other_hostile_text_in_an_event_leave_the_trail_gap_free_verified_and_rebuildable(
    system: System, http: httpx.AsyncClient
) -> None:
    s = Story()
    s.registered("clerk-h")
    s.add("intake.case_assigned", "system", None, judge_id="judge\x00h", team_id="t-1", track="ordinary",
          assigned_by="system")
    s.add("asset_search.lead_recorded", "search\x00h", "search_officer", lead_id="l-1",
          description=HOSTILE, target="花溪区\x00某路")
    s.add("disposal.funds_received", "fin-1", "finance_officer", entry_id="e-1", amount_fen=100,
          source="voluntary_payment", payer=HOSTILE)
    # no registered payload has free-form keys: a producer outside the contract sends one
    s.unchecked("elsewhere.thing_happened", "system", details={"kind": "address", HOSTILE: [HOSTILE]})
    await publish(system, s.envelopes)

    published = ["intake", "asset_search", "disposal", "elsewhere"]  # supervision's findings come after
    trail = await wait_trail(http, system, s.case_id, len(s.envelopes), service=published)
    assert [e["seq"] for e in trail] == sorted(e["seq"] for e in trail)  # in order
    await gap_free(http, system, s.case_id)
    assert [e["event_id"] for e in trail] == [str(e.event_id) for e in s.envelopes]
    # read back exactly as published (the row holds NUL escaped), and flagged
    lead = trail[2]
    assert lead["payload"]["description"] == HOSTILE and lead["actor_id"] == "search\x00h" and lead["escaped"]
    assert lead["payload"]["target"] == "花溪区\x00某路"
    assert trail[4]["payload"]["details"][HOSTILE] == [HOSTILE] and trail[4]["escaped"]
    assert trail[3]["payload"]["payer"] == HOSTILE and "escaped" not in trail[0]

    report = await verify(http, system)  # (its ok also needs no open dead letter: other tests may leave some)
    assert not report["broken_chains"] and not report["broken_streams"], report  # chained as published
    result = await rebuild(http, system, require_identical="true")
    assert result["status"] == "swapped" and result["report"]["identical"], result["report"]
    after = (
        await http.get(
            f"{system.url('supervision')}/cases/{s.case_id}/trail", headers=SUPERVISOR, params={"service": published}
        )
    ).json()
    assert [e["event_id"] for e in after["events"]] == [e["event_id"] for e in trail]


# --- hostile producers over Kafka: what they publish, as bytes ----------------------------------------

NOW = datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)
JUDGE = auth("judge-hx", "judge")
OTHER_COURT = auth("sup-hx", "supervisor", court="赣0502")
BIDI = "\u202e王某\u200b\u2066"  # right-to-left override, zero-width space, isolate: storable as they are
HUGE = "长" * 200_000  # 600 kB of payload text
HUGE_NAME = "名" * 20_000
HUGE_ID = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(5000))  # far too long for a B-tree key


class Producer:
    """A producer outside the contract: whatever bytes it is given, on the run's topic, keyed by a case."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.kafka = AIOKafkaProducer(
            bootstrap_servers=system.bootstrap, acks="all", enable_idempotence=True, max_request_size=2_000_000
        )

    async def __aenter__(self) -> Producer:
        await self.kafka.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.kafka.stop()

    async def send(self, value: bytes | None, key: str) -> tuple[int, int]:
        """Published (and acknowledged): its partition and offset."""
        sent = await self.kafka.send_and_wait(self.system.topic, value, key=key.encode())
        return sent.partition, sent.offset


class Case:
    """One case's envelopes as a careless producer builds them: nothing validated, one stream."""

    def __init__(self) -> None:
        self.case_id = f"case-hx-{uuid.uuid4().hex[:12]}"
        self.version = 0
        self.ids: list[str] = []

    def draft(self, event_type: str, payload: dict[str, Any], *, actor_id: str = "hx-officer",
              name: str | None = None, role: str = "search_officer", stream: str = "") -> dict[str, Any]:
        at = (NOW + timedelta(minutes=5 * (len(self.ids) + 1))).isoformat()
        return {
            "event_id": str(uuid.uuid4()), "event_type": event_type, "schema_version": 1, "case_id": self.case_id,
            "stream_id": stream or f"hostile.story:{self.case_id}", "stream_version": 1, "occurred_at": at,
            "recorded_at": at, "producer": event_type.split(".")[0],
            "actor": {"kind": "officer", "id": actor_id, "name": name or actor_id, "role": role, "court": "黔01"},
            "court": "黔01", "correlation_id": self.case_id, "causation_id": None, "payload": payload,
        }  # fmt: skip

    def envelope(self, event_type: str, payload: dict[str, Any], **actor: Any) -> bytes:
        """The case's next event (its stream's next version)."""
        self.version += 1
        data = self.draft(event_type, payload, **actor) | {"stream_version": self.version}
        self.ids.append(data["event_id"])
        return orjson.dumps(data)


async def until(probe: Any, what: str, timeout: float = 60) -> Any:
    for _ in range(int(timeout / 0.2)):
        value = await probe()
        if value:
            return value
        await asyncio.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


async def gap_free(http: httpx.AsyncClient, system: System, case_id: str) -> list[dict[str, Any]]:
    """The case's whole trail, checked: seq 1..n, each event chained to the one before."""
    r = await http.get(f"{system.url('supervision')}/cases/{case_id}/trail", headers=SUPERVISOR)
    events = r.json()["events"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(events))
    return list(events)


async def ours(http: httpx.AsyncClient, system: System, c: Case) -> list[dict[str, Any]]:
    """The case's trail once it holds every event ``c`` published (other services may add theirs)."""

    async def probe() -> list[dict[str, Any]]:
        events = await gap_free(http, system, c.case_id) if await known(http, system, c.case_id) else []
        mine = [e for e in events if e["event_id"] in c.ids]
        return mine if len(mine) == len(c.ids) else []

    return list(await until(probe, f"{len(c.ids)} events of {c.case_id} in the trail"))


async def known(http: httpx.AsyncClient, system: System, case_id: str) -> bool:
    r = await http.get(f"{system.url('supervision')}/cases/{case_id}/trail", headers=SUPERVISOR, params={"limit": 1})
    return r.status_code == 200


async def findings_of(http: httpx.AsyncClient, system: System, case_id: str) -> list[dict[str, Any]]:
    r = await http.get(f"{system.url('supervision')}/findings", headers=SUPERVISOR, params={"case_id": case_id})
    return list(r.json()["findings"])


async def test_what_the_database_cannot_store_or_the_checks_cannot_read_is_kept_and_reported_and_rebuilt_identically(
    system: System, http: httpx.AsyncClient
) -> None:
    c = Case()
    reg = {"case_id": c.case_id, "court": "黔01", "application_date": "2026-03-02", "registered_by": "clerk-hx"}
    far = {"control_id": "k-1", "asset_id": "a-1", "measure": "seize", "effective_date": "9999-12-30",
           "expiry_date": "9999-12-31"}  # fmt: skip
    events = [
        c.envelope("intake.case_registered", reg, actor_id="clerk-hx", role="intake_clerk"),
        c.envelope("intake.case_assigned", {"judge_id": "judge\x00hx", "team_id": "team-1", "track": "ordinary"}),
        c.envelope("asset_search.lead_recorded", {"lead_id": "l-1", "description": "花溪区\x00某路",
                                                  "target": {"kind": "address", "号\x00": ["\x00"]}},
                   actor_id="search\x00hx"),  # NUL in a payload value, a payload key, the actor
        c.envelope("disposal.funds_received", {"entry_id": "e-1", "amount_fen": 100, "payer": BIDI}),
        c.envelope("hostile.note_recorded", {"note": HUGE}, name=HUGE_NAME),
        c.envelope("asset_search.lead_recorded", {"lead_id": HUGE_ID, "description": "线索"}),
        c.envelope("disposal.funds_received", {"entry_id": "e-2", "amount_fen": 5, "payer": "付款人\ue000"}),
        c.envelope("intake.objection_registered", {"objection_case_id": "o-1", "reviewers": 5}),  # not a list
        c.envelope("asset_search.control_confirmed", far),  # dates past the calendar
    ]
    async with Producer(system) as kafka:
        where = [await kafka.send(raw, c.case_id) for raw in events]
    escaped, unreadable = {1, 2, 6}, {7: "互相制约-8", 8: "期限计算"}

    trail = await ours(http, system, c)
    assert [e["event_id"] for e in trail] == c.ids  # every one, in the order published, no hole
    assert [bool(e.get("escaped")) for e in trail] == [i in escaped for i in range(len(events))]
    assert trail[1]["payload"]["judge_id"] == "judge\x00hx" and trail[2]["actor_id"] == "search\x00hx"
    assert trail[2]["payload"]["target"] == {"kind": "address", "号\x00": ["\x00"]}
    assert trail[3]["payload"]["payer"] == BIDI  # stored as published
    assert trail[4]["payload"]["note"] == HUGE and trail[4]["actor_name"] == HUGE_NAME
    assert trail[5]["payload"]["lead_id"] == HUGE_ID and trail[6]["payload"]["payer"] == "付款人\ue000"

    # Each escaped event raises 轨迹-1, each event a check could not read 轨迹-2: naming type and offset.
    async def reported() -> dict[str, list[dict[str, Any]]]:
        by_rule: dict[str, list[dict[str, Any]]] = {}
        for f in await findings_of(http, system, c.case_id):
            if f["rule_id"].startswith("轨迹") and set(f["event_ids"]) & set(c.ids):
                by_rule.setdefault(f["rule_id"], []).append(f)
        done = len(by_rule.get("轨迹-1", [])) == len(escaped) and len(by_rule.get("轨迹-2", [])) == len(unreadable)
        return by_rule if done else {}

    found = await until(reported, "the trail's findings")
    assert sorted(f["event_ids"][0] for f in found["轨迹-1"]) == sorted(c.ids[i] for i in escaped)
    assert sorted(f["event_ids"][0] for f in found["轨迹-2"]) == sorted(c.ids[i] for i in unreadable)
    for f in found["轨迹-1"] + found["轨迹-2"]:
        i = c.ids.index(f["event_ids"][0])
        event_type = orjson.loads(events[i])["event_type"]
        assert f"事件 {event_type}（{c.ids[i]}" in f["message"]
        assert f"分区 {where[i][0]} 偏移 {where[i][1]}" in f["message"] and f["people"] == []
        assert ("无法原样保存" if f["rule_id"] == "轨迹-1" else unreadable[i]) in f["message"]
    rules = (await http.get(f"{system.url('supervision')}/rules", headers=SUPERVISOR)).json()
    assert {r["rule_id"]: r["kind"] for r in rules["rules"]}.items() >= {"轨迹-1": "轨迹", "轨迹-2": "轨迹"}.items()
    # the lead whose id is too long to index still has its deadline, under a key that can be indexed
    deadlines = (await http.get(f"{system.url('supervision')}/cases/{c.case_id}/deadlines", headers=SUPERVISOR))
    leads = [d["key"] for d in deadlines.json()["deadlines"] if d["node"].startswith("verify_lead")]
    assert "verify_lead:l-1" in leads
    assert any(len(k) <= 200 and k.startswith("verify_lead:" + HUGE_ID[:20]) for k in leads), leads

    report = await verify(http, system)
    assert not report["broken_chains"] and not report["broken_streams"], report

    async def on_ours() -> dict[str, str]:  # other services may still be reacting to the case
        found = await findings_of(http, system, c.case_id)
        return {f["finding_id"]: f["message"] for f in found if set(f["event_ids"]) <= set(c.ids)}

    before = await on_ours()
    result = await rebuild(http, system, require_identical="true")
    assert result["status"] == "swapped" and result["report"]["identical"], result["report"]
    assert await on_ours() == before
    assert [e["event_id"] for e in await ours(http, system, c)] == c.ids


async def open_dead_letters(http: httpx.AsyncClient, system: System) -> list[dict[str, Any]]:
    r = await http.get(f"{system.url('supervision')}/dead-letters", headers=SUPERVISOR, params={"limit": 1000})
    assert r.status_code == 200, r.text
    return list(r.json()["dead_letters"])


async def acknowledge(
    http: httpx.AsyncClient, system: System, dead_letter_id: int, reason: str, headers: dict[str, str] = SUPERVISOR
) -> httpx.Response:
    return await http.post(
        f"{system.url('supervision')}/admin/dead-letters/{dead_letter_id}/acknowledgement",
        headers=headers,
        json={"reason": reason},
    )


async def readyz(http: httpx.AsyncClient, system: System) -> httpx.Response:
    return await http.get(f"{system.url('supervision')}/readyz")


async def test_bytes_that_are_not_an_envelope_are_dead_lettered_loudly_until_acknowledged_and_never_stop_a_rebuild(
    system: System, http: httpx.AsyncClient
) -> None:
    # Readiness speaks for the whole trail: dead letters other tests left open are set aside first.
    for d in await open_dead_letters(http, system):
        assert (await acknowledge(http, system, d["id"], "测试开始前已存在的死信（其他测试所留）")).status_code == 201
    assert (await readyz(http, system)).status_code == 200

    c = Case()
    missing_case = {k: v for k, v in c.draft("hostile.note_recorded", {"note": "无案件"}).items() if k != "case_id"}
    too_long = c.draft("hostile.note_recorded", {"note": "标识过长"}, actor_id="长" * (ID_MAX + 1), stream="s-2")
    first = c.envelope("hostile.note_recorded", {"note": "之前"})
    poison = [
        b"\xff\xfe not an envelope " + uuid.uuid4().bytes,
        b'{"event_id": "' + str(uuid.uuid4()).encode(),  # JSON cut short
        orjson.dumps(missing_case),
        orjson.dumps(too_long),  # an identifier no consumer could index: not an envelope
        None,  # no value at all (a tombstone)
    ]
    last = c.envelope("hostile.note_recorded", {"note": "之后"})
    async with Producer(system) as kafka:
        await kafka.send(first, c.case_id)
        bad = {await kafka.send(raw, c.case_id) for raw in poison}
        await kafka.send(last, c.case_id)
    acknowledged: set[int] = set()
    try:
        # The trail has both envelopes, one after the other: the partition moved on.
        assert [e["seq"] for e in await ours(http, system, c)] == [1, 2]

        async def all_dead_lettered() -> list[dict[str, Any]]:
            mine = [d for d in await open_dead_letters(http, system) if (d["partition"], d["offset"]) in bad]
            return mine if len(mine) == len(bad) else []

        mine = await until(all_dead_lettered, "supervision to dead-letter the five messages")
        assert {d["case_id"] for d in mine} == {c.case_id}  # from the key: which trail may miss an event
        assert {d["kind"] for d in mine} == {"not_an_envelope"} and all(d["acknowledgement"] is None for d in mine)

        # Loudly: not ready, naming partition, offset and case of each; verify not ok, naming them.
        r = await readyz(http, system)
        assert r.status_code == 503 and r.json()["status"] == "degraded", r.text  # runs, serves, must be looked at
        started = system.wait_ready(["supervision"], timeout=10)  # make run starts it, and says why it is degraded
        assert started["supervision"]["trail"] == r.json()["checks"]["trail"]
        trail_check = r.json()["checks"]["trail"]
        assert trail_check["state"] == "dead_letters" and trail_check["unacknowledged_dead_letters"] == len(bad)
        assert {(d["partition"], d["offset"], d["case_id"]) for d in trail_check["dead_letters"]} == {
            (p, o, c.case_id) for p, o in bad
        }
        assert r.json()["checks"]["database"] == "ok" and r.json()["checks"]["kafka"] == "ok"
        report = await verify(http, system)
        assert not report["ok"] and not report["broken_chains"] and not report["broken_streams"]
        assert {(d["partition"], d["offset"], d["case_id"]) for d in report["dead_letters"]} == {
            (p, o, c.case_id) for p, o in bad
        }
        await dashboard_says(system, c, bad, alarm=True)

        # A rebuild skips them, lists them, and is identical.
        result = await rebuild(http, system, require_identical="true")
        assert result["status"] == "swapped" and result["report"]["identical"], result["report"]
        skipped = result["report"]["not_envelopes"]
        assert skipped["count"] >= len(bad)
        assert {(s["partition"], s["offset"], s["case_id"]) for s in skipped["records"]} >= {
            (p, o, c.case_id) for p, o in bad
        }
        assert [e["event_id"] for e in await ours(http, system, c)] == c.ids

        # Acknowledging: a supervisor or an administrator, with a reason; recorded who and why.
        one = mine[0]["id"]
        anonymous = await http.post(
            f"{system.url('supervision')}/admin/dead-letters/{one}/acknowledgement", json={"reason": "已核查"}
        )
        assert anonymous.status_code == 401 and anonymous.headers["content-type"].startswith("application/problem+json")
        assert (await acknowledge(http, system, one, "已核查", JUDGE)).status_code == 403
        assert (await acknowledge(http, system, one, " ")).status_code == 422
        assert (await acknowledge(http, system, one, "已核查\x00")).status_code == 422
        missing = await acknowledge(http, system, 2**62, "已核查")
        assert missing.status_code == 404 and missing.json()["code"] == "dead_letter_not_found"
        elsewhere = await acknowledge(http, system, one, "已核查", OTHER_COURT)  # the case is 黔01's
        assert elsewhere.status_code == 404 and elsewhere.json()["code"] == "dead_letter_not_found"
        for d in mine:
            who = ADMIN if d is mine[-1] else SUPERVISOR
            r = await acknowledge(http, system, d["id"], f"已核查：偏移 {d['offset']} 的消息来自测试，不是事件", who)
            assert r.status_code == 201, r.text
            acknowledged.add(d["id"])
            ack = r.json()["acknowledgement"]
            assert ack["reason"].startswith("已核查") and ack["officer_id"] in ("sup-001", "admin-001")
            if d is not mine[-1]:
                assert (await readyz(http, system)).status_code == 503  # until the last one
        again = await acknowledge(http, system, one, "再次确认")
        assert again.status_code == 409 and again.json()["code"] == "dead_letter_already_acknowledged"

        r = await readyz(http, system)
        assert r.status_code == 200 and r.json()["checks"]["trail"]["state"] == "ok", r.text
        assert (await verify(http, system))["ok"]
        done = await http.get(
            f"{system.url('supervision')}/dead-letters", headers=SUPERVISOR, params={"state": "acknowledged"}
        )
        assert {d["id"] for d in done.json()["dead_letters"]} >= acknowledged
        await dashboard_says(system, c, bad, alarm=False)
    finally:
        for d in await open_dead_letters(http, system):
            if (d["partition"], d["offset"]) in bad and d["id"] not in acknowledged:
                await acknowledge(http, system, d["id"], "测试结束时清理")


CHROMIUM = "/usr/bin/chromium"
BROWSER = async_playwright is not None and Path(CHROMIUM).exists()


async def dashboard_says(system: System, c: Case, bad: set[tuple[int, int]], *, alarm: bool) -> None:
    """The dashboard's banner: shown, naming each dead letter, or gone. (Skipped without a browser.)"""
    if not BROWSER:
        return
    profile = tempfile.mkdtemp(prefix="trail-alarm-chromium-")
    token = SUPERVISOR["Authorization"][7:]
    try:
        async with async_playwright() as p:
            ctx = await p.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            page = await ctx.new_page()
            await page.goto(f"{system.url('supervision')}/dashboard?token={token}&refresh=2")
            await page.wait_for_function("Number(document.body.dataset.refreshes || 0) >= 1", timeout=30_000)
            if alarm:
                await page.wait_for_selector("#trail-alarm:not([hidden])")
                text = await page.inner_text("#trail-alarm")
                assert "审计轨迹可能有缺口" in text
                for partition, offset in bad:
                    assert f"分区 {partition} · 偏移 {offset} · 案件 {c.case_id}" in text, text
                shots = run_dir() / "screenshots"
                shots.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(shots / "dashboard-trail-alarm.png"))
            else:
                assert await page.is_hidden("#trail-alarm")
            await ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
