"""What the rebuild's stages share: what a rebuild reports as it goes (``Progress``) and how it
fails (``RebuildAborted``); the schema it builds in (``SHADOW``) and the chunks and rows passed from
stage to stage; the ``Stage`` (a task behind a bounded queue) that lets reading, chaining and COPY
overlap with flat memory; the pooled connection for bulk writes to the shadow tables (``bulk``);
and the plain Kafka consumer, in no group, that reads the log (``log_consumer``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer

from services.supervision.settings import Settings
from services.supervision.trail.event import Event
from services.supervision.trail.record import use_binary_jsonb, use_text_jsonb

SHADOW = "supervision_rebuild"

CHUNKS_IN_FLIGHT = 1  # queue depth between two stages

Chunk = list[tuple[int, int, Event]]  # (partition, offset, event), each partition in log order
Rows = list[tuple[Any, ...]]


class RebuildAborted(Exception):
    """The rebuilt projection was not swapped in (the live one is untouched)."""


@dataclass
class Progress:
    phase: str = "准备"
    total: int = 0
    done: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        return (self.total - self.done) / self.rate if self.rate > 0 and self.total >= self.done else None

    def to_json(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "total": self.total,
            "done": self.done,
            "events_per_s": round(self.rate, 1),
            "eta_s": None if self.eta_s is None else round(self.eta_s, 1),
        }


class Stage:
    """A consumer task behind a bounded queue; ``put`` fails as soon as the task has failed."""

    def __init__(self, work: Callable[[Any], Awaitable[None]], name: str) -> None:
        self.queue: asyncio.Queue[Any] = asyncio.Queue(CHUNKS_IN_FLIGHT)
        self.work = work
        self.task = asyncio.create_task(self._run(), name=name)

    async def _run(self) -> None:
        while (item := await self.queue.get()) is not None:
            await self.work(item)

    async def put(self, item: Any) -> None:
        putter = asyncio.ensure_future(self.queue.put(item))
        done, _ = await asyncio.wait({putter, self.task}, return_when=asyncio.FIRST_COMPLETED)
        if putter not in done:
            putter.cancel()
            self.task.result()  # raises the stage's error
            raise RuntimeError(f"{self.task.get_name()} stopped")

    async def close(self) -> None:
        await self.put(None)
        await self.task

    def cancel(self) -> None:
        self.task.cancel()


@contextlib.asynccontextmanager
async def bulk(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection for bulk writes to the shadow tables: COPY-able jsonb, and commits that
    do not wait for the disk (nothing there needs to survive a crash: a rebuild that stops starts
    over; the swap's own commit is durable and flushes all of it first)."""
    async with pool.acquire() as conn:
        await use_binary_jsonb(conn)
        await conn.execute("SET synchronous_commit = off")
        try:
            yield conn
        finally:
            with contextlib.suppress(Exception):  # a broken connection is dropped by the pool anyway
                await use_text_jsonb(conn)


def log_consumer(settings: Settings) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed",
        auto_offset_reset="earliest",
        client_id="supervision-rebuild",
        max_partition_fetch_bytes=256 * 1024,  # a chunk is a few MB at most; more would only wait in memory
        # A fetch waiting at the end of the log holds up the requests behind it on the connection
        # (end offsets before the swap): do not let it wait long.
        fetch_max_wait_ms=20,
    )
