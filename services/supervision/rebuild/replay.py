"""One process's replay of ``case-events`` into the shadow tables (``Replay``): every record up to
given offsets, read and parsed a chunk at a time across the assigned partitions (each in log order),
chained and copied in, the three overlapping as stages on connections of their own; or the same
step by step inside a transaction (the swap's locked part). A rebuild is a replay
(``engine.Rebuild``), and so is each worker process's share of one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from services.supervision.domain.findings import Context
from services.supervision.rebuild.chaining import Chain, write_trail
from services.supervision.rebuild.pipeline import SHADOW, Chunk, Progress, Rows, Stage, bulk
from services.supervision.settings import Settings
from services.supervision.trail.chain import TRAIL_COLUMNS
from services.supervision.trail.checks import refresh_cases
from services.supervision.trail.event import parse_event

MAX_SKIPPED_LISTED = 50
_PARTITION = TRAIL_COLUMNS.index("kafka_partition")
_OFFSET = TRAIL_COLUMNS.index("kafka_offset")


@dataclass
class Replay:
    pool: asyncpg.Pool
    settings: Settings
    on_progress: Callable[[Progress], None] = lambda p: None
    progress: Progress = field(default_factory=Progress)
    position: dict[int, int] = field(default_factory=dict)  # next offset to read, per partition
    last_applied: dict[int, int] = field(default_factory=dict)  # offset of the last event recorded
    chain: Chain = field(default_factory=lambda: Chain(SHADOW))
    changed: bool = False  # written to (since the checks pass's report, for a Rebuild)
    # Records that are not an envelope (the live consumer dead-letters them): skipped, never fatal.
    skipped: int = 0
    skipped_records: list[dict[str, Any]] = field(default_factory=list)  # the first MAX_SKIPPED_LISTED

    async def _chunks(self, consumer: AIOKafkaConsumer, last: dict[TopicPartition, int]) -> AsyncIterator[Chunk]:
        """Every record up to ``last`` (inclusive) per partition, parsed, a chunk at a time across
        partitions (records that are not an envelope skipped and recorded: the live consumer
        dead-letters them)."""
        pending = {tp for tp, off in last.items() if self.position[tp.partition] <= off}
        for tp in last:
            consumer.seek(tp, self.position[tp.partition])
        while pending:
            batches = await consumer.getmany(*pending, timeout_ms=500, max_records=self.settings.rebuild_batch_size)
            chunk: Chunk = []
            for tp, records in batches.items():
                end = last[tp]
                taken = 0
                for rec in records:
                    if rec.offset > end:
                        break
                    taken += 1
                    try:
                        chunk.append((tp.partition, rec.offset, parse_event(rec.value)))
                    except Exception as exc:
                        self._skip(rec, exc)
                if taken:
                    self.position[tp.partition] = records[taken - 1].offset + 1
                    self.progress.done += taken
                if self.position[tp.partition] > end or taken < len(records):
                    pending.discard(tp)
                    consumer.seek(tp, self.position[tp.partition])
            if chunk:
                yield chunk
            self.on_progress(self.progress)

    def _skip(self, rec: ConsumerRecord[Any, Any], exc: Exception) -> None:
        """A record that is not an envelope: counted and, the first few, listed in the report."""
        self.skipped += 1
        if len(self.skipped_records) < MAX_SKIPPED_LISTED:
            key = rec.key.decode("utf-8", "replace")[:200] if rec.key else None
            self.skipped_records.append(
                {"partition": rec.partition, "offset": rec.offset, "case_id": key, "error": type(exc).__name__}
            )

    def add_skipped(self, count: int, records: list[dict[str, Any]]) -> None:
        """Another replay's skipped records (a worker's share) counted in with these."""
        self.skipped += count
        self.skipped_records = sorted([*self.skipped_records, *records], key=lambda r: (r["partition"], r["offset"]))
        del self.skipped_records[MAX_SKIPPED_LISTED:]

    def _applied(self, rows: Rows) -> None:
        for row in rows:
            self.last_applied[row[_PARTITION]] = max(self.last_applied.get(row[_PARTITION], -1), row[_OFFSET])

    async def _replay(
        self, consumer: AIOKafkaConsumer, last: dict[TopicPartition, int], ctx: Context | None = None
    ) -> None:
        """Apply every record up to ``last`` (inclusive) per partition: reading and parsing, the
        chain step (its lookups) and the COPY overlap, each on its own connection. With ``ctx``
        (catching up after the checks pass), the cases each chunk touches are re-checked too."""
        if all(self.position[tp.partition] > off for tp, off in last.items()):
            return  # nothing to read (the usual catch-up)
        async with bulk(self.pool) as lookup, bulk(self.pool) as writer:

            async def write(item: tuple[Rows, dict[str, tuple[int, bytes]]]) -> None:
                rows, moved = item
                self.changed = True
                async with writer.transaction():
                    await write_trail(writer, rows, moved)
                    if ctx is not None:
                        await refresh_cases(writer, SHADOW, moved, ctx)

            async def link(chunk: Chunk) -> None:
                rows, moved = await self.chain.link(lookup, chunk)
                if rows:
                    self._applied(rows)
                    await writing.put((rows, moved))

            writing = Stage(write, "rebuild-copy")
            linking = Stage(link, "rebuild-chain")
            try:
                async for chunk in self._chunks(consumer, last):
                    await linking.put(chunk)
                await linking.close()
                await writing.close()
            finally:
                linking.cancel()
                writing.cancel()

    async def _replay_in(
        self, conn: asyncpg.Connection, consumer: AIOKafkaConsumer, last: dict[TopicPartition, int], ctx: Context
    ) -> None:
        """The same, step by step inside ``conn``'s transaction (the locked part of the swap)."""
        async for chunk in self._chunks(consumer, last):
            rows, moved = await self.chain.link(conn, chunk)
            if rows:
                self._applied(rows)
                self.changed = True
                await write_trail(conn, rows, moved)
                await refresh_cases(conn, SHADOW, moved, ctx)
