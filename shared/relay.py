"""Outbox relay: publishes committed outbox rows to Kafka, one leader per service.

Why it selects "rows still in the outbox" instead of "id > last published": identity values are
handed out when a row is inserted, not when its transaction commits. A transaction that took id
41 may commit after one that took id 42; a relay tailing ``id > 42`` would skip 41 forever.
Reading whatever is still present, oldest first, and deleting only what Kafka acknowledged,
cannot skip anything; the price is at-least-once delivery, which the consumers' inbox absorbs.

Leadership is a session-level advisory lock held on the relay's own connection: when the leader
process or its connection dies, PostgreSQL releases the lock and a waiting instance takes over.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from dataclasses import dataclass

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer

from shared import db, metrics

log = structlog.get_logger("relay")

# The message is the event's stored JSON text, sent as it was written.
_BATCH = (
    "SELECT o.id, o.case_id, convert_to(e.envelope::text, 'UTF8') AS message"
    " FROM outbox o JOIN events e ON e.position = o.position ORDER BY o.id LIMIT $1"
)


def leader_lock_key(service: str) -> int:
    """A stable 63-bit advisory-lock key for a service's relay."""
    return int.from_bytes(hashlib.sha256(f"relay:{service}".encode()).digest()[:8], "big") >> 1


@dataclass
class RelayStatus:
    is_leader: bool = False
    published: int = 0
    last_error: str | None = None


class OutboxRelay:
    """Moves outbox rows to the ``case-events`` topic keyed by case id, in outbox id order."""

    def __init__(
        self,
        *,
        dsn: str,
        service: str,
        producer: AIOKafkaProducer,
        topic: str,
        notify_channel: str = "outbox",
        batch_size: int = 1000,
        poll_interval_s: float = 1.0,
        lock_retry_s: float = 1.0,
    ) -> None:
        self.dsn = dsn
        self.service = service
        self.producer = producer
        self.topic = topic
        self.notify_channel = notify_channel
        self.batch_size = batch_size
        self.poll_interval_s = poll_interval_s
        self.lock_retry_s = lock_retry_s
        self.status = RelayStatus()
        self._wake = asyncio.Event()

    async def run(self) -> None:
        """Run forever: win leadership, then publish; on any failure, step down and retry."""
        while True:
            conn: asyncpg.Connection | None = None
            try:
                conn = await db.connect(self.dsn)
                while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", leader_lock_key(self.service)):
                    self.status.is_leader = False
                    await asyncio.sleep(self.lock_retry_s)
                self.status.is_leader = True
                metrics.RELAY_LEADER.labels(self.service).set(1)
                log.info("relay_leader_elected", service=self.service)
                await conn.add_listener(self.notify_channel, self._on_notify)
                await self._publish_loop(conn)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # step down, back off, try again
                self.status.last_error = repr(exc)
                log.warning("relay_error", service=self.service, error=repr(exc))
                await asyncio.sleep(self.lock_retry_s)
            finally:
                self.status.is_leader = False
                metrics.RELAY_LEADER.labels(self.service).set(0)
                if conn is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.shield(conn.close(timeout=2))

    def _on_notify(self, *_: object) -> None:
        self.wake()

    def wake(self) -> None:
        """New outbox rows were committed: by this process (no ``pg_notify``) or, via LISTEN, another."""
        self._wake.set()

    async def _publish_loop(self, conn: asyncpg.Connection) -> None:
        while True:
            self._wake.clear()
            sent = await self.publish_batch(conn)
            if sent >= self.batch_size:
                continue
            if sent == 0:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_interval_s)

    async def publish_batch(self, conn: asyncpg.Connection) -> int:
        """Publish up to ``batch_size`` rows, wait for every ack, then delete them."""
        rows = await conn.fetch(_BATCH, self.batch_size)
        if not rows:
            metrics.RELAY_BACKLOG.labels(self.service).set(0)
            return 0
        futures = [await self.producer.send(self.topic, value=r["message"], key=r["case_id"].encode()) for r in rows]
        await asyncio.gather(*futures)
        await conn.execute("DELETE FROM outbox WHERE id = ANY($1::bigint[])", [r["id"] for r in rows])
        self.status.published += len(rows)
        metrics.RELAY_PUBLISHED.labels(self.service).inc(len(rows))
        return len(rows)


async def outbox_backlog(pool: asyncpg.Pool) -> int:
    """Rows committed but not yet acknowledged by Kafka."""
    return int(await pool.fetchval("SELECT count(*) FROM outbox"))
