"""Rebuild the projection from ``case-events``, aside, while the live one keeps serving; then swap.

1. Shadow tables: schema ``supervision_rebuild`` with a copy of each projected table's definition
   (indexes that back no key are built after their rows are in: one sorted build each).
2. Replay: a plain consumer (no group) assigned partitions reads from the first offset up to the
   end offsets captured at the start, in chunks across its partitions; each partition in log
   order, as the live consumer does, so every case's trail comes out in the same order with the
   same hashes. Three stages overlap (read and parse; dedupe and chain; COPY), joined by bounded
   queues, so memory stays flat: what is kept per case is a bounded cache of chain heads (the
   rest is in ``case_heads``) and per event only the ids of the chunks still in flight.
   A case's events are all in one partition (the key is the case id), so a long log is replayed
   by worker processes side by side, each with its own share of the partitions.
3. Checks and verification: one pass over the rebuilt trail in case order (a cursor) computes each
   case's findings and deadline states (written with COPY) and re-checks its chain from the stored
   rows; the workers take a range of case ids each. Meanwhile the server checks the streams,
   digests the trail and builds its indexes.
4. Swap: under the projection lock (live writers take it shared, so none is in flight), the
   events the live consumer applied since are replayed too (and the rebuilt side verified again
   if that wrote anything), the live side is verified and digested, and the tables change schema
   in one transaction. Nothing is notified or published: a rebuild has no side effects.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import os
import resource
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from services.supervision.domain.findings import Context
from services.supervision.rebuild.verify import (
    MAX_LISTED,
    ChainCheck,
    Report,
    check_orphans,
    check_streams,
    digests,
    trail_query,
    verify,
    with_total,
)
from services.supervision.settings import Settings
from services.supervision.trail.checks import (
    DEADLINE_COLUMNS,
    FINDING_COLUMNS,
    by_case,
    check_rows,
    load_context,
    refresh_cases,
)
from services.supervision.trail.record import (
    GENESIS,
    PROJECTION_LOCK,
    TRAIL_COLUMNS,
    Event,
    heads_upsert_sql,
    parse_event,
    trail_row,
    use_binary_jsonb,
    use_text_jsonb,
)
from shared import db

SHADOW = "supervision_rebuild"
RETIRED = "supervision_retired"
TABLES = ("audit_trail", "case_heads", "findings", "deadlines")
REBUILD_LOCK = 0x5EB5_0008

_CHUNKS_IN_FLIGHT = 1  # queue depth between two stages
# Chunks that may still be uncommitted while the next is chained (queued or being copied), with room.
_KEPT_CHUNKS = 2 * _CHUNKS_IN_FLIGHT + 2
_HEADS_CACHED = 5_000  # chain heads kept in memory (the rest are read back from case_heads)
_CHECK_ROWS = 500  # trail rows fetched per round trip in the checks pass (with payloads: ~10 KB each)
_PARTITION = TRAIL_COLUMNS.index("kafka_partition")
_OFFSET = TRAIL_COLUMNS.index("kafka_offset")

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


class _NotYet(Exception):
    """The live consumer has not reached the rebuild's position yet."""


class _Stage:
    """A consumer task behind a bounded queue; ``put`` fails as soon as the task has failed."""

    def __init__(self, work: Callable[[Any], Awaitable[None]], name: str) -> None:
        self.queue: asyncio.Queue[Any] = asyncio.Queue(_CHUNKS_IN_FLIGHT)
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


@dataclass
class _Chain:
    """Where each case's chain stands: a bounded LRU over ``case_heads``, and the ids of the last
    chunks (those whose rows may not be visible to a lookup yet: still being copied).

    The LRU holds more cases than the chunks in flight can touch (at least ``_KEPT_CHUNKS`` chunks'
    worth), so a case is never evicted while its latest rows are uncommitted: a head read back from
    ``case_heads`` is always current.
    """

    schema: str
    heads: OrderedDict[str, tuple[int, bytes]] = field(default_factory=OrderedDict)
    recent: deque[set[str]] = field(default_factory=deque)
    recent_ids: set[str] = field(default_factory=set)  # the union of ``recent``
    largest: int = 0  # events in the largest chunk so far

    async def link(self, conn: asyncpg.Connection, chunk: Chunk) -> tuple[Rows, dict[str, tuple[int, bytes]]]:
        """Trail rows of the chunk's new events (duplicates of recorded ones left out, as the
        live inbox does) and the heads they move to."""
        heads = self.heads
        misses = list({ev.case_id for _, _, ev in chunk if ev.case_id not in heads})
        known = {
            str(r[0])
            for r in await conn.fetch(
                f"SELECT event_id FROM {self.schema}.audit_trail WHERE event_id = ANY($1::uuid[])",
                [ev.event_id for _, _, ev in chunk],
            )
        }
        if misses:
            for r in await conn.fetch(
                f"SELECT case_id, last_seq, last_hash FROM {self.schema}.case_heads WHERE case_id = ANY($1::text[])",
                misses,
            ):
                heads.setdefault(r[0], (r[1], bytes(r[2])))
        recent, seen = self.recent_ids, set()
        rows: Rows = []
        moved: dict[str, tuple[int, bytes]] = {}
        for partition, offset, ev in chunk:
            event_id, case_id = ev.event_id, ev.case_id
            if event_id in seen or event_id in known or event_id in recent:
                continue
            seen.add(event_id)
            seq, prev = heads.get(case_id, (0, GENESIS))
            row = trail_row(ev, seq + 1, prev, partition, offset)
            rows.append(row)
            moved[case_id] = heads[case_id] = (seq + 1, row[-1])
            heads.move_to_end(case_id)
        self.recent.append(seen)
        recent |= seen
        if len(self.recent) > _KEPT_CHUNKS:
            recent -= self.recent.popleft()
        self.largest = max(self.largest, len(chunk))
        while len(heads) > max(_HEADS_CACHED, _KEPT_CHUNKS * self.largest):
            heads.popitem(last=False)
        return rows, moved


async def _write_trail(conn: asyncpg.Connection, rows: Rows, moved: dict[str, tuple[int, bytes]]) -> None:
    await conn.copy_records_to_table("audit_trail", schema_name=SHADOW, records=rows, columns=TRAIL_COLUMNS)
    cases = list(moved)
    await conn.execute(heads_upsert_sql(SHADOW), cases, [moved[c][0] for c in cases], [moved[c][1] for c in cases])


@contextlib.asynccontextmanager
async def _bulk(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
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


def _consumer(settings: Settings) -> AIOKafkaConsumer:
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


async def _check_pass(
    pool: asyncpg.Pool, ctx: Context, lo: str | None, hi: str | None, on_cases: Callable[[int], None]
) -> Report:
    """Findings and deadlines of the rebuilt cases with ``lo <= case_id < hi`` (None: unbounded),
    and their chains re-checked from the stored rows: one cursor in case order, each case checked
    once, its rows written with COPY while the next are read."""
    report = Report()
    chain = ChainCheck(report)
    where, args = [], []
    for op, bound in ((">=", lo), ("<", hi)):
        if bound is not None:
            args.append(bound)
            where.append(f"t.case_id {op} ${len(args)}")
    async with _bulk(pool) as reader, _bulk(pool) as writer:

        async def write(item: tuple[Rows, Rows]) -> None:
            findings, deadlines = item
            async with writer.transaction():
                if findings:
                    await writer.copy_records_to_table(
                        "findings", schema_name=SHADOW, records=findings, columns=FINDING_COLUMNS
                    )
                if deadlines:
                    await writer.copy_records_to_table(
                        "deadlines", schema_name=SHADOW, records=deadlines, columns=DEADLINE_COLUMNS
                    )

        writing = _Stage(write, "rebuild-checks-copy")
        try:
            findings: Rows = []
            deadlines: Rows = []
            held: list[Any] = []  # the rows of a case that may go on in the next fetch
            async with reader.transaction(readonly=True):
                cursor = await reader.cursor(trail_query(SHADOW, " AND ".join(where)), *args)
                fetching = asyncio.ensure_future(cursor.fetch(_CHECK_ROWS))
                while True:
                    rows = await fetching
                    if rows:
                        fetching = asyncio.ensure_future(cursor.fetch(_CHECK_ROWS))
                    chain.rows(rows)
                    cases = 0
                    for case_id, case_rows in by_case([*held, *rows] if held else rows):
                        if rows and case_rows[-1] is rows[-1]:
                            held = list(case_rows)
                            break
                        checked = check_rows(case_id, case_rows, ctx)
                        findings += checked.finding_rows
                        deadlines += checked.deadline_rows
                        cases += 1
                    else:
                        held = []
                    on_cases(cases)
                    if len(deadlines) >= 5 * _CHECK_ROWS or not rows:
                        await writing.put((findings, deadlines))
                        findings, deadlines = [], []
                    if not rows:
                        break
            await writing.close()
        finally:
            writing.cancel()
    chain.finish()
    return report


# -- worker processes --------------------------------------------------------------------------

_done: Any = None  # the shared count of events (replay) or cases (checks) done, in a worker


def _init_worker(done: Any) -> None:
    global _done
    _done = done
    # A worker only rebuilds: what it has loaded lives to the end, and what it makes is freed by
    # reference counting (payload dicts hold no cycles), so the cyclic collector can mostly rest.
    gc.freeze()
    gc.set_threshold(50_000, 20, 1000)


def _add(done: Any, n: int) -> None:
    if n:
        with done.get_lock():
            done.value += n


def _count(n: int) -> None:
    _add(_done, n)


def _reporter(done: Any) -> Callable[[Progress], None]:
    """An ``on_progress`` adding each step of a replay's count to the shared one."""
    before = [0]

    def report(p: Progress) -> None:
        _add(done, p.done - before[0])
        before[0] = p.done

    return report


def _replay_job(settings: Settings, ranges: dict[int, tuple[int, int]]) -> dict[str, dict[int, int]]:
    """A worker's share of the replay: each partition's offsets ``begin..end`` (inclusive)."""

    async def go() -> dict[str, dict[int, int]]:
        pool = await db.create_pool(settings.database_url, min_size=1, max_size=2)
        consumer = _consumer(settings)
        await consumer.start()
        try:
            rebuild = Rebuild(pool, settings)
            tps = {TopicPartition(settings.case_events_topic, p): r for p, r in ranges.items()}
            consumer.assign(list(tps))
            rebuild.position = {tp.partition: begin for tp, (begin, _) in tps.items()}
            rebuild.on_progress = _reporter(_done)
            await rebuild._replay(consumer, {tp: end for tp, (_, end) in tps.items()})
            return {"position": rebuild.position, "last_applied": rebuild.last_applied}
        finally:
            await consumer.stop()
            await pool.close()

    return asyncio.run(go())


def _check_job(settings: Settings, ctx: Context, lo: str | None, hi: str | None) -> Report:
    """A worker's share of the checks pass: the cases with ``lo <= case_id < hi``."""

    async def go() -> Report:
        pool = await db.create_pool(settings.database_url, min_size=1, max_size=2)
        try:
            return await _check_pass(pool, ctx, lo, hi, _count)
        finally:
            await pool.close()

    return asyncio.run(go())


def _warm() -> None:
    """Nothing: makes a worker start (and import) while the rebuild prepares."""


@dataclass
class Rebuild:
    pool: asyncpg.Pool
    settings: Settings
    on_progress: Callable[[Progress], None] = lambda p: None
    require_identical: bool = True
    progress: Progress = field(default_factory=Progress)
    position: dict[int, int] = field(default_factory=dict)  # next offset to read, per partition
    last_applied: dict[int, int] = field(default_factory=dict)  # offset of the last event recorded
    chain: _Chain = field(default_factory=lambda: _Chain(SHADOW))
    verified: Report | None = None  # the rebuilt side's report, made by the checks pass
    changed: bool = False  # written to since that report
    deferred: dict[str, list[str]] = field(default_factory=dict)  # CREATE INDEX of each shadow table

    async def run(self) -> dict[str, Any]:
        """Rebuild, verify, swap. Returns the report; raises RebuildAborted when nothing was swapped."""
        started = time.monotonic()
        async with self.pool.acquire() as guard:
            if not await guard.fetchval("SELECT pg_try_advisory_lock($1)", REBUILD_LOCK):
                raise RebuildAborted("另一个重建正在进行")
            workers: ProcessPoolExecutor | None = None
            n = 1
            try:
                consumer = _consumer(self.settings)
                await consumer.start()
                try:
                    tps = await self._assign(consumer)
                    end = await consumer.end_offsets(tps)
                    last = {tp: end[tp] - 1 for tp in tps}
                    total = sum(end[tp] - self.position[tp.partition] for tp in tps)
                    wanted = self.settings.rebuild_workers or os.cpu_count() or 1
                    if wanted > 1 and total >= self.settings.rebuild_parallel_min_events:
                        n = wanted
                        done = multiprocessing.get_context("spawn").Value("q", 0)
                        # This process takes a share too: n - 1 more.
                        workers = ProcessPoolExecutor(
                            n - 1,
                            mp_context=multiprocessing.get_context("spawn"),
                            initializer=_init_worker,
                            initargs=(done,),
                        )
                        warming = [asyncio.wrap_future(workers.submit(_warm)) for _ in range(n - 1)]
                    await self._prepare()
                    self.progress.phase = "回放事件"
                    self.progress.total = total
                    if workers is not None:
                        await asyncio.gather(*warming)
                        await self._replay_parallel(consumer, workers, done, n, last)
                    else:
                        await self._replay(consumer, last)
                    self.progress.phase = "重算检查与期限"
                    ctx = await self._context()
                    if workers is not None:
                        await self._check_all(ctx, workers, done, n)
                    else:
                        await self._check_all(ctx)
                    report = await self._swap(consumer, tps, ctx)
                finally:
                    await consumer.stop()
            finally:
                if workers is not None:
                    workers.shutdown(cancel_futures=True)
                await guard.execute(f"DROP SCHEMA IF EXISTS {SHADOW} CASCADE")
                await guard.execute("SELECT pg_advisory_unlock($1)", REBUILD_LOCK)
        elapsed = time.monotonic() - started
        report.update(
            seconds=round(elapsed, 2),
            events_per_s=round(report["events"] / elapsed, 1) if elapsed else 0,
            peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            processes=n,
        )
        if n > 1:  # the largest worker (they have ended): each holds about as much as this one
            report["worker_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
        return report

    async def _prepare(self) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(f"DROP SCHEMA IF EXISTS {SHADOW} CASCADE")
            await conn.execute(f"CREATE SCHEMA {SHADOW}")
            for table in TABLES:
                await conn.execute(f"CREATE TABLE {SHADOW}.{table} (LIKE public.{table} INCLUDING ALL)")
            # Indexes that back no constraint are built once the rows are in (_create_indexes);
            # those of keys stay: the replay looks rows up by them.
            for r in await conn.fetch(
                "SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = $1 AND NOT EXISTS"
                " (SELECT 1 FROM pg_constraint c WHERE c.conindid = to_regclass($1 || '.' || i.indexname))"
                " ORDER BY i.indexname",
                SHADOW,
            ):
                await conn.execute(f"DROP INDEX {SHADOW}.{r['indexname']}")
                self.deferred.setdefault(r["tablename"], []).append(r["indexdef"])

    async def _assign(self, consumer: AIOKafkaConsumer) -> list[TopicPartition]:
        topic = self.settings.case_events_topic
        consumer.subscribe([topic])  # only to load the topic's metadata; partitions are assigned below
        partitions = None
        for _ in range(500):
            partitions = consumer.partitions_for_topic(topic)
            if partitions:
                break
            await asyncio.sleep(0.01)
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

    async def _chunks(self, consumer: AIOKafkaConsumer, last: dict[TopicPartition, int]) -> AsyncIterator[Chunk]:
        """Every record up to ``last`` (inclusive) per partition, parsed, a chunk at a time across
        partitions (unreadable envelopes left out: the live consumer dead-letters them)."""
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
                    except Exception:
                        continue
                if taken:
                    self.position[tp.partition] = records[taken - 1].offset + 1
                    self.progress.done += taken
                if self.position[tp.partition] > end or taken < len(records):
                    pending.discard(tp)
                    consumer.seek(tp, self.position[tp.partition])
            if chunk:
                yield chunk
            self.on_progress(self.progress)

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
        async with _bulk(self.pool) as lookup, _bulk(self.pool) as writer:

            async def write(item: tuple[Rows, dict[str, tuple[int, bytes]]]) -> None:
                rows, moved = item
                self.changed = True
                async with writer.transaction():
                    await _write_trail(writer, rows, moved)
                    if ctx is not None:
                        await refresh_cases(writer, SHADOW, moved, ctx)

            async def link(chunk: Chunk) -> None:
                rows, moved = await self.chain.link(lookup, chunk)
                if rows:
                    self._applied(rows)
                    await writing.put((rows, moved))

            writing = _Stage(write, "rebuild-copy")
            linking = _Stage(link, "rebuild-chain")
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
                await _write_trail(conn, rows, moved)
                await refresh_cases(conn, SHADOW, moved, ctx)

    async def _replay_parallel(
        self,
        consumer: AIOKafkaConsumer,
        workers: ProcessPoolExecutor,
        done: Any,
        n: int,
        last: dict[TopicPartition, int],
    ) -> None:
        """The replay in ``n`` shares of the partitions (balanced by length): one here, the others
        by the worker processes."""
        shares: list[dict[int, tuple[int, int]]] = [{} for _ in range(n)]
        load = [0] * n
        for tp, end in sorted(last.items(), key=lambda x: self.position[x[0].partition] - x[1]):  # longest first
            begin = self.position[tp.partition]
            if begin > end:
                continue
            i = load.index(min(load))
            shares[i][tp.partition] = (begin, end)
            load[i] += end - begin + 1
        here = Rebuild(self.pool, self.settings, on_progress=_reporter(done))
        here.position = {p: self.position[p] for p in shares[0]}

        async def own() -> dict[str, dict[int, int]]:
            mine = {tp: end for tp, end in last.items() if tp.partition in shares[0]}
            await here._replay(consumer, mine)
            return {"position": here.position, "last_applied": here.last_applied}

        jobs = [asyncio.wrap_future(workers.submit(_replay_job, self.settings, share)) for share in shares[1:] if share]
        for result in await self._watch([asyncio.ensure_future(own()), *jobs], done):
            self.position.update(result["position"])
            for p, off in result["last_applied"].items():
                self.last_applied[p] = max(self.last_applied.get(p, -1), off)

    async def _watch(self, jobs: list[asyncio.Future[Any]], done: Any) -> list[Any]:
        """The jobs' results; meanwhile the shared count of what they have done is the progress."""
        with done.get_lock():
            done.value = 0
        waiting = asyncio.ensure_future(asyncio.gather(*jobs))
        try:
            while not waiting.done():
                await asyncio.wait({waiting}, timeout=0.5)
                self.progress.done = done.value
                self.on_progress(self.progress)
            return list(waiting.result())
        finally:
            waiting.cancel()
            for job in jobs:
                job.cancel()

    async def _check_all(
        self, ctx: Context, workers: ProcessPoolExecutor | None = None, done: Any = None, n: int = 1
    ) -> None:
        """The checks pass over every rebuilt case (in ``n`` ranges of case ids: one here, the
        others by the worker processes). The report stands for the swap as long as nothing is
        written after it; meanwhile the server checks the streams, digests the trail and builds
        its indexes."""
        self.progress.total = await self.pool.fetchval(f"SELECT count(*) FROM {SHADOW}.case_heads")
        self.progress.done = 0
        self.progress.started = time.monotonic()
        aside = [
            asyncio.ensure_future(self._on_own(check_streams, SHADOW)),
            asyncio.ensure_future(self._on_own(digests, SHADOW, ["trail"])),
            asyncio.ensure_future(self._create_indexes(["audit_trail"])),
        ]
        try:
            if workers is None:

                def count(cases: int) -> None:
                    self.progress.done += cases
                    self.on_progress(self.progress)

                parts = [await _check_pass(self.pool, ctx, None, None, count)]
            else:
                bounds = await self._split(n)
                ranges = list(zip([None, *bounds], [*bounds, None], strict=True))
                here = asyncio.ensure_future(_check_pass(self.pool, ctx, *ranges[0], lambda cases: _add(done, cases)))
                jobs = [
                    asyncio.wrap_future(workers.submit(_check_job, self.settings, ctx, lo, hi)) for lo, hi in ranges[1:]
                ]
                parts = await self._watch([here, *jobs], done)
            report = Report()
            for part in parts:  # in case order
                report.events += part.events
                report.cases += part.cases
                report.broken_chains += part.broken_chains
            del report.broken_chains[MAX_LISTED:]
            report.broken_streams, trail, _ = await asyncio.gather(*aside)
        finally:
            for task in aside:
                if not task.done():
                    task.cancel()
        await self._create_indexes(["findings", "deadlines"])
        async with self.pool.acquire() as conn, conn.transaction(readonly=True):
            await check_orphans(conn, SHADOW, report)
            report.digests = with_total({**trail, **await digests(conn, SHADOW, ["findings", "deadlines"])})
        self.verified = report
        self.changed = False

    async def _split(self, n: int) -> list[str]:
        """``n - 1`` case ids that cut the rebuilt cases into ``n`` ranges of about equal size."""
        total = self.progress.total
        out: list[str] = []
        async with self.pool.acquire() as conn:
            for i in range(1, n):
                at = await conn.fetchval(
                    f"SELECT case_id FROM {SHADOW}.case_heads ORDER BY case_id OFFSET $1 LIMIT 1", total * i // n
                )
                if at is not None and (not out or at > out[-1]):
                    out.append(at)
        return out

    async def _on_own(self, step: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        """``step(conn, *args)`` on a connection of its own, in a read-only transaction."""
        async with self.pool.acquire() as conn, conn.transaction(readonly=True):
            return await step(conn, *args)

    async def _create_indexes(self, tables: Sequence[str]) -> None:
        """The shadow tables' secondary indexes, left out while their rows were copied in (one
        sorted build is far cheaper than keeping them up to date row by row)."""
        async with self.pool.acquire() as conn:
            for table in tables:
                for sql in self.deferred.pop(table, []):
                    await conn.execute(sql)

    async def _swap(self, consumer: AIOKafkaConsumer, tps: list[TopicPartition], ctx: Context) -> dict[str, Any]:
        deadline = time.monotonic() + self.settings.rebuild_swap_timeout_s
        self.progress.phase = "追平并切换"
        self.progress.total = self.progress.done
        while True:
            # Catch up without the lock first, so the locked step has little to do.
            end = await consumer.end_offsets(tps)
            await self._replay(consumer, {tp: end[tp] - 1 for tp in tps}, ctx)
            try:
                return await self._locked_swap(consumer, tps, ctx)
            except _NotYet:  # raised before the locked step read anything: nothing to undo
                if time.monotonic() > deadline:
                    raise RebuildAborted("实时消费者落后于重建位置，超时未能切换") from None
                await asyncio.sleep(0.2)

    async def _locked_swap(self, consumer: AIOKafkaConsumer, tps: list[TopicPartition], ctx: Context) -> dict[str, Any]:
        topic = self.settings.case_events_topic
        async with self.pool.acquire() as conn:
            await use_binary_jsonb(conn)  # COPY of what is left to catch up
            try:
                report = await self._locked_step(conn, consumer, tps, ctx, topic)
            finally:
                with contextlib.suppress(Exception):
                    await use_text_jsonb(conn)
        self.progress.phase = "完成"
        self.on_progress(self.progress)
        report["swapped"] = True
        return report

    async def _locked_step(
        self,
        conn: asyncpg.Connection,
        consumer: AIOKafkaConsumer,
        tps: list[TopicPartition],
        ctx: Context,
        topic: str,
    ) -> dict[str, Any]:
        async with conn.transaction():
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
            await self._replay_in(conn, consumer, {tp: live.get(tp.partition, -1) for tp in tps}, ctx)
            # The checks pass verified the rebuilt side; again only if it changed since.
            rebuilt = self.verified if self.verified is not None and not self.changed else await verify(conn, SHADOW)
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
        return report


__all__ = ["TRAIL_COLUMNS", "Progress", "Rebuild", "RebuildAborted"]
