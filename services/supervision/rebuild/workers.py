"""The worker processes of a parallel rebuild: how each starts (``init_worker``: the shared count of
work done, a mostly resting cyclic collector), its jobs (``replay_job``: a share of the partitions'
replay; ``check_job``: a range of case ids of the checks pass; ``warm``: nothing, to start it early)
and the shared count they add to (``add_done``, ``reporter``), which the rebuilding process reads as
its progress.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from typing import Any

from aiokafka import TopicPartition

from services.supervision.domain.findings import Context
from services.supervision.rebuild.check_pass import check_pass
from services.supervision.rebuild.pipeline import Progress, log_consumer
from services.supervision.rebuild.replay import Replay
from services.supervision.rebuild.verify import Report
from services.supervision.settings import Settings
from shared import db

_done: Any = None  # the shared count of events (replay) or cases (checks) done, in a worker


def init_worker(done: Any) -> None:
    global _done
    _done = done
    # A worker only rebuilds: what it has loaded lives to the end, and what it makes is freed by
    # reference counting (payload dicts hold no cycles), so the cyclic collector can mostly rest.
    gc.freeze()
    gc.set_threshold(50_000, 20, 1000)


def add_done(done: Any, n: int) -> None:
    if n:
        with done.get_lock():
            done.value += n


def _count(n: int) -> None:
    add_done(_done, n)


def reporter(done: Any) -> Callable[[Progress], None]:
    """An ``on_progress`` adding each step of a replay's count to the shared one."""
    before = [0]

    def report(p: Progress) -> None:
        add_done(done, p.done - before[0])
        before[0] = p.done

    return report


def replay_job(settings: Settings, ranges: dict[int, tuple[int, int]]) -> dict[str, Any]:
    """A worker's share of the replay: each partition's offsets ``begin..end`` (inclusive)."""

    async def go() -> dict[str, Any]:
        pool = await db.create_pool(settings.database_url, min_size=1, max_size=2)
        consumer = log_consumer(settings)
        await consumer.start()
        try:
            share = Replay(pool, settings)
            tps = {TopicPartition(settings.case_events_topic, p): r for p, r in ranges.items()}
            consumer.assign(list(tps))
            share.position = {tp.partition: begin for tp, (begin, _) in tps.items()}
            share.on_progress = reporter(_done)
            await share._replay(consumer, {tp: end for tp, (_, end) in tps.items()})
            return {
                "position": share.position,
                "last_applied": share.last_applied,
                "skipped": share.skipped,
                "skipped_records": share.skipped_records,
            }
        finally:
            await consumer.stop()
            await pool.close()

    return asyncio.run(go())


def check_job(settings: Settings, ctx: Context, lo: str | None, hi: str | None) -> Report:
    """A worker's share of the checks pass: the cases with ``lo <= case_id < hi``."""

    async def go() -> Report:
        pool = await db.create_pool(settings.database_url, min_size=1, max_size=2)
        try:
            return await check_pass(pool, ctx, lo, hi, _count)
        finally:
            await pool.close()

    return asyncio.run(go())


def warm() -> None:
    """Nothing: makes a worker start (and import) while the rebuild prepares."""
