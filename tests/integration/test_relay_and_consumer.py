"""Outbox relay and inbox consumer against the real Kafka and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from shared import db
from shared.bus import UnsafeKafkaConfig, build_consumer, build_producer
from shared.consumer import ConsumerRunner
from shared.envelope import Envelope
from shared.eventstore import EventStore
from shared.reactions import ReactionContext, Reactions
from shared.relay import OutboxRelay, RelayStatus
from tests.integration.helpers import envelope

STORE = EventStore()


class Poisoned(Exception):
    pass


def effect_reactions() -> Reactions:
    reactions = Reactions()

    @reactions.on("test.thing_happened")
    async def record_effect(ctx: ReactionContext) -> None:
        if ctx.envelope.payload.get("poison"):
            raise Poisoned("this event always fails")
        await ctx.conn.execute(
            "INSERT INTO effects (event_id, case_id) VALUES ($1, $2)", ctx.envelope.event_id, ctx.envelope.case_id
        )

    return reactions


@pytest.fixture
async def producer(stack_parts: tuple[str, str]) -> AsyncIterator[object]:
    p = build_producer(stack_parts[1], "test-producer")
    await p.start()
    yield p
    await p.stop()


def runner(pool: asyncpg.Pool, bootstrap: str, topics: tuple[str, str], producer: object, group: str) -> ConsumerRunner:
    return ConsumerRunner(
        service="test",
        pool=pool,
        reactions=effect_reactions(),
        store=STORE,
        bootstrap=bootstrap,
        topic=topics[0],
        group_id=group,
        dead_letter_topic=topics[1],
        producer=producer,  # type: ignore[arg-type]
        max_retries=2,
        retry_backoff_s=0.05,
    )


async def until(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def effects_for(pool: asyncpg.Pool, ids: list[uuid.UUID]) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM effects WHERE event_id = ANY($1::uuid[])", ids))


@contextlib.asynccontextmanager
async def running(*coros: object) -> AsyncIterator[list[asyncio.Task[None]]]:
    tasks = [asyncio.create_task(c) for c in coros]  # type: ignore[arg-type]
    try:
        yield tasks
    finally:
        for t in tasks:
            t.cancel()
        for t in tasks:  # a runner that cannot finish its cancel must not hang the test
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(t, 30)


async def commit(pool: asyncpg.Pool, envs: list[Envelope]) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await STORE.write(conn, envs)


def relay(dsn: str, producer: object, topic: str, service: str = "test") -> OutboxRelay:
    return OutboxRelay(
        dsn=dsn,
        service=service,
        producer=producer,
        topic=topic,  # type: ignore[arg-type]
        poll_interval_s=0.2,
        lock_retry_s=0.2,
    )


async def test_events_committed_while_no_relay_ran_are_published_later_and_applied_once(
    pool: asyncpg.Pool, scratch_dsn: str, stack_parts: tuple[str, str], topics: tuple[str, str], producer: object
) -> None:
    # The writer "died" after its commit: nothing was published yet.
    envs = [envelope(str(uuid.uuid4())) for _ in range(25)]
    await commit(pool, envs)
    ids = [e.event_id for e in envs]

    consumer = runner(pool, stack_parts[1], topics, producer, f"g-{uuid.uuid4().hex[:6]}")
    async with running(relay(scratch_dsn, producer, topics[0]).run(), consumer.run()):
        await until(lambda: _eq(effects_for(pool, ids), 25))
        # The relay clears its outbox rows after the broker's acknowledgement: a consumer may apply an
        # event before that commit lands (a leader change makes the producer retry), so wait for it.
        await until(lambda: _eq(pool.fetchval("SELECT count(*) FROM outbox WHERE event_id = ANY($1::uuid[])", ids), 0))
    assert await effects_for(pool, ids) == 25  # once each


async def _eq(coro, value) -> bool:  # type: ignore[no-untyped-def]
    return bool(await coro == value)


async def test_the_relay_does_not_skip_a_row_that_commits_after_a_later_one(
    pool: asyncpg.Pool, scratch_dsn: str, stack_parts: tuple[str, str], topics: tuple[str, str], producer: object
) -> None:
    early, late = envelope(str(uuid.uuid4())), envelope(str(uuid.uuid4()))
    r = relay(scratch_dsn, producer, topics[0], service=f"late-{uuid.uuid4().hex[:4]}")
    async with pool.acquire() as slow:
        tx = slow.transaction()
        await tx.start()
        await STORE.write(slow, [early])  # takes the lower outbox id, commits last
        await commit(pool, [late])
        leader = await db.connect(scratch_dsn)
        try:
            first = await r.publish_batch(leader)
            await tx.commit()
            second = await r.publish_batch(leader)
        finally:
            await leader.close()
    assert first >= 1 and second >= 1
    published = await read_topic(stack_parts[1], topics[0])
    assert early.event_id in published and late.event_id in published


async def read_topic(bootstrap: str, topic: str) -> set[uuid.UUID]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        parts = [
            TopicPartition(topic, p) for p in (consumer.partitions_for_topic(topic) or await _parts(consumer, topic))
        ]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        seen: set[uuid.UUID] = set()
        while [tp for tp in parts if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                seen.update(Envelope.from_bytes(r.value).event_id for r in records)
        return seen
    finally:
        await consumer.stop()


async def _parts(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()
    return consumer.partitions_for_topic(topic) or set()


async def test_a_redelivered_event_is_applied_once_even_after_offsets_are_lost(
    pool: asyncpg.Pool, stack_parts: tuple[str, str], topics: tuple[str, str], producer: object
) -> None:
    envs = [envelope(str(uuid.uuid4())) for _ in range(10)]
    for env in envs + envs:  # every event delivered twice
        await (await producer.send(topics[0], env.to_bytes(), key=env.case_id.encode()))  # type: ignore[attr-defined]
    ids = [e.event_id for e in envs]
    async with running(runner(pool, stack_parts[1], topics, producer, f"g-{uuid.uuid4().hex[:6]}").run()):
        await until(lambda: _eq(effects_for(pool, ids), 10))
    # A new group re-reads the whole topic (as after lost offsets): nothing is applied again.
    again = runner(pool, stack_parts[1], topics, producer, f"g-{uuid.uuid4().hex[:6]}")
    async with running(again.run()):
        await until(lambda: _ge_async(lambda: again.status.duplicates, 20))
    assert await effects_for(pool, ids) == 10


async def _ge_async(get, n: int) -> bool:  # type: ignore[no-untyped-def]
    return bool(get() >= n)


async def test_a_consumer_killed_mid_stream_resumes_without_applying_anything_twice(
    pool: asyncpg.Pool, stack_parts: tuple[str, str], topics: tuple[str, str], producer: object
) -> None:
    envs = [envelope(f"case-{i % 17}-{uuid.uuid4().hex[:4]}") for i in range(400)]
    futures = [await producer.send(topics[0], e.to_bytes(), key=e.case_id.encode()) for e in envs]  # type: ignore[attr-defined]
    await asyncio.gather(*futures)
    ids = [e.event_id for e in envs]
    group = f"g-{uuid.uuid4().hex[:6]}"
    first = runner(pool, stack_parts[1], topics, producer, group)
    first.batch_max = 20
    async with running(first.run()):
        await until(lambda: _ge(effects_for(pool, ids), 40))
    # cancelled mid-stream; a new instance of the same group takes over
    async with running(runner(pool, stack_parts[1], topics, producer, group).run()):
        await until(lambda: _eq(effects_for(pool, ids), 400))
    dupes = await pool.fetchval(
        "SELECT count(*) - count(DISTINCT event_id) FROM effects WHERE event_id = ANY($1::uuid[])", ids
    )
    assert dupes == 0


async def _ge(coro, value) -> bool:  # type: ignore[no-untyped-def]
    return bool(await coro >= value)


async def test_a_poison_event_goes_to_the_dead_letter_topic_and_other_cases_keep_flowing(
    pool: asyncpg.Pool, stack_parts: tuple[str, str], topics: tuple[str, str], producer: object
) -> None:
    poison = envelope("case-poison-" + uuid.uuid4().hex[:6], payload={"poison": True})
    healthy = [envelope(f"case-ok-{i}-{uuid.uuid4().hex[:4]}") for i in range(30)]
    for env in [poison, *healthy]:
        await (await producer.send(topics[0], env.to_bytes(), key=env.case_id.encode()))  # type: ignore[attr-defined]
    consumer = runner(pool, stack_parts[1], topics, producer, f"g-{uuid.uuid4().hex[:6]}")
    async with running(consumer.run()):
        await until(lambda: _eq(effects_for(pool, [e.event_id for e in healthy]), 30))
        await until(lambda: _ge_async(lambda: consumer.status.dead_lettered, 1))
    row = await pool.fetchrow("SELECT error, attempts FROM dead_letters WHERE event_id = $1", poison.event_id)
    assert row is not None and "this event always fails" in row["error"] and row["attempts"] == 2
    dlt = await read_dlt(stack_parts[1], topics[1])
    assert poison.event_id in dlt
    assert "this event always fails" in dlt[poison.event_id]


def batch_reactions(calls: list[list[uuid.UUID]], seen: list[int]) -> Reactions:
    """``effect_reactions`` plus an after-batch hook that logs each call and what its transaction sees;
    a batch of more than one event holding a ``fail_batch`` event fails in the hook."""
    reactions = effect_reactions()

    @reactions.after_batch
    async def after(conn: asyncpg.Connection, contexts: Sequence[ReactionContext]) -> None:
        ids = [c.envelope.event_id for c in contexts]
        seen.append(int(await conn.fetchval("SELECT count(*) FROM effects WHERE event_id = ANY($1::uuid[])", ids)))
        if len(contexts) > 1 and any(c.envelope.payload.get("fail_batch") for c in contexts):
            raise Poisoned("the batch hook refuses this batch")
        calls.append(ids)

    return reactions


async def test_after_batch_runs_once_per_batch_in_its_transaction_without_duplicates(
    pool: asyncpg.Pool, stack_parts: tuple[str, str], own_topics: tuple[str, str], producer: object
) -> None:
    # Its own topic: a fetch spans partitions, and another test's poison event in the same fetch
    # would (rightly) send the whole fetch down the one-event-per-transaction path.
    topics = own_topics
    case = f"case-batch-{uuid.uuid4().hex[:6]}"
    envs = [envelope(case, i) for i in range(1, 31)]
    for env in envs + envs[:5]:  # five delivered twice
        await producer.send(topics[0], env.to_bytes(), key=case.encode())  # type: ignore[attr-defined]
    await producer.flush()  # type: ignore[attr-defined]
    calls: list[list[uuid.UUID]] = []
    seen: list[int] = []
    consumer = runner(pool, stack_parts[1], topics, producer, f"g-{uuid.uuid4().hex[:6]}")
    consumer.reactions = batch_reactions(calls, seen)
    mine = {e.event_id for e in envs}  # the module's topic also holds other tests' events
    async with running(consumer.run()):
        await until(lambda: _ge_async(lambda: sum(i in mine for call in calls for i in call), 30))
    applied = [i for call in calls for i in call if i in mine]
    assert applied == [e.event_id for e in envs]  # each applied event once, in log order
    assert any(len(set(call) & mine) > 1 for call in calls)  # once per batch, not per event
    assert seen == [len(call) for call in calls]  # inside the batch's transaction


async def test_after_batch_runs_per_event_when_a_batch_falls_back(
    pool: asyncpg.Pool, stack_parts: tuple[str, str], topics: tuple[str, str], producer: object
) -> None:
    case = f"case-fallback-{uuid.uuid4().hex[:6]}"
    envs = [envelope(case, i, payload={"fail_batch": i == 3}) for i in range(1, 11)]
    for env in envs:
        await producer.send(topics[0], env.to_bytes(), key=case.encode())  # type: ignore[attr-defined]
    await producer.flush()  # type: ignore[attr-defined]
    calls: list[list[uuid.UUID]] = []
    consumer = runner(pool, stack_parts[1], topics, producer, f"g-{uuid.uuid4().hex[:6]}")
    consumer.reactions = batch_reactions(calls, [])
    mine = {e.event_id for e in envs}
    async with running(consumer.run()):
        await until(lambda: _eq(effects_for(pool, [e.event_id for e in envs]), 10))
        await until(lambda: _ge_async(lambda: sum(i in mine for call in calls for i in call), 10))
    # the batch holding the third event failed in the hook: its events were applied one by one
    assert all(len(call) == 1 for call in calls if set(call) & mine)
    assert sorted(i for call in calls for i in call if i in mine) == sorted(mine)
    assert await effects_for(pool, [e.event_id for e in envs]) == 10


async def read_dlt(bootstrap: str, topic: str) -> dict[uuid.UUID, str]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"dlt-{uuid.uuid4().hex[:6]}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        out: dict[uuid.UUID, str] = {}
        for _ in range(40):
            for records in (await consumer.getmany(timeout_ms=250)).values():
                for r in records:
                    out[Envelope.from_bytes(r.value).event_id] = dict(r.headers)["error"].decode()
            if out:
                return out
        return out
    finally:
        await consumer.stop()


async def test_only_one_relay_leads_and_another_takes_over_when_it_dies(
    scratch_dsn: str, topics: tuple[str, str], producer: object
) -> None:
    service = f"lead-{uuid.uuid4().hex[:4]}"
    a, b = relay(scratch_dsn, producer, topics[0], service), relay(scratch_dsn, producer, topics[0], service)
    task_a = asyncio.create_task(a.run())
    await until(lambda: _ge_async(lambda: a.status.is_leader, True))
    b.status = RefusalCountingStatus()
    async with running(b.run()):
        # b has tried for the lock three times (every lock_retry_s) and found it taken each time.
        await until(lambda: _ge_async(lambda: b.status.refused, 3))
        assert a.status.is_leader and not b.status.is_leader
        task_a.cancel()
        with contextlib.suppress(BaseException):
            await task_a
        await until(lambda: _ge_async(lambda: b.status.is_leader, True), timeout=10)


class RefusalCountingStatus(RelayStatus):
    """A relay's status that counts its failed tries for the leadership (each sets ``is_leader``
    to False before the relay waits to try again)."""

    refused: int = -1  # the dataclass's own __init__ sets is_leader False once: not a try

    def __setattr__(self, name: str, value: object) -> None:
        if name == "is_leader" and value is False:
            object.__setattr__(self, "refused", self.refused + 1)
        object.__setattr__(self, name, value)


def test_unsafe_kafka_client_settings_are_refused() -> None:
    with pytest.raises(UnsafeKafkaConfig):
        build_producer("127.0.0.1:1", "x", acks=1)
    with pytest.raises(UnsafeKafkaConfig):
        build_producer("127.0.0.1:1", "x", enable_idempotence=False)
    with pytest.raises(UnsafeKafkaConfig):
        build_consumer("127.0.0.1:1", "g", "x", "t", enable_auto_commit=True)


def slow_polling_relay(dsn: str, producer: object, topic: str) -> OutboxRelay:
    """A relay that would wait a minute between polls: only a wake-up can make it publish sooner."""
    return OutboxRelay(
        dsn=dsn, service=f"wake-{uuid.uuid4().hex[:6]}", producer=producer, topic=topic,  # type: ignore[arg-type]
        poll_interval_s=60.0, lock_retry_s=0.2,
    )


async def _published_and_deleted(pool: asyncpg.Pool, r: OutboxRelay, ids: list[uuid.UUID]) -> bool:
    left = await pool.fetchval("SELECT count(*) FROM outbox WHERE event_id = ANY($1::uuid[])", ids)
    return bool(left == 0 and r.status.published >= len(ids))


class PollWatch:
    """Wraps a relay's ``publish_batch`` to see its polls: how many came back empty, and whether one
    is under way. A relay not in a poll whose last poll was empty is waiting for a wake-up (its
    loop goes from an empty poll straight into that wait)."""

    def __init__(self, r: OutboxRelay) -> None:
        self.empty, self.polling = 0, False
        original = r.publish_batch

        async def publish_batch(conn: asyncpg.Connection) -> int:
            self.polling = True
            try:
                sent = await original(conn)
            finally:
                self.polling = False
            self.empty += sent == 0
            return sent

        r.publish_batch = publish_batch  # type: ignore[method-assign]


async def _idle(r: OutboxRelay, pool: asyncpg.Pool) -> None:
    """Until the relay leads, has drained what other tests left and waits for a wake-up: its next
    poll is 60 s away."""
    await until(lambda: _leads(r))
    await until(lambda: _eq(pool.fetchval("SELECT count(*) FROM outbox"), 0))
    watch = PollWatch(r)
    r.wake()  # one more poll, seen to come back empty

    async def parked() -> bool:
        return watch.empty > 0 and not watch.polling

    await until(parked)


async def _leads(r: OutboxRelay) -> bool:
    return r.status.is_leader


async def test_a_commit_in_the_leading_process_wakes_its_relay_without_pg_notify(
    pool: asyncpg.Pool, scratch_dsn: str, topics: tuple[str, str], producer: object
) -> None:
    r = slow_polling_relay(scratch_dsn, producer, topics[0])
    store = EventStore()
    store.attach_relay(lambda: r.status.is_leader, r.wake)
    async with running(r.run()):
        await _idle(r, pool)
        heard: list[str] = []
        listener = await db.connect(scratch_dsn)
        barrier = f"barrier_{uuid.uuid4().hex[:8]}"  # not the relay's channel: it must not wake it
        await listener.add_listener("outbox", lambda *args: heard.append(str(args[2])))
        await listener.add_listener(barrier, lambda *args: heard.append(str(args[2])))
        try:
            env = envelope(str(uuid.uuid4()))
            async with pool.acquire() as conn, conn.transaction():
                await store.append(conn, env.stream_id, 0, [env])
            # Notifications reach a listener in commit order: once the barrier, committed after the
            # append, is heard, a NOTIFY from the append would have been heard before it.
            await pool.execute("SELECT pg_notify($1, 'after the append')", barrier)
            await until(lambda: _ge_async(lambda: len(heard), 1))
            assert heard == [barrier]
        finally:
            await listener.close()
        store.committed()  # what CommandRunner and ConsumerRunner do after their commit
        await until(lambda: _published_and_deleted(pool, r, [env.event_id]), timeout=20)


async def test_an_append_in_a_process_whose_relay_does_not_lead_notifies_the_leader(
    pool: asyncpg.Pool, scratch_dsn: str, topics: tuple[str, str], producer: object
) -> None:
    r = slow_polling_relay(scratch_dsn, producer, topics[0])
    standby = EventStore()
    standby.attach_relay(lambda: False, lambda: None)  # this process's relay is a standby
    async with running(r.run()):
        await _idle(r, pool)
        env = envelope(str(uuid.uuid4()))
        async with pool.acquire() as conn:
            await standby.append(conn, env.stream_id, 0, [env])  # one statement, its own transaction
        await until(lambda: _published_and_deleted(pool, r, [env.event_id]), timeout=20)
