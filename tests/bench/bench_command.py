"""Phase 1 — the command path: ``POST /cases`` over HTTP against one intake instance.

Each request is a counter registration (validate, load, decide, allocate a case number, append +
outbox + inline projection, answer). Closed loop at each concurrency; throughput over the run,
latency per request, CPU-seconds of the intake process per 1,000 commands measured over the run
plus the time its relay needs to empty the outbox (publishing is part of a command's cost).
"""

from __future__ import annotations

import asyncio
import time

import asyncpg
import orjson

from deploy.system import System
from tests.bench import profiling, workload
from tests.bench.env import BenchContext, cpu_of, machine_cpu, say
from tests.bench.loadgen import closed_loop
from tests.bench.runner import Metrics, PhaseResult, Target, percentile, repeat

UNITS = {
    "commands_per_s": "cmd/s",
    "p50_ms": "ms",
    "p99_ms": "ms",
    "p99_9_ms": "ms",
    "cpu_s_per_1k": "CPU-s/1k",
    "machine_cpu_s_per_1k": "CPU-s/1k",
    "postgres_cpu_s_per_1k": "CPU-s/1k",
    "kafka_cpu_s_per_1k": "CPU-s/1k",
}


async def wait_outbox_empty(dsn: str, timeout: float = 60) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not await conn.fetchval("SELECT count(*) FROM outbox"):
                return
            await asyncio.sleep(0.05)
    finally:
        await conn.close()


LONG_STREAM = 300  # events on the case before the measured commands


async def long_stream(ctx: BenchContext, res: PhaseResult, sys_: System, cache: bool) -> None:
    """Commands on one case with a long history (``LONG_STREAM`` events and more): intake with its
    state cache (the fold kept between commands, only newer events read) and without (every command
    reads and folds the whole stream), on a fresh intake process each. Closed loop, c=1."""
    sys_.stop("intake")
    env = {"LOG_LEVEL": "WARNING", **({} if cache else {"INTAKE_STATE_CACHE_SIZE": "0"})}
    sys_.start("intake", extra_env=env)
    await asyncio.to_thread(sys_.wait_ready, ["intake"], 120)
    port, pid = sys_.port("intake"), sys_.processes["intake"].pid
    opened = await closed_loop("127.0.0.1", port, workload.registration_requests(ctx, port, 1, salt=4242 + cache),
                               1, keep_bodies=True)
    case_id = orjson.loads(opened.bodies[0])["case_id"]
    await closed_loop("127.0.0.1", port, workload.contact_requests(ctx, port, case_id, LONG_STREAM - 4), 1)
    n = ctx.sizes.command_n // 5
    label = f"PUT contact on a case of {LONG_STREAM}+ events, state cache {'on' if cache else 'off'}"

    async def once(i: int) -> Metrics:
        start = LONG_STREAM - 4 + i * n
        reqs = workload.contact_requests(ctx, port, case_id, n, start=start)
        with cpu_of(pid) as cpu:
            r = await closed_loop("127.0.0.1", port, reqs, 1)
        bad = [x for x in r.statuses if x != 200]
        if bad:
            say(f"    warning: {len(bad)} of {n} answers were not 200 (first: {bad[0]})")
        lat = sorted(r.latencies)
        return {"commands_per_s": r.ok / r.elapsed, "p50_ms": percentile(lat, 50) * 1000,
                "p99_ms": percentile(lat, 99) * 1000, "cpu_s_per_1k": cpu["cpu_s"] / max(r.ok, 1) * 1000}

    res.add_runs(label, await repeat(ctx.runs, once, label=label), UNITS)


async def run(ctx: BenchContext) -> PhaseResult:
    res = PhaseResult("1", "Command path: POST /cases over HTTP, one intake instance")
    n = ctx.sizes.command_n
    res.params = {"commands_per_run": n, "concurrency": list(ctx.sizes.command_concurrency), "court": "黔01"}
    async with ctx.system("p1", ["intake"]) as sys_:
        port = sys_.port("intake")
        pid = sys_.processes["intake"].pid
        dsn = sys_.dsn("intake")
        warm = workload.registration_requests(ctx, port, 200, salt=999)
        await closed_loop("127.0.0.1", port, warm, 4)
        await wait_outbox_empty(dsn)
        ctx.templates = await workload.capture_templates(ctx, dsn)
        types = ", ".join(t["event_type"] for t in ctx.templates)
        res.notes.append(f"one registration records {len(ctx.templates)} events ({types}).")
        cases = [(c, 1) for c in ctx.sizes.command_concurrency]
        cases.append((max(ctx.sizes.command_concurrency), 2))
        for c, workers in cases:
            if workers > 1:  # the same intake behind the same port as 2 uvicorn worker processes
                for cache in (True, False):  # first, a long stream's commands with and without the cache
                    await long_stream(ctx, res, sys_, cache)
                sys_.stop("intake")
                sys_.start("intake", extra_env={"LOG_LEVEL": "WARNING"}, workers=workers)
                await asyncio.to_thread(sys_.wait_ready, ["intake"], 120)
                pid = sys_.processes["intake"].pid
                await closed_loop("127.0.0.1", port, workload.registration_requests(ctx, port, 200, salt=998), 4)
                await wait_outbox_empty(dsn)
            label = f"c={c}" + (f", {workers} worker processes" if workers > 1 else "")

            async def once(i: int, c: int = c, workers: int = workers, pid: int = pid) -> Metrics:
                reqs = workload.registration_requests(ctx, port, n, salt=c * 100 + i + 5000 * (workers - 1))
                with cpu_of(pid) as cpu, machine_cpu() as machine:
                    r = await closed_loop("127.0.0.1", port, reqs, c)
                    await wait_outbox_empty(dsn)
                bad = [s for s in r.statuses if s != 201]
                if bad:
                    say(f"    warning: {len(bad)} of {n} answers were not 201 (first: {bad[0]})")
                lat = sorted(r.latencies)
                return {
                    "commands_per_s": r.ok / r.elapsed,
                    "p50_ms": percentile(lat, 50) * 1000,
                    "p99_ms": percentile(lat, 99) * 1000,
                    "p99_9_ms": percentile(lat, 99.9) * 1000,
                    "cpu_s_per_1k": cpu["cpu_s"] / max(r.ok, 1) * 1000,
                    "machine_cpu_s_per_1k": machine["machine_s"] / max(r.ok, 1) * 1000,
                    "postgres_cpu_s_per_1k": machine["postgres_s"] / max(r.ok, 1) * 1000,
                    "kafka_cpu_s_per_1k": machine["kafka_s"] / max(r.ok, 1) * 1000,
                    "errors": float(len(bad)),
                }

            runs = await repeat(ctx.runs, once, label=label)
            targets = {"p99_ms": Target(50, higher=False)}
            if c == max(ctx.sizes.command_concurrency):
                targets["commands_per_s"] = Target(2000)
            res.add_runs(label, runs, UNITS, targets)
            errors = sum(r["errors"] for r in runs)
            if errors:
                res.notes.append(f"{label}: {errors:.0f} non-201 answers over {ctx.runs} runs")
        if ctx.profile:
            c = max(ctx.sizes.command_concurrency)
            stacks = ctx.results_dir / "profile-intake-command.txt"
            profiler = profiling.Profiler(pid, stacks)
            try:
                await closed_loop("127.0.0.1", port, workload.registration_requests(ctx, port, n, salt=77), c)
                await wait_outbox_empty(dsn)
            finally:
                profiler.stop()
            summary = profiling.summarize(stacks)
            res.params["profile"] = summary
            res.notes.append(profiling.describe(f"intake at c={c} (extra run, not in the figures)", summary))
    res.notes.append(
        "the last case runs intake as 2 uvicorn worker processes on the same port (SERVICE_WORKERS=2): each a full "
        "instance (one leads the relay, the other appends with pg_notify; both in the consumer group)."
    )
    res.notes.append(
        "cpu_s_per_1k is the whole intake process (HTTP, its relay and its consumer), over the run and the outbox "
        "drain; machine_cpu_s_per_1k is every process on the machine (intake, PostgreSQL, Kafka, the load "
        "generator), of which postgres_ and kafka_ are their processes' part. 2 cores ÷ machine CPU per command "
        "is the most this machine could do with this design."
    )
    return res
