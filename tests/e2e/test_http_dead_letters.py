"""The poison → dead-letter path against the running services (docs/architecture.md §2, §4).

On the run's topic, keyed to one case of the test's own so they share a partition, in this
order: bytes that are not an envelope, an envelope intake cannot apply (a NUL in a text column:
PostgreSQL refuses it, every retry fails), then good events. Each consumer that meets the bytes
dead-letters them at once; intake dead-letters the envelope after its retries; supervision keeps
that envelope (escaped and flagged by a finding, not dead-lettered) because its trail has no
holes. Every dead letter arrives on the dead-letter topic verbatim, with headers naming service,
error, origin and attempts; ``/readyz`` counts it; and the partition moves on: the good events
behind the poison are applied.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import ConsumerRecord

from deploy.system import System
from services.asset_search.events import QueryDispatched, Subject
from shared.envelope import Actor, Envelope, now_shanghai
from tests.conftest import auth
from tests.waits import RELAYING, drained, partition_of, poll, readiness

CLERK = auth("clerk-dl1", "intake_clerk")
SUPERVISOR = auth("sup-dl1", "supervisor")
ADMIN = auth("admin-dl1", "admin")
SEARCHER = "search-dl1"
NUL_REFUSED = 'asyncpg.exceptions.CharacterNotInRepertoireError: invalid byte sequence for encoding "UTF8": 0x00'


def dispatched(case_id: str, version: int, query_id: str) -> Envelope:
    """asset_search's event as asset_search publishes it (its payload model), for a real case."""
    now = now_shanghai()
    payload = QueryDispatched(
        query_id=query_id,
        agency_id="bank-dl1",
        agency_kind="bank_deposit",
        channel="push",
        round=1,
        reason="case_assigned",
        subject=Subject(kind="person", name="王某", id_number="11010519491231002X"),
        dispatched_at=now,
        due_at=now + timedelta(days=7),
    )
    return Envelope(
        event_id=uuid.uuid4(),
        event_type=QueryDispatched.event_type,
        schema_version=QueryDispatched.schema_version,
        case_id=case_id,
        stream_id=f"asset_search.test-dead-letters:{case_id}",  # never a real service's stream
        stream_version=version,
        occurred_at=now,
        recorded_at=now,
        producer="asset_search",
        actor=Actor(kind="officer", id=SEARCHER, name=SEARCHER, role="search_officer", court="黔01"),
        court="黔01",
        correlation_id=str(uuid.uuid4()),
        payload=payload.model_dump(mode="json"),
    )


async def dead_letters(system: System, wanted: set[bytes], count: int) -> list[ConsumerRecord[Any, Any]]:
    """The records of the dead-letter topic whose value is one of ``wanted``, once there are ``count``
    (read from the beginning by a consumer in no group)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=system.bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = [TopicPartition(system.dead_letter_topic, p) for p in range(12)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        found: list[ConsumerRecord[Any, Any]] = []

        async def more() -> list[ConsumerRecord[Any, Any]]:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                found.extend(r for r in records if r.value in wanted)
            return found

        return await poll(
            more, f"{count} records on {system.dead_letter_topic}", timeout=60, until=lambda f: len(f) >= count
        )
    finally:
        await consumer.stop()


async def intake_queries(system: System, case_id: str) -> list[str]:
    """The queries intake's projection holds for the case (what its 终本 check reads)."""
    conn = await asyncpg.connect(system.dsn("intake"))
    try:
        rows = await conn.fetch("SELECT query_id FROM ext_queries WHERE case_id = $1 ORDER BY query_id", case_id)
    finally:
        await conn.close()
    return [r["query_id"] for r in rows]


async def acknowledge(http: httpx.AsyncClient, system: System, case_id: str) -> int:
    """Acknowledge supervision's open dead letters of ``case_id`` (as an administrator who checked
    them); how many there were."""
    base = system.url("supervision")
    r = await http.get(f"{base}/dead-letters", headers=SUPERVISOR, params={"state": "open"})
    assert r.status_code == 200, r.text
    mine = [d for d in r.json()["dead_letters"] if d["case_id"] == case_id]
    for d in mine:
        done = await http.post(
            f"{base}/admin/dead-letters/{d['id']}/acknowledgement",
            json={"reason": "测试有意发布的非事件字节，已核查，与任何案件无关"},
            headers=ADMIN,
        )
        assert done.status_code == 201, done.text
    return len(mine)


async def test_poison_reaches_the_dead_letter_topic_with_its_reason_and_the_partition_moves_on(
    system: System, http: httpx.AsyncClient
) -> None:
    consumers = [s for s in RELAYING if s in system.processes]
    assert consumers == list(RELAYING), "needs every service running (unset TEST_SERVICES)"
    # A case of this test's own: no service acts on it, so only what is published here touches it.
    case_id = f"case-dl-{uuid.uuid4().hex[:12]}"
    before = {s: (await readiness(http, system.port(s)))["consumer"] for s in consumers}

    garbage = b"\xff\xfe not an envelope " + uuid.uuid4().bytes
    unusable = dispatched(case_id, 1, f"q-{uuid.uuid4().hex[:6]}\x00poison")
    good = [dispatched(case_id, 2, "q-good-1"), dispatched(case_id, 3, "q-good-2")]
    producer = AIOKafkaProducer(bootstrap_servers=system.bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        sent = [
            await producer.send_and_wait(system.topic, value, key=case_id.encode())
            for value in [garbage, unusable.to_bytes(), *(e.to_bytes() for e in good)]
        ]
    finally:
        await producer.stop()
    try:
        partition = sent[0].partition
        assert {m.partition for m in sent} == {partition} == {partition_of(case_id)}  # one partition, in order
        offsets = [m.offset for m in sent]
        assert offsets == sorted(offsets)

        # The partition moves on: intake applies the good queries behind both poisons…
        async def queries() -> list[str]:
            return await intake_queries(system, case_id)

        applied = await poll(queries, "intake to apply the two good queries", timeout=60, until=lambda q: len(q) >= 2)
        assert applied == ["q-good-1", "q-good-2"]  # the NUL one was never stored

        # …and supervision records all three envelopes: the one intake could not apply is kept,
        # escaped and flagged, and supervision raises it as a finding of its own (loudly, no hole).
        async def trail() -> list[dict[str, Any]]:
            r = await http.get(f"{system.url('supervision')}/cases/{case_id}/trail", headers=SUPERVISOR)
            return list(r.json()["events"]) if r.status_code == 200 else []

        kept = await poll(
            trail,
            "supervision's trail to hold the three envelopes and its finding",
            timeout=60,
            until=lambda t: len(t) >= 4,
        )
        assert [e["event_id"] for e in kept[:3]] == [str(e.event_id) for e in (unusable, *good)]
        assert kept[0]["escaped"] is True and kept[0]["payload"]["query_id"] == unusable.payload["query_id"]
        assert "escaped" not in kept[1] and kept[1]["payload"]["query_id"] == "q-good-1"
        assert [e["seq"] for e in kept] == [1, 2, 3, 4] and kept[1]["prev_hash"] == kept[0]["hash"]
        flagged = kept[3]
        assert (flagged["event_type"], flagged["payload"]["rule_id"]) == ("supervision.finding_raised", "轨迹-1")
        assert flagged["payload"]["event_ids"] == [str(unusable.event_id)]
        assert flagged["causation_id"] == str(unusable.event_id)

        # The dead-letter topic: the bytes once per consuming service, the envelope once (intake's).
        records = await dead_letters(system, {garbage, unusable.to_bytes()}, len(consumers) + 1)
        assert len(records) == len(consumers) + 1
        headers = [{k: v.decode() for k, v in r.headers} for r in records]
        for r, h in zip(records, headers, strict=True):
            assert r.key == case_id.encode()
            assert set(h) == {"error", "service", "original_topic", "original_partition", "original_offset", "attempts"}
            assert (h["original_topic"], h["original_partition"]) == (system.topic, str(partition))
        unreadable = sorted(
            (h for r, h in zip(records, headers, strict=True) if r.value == garbage), key=lambda h: h["service"]
        )
        assert [h["service"] for h in unreadable] == sorted(consumers)
        for h in unreadable:
            assert (h["original_offset"], h["attempts"]) == (str(offsets[0]), "1")  # no retry: it cannot parse
            assert h["error"].startswith("unreadable envelope: "), h["error"]
        [refused] = [h for r, h in zip(records, headers, strict=True) if r.value == unusable.to_bytes()]
        assert (refused["service"], refused["original_offset"], refused["attempts"]) == ("intake", str(offsets[1]), "3")
        assert refused["error"] == NUL_REFUSED, refused["error"]

        # /readyz counts them once each consumer has committed past them: intake two, the others one.
        await drained(http, system, consumers)
        after = {s: (await readiness(http, system.port(s)))["consumer"] for s in consumers}
        assert {s: after[s]["dead_lettered"] - before[s]["dead_lettered"] for s in consumers} == {
            s: 2 if s == "intake" else 1 for s in consumers
        }
        assert all(after[s]["running"] for s in consumers)
        assert after["intake"]["last_error"] == NUL_REFUSED

        # Supervision is not ready while its trail may have a hole: the dead letter is named (where it
        # was, which case) until someone acknowledges it; then it is ready again.
        r = await http.get(f"{system.url('supervision')}/readyz")
        assert r.status_code == 503 and r.json()["status"] != "ready", r.text
        hole = r.json()["checks"]["trail"]
        assert (hole["state"], hole["unacknowledged_dead_letters"]) == ("dead_letters", 1), hole
        [named] = hole["dead_letters"]
        assert (named["topic"], named["partition"], named["offset"], named["case_id"]) == (
            system.topic,
            partition,
            offsets[0],
            case_id,
        )
        assert await acknowledge(http, system, case_id) == 1
        r = await http.get(f"{system.url('supervision')}/readyz")
        assert r.status_code == 200 and r.json()["checks"]["trail"]["state"] == "ok", r.text
    finally:  # never leave supervision not ready for the tests after this one
        await acknowledge(http, system, case_id)
