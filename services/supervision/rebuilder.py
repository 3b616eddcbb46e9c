"""Rebuild the projection from ``case-events``, aside, while the live one keeps serving; then swap.

1. Shadow tables: schema ``supervision_rebuild`` with a copy of each projected table's definition.
2. Replay: a plain consumer (no group) assigned every partition reads from the first offset up to
   the end offsets captured at the start, in batches; each partition in log order, as the live
   consumer does, so every case's trail comes out in the same order with the same hashes.
3. Checks: findings and deadline states recomputed once per case from its rebuilt trail.
4. Swap: under the projection lock (live writers take it shared, so none is in flight), the
   events the live consumer applied since are replayed too, both sides are verified and digested,
   and the tables change schema in one transaction. Nothing is notified or published: a rebuild
   has no side effects.
"""

from __future__ import annotations

import asyncio
import resource
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from services.supervision.checks import load_context, refresh_case
from services.supervision.findings import Context
from services.supervision.settings import SupervisionSettings
from services.supervision.trail import GENESIS, PROJECTION_LOCK, TRAIL_COLUMNS, insert_sql, trail_row
from services.supervision.verify import verify
from shared.envelope import Envelope

SHADOW = "supervision_rebuild"
RETIRED = "supervision_retired"
TABLES = ("audit_trail", "case_heads", "findings", "deadlines")
REBUILD_LOCK = 0x5EB5_0008


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


class _NotYet(Exception):
    """The live consumer has not reached the rebuild's position yet."""


@dataclass
class Rebuild:
    pool: asyncpg.Pool
    settings: SupervisionSettings
    on_progress: Callable[[Progress], None] = lambda p: None
    require_identical: bool = True
    progress: Progress = field(default_factory=Progress)
    position: dict[int, int] = field(default_factory=dict)  # next offset to read, per partition
    last_applied: dict[int, int] = field(default_factory=dict)  # offset of the last event recorded
    touched: set[str] = field(default_factory=set)

    async def run(self) -> dict[str, Any]:
        """Rebuild, verify, swap. Returns the report; raises RebuildAborted when nothing was swapped."""
        started = time.monotonic()
        async with self.pool.acquire() as guard:
            if not await guard.fetchval("SELECT pg_try_advisory_lock($1)", REBUILD_LOCK):
                raise RebuildAborted("另一个重建正在进行")
            try:
                await self._prepare()
                consumer = AIOKafkaConsumer(
                    bootstrap_servers=self.settings.kafka_bootstrap_servers,
                    group_id=None,
                    enable_auto_commit=False,
                    isolation_level="read_committed",
                    auto_offset_reset="earliest",
                    client_id="supervision-rebuild",
                )
                await consumer.start()
                try:
                    tps = await self._assign(consumer)
                    end = await consumer.end_offsets(tps)
                    self.progress.phase = "回放事件"
                    self.progress.total = sum(end[tp] - self.position[tp.partition] for tp in tps)
                    await self._replay(consumer, {tp: end[tp] - 1 for tp in tps}, self.pool)
                    self.progress.phase = "重算检查与期限"
                    ctx = await self._context()
                    await self._refresh_all(ctx)
                    report = await self._swap(consumer, tps, ctx)
                finally:
                    await consumer.stop()
            finally:
                await guard.execute(f"DROP SCHEMA IF EXISTS {SHADOW} CASCADE")
                await guard.execute("SELECT pg_advisory_unlock($1)", REBUILD_LOCK)
        elapsed = time.monotonic() - started
        report.update(
            seconds=round(elapsed, 2),
            events_per_s=round(report["events"] / elapsed, 1) if elapsed else 0,
            peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        )
        return report

    async def _prepare(self) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(f"DROP SCHEMA IF EXISTS {SHADOW} CASCADE")
            await conn.execute(f"CREATE SCHEMA {SHADOW}")
            for table in TABLES:
                await conn.execute(f"CREATE TABLE {SHADOW}.{table} (LIKE public.{table} INCLUDING ALL)")

    async def _assign(self, consumer: AIOKafkaConsumer) -> list[TopicPartition]:
        topic = self.settings.case_events_topic
        consumer.subscribe([topic])  # only to load the topic's metadata; partitions are assigned below
        partitions = None
        for _ in range(50):
            partitions = consumer.partitions_for_topic(topic)
            if partitions:
                break
            await asyncio.sleep(0.1)
        consumer.unsubscribe()
        if not partitions:
            raise RebuildAborted(f"主题 {topic} 不存在或没有分区")
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        begin = await consumer.beginning_offsets(tps)
        for tp in tps:
            consumer.seek(tp, begin[tp])
            self.position[tp.partition] = begin[tp]
        return tps

    async def _context(self) -> Context:
        async with self.pool.acquire() as conn:
            return await load_context(conn, self.settings.deadlines)

    async def _replay(
        self, consumer: AIOKafkaConsumer, last: dict[TopicPartition, int], db: asyncpg.Pool | asyncpg.Connection
    ) -> None:
        """Apply every record up to ``last`` (inclusive) per partition, batch by batch."""
        pending = {tp for tp, off in last.items() if self.position[tp.partition] <= off}
        for tp in last:
            consumer.seek(tp, self.position[tp.partition])
        while pending:
            batches = await consumer.getmany(*pending, timeout_ms=500, max_records=self.settings.rebuild_batch_size)
            for tp, records in batches.items():
                wanted = [r for r in records if r.offset <= last[tp]]
                if wanted:
                    await self._apply(db, tp.partition, wanted)
                    self.position[tp.partition] = wanted[-1].offset + 1
                    self.progress.done += len(wanted)
                    self.on_progress(self.progress)
                if self.position[tp.partition] > last[tp] or len(wanted) < len(records):
                    pending.discard(tp)
                    consumer.seek(tp, self.position[tp.partition])

    async def _apply(
        self, db: asyncpg.Pool | asyncpg.Connection, partition: int, records: list[ConsumerRecord[Any, Any]]
    ) -> None:
        envs: list[tuple[Envelope, int]] = []
        for rec in records:
            try:
                envs.append((Envelope.from_bytes(rec.value), rec.offset))
            except Exception:  # the live consumer dead-letters these; neither side records them
                continue
        if not envs:
            return
        if isinstance(db, asyncpg.Pool):
            async with db.acquire() as conn, conn.transaction():
                await self._write(conn, partition, envs)
        else:
            await self._write(db, partition, envs)

    async def _write(self, conn: asyncpg.Connection, partition: int, envs: list[tuple[Envelope, int]]) -> None:
        ids = [e.event_id for e, _ in envs]
        seen = {
            r["event_id"]
            for r in await conn.fetch(
                f"SELECT event_id FROM {SHADOW}.audit_trail WHERE event_id = ANY($1::uuid[])", ids
            )
        }
        cases = list({e.case_id for e, _ in envs})
        heads = {
            r["case_id"]: (r["last_seq"], bytes(r["last_hash"]))
            for r in await conn.fetch(
                f"SELECT case_id, last_seq, last_hash FROM {SHADOW}.case_heads WHERE case_id = ANY($1::text[])", cases
            )
        }
        rows = []
        for env, offset in envs:
            if env.event_id in seen:  # published twice: the live inbox skips it as well
                continue
            seen.add(env.event_id)
            seq, prev = heads.get(env.case_id, (0, GENESIS))
            row = trail_row(env, seq + 1, prev, partition, offset)
            heads[env.case_id] = (seq + 1, row[-1])
            rows.append(row)
            self.touched.add(env.case_id)
            self.last_applied[partition] = offset
        if not rows:
            return
        await conn.executemany(insert_sql(SHADOW), rows)
        await conn.executemany(
            f"INSERT INTO {SHADOW}.case_heads (case_id, last_seq, last_hash) VALUES ($1, $2, $3)"
            " ON CONFLICT (case_id) DO UPDATE SET last_seq = EXCLUDED.last_seq, last_hash = EXCLUDED.last_hash",
            [(c, s, h) for c, (s, h) in heads.items()],
        )

    async def _refresh_all(self, ctx: Context) -> None:
        """Every rebuilt case, a page of case ids at a time."""
        after = ""
        self.progress.total, self.progress.done = self.progress.done, 0
        self.progress.total = await self.pool.fetchval(f"SELECT count(*) FROM {SHADOW}.case_heads")
        self.progress.started = time.monotonic()
        while True:
            page = [
                r["case_id"]
                for r in await self.pool.fetch(
                    f"SELECT case_id FROM {SHADOW}.case_heads WHERE case_id > $1 ORDER BY 1 LIMIT 200", after
                )
            ]
            if not page:
                break
            await self._refresh(self.pool, page, ctx)
            self.progress.done += len(page)
            self.on_progress(self.progress)
            after = page[-1]
        self.touched.clear()

    async def _refresh(self, db: asyncpg.Pool | asyncpg.Connection, cases: Iterable[str], ctx: Context) -> None:
        ids = list(cases)
        if not ids:
            return
        if isinstance(db, asyncpg.Pool):
            async with db.acquire() as conn, conn.transaction():
                for case_id in ids:
                    await refresh_case(conn, SHADOW, case_id, ctx)
        else:
            for case_id in ids:
                await refresh_case(db, SHADOW, case_id, ctx)
        self.touched.difference_update(ids)

    async def _swap(self, consumer: AIOKafkaConsumer, tps: list[TopicPartition], ctx: Context) -> dict[str, Any]:
        deadline = time.monotonic() + self.settings.rebuild_swap_timeout_s
        self.progress.phase = "追平并切换"
        self.progress.total = self.progress.done
        while True:
            # Catch up without the lock first, so the locked step has little to do.
            end = await consumer.end_offsets(tps)
            await self._replay(consumer, {tp: end[tp] - 1 for tp in tps}, self.pool)
            await self._refresh(self.pool, sorted(self.touched), ctx)
            saved = (dict(self.position), dict(self.last_applied), set(self.touched))
            try:
                return await self._locked_swap(consumer, tps, ctx)
            except _NotYet:
                self.position, self.last_applied, self.touched = saved[0], saved[1], saved[2]
                if time.monotonic() > deadline:
                    raise RebuildAborted("实时消费者落后于重建位置，超时未能切换") from None
                await asyncio.sleep(0.2)

    async def _locked_swap(self, consumer: AIOKafkaConsumer, tps: list[TopicPartition], ctx: Context) -> dict[str, Any]:
        topic = self.settings.case_events_topic
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("SET LOCAL lock_timeout = '30s'")
            await conn.execute("SELECT pg_advisory_xact_lock($1)", PROJECTION_LOCK)
            live: dict[int, int] = {}
            for tp in tps:
                last = await conn.fetchval(
                    "SELECT max(kafka_offset) FROM inbox WHERE topic = $1 AND partition = $2", topic, tp.partition
                )
                live[tp.partition] = -1 if last is None else last
            if any(off > live.get(p, -1) for p, off in self.last_applied.items()):
                raise _NotYet
            await self._replay(consumer, {tp: live.get(tp.partition, -1) for tp in tps}, conn)
            await self._refresh(conn, sorted(self.touched), ctx)
            rebuilt = await verify(conn, SHADOW)
            current = await verify(conn, "public")
            identical = rebuilt.digests == current.digests
            report = {
                "events": rebuilt.events,
                "cases": rebuilt.cases,
                "rebuilt": rebuilt.to_json(),
                "live": current.to_json(),
                "identical": identical,
            }
            if not rebuilt.ok:
                raise RebuildAborted(f"重建结果校验失败：{rebuilt.to_json()}")
            if self.require_identical and not identical:
                raise RebuildAborted(f"重建结果与实时投影不一致：{rebuilt.digests} ≠ {current.digests}")
            await conn.execute(f"DROP SCHEMA IF EXISTS {RETIRED} CASCADE")
            await conn.execute(f"CREATE SCHEMA {RETIRED}")
            for table in TABLES:
                await conn.execute(f"ALTER TABLE public.{table} SET SCHEMA {RETIRED}")
                await conn.execute(f"ALTER TABLE {SHADOW}.{table} SET SCHEMA public")
            await conn.execute(f"DROP SCHEMA {RETIRED} CASCADE")
        self.progress.phase = "完成"
        self.on_progress(self.progress)
        report["swapped"] = True
        return report


__all__ = ["TRAIL_COLUMNS", "Progress", "Rebuild", "RebuildAborted"]
