"""``python -m tests.bench [--quick] [--runs 3] [--phases 1,2,3,4,5,6,7]``: run, then write the results.

Starts (or reuses) the real PostgreSQL and Kafka, runs each phase on private databases and topics,
prints the table and writes ``tests/bench/results/bench-<mode>.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import importlib
import time
import traceback
from pathlib import Path

import uvloop

from tests.bench import report
from tests.bench.env import BenchContext, machine_info, say, start_stack, stop_stack_if_started
from tests.bench.runner import PhaseResult

PHASES = {
    "1": ("tests.bench.bench_command", "command path"),
    "2": ("tests.bench.bench_append", "append path"),
    "3": ("tests.bench.bench_relay", "relay"),
    "4": ("tests.bench.bench_e2e", "end to end"),
    "5": ("tests.bench.bench_rebuild", "rebuild"),
    "6": ("tests.bench.bench_peer", "peer"),
    "7": ("tests.bench.bench_year", "a year's workload"),
}
RESULTS = Path(__file__).parent / "results"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="small workloads: a few minutes in all")
    p.add_argument("--runs", type=int, default=3, help="runs per measurement (median, min–max shown)")
    p.add_argument("--phases", default=",".join(PHASES), help="comma list of phases to run (1..7)")
    p.add_argument("--seed", type=int, default=20261120)
    p.add_argument("--port-offset", type=int, default=2000, help="services listen on 8101..8105 + this")
    p.add_argument("--out", type=Path, default=RESULTS, help="folder for the JSON and Markdown results")
    p.add_argument("--max-rebuild-seconds", type=float, default=300.0,
                   help="skip a rebuild size predicted (from the smaller size's rate) to take longer than this")
    p.add_argument("--profile", action="store_true",
                   help="after the measured runs, one extra run under py-spy per service process; top frames in notes")
    return p.parse_args(argv)


async def run_phases(ctx: BenchContext, phases: list[str]) -> list[PhaseResult]:
    results: list[PhaseResult] = []
    for key in phases:
        module_name, name = PHASES[key]
        say(f"\n== phase {key}: {name}")
        t0 = time.monotonic()
        try:
            module = importlib.import_module(module_name)
            res: PhaseResult = await module.run(ctx)
        except Exception as exc:
            traceback.print_exc()
            res = PhaseResult(key, name, available=False, notes=[f"failed: {exc!r}"])
        res.seconds = time.monotonic() - t0
        say(f"   phase {key} took {res.seconds:.0f}s")
        results.append(res)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    unknown = [p for p in phases if p not in PHASES]
    if unknown:
        raise SystemExit(f"unknown phases: {unknown}; choose from {list(PHASES)}")
    t0 = time.monotonic()
    server_dsn, bootstrap, before = start_stack()
    try:
        ctx = BenchContext(args.quick, args.runs, args.seed, server_dsn, bootstrap, port_offset=args.port_offset,
                           profile=args.profile, results_dir=args.out,
                           max_rebuild_s=args.max_rebuild_seconds)
        machine = uvloop.run(machine_info(server_dsn))
        mode = "quick" if args.quick else "full"
        say(f"bench ({mode}, {args.runs} runs, seed {args.seed}) on {machine['cores_logical']} cores, "
            f"{machine['memory_gib']} GiB, PostgreSQL {machine['postgresql']}, Kafka {machine['kafka']}")
        results = uvloop.run(run_phases(ctx, phases))
    finally:
        stop_stack_if_started(before)
    elapsed = time.monotonic() - t0
    json_path, md_path = report.write(args.out, mode, args.runs, args.seed, machine, results, elapsed, ctx.sizes)
    say("\n" + md_path.read_text(encoding="utf-8"))
    say(f"results: {json_path} and {md_path} ({elapsed:.0f}s in all)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
