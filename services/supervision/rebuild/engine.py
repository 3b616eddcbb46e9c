"""The projection rebuild (``Rebuild``): the projection made again from ``case-events``, aside, while
the live one keeps serving; then swapped in. This module holds the run and its steps in order,
below; the parts it runs are beside it: ``pipeline`` (progress, stages, connections), ``replay``
and ``chaining`` (step 2), ``check_pass`` (step 3), ``workers`` (the worker processes of 2 and 3)
and ``swap`` (step 4); ``verify`` checks and digests either side.

1. Shadow tables: schema ``supervision_rebuild`` with a copy of each projected table's definition
   (indexes that back no key are built after their rows are in: one sorted build each).
2. Replay: a plain consumer (no group) assigned partitions reads from the first offset up to the
   end offsets captured at the start, in chunks across its partitions; each partition in log
   order, as the live consumer does, so every case's trail comes out in the same order with the
   same hashes. A record that is not an envelope (the live consumer dead-letters it) is skipped
   and listed in the report (``not_envelopes``): it never stops a rebuild. Three stages overlap
   (read and parse; dedupe and chain; COPY), joined by bounded queues, so memory stays flat: what
   is kept per case is a bounded cache of chain heads (the rest is in ``case_heads``) and per
   event only the ids of the chunks still in flight.
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
import multiprocessing
import os
import resource
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from services.supervision.domain.findings import Context
from services.supervision.rebuild.check_pass import check_pass
from services.supervision.rebuild.pipeline import SHADOW, RebuildAborted, log_consumer
from services.supervision.rebuild.replay import Replay
from services.supervision.rebuild.swap import TABLES, lock_live, swap_in
from services.supervision.rebuild.verify import (
    MAX_LISTED,
    Report,
    check_orphans,
    check_streams,
    digests,
    verify,
    with_total,
)
from services.supervision.rebuild.workers import add_done, check_job, init_worker, replay_job, reporter, warm
from services.supervision.trail.checks import load_context
from services.supervision.trail.record import use_binary_jsonb, use_text_jsonb

REBUILD_LOCK = 0x5EB5_0008


class _NotYet(Exception):
    """The live consumer has not reached the rebuild's position yet."""


@dataclass
class Rebuild(Replay):
    require_identical: bool = True
    verified: Report | None = None  # the rebuilt side's report, made by the checks pass
    deferred: dict[str, list[str]] = field(default_factory=dict)  # CREATE INDEX of each shadow table

    async def run(self) -> dict[str, Any]:
        """Rebuild, verify, swap. Returns the report; raises RebuildAborted when nothing was swapped."""
        started = time.monotonic()
        steps: dict[str, float] = {}  # seconds of each step, in order (where a rebuild's time goes)
        async with self.pool.acquire() as guard:
            if not await guard.fetchval("SELECT pg_try_advisory_lock($1)", REBUILD_LOCK):
                raise RebuildAborted("另一个重建正在进行")
            workers: ProcessPoolExecutor | None = None
            n = 1
            try:
                consumer = log_consumer(self.settings)
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
                            initializer=init_worker,
                            initargs=(done,),
                        )
                        warming = [asyncio.wrap_future(workers.submit(warm)) for _ in range(n - 1)]
                    await self._prepare()
                    steps["prepare"] = time.monotonic() - started
                    self.progress.phase = "回放事件"
                    self.progress.total = total
                    if workers is not None:
                        await asyncio.gather(*warming)
                        await self._replay_parallel(consumer, workers, done, n, last)
                    else:
                        await self._replay(consumer, last)
                    steps["replay"] = time.monotonic() - started - sum(steps.values())
                    self.progress.phase = "重算检查与期限"
                    ctx = await self._context()
                    if workers is not None:
                        await self._check_all(ctx, workers, done, n)
                    else:
                        await self._check_all(ctx)
                    steps["checks"] = time.monotonic() - started - sum(steps.values())
                    report = await self._swap(consumer, tps, ctx)
                    steps["swap"] = time.monotonic() - started - sum(steps.values())
                finally:
                    await consumer.stop()
            finally:
                if workers is not None:
                    workers.shutdown(cancel_futures=True)
                await guard.execute(f"DROP SCHEMA IF EXISTS {SHADOW} CASCADE")
                await guard.execute("SELECT pg_advisory_unlock($1)", REBUILD_LOCK)
        elapsed = time.monotonic() - started
        report.update(
            not_envelopes={"count": self.skipped, "records": self.skipped_records},
            seconds=round(elapsed, 2),
            step_seconds={k: round(v, 2) for k, v in steps.items()},
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
        here = Replay(self.pool, self.settings, on_progress=reporter(done))
        here.position = {p: self.position[p] for p in shares[0]}

        async def own() -> dict[str, Any]:
            mine = {tp: end for tp, end in last.items() if tp.partition in shares[0]}
            await here._replay(consumer, mine)
            return {
                "position": here.position,
                "last_applied": here.last_applied,
                "skipped": here.skipped,
                "skipped_records": here.skipped_records,
            }

        jobs = [asyncio.wrap_future(workers.submit(replay_job, self.settings, share)) for share in shares[1:] if share]
        for result in await self._watch([asyncio.ensure_future(own()), *jobs], done):
            self.position.update(result["position"])
            for p, off in result["last_applied"].items():
                self.last_applied[p] = max(self.last_applied.get(p, -1), off)
            self.add_skipped(result["skipped"], result["skipped_records"])

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

                parts = [await check_pass(self.pool, ctx, None, None, count)]
            else:
                bounds = await self._split(n)
                ranges = list(zip([None, *bounds], [*bounds, None], strict=True))
                here = asyncio.ensure_future(
                    check_pass(self.pool, ctx, *ranges[0], lambda cases: add_done(done, cases))
                )
                jobs = [
                    asyncio.wrap_future(workers.submit(check_job, self.settings, ctx, lo, hi)) for lo, hi in ranges[1:]
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
        await self._create_indexes(["findings", "deadlines", "indicator_facts"])
        async with self.pool.acquire() as conn, conn.transaction(readonly=True):
            await check_orphans(conn, SHADOW, report)
            report.digests = with_total({**trail, **await digests(conn, SHADOW, ["findings", "deadlines", "facts"])})
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
            live = await lock_live(conn, topic, [tp.partition for tp in tps])
            if any(off > live.get(p, -1) for p, off in self.last_applied.items()):
                raise _NotYet
            await self._replay_in(conn, consumer, {tp: live.get(tp.partition, -1) for tp in tps}, ctx)
            # The checks pass verified the rebuilt side; again only if it changed since.
            rebuilt = self.verified if self.verified is not None and not self.changed else await verify(conn, SHADOW)
            report = await swap_in(conn, rebuilt, self.require_identical)
        return report
