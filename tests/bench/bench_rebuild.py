"""Phase 5 — rebuild: supervision's projection replayed from offset 0, against a raw consume.

For each size, a private topic is filled with realistic histories (copies of what intake records
for a registration, many cases). Then, on the same topic:

* raw consume: one plain aiokafka consumer reads every record (and, as a second figure, also
  parses each into an ``Envelope``) — the ceiling for any Python consumer on this machine;
* rebuild: ``python -m services.supervision.rebuild.cli run`` as its own process on a fresh private
  database, timed by its own report, peak RSS sampled with psutil every 50 ms (of the process and
  the worker processes it starts, summed). Nothing consumes the topic live here, so the bench
  records in the inbox that "the live projection has reached the end" (one marker row per
  partition) — the swap then has nothing left to catch up — and runs the rebuild with
  ``--no-require-identical`` (the live projection is empty).

Live projection (the same events through the running supervision service's consumer, which
re-checks the case after every event): applied events/s, measured on a smaller size because it
is much slower. Phase 6 compares the peer's projection with both.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import asyncpg
import psutil

from deploy import stack
from deploy.system import SERVICES, System
from tests.bench import kafka_io, profiling, workload
from tests.bench.env import REPO, BenchContext, say
from tests.bench.runner import Metrics, PhaseResult, Target, repeat
from tests.bench.workload import History

SUPERVISION_MIGRATIONS = REPO / "services" / "supervision" / "migrations"


def rebuild_available() -> bool:
    return importlib.util.find_spec("services.supervision.rebuild.cli") is not None


class PeakRss:
    """Samples the RSS of a process and its children (a rebuild may use worker processes) in a
    thread; ``peak_mb`` after ``stop()``."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                rss = self.proc.memory_info().rss
            except psutil.Error:
                return
            try:
                children = self.proc.children(recursive=True)
            except psutil.Error:
                children = []
            for child in children:
                try:
                    rss += child.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, rss)
            self._stop.wait(self.interval)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def run_rebuild_process(env: dict[str, str], log: Path, profile_to: Path | None) -> tuple[int, bytes, float, float]:
    """Run the rebuild command to its end: (exit code, stdout, wall seconds, peak RSS in MiB)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "services.supervision.rebuild.cli", "run", "--no-require-identical"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=err,
        )
        rss = PeakRss(proc.pid)
        profiler = profiling.Profiler(proc.pid, profile_to) if profile_to else None
        out, _ = proc.communicate()
        wall = time.perf_counter() - t0
        peak = rss.stop()
        if profiler:
            profiler.stop()
    return proc.returncode, out, wall, peak


async def rebuild_once(ctx: BenchContext, topic: str, n: int, run: int, profile_to: Path | None = None) -> Metrics:
    name = f"{ctx.prefix('p5')}rb_{run}"
    async with ctx.database(name, SUPERVISION_MIGRATIONS) as pool:
        ends = await kafka_io.end_offsets(ctx.bootstrap, topic)
        await pool.executemany(
            "INSERT INTO inbox (event_id, event_type, case_id, topic, partition, kafka_offset)"
            " VALUES ($1, 'bench.live_position', 'bench', $2, $3, $4)",
            [(uuid.uuid4(), topic, p, end - 1) for p, end in ends.items() if end > 0],
        )
        env = {
            **os.environ,
            "SUPERVISION_DATABASE_URL": ctx.dsn(name),
            "KAFKA_BOOTSTRAP_SERVERS": ctx.bootstrap,
            "CASE_EVENTS_TOPIC": topic,
            "LOG_LEVEL": "WARNING",
        }
        log = stack.run_dir() / "logs" / f"{name}.log"
        returncode, out, wall, peak = await asyncio.to_thread(run_rebuild_process, env, log, profile_to)
        if returncode != 0:
            raise RuntimeError(f"rebuild exited {returncode}; see {log}")
        report = json.loads(out)
        if report.get("events") != n or not report.get("rebuilt", {}).get("ok", False):
            raise RuntimeError(f"rebuild of {n} events reported {report.get('events')} (ok={report.get('rebuilt')})")
        steps = report.get("step_seconds") or {}
        return {
            "events_per_s": n / float(report["seconds"]),
            "events_per_s_wall": n / wall,
            "peak_rss_mb": peak,
            # where the time goes: replay (consume, chain, COPY) ÷ checks pass (findings, deadlines,
            # chain re-check) ÷ swap (catch-up, verify both sides, rename), in seconds
            **{f"{k}_s": float(v) for k, v in steps.items() if k in ("replay", "checks", "swap")},
        }


async def live_projection(ctx: BenchContext, history: History, n: int, profile_to: Path | None = None) -> Metrics:
    """Applied events/s of the running supervision service catching up on ``n`` events."""
    sys_ = System(ctx.server_dsn, ctx.bootstrap, ctx.prefix("p5live"), ctx.topic("p5live"),
                  ctx.topic("p5live") + ".dlt", port_offset=ctx.port_offset)
    names = [sys_.db_name(s.name) for s in SERVICES]
    await stack.delete_databases(ctx.server_dsn, names)
    await sys_.prepare(partitions=stack.case_events_partitions())
    try:
        await kafka_io.fill_topic(ctx.bootstrap, sys_.topic, history.events(n))
        proc = sys_.start("supervision", extra_env={"LOG_LEVEL": "WARNING"})
        cpu = psutil.Process(proc.pid)
        await asyncio.to_thread(sys_.wait_ready, None, 120)
        profiler = profiling.Profiler(proc.pid, profile_to) if profile_to else None
        conn = await asyncpg.connect(sys_.dsn("supervision"))
        try:
            first: tuple[float, int, float] | None = None
            deadline = time.monotonic() + 600
            while True:
                done = await conn.fetchval("SELECT count(*) FROM inbox WHERE event_type NOT LIKE 'supervision.%'")
                now = time.perf_counter()
                if first is None and done:
                    t = cpu.cpu_times()
                    first = (now, done, t.user + t.system)
                if done >= n or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.05)
        finally:
            await conn.close()
            if profiler:
                profiler.stop()
        assert first is not None
        t = cpu.cpu_times()
        applied = done - first[1]
        return {
            "events_per_s": applied / max(now - first[0], 1e-9),
            "cpu_s_per_1k": (t.user + t.system - first[2]) / max(applied, 1) * 1000,
        }
    finally:
        sys_.stop_all()
        await stack.delete_topics(ctx.bootstrap, sys_.topics)
        await stack.delete_databases(ctx.server_dsn, names)


async def run(ctx: BenchContext) -> PhaseResult:
    s = ctx.sizes
    res = PhaseResult("5", "Rebuild: supervision's projection from offset 0, against a raw aiokafka consume")
    res.params = {"sizes": list(s.rebuild_sizes), "live_projection_events": s.projection_n}
    history = History(await workload.ensure_templates(ctx), ctx.seed + 5)
    available = rebuild_available()
    if not available:
        res.notes.append("supervision's rebuild (services/supervision/rebuild.py) is not available: not measured.")
    for n in s.rebuild_sizes:
        label = f"{n:,} events"
        known = ctx.figures.get("rebuild")
        if available and known and n / known > ctx.max_rebuild_s:
            res.notes.append(
                f"rebuild of {label} skipped: at the measured {known:,.0f} events/s it would take "
                f"{n / known:,.0f} s (> --max-rebuild-seconds {ctx.max_rebuild_s:.0f})."
            )
            continue
        async with ctx.kafka_topic(f"{ctx.topic('p5')}-{n}") as topic:
            t0 = time.perf_counter()
            count, size = await kafka_io.fill_topic(ctx.bootstrap, topic, history.events(n))
            say(f"    filled {topic}: {count:,} events, {size / 1e6:.0f} MB in {time.perf_counter() - t0:.1f}s")
            raw = await repeat(ctx.runs, functools.partial(_raw, ctx, topic, n, False), label=f"raw consume {label}")
            res.add_runs(f"raw consume, {label}", raw, {"events_per_s": "events/s"})
            parsed = await repeat(
                ctx.runs, functools.partial(_raw, ctx, topic, n, True), label=f"consume+parse {label}"
            )
            res.add_runs(f"consume + Envelope parse, {label}", parsed, {"events_per_s": "events/s"})
            if not available:
                continue
            runs = ctx.runs if n <= 100_000 else 1
            if runs < ctx.runs:
                res.notes.append(f"rebuild of {label}: 1 run (time).")
            rebuilt = await repeat(runs, functools.partial(_rebuild, ctx, topic, n), label=f"rebuild {label}")
            res.add_runs(f"rebuild, {label}", rebuilt,
                         {"events_per_s": "events/s", "events_per_s_wall": "events/s", "peak_rss_mb": "MiB",
                          "replay_s": "s", "checks_s": "s", "swap_s": "s"},
                         {"events_per_s": Target(30000)})
            if ctx.profile and n == min(s.rebuild_sizes):
                stacks = ctx.results_dir / "profile-supervision-rebuild.txt"
                await rebuild_once(ctx, topic, n, 99, profile_to=stacks)
                res.notes.append(profiling.describe(f"the rebuild of {label} (extra run)", profiling.summarize(stacks)))
            raw_rate = res.median(f"raw consume, {label}", "events_per_s")
            rb_rate = res.median(f"rebuild, {label}", "events_per_s")
            if rb_rate and "rebuild" not in ctx.figures:
                ctx.figures["rebuild"] = rb_rate
            if raw_rate and rb_rate:
                res.add(f"rebuild, {label}", "ratio_to_raw_consume", "×", [rb_rate / raw_rate], Target(0.3))
    if available and len(s.rebuild_sizes) > 1:
        small, large = (f"rebuild, {x:,} events" for x in (min(s.rebuild_sizes), max(s.rebuild_sizes)))
        a, b = res.median(small, "peak_rss_mb"), res.median(large, "peak_rss_mb")
        if a and b:
            res.add("rebuild", "peak_rss_large_over_small", "×", [b / a],
                    Target(1.1, higher=False, label="≈ 1 (≤ 1.1)"))
    live = await repeat(ctx.runs, lambda i: live_projection(ctx, history, s.projection_n), label="live projection")
    res.add_runs(f"live projection (supervision consumer), {s.projection_n:,} events", live,
                 {"events_per_s": "events/s", "cpu_s_per_1k": "CPU-s/1k"})
    if ctx.profile:
        stacks = ctx.results_dir / "profile-supervision-live.txt"
        await live_projection(ctx, history, s.projection_n, profile_to=stacks)
        res.notes.append(profiling.describe("supervision's live consumer (extra run)", profiling.summarize(stacks)))
    live_rate = res.median(f"live projection (supervision consumer), {s.projection_n:,} events", "events_per_s")
    if live_rate:
        ctx.figures["live_projection"] = live_rate
    return res


async def _rebuild(ctx: BenchContext, topic: str, n: int, i: int) -> Metrics:
    return await rebuild_once(ctx, topic, n, i)


async def _raw(ctx: BenchContext, topic: str, n: int, parse: bool, i: int) -> Metrics:
    return {"events_per_s": await kafka_io.raw_consume(ctx.bootstrap, topic, n, parse=parse)}
