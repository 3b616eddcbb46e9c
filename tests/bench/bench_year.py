"""Phase 7 — a year's workload: import a court's year, then time the dashboard's calls over it.

One private system (databases ``bench<run>_p7_…``, topic ``case-events-bench<run>-p7``):

1. **Import, all sections**: intake, asset_search and disposal running, a seeded file of
   ``year_sections_n`` cases of 黔01 registered in 2025 (``tests/intake/import_sample.py``'s records:
   fast and ordinary tracks, seven in ten closed — 终本, 执行完毕, 终结执行 — the rest pending, some
   assigned late or suspended; with the old system's search, frozen or deducted accounts, vehicles
   seized and disposed of, money received and paid out) through ``python -m services.intake.importer``
   — the command ``make import`` runs, posting to each service's ``POST /admin/imports``.
2. **Import, intake only**: asset_search and disposal stopped (their consumers would otherwise share
   the two cores with the import), ``year_intake_n`` more cases of the same year without the other
   services' sections (application, registration, triage, assignment, notices, pauses, interview,
   closure) through the same command against intake alone, its relay publishing meanwhile.
3. **Supervision catches up**: once every service's outbox is empty (everything is on the topic),
   intake is stopped and supervision started on its empty database: its live consumer reads the
   whole year from offset 0; applied events/s (from its inbox, first applied event to the topic's
   end as it was at the start), its CPU per 1,000 events and peak RSS (psutil, 50 ms).
4. **The dashboard over the year**: every call the ops dashboard page makes when it loads
   (``services/supervision/dashboard/static/dashboard.js``: ``/labels``, ``/indicators``,
   ``/indicators/overdue``, ``/deadlines?status=overdue``, ``/findings``, ``/indicators/agencies``,
   ``/indicators/measures``, ``/indicators/petitions``, ``/dead-letters?limit=5``, ``/readyz``) and
   ``/indicators`` filtered (track, team, judge, a period, grouped), ``/indicators/overdue`` and
   ``/deadlines`` as of a past day; each closed loop at c=1 and at c=8 with the cheap load
   generator, ``query_calls`` calls or as many as ``query_budget_s`` allows at the first call's
   latency (after a warm-up call; never fewer than ``QUERY_MIN_CALLS``); p50/p99 latency. Every answer must be 200.

The imports run once (a second import of the same file is ``unchanged``, a fresh year costs
minutes); the dashboard figures are the median of ``--runs`` runs over the same year.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import orjson
import psutil

from deploy import stack
from deploy.system import System
from services.intake.config import load_config
from tests.bench import kafka_io
from tests.bench.bench_rebuild import PeakRss
from tests.bench.env import REPO, BenchContext, say
from tests.bench.loadgen import build_request, closed_loop
from tests.bench.runner import Metrics, PhaseResult, Target, percentile, repeat
from tests.intake.import_sample import add_sections, record

COURT = "黔01"
YEAR = 2025
QUERY_MIN_CALLS = 5
P99_TARGET_MS = 200.0
WATCHER = ("bench-supervisor-01", ["supervisor"], COURT)
IMPORTER = ("bench-importer-01", ["admin"], COURT)


def dashboard_calls() -> list[tuple[str, str]]:
    """(label, path): the page's calls on load, then the filtered and dated variants."""
    return [
        ("/labels", "/labels"),
        ("/indicators", "/indicators"),
        ("/indicators/overdue", "/indicators/overdue?"),
        ("/deadlines?status=overdue", "/deadlines?status=overdue"),
        ("/findings", "/findings"),
        ("/indicators/agencies", "/indicators/agencies"),
        ("/indicators/measures", "/indicators/measures"),
        ("/indicators/petitions", "/indicators/petitions"),
        ("/dead-letters?limit=5", "/dead-letters?limit=5"),
        ("/readyz", "/readyz"),
        ("/indicators?track=fast", "/indicators?track=fast"),
        ("/indicators?team_id=…", "/indicators?team_id=%E9%BB%9401-%E6%99%AE%E6%89%A7%E4%B8%80%E7%BB%84"),
        ("/indicators?judge_id=qz-j-201", "/indicators?judge_id=qz-j-201"),
        ("/indicators?group_by=judge", "/indicators?group_by=judge"),
        (f"/indicators?from={YEAR}-01-01&to={YEAR}-12-31", f"/indicators?from={YEAR}-01-01&to={YEAR}-12-31"),
        (f"/indicators/overdue?as_of={YEAR}-12-31", f"/indicators/overdue?as_of={YEAR}-12-31"),
        (f"/deadlines?status=overdue&as_of={YEAR}-12-31", f"/deadlines?status=overdue&as_of={YEAR}-12-31"),
    ]


# -- the import file ---------------------------------------------------------------------------------


def write_year(path: Path, n: int, first: int, seed: int, sections: bool) -> int:
    """``n`` seeded records of ``COURT`` registered in ``YEAR``, numbers from ``first``; bytes written."""
    rng = random.Random(seed)
    roster = load_config().roster(COURT)
    judges: list[tuple[str, str, str]] = [(t.track, j, t.team_id) for t in roster.teams for j in t.judges]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        for i in range(n):
            rec = record(i, COURT, YEAR, first, rng, judges)
            f.write(orjson.dumps(add_sections(rec, rng) if sections else rec) + b"\n")
    return path.stat().st_size


async def count(dsn: str, sql: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval(sql))
    finally:
        await conn.close()


async def events_in(sys_: System, services: tuple[str, ...]) -> int:
    return sum([await count(sys_.dsn(s), "SELECT count(*) FROM events") for s in services])


async def wait_outboxes_empty(sys_: System, services: tuple[str, ...], timeout: float = 1800) -> float:
    """Seconds until every service's outbox is empty (its relay has published everything)."""
    t0 = time.perf_counter()
    while True:
        left = sum([await count(sys_.dsn(s), "SELECT count(*) FROM outbox") for s in services])
        if not left:
            return time.perf_counter() - t0
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError(f"{left} outbox rows still unpublished after {timeout:.0f}s")
        await asyncio.sleep(0.5)


def run_importer(ctx: BenchContext, sys_: System, path: Path, batch: str) -> tuple[int, float, dict[str, int], str]:
    """The import command to its end: (exit code, wall seconds, totals of its report, its last lines)."""
    officer, roles, court = IMPORTER
    report = path.with_name(path.name + ".report.jsonl")
    log = stack.run_dir() / "logs" / f"{ctx.prefix('p7')}{batch}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "IMPORT_TOKEN": ctx.token(officer, roles, court), "COLUMNS": "160", "TERM": "dumb"}
    with open(log, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "services.intake.importer", str(path), "--url", sys_.url("intake"),
             "--search-url", sys_.url("asset_search"), "--disposal-url", sys_.url("disposal"),
             "--batch", batch, "--report", str(report)],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=err,
        )
        wall = time.perf_counter() - t0
    totals: dict[str, int] = {}
    with report.open("rb") as f:
        for line in f:
            status = orjson.loads(line)["status"]
            totals[status] = totals.get(status, 0) + 1
    tail = [ln for ln in log.read_text(encoding="utf-8", errors="replace").splitlines() if "用时" in ln]
    return proc.returncode, wall, totals, " ".join(tail[-2:])


async def timed_import(ctx: BenchContext, sys_: System, res: PhaseResult, label: str, path: Path, n: int,
                       services: tuple[str, ...]) -> None:
    before = await events_in(sys_, services)
    batch = f"bench-year-{path.stem}"
    code, wall, totals, tail = await asyncio.to_thread(run_importer, ctx, sys_, path, batch)
    events = await events_in(sys_, services) - before
    say(f"    import {label}: {n:,} cases, {events:,} events in {wall:.1f}s (exit {code}, {totals}); {tail}")
    if code != 0 or totals.get("imported", 0) != n:
        raise RuntimeError(f"import {label}: exit {code}, totals {totals}; see the log of batch {batch}")
    case = f"import {label}, {n:,} cases"
    res.add(case, "cases_per_s", "cases/s", [n / wall])
    res.add(case, "events_per_s", "events/s", [events / wall])
    res.add(case, "events_per_case", "events", [events / n])
    res.notes.append(f"import {label}: {n:,} cases, {events:,} events in {wall:.1f} s; the command said: {tail}")


# -- supervision catching up -------------------------------------------------------------------------


def cpu_s(proc: psutil.Process) -> float:
    """CPU-seconds so far of a service process and its live workers (uvicorn ``--workers``)."""
    t = proc.cpu_times()
    used = float(t.user + t.system)
    for child in proc.children(recursive=True):
        try:
            c = child.cpu_times()
        except psutil.Error:
            continue
        used += c.user + c.system
    return used


async def catch_up(ctx: BenchContext, sys_: System, res: PhaseResult, timeout: float = 3600) -> int:
    """Start supervision on the year's topic; time its live consumer to the end. Returns the events."""
    ends = await kafka_io.end_offsets(ctx.bootstrap, sys_.topic)
    expected = sum(ends.values())
    proc = sys_.start("supervision", extra_env={"LOG_LEVEL": "WARNING"})
    rss = PeakRss(proc.pid)
    cpu = psutil.Process(proc.pid)
    await asyncio.to_thread(sys_.wait_ready, ["supervision"], 180)
    conn = await asyncpg.connect(sys_.dsn("supervision"))
    sql = "SELECT count(*) FROM inbox WHERE event_type NOT LIKE 'supervision.%'"
    first: tuple[float, int, float] | None = None
    started = time.perf_counter()
    last_report = started
    try:
        while True:
            done = int(await conn.fetchval(sql))
            now = time.perf_counter()
            if first is None and done:
                first = (now, done, cpu_s(cpu))
            if done >= expected:
                break
            if now - started > timeout:
                raise TimeoutError(f"supervision applied {done:,} of {expected:,} events in {timeout:.0f}s")
            if now - last_report > 30:
                say(f"    supervision: {done:,} of {expected:,} events applied")
                last_report = now
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
        peak = rss.stop()
    assert first is not None
    used = cpu_s(cpu) - first[2]
    applied = done - first[1]
    seconds = now - first[0]
    say(f"    supervision caught up: {expected:,} events, {applied / seconds:,.0f} events/s, peak RSS {peak:.0f} MiB")
    case = f"supervision catching up on the year, {expected:,} events"
    res.add(case, "events_per_s", "events/s", [applied / max(seconds, 1e-9)])
    res.add(case, "cpu_s_per_1k", "CPU-s/1k", [used / max(applied, 1) * 1000])
    res.add(case, "peak_rss_mb", "MiB", [peak])
    return expected


# -- the dashboard's calls ---------------------------------------------------------------------------


async def time_call(ctx: BenchContext, port: int, path: str, concurrency: int) -> Metrics:
    """One call's latencies at ``concurrency``: as many calls as the size and the time budget allow."""
    s = ctx.sizes
    officer, roles, court = WATCHER
    headers = {"Authorization": f"Bearer {ctx.token(officer, roles, court)}", "Accept": "application/json"}
    raw = build_request("GET", path, f"127.0.0.1:{port}", b"", headers)
    probe = await closed_loop("127.0.0.1", port, [raw, raw], 1)  # a warm-up call, then the probe
    if probe.statuses != [200, 200]:
        raise RuntimeError(f"GET {path}: {probe.statuses}")
    n = max(QUERY_MIN_CALLS, min(s.year_query_calls, int(s.year_query_budget_s / max(probe.latencies[1], 1e-4))))
    result = await closed_loop("127.0.0.1", port, [raw] * n, concurrency)
    if result.ok != n:
        raise RuntimeError(f"GET {path} at c={concurrency}: {n - result.ok} of {n} answers not 2xx")
    lat = sorted(result.latencies)
    return {
        "p50_ms": percentile(lat, 50) * 1000,
        "p99_ms": percentile(lat, 99) * 1000,
        "calls_per_s": n / result.elapsed,
        "_n": float(n),
    }


async def _call(ctx: BenchContext, port: int, path: str, concurrency: int, i: int) -> Metrics:
    return await time_call(ctx, port, path, concurrency)


async def dashboard(ctx: BenchContext, sys_: System, res: PhaseResult, tag: str = "") -> dict[str, float]:
    """Every dashboard call at c=1 and c=8; rows added to ``res``; {label@c: median p99}."""
    port = sys_.port("supervision")
    p99s: dict[str, float] = {}
    for label, path in dashboard_calls():
        for c in (1, 8):
            # A call so slow that the time budget allowed only the minimum is measured once (as the
            # 1 M-event rebuild is): its figure is seconds either way, and 3 runs took minutes each.
            once = functools.partial(_call, ctx, port, path, c)
            runs = await repeat(1, once, label=f"GET {label} c={c}{tag}", log=say)
            if ctx.runs > 1 and runs[0]["_n"] > QUERY_MIN_CALLS:
                runs += await repeat(ctx.runs - 1, once, label=f"GET {label} c={c}{tag} (more)", log=say)
            case = f"GET {label}, c={c}{tag} ({int(runs[0]['_n'])} calls)"
            res.add_runs(case, runs, {"p50_ms": "ms", "p99_ms": "ms", "calls_per_s": "calls/s"},
                         {"p99_ms": Target(P99_TARGET_MS, higher=False)})
            p99s[f"{label}@{c}"] = res.median(case, "p99_ms") or float("nan")
    return p99s


# -- the phase ---------------------------------------------------------------------------------------


async def run(ctx: BenchContext) -> PhaseResult:
    s = ctx.sizes
    res = PhaseResult("7", "A year's workload: import a court's year, then the dashboard's calls over it")
    res.params = {"court": COURT, "year": YEAR, "cases_all_sections": s.year_sections_n,
                  "cases_intake_only": s.year_intake_n, "query_calls": s.year_query_calls,
                  "query_budget_s": s.year_query_budget_s, "p99_target_ms": P99_TARGET_MS}
    work = stack.run_dir() / "bench" / f"year-{ctx.run_id}"
    full_path, intake_path = work / "year-sections.jsonl", work / "year-intake.jsonl"
    t0 = time.perf_counter()
    size_a = write_year(full_path, s.year_sections_n, 1, ctx.seed + 7, sections=True)
    size_b = write_year(intake_path, s.year_intake_n, s.year_sections_n + 1, ctx.seed + 71, sections=False)
    say(f"    wrote {s.year_sections_n:,} + {s.year_intake_n:,} cases ({(size_a + size_b) / 1e6:.0f} MB) "
        f"in {time.perf_counter() - t0:.1f}s")
    try:
        async with ctx.system("p7", ["intake", "asset_search", "disposal"]) as sys_:
            three = ("intake", "asset_search", "disposal")
            await timed_import(ctx, sys_, res, "all sections (intake, asset_search, disposal)", full_path,
                               s.year_sections_n, three)
            await wait_outboxes_empty(sys_, three)
            sys_.stop("asset_search")
            sys_.stop("disposal")
            await timed_import(ctx, sys_, res, "intake only (application … closure)", intake_path,
                               s.year_intake_n, ("intake",))
            drained = await wait_outboxes_empty(sys_, ("intake",))
            say(f"    intake's outbox empty {drained:.1f}s after the import")
            sys_.stop("intake")
            await catch_up(ctx, sys_, res)
            cases = await count(sys_.dsn("supervision"), "SELECT count(*) FROM case_heads")
            res.notes.append(f"the year over which the dashboard is timed: {cases:,} cases in supervision's trail.")
            await dashboard(ctx, sys_, res)
    finally:
        for p in (full_path, intake_path):
            p.unlink(missing_ok=True)
            p.with_name(p.name + ".report.jsonl").unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            work.rmdir()
    res.notes.append(
        f"Imports: one run each (a second import of the same file is unchanged). Dashboard calls: closed loop, "
        f"{s.year_query_calls} calls or what {s.year_query_budget_s:.0f} s allow at the first call's latency "
        f"(at least {QUERY_MIN_CALLS}); the count is in each row. /indicators takes a period (from/to), not as_of."
    )
    return res
