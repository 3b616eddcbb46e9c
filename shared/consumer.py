"""Kafka consumer runner with an inbox: each event's effect and its id commit together.

A service declares its reactions (``Reactions``); this runner is the only consumer loop in the
code base. Per partition batch it opens one database transaction, skips event ids already in the
inbox, applies the handlers and records the ids, commits, and only then commits the Kafka
offsets. If the batch fails it falls back to one event per transaction with bounded retries; an
event that still fails goes to the dead-letter topic with its error, and the partition moves on.

A service may also register ``after_batch`` hooks: called once at the end of each batch, inside
its transaction, with the contexts of the events applied in it (duplicates left out), so work
that only depends on the end state (e.g. recomputing a case once) is done once per batch. In the
one-by-one fallback a hook runs once per event, with that event alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import orjson
import structlog
from aiokafka import AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError

from shared import db, metrics
from shared.bus import build_consumer
from shared.envelope import Envelope
from shared.eventstore import EventStore
from shared.reactions import ReactionContext, Reactions

COMMIT_INTERVAL_S = 0.2  # at most this long between offset commits under steady load
log = structlog.get_logger("consumer")

def _storable(value: str) -> str:
    """Text PostgreSQL can store (it refuses NUL)."""
    return value.replace("\x00", "\ufffd") if "\x00" in value else value


@dataclass
class ConsumerStatus:
    running: bool = False
    lag: int = 0
    applied: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    last_error: str | None = None
    assigned: list[int] = field(default_factory=list)
    # When the loop last came back from a fetch (monotonic): a loop stuck inside a batch would keep its
    # last lag for ever, so /readyz shows how long ago that was.
    polled_at: float = field(default_factory=time.monotonic)

    def since_poll_s(self) -> float:
        return round(time.monotonic() - self.polled_at, 1)


class ConsumerRunner:
    """Consumes ``topic`` in consumer group ``group_id`` and applies ``reactions`` exactly once."""

    def __init__(
        self,
        *,
        service: str,
        pool: asyncpg.Pool,
        reactions: Reactions,
        store: EventStore,
        bootstrap: str,
        topic: str,
        group_id: str,
        dead_letter_topic: str,
        producer: AIOKafkaProducer,
        max_retries: int = 3,
        retry_backoff_s: float = 0.2,
        batch_max: int = 500,
        consumer_options: dict[str, Any] | None = None,
        linger_s: float = 0.0,
    ) -> None:
        self.service = service
        self.pool = pool
        self.reactions = reactions
        self.store = store
        self.bootstrap = bootstrap
        self.topic = topic
        self.group_id = group_id
        self.dead_letter_topic = dead_letter_topic
        self.producer = producer
        self.max_retries = max_retries
        self.retry_backoff_s = retry_backoff_s
        self.batch_max = batch_max
        self.linger_s = linger_s
        self.consumer_options = consumer_options or {}
        self.status = ConsumerStatus()

    async def run(self) -> None:
        """Consume until cancelled; reconnects after broker errors."""
        while True:
            consumer = build_consumer(
                self.bootstrap,
                self.group_id,
                f"{self.service}-consumer",
                self.topic,
                **self.consumer_options,
            )
            # Offsets processed but not yet committed to Kafka, and when Kafka last got a commit.
            pending: dict[TopicPartition, int] = {}
            last_commit = time.monotonic()
            try:
                await consumer.start()
                self.status.running = True
                while True:
                    batches = await consumer.getmany(
                        timeout_ms=100 if pending else 500, max_records=self.batch_max
                    )
                    if batches and self.linger_s:
                        await self._linger(consumer, batches)
                    # Every partition's records in one transaction (each partition in log order).
                    fetched = [rec for records in batches.values() for rec in records]
                    if fetched:
                        await self._process(fetched)
                        pending.update({tp: rs[-1].offset + 1 for tp, rs in batches.items() if rs})
                    # The offsets go to Kafka at most every COMMIT_INTERVAL_S under load, and at once
                    # when a fetch comes back empty: one commit per fetch was most of the broker's work
                    # for a busy service. Safe because the inbox, not the offset, decides what is
                    # applied: after a crash the uncommitted tail is delivered again and skipped.
                    now = time.monotonic()
                    if pending and (not fetched or now - last_commit >= COMMIT_INTERVAL_S):
                        await self._commit(consumer, pending)
                        pending, last_commit = {}, now
                    await self._update_lag(consumer)
                    self.status.polled_at = time.monotonic()
            except asyncio.CancelledError:
                raise
            except KafkaError as exc:
                self.status.last_error = repr(exc)
                log.warning("consumer_kafka_error", service=self.service, error=repr(exc))
                await asyncio.sleep(1)
            except Exception as exc:
                if not db.unavailable(exc):
                    raise  # a bug: the task supervisor logs it and starts this loop again
                # The database is out of reach: nothing of the current fetch was committed, so a new
                # consumer resumes from the last commit once the database answers again. Events are
                # never dead-lettered for an outage (they are valid; only the database is missing).
                self.status.last_error = f"database unavailable: {type(exc).__name__}"
                log.warning("consumer_database_unavailable", service=self.service, error=type(exc).__name__)
                await self._wait_for_database()
            finally:
                self.status.running = False
                if pending:  # what was applied is committed on the way out (best effort: the inbox covers it)
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(asyncio.shield(self._commit(consumer, pending)), 5)
                # Leaving the group needs the coordinator: a broker that does not answer must not keep
                # this task (and a service's shutdown, or a test's cancel) waiting for ever.
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(asyncio.shield(consumer.stop()), 10)

    async def _linger(self, consumer: Any, batches: dict[TopicPartition, list[Any]]) -> None:
        """A fetch smaller than a batch: wait ``linger_s`` and add what the fetcher has meanwhile
        (each partition's records stay in log order)."""
        room = self.batch_max - sum(len(rs) for rs in batches.values())
        if room <= 0:
            return
        await asyncio.sleep(self.linger_s)
        more = await consumer.getmany(timeout_ms=0, max_records=room)
        for tp, records in more.items():
            batches.setdefault(tp, []).extend(records)

    async def _wait_for_database(self) -> None:
        """Until ``SELECT 1`` answers (every second; cancellable)."""
        while True:
            await asyncio.sleep(1)
            try:
                await asyncio.wait_for(self.pool.fetchval("SELECT 1"), 2)
            except Exception as exc:
                if not db.unavailable(exc):
                    raise
                continue
            log.info("consumer_database_back", service=self.service)
            return

    async def _commit(self, consumer: Any, offsets: dict[TopicPartition, int]) -> None:
        try:
            await consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError) as exc:
            # Partitions moved to another instance: they will redeliver, the inbox absorbs it.
            log.info(
                "consumer_commit_skipped", service=self.service,
                partitions=sorted(tp.partition for tp in offsets), error=repr(exc),
            )

    async def _update_lag(self, consumer: Any) -> None:
        lag = 0
        assigned: list[int] = []
        for tp in consumer.assignment():
            assigned.append(tp.partition)
            hw = consumer.highwater(tp)
            if hw is None:
                continue
            with contextlib.suppress(Exception):
                lag += max(0, hw - await asyncio.wait_for(consumer.position(tp), 0.05))
        self.status.lag = lag
        self.status.assigned = sorted(assigned)
        metrics.CONSUMER_LAG.labels(self.service).set(lag)

    async def _process(self, records: list[ConsumerRecord[Any, Any]]) -> None:
        parsed: list[tuple[ConsumerRecord[Any, Any], Envelope]] = []
        for rec in records:
            try:
                data = orjson.loads(rec.value)
                kind = data.get("event_type") if isinstance(data, dict) else None
                if isinstance(kind, str) and not self.reactions.handlers_for(kind):
                    continue  # not this service's business: not validated (its own events, mostly)
                env = Envelope.model_validate(data)
            except Exception as exc:
                await self._dead_letter(rec, None, f"unreadable envelope: {exc!r}", 1)
                continue
            if self.reactions.handlers_for(env.event_type):
                parsed.append((rec, env))
        if not parsed:
            return
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                applied = await self._apply_many(conn, parsed)
                await self.reactions.finish_batch(conn, applied)
            self.store.committed()
        except Exception as exc:
            log.info("consumer_batch_failed", service=self.service, error=repr(exc), size=len(parsed))
            for rec, env in parsed:
                await self._apply_alone(rec, env)
            return
        self._count(parsed)

    def _count(self, parsed: list[tuple[ConsumerRecord[Any, Any], Envelope]]) -> None:
        self.status.applied += len(parsed)
        metrics.CONSUMED.labels(self.service, "processed").inc(len(parsed))

    async def _apply_many(
        self, conn: asyncpg.Connection, parsed: list[tuple[ConsumerRecord[Any, Any], Envelope]]
    ) -> list[ReactionContext]:
        """Record the events in the inbox (one statement) and run the handlers of the new ones in
        order; the contexts of those applied (duplicates are counted and skipped)."""
        fresh = {
            r["event_id"]
            for r in await conn.fetch(
                "INSERT INTO inbox (event_id, event_type, case_id, topic, partition, kafka_offset)"
                " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[])"
                " ON CONFLICT DO NOTHING RETURNING event_id",
                [env.event_id for _, env in parsed],
                [_storable(env.event_type) for _, env in parsed],  # informational columns: a NUL
                [_storable(env.case_id) for _, env in parsed],  # a producer sent must not stop the event
                [rec.topic for rec, _ in parsed],
                [rec.partition for rec, _ in parsed],
                [rec.offset for rec, _ in parsed],
            )
        }
        applied: list[ReactionContext] = []
        for rec, env in parsed:
            if env.event_id not in fresh:  # seen before, or twice in this batch
                self.status.duplicates += 1
                metrics.CONSUMED.labels(self.service, "duplicate").inc()
                continue
            fresh.discard(env.event_id)
            ctx = ReactionContext(conn, env, self.store, self.service, rec.partition, rec.offset)
            for handler in self.reactions.handlers_for(env.event_type):
                await handler(ctx)
            applied.append(ctx)
        return applied

    async def _apply_alone(self, rec: ConsumerRecord[Any, Any], env: Envelope) -> None:
        error = ""
        for attempt in range(1, self.max_retries + 1):
            try:
                async with self.pool.acquire() as conn, conn.transaction():
                    applied = await self._apply_many(conn, [(rec, env)])
                    await self.reactions.finish_batch(conn, applied)
                self.store.committed()
                self._count([(rec, env)])
                return
            except Exception as exc:
                if db.unavailable(exc):
                    raise  # not this event's fault: run() waits for the database, then resumes
                error = "".join(traceback.format_exception_only(exc)).strip()
                self.status.last_error = error
                log.warning(
                    "consumer_apply_failed",
                    service=self.service,
                    event_id=str(env.event_id),
                    event_type=env.event_type,
                    attempt=attempt,
                    error=error,
                )
                if attempt < self.max_retries:
                    await asyncio.sleep(self.retry_backoff_s * 2 ** (attempt - 1))
        await self._dead_letter(rec, env, error, self.max_retries)

    async def _dead_letter(
        self, rec: ConsumerRecord[Any, Any], env: Envelope | None, error: str, attempts: int
    ) -> None:
        headers = [
            ("error", error[:2000].encode()),
            ("service", self.service.encode()),
            ("original_topic", rec.topic.encode()),
            ("original_partition", str(rec.partition).encode()),
            ("original_offset", str(rec.offset).encode()),
            ("attempts", str(attempts).encode()),
        ]
        fut = await self.producer.send(self.dead_letter_topic, value=rec.value, key=rec.key, headers=headers)
        await fut
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO dead_letters (event_id, event_type, case_id, topic, partition, kafka_offset,"
                " error, attempts, raw, kafka_key) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
                env.event_id if env else None,
                _storable(env.event_type) if env else None,
                _storable(env.case_id) if env else None,
                rec.topic,
                rec.partition,
                rec.offset,
                _storable(error),
                attempts,
                rec.value,
                rec.key,
            )
            if env is not None:
                await conn.execute(
                    "INSERT INTO inbox (event_id, event_type, case_id, topic, partition, kafka_offset, outcome)"
                    " VALUES ($1,$2,$3,$4,$5,$6,'dead_lettered') ON CONFLICT DO NOTHING",
                    env.event_id,
                    _storable(env.event_type),
                    _storable(env.case_id),
                    rec.topic,
                    rec.partition,
                    rec.offset,
                )
        self.status.dead_lettered += 1
        metrics.DEAD_LETTERED.labels(self.service).inc()
        log.error(
            "consumer_dead_lettered",
            service=self.service,
            event_id=str(env.event_id) if env else None,
            error=error,
            partition=rec.partition,
            offset=rec.offset,
        )
