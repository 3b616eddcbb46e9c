"""Results: one JSON file for machines, one Markdown table for the README."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from tests.bench.env import Sizes
from tests.bench.runner import PhaseResult, Row


def fmt(v: float) -> str:
    if v != v:  # NaN
        return "–"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def _mark(row: Row) -> str:
    met = row.met
    return "" if met is None else ("yes" if met else "**no**")


def markdown(mode: str, runs: int, seed: int, machine: dict[str, Any], results: list[PhaseResult], elapsed: float
             ) -> str:
    pg = machine.get("postgresql_settings", {})
    lines = [
        f"## Benchmark ({mode}) — {machine['date'][:10]}",
        "",
        f"Machine: {machine['cores_logical']} cores ({machine['cpu']}), {machine['memory_gib']} GiB; "
        f"Python {machine['python']}, PostgreSQL {machine['postgresql']} "
        f"(synchronous_commit={pg.get('synchronous_commit')}, fsync={pg.get('fsync')}), "
        f"Kafka {machine['kafka']}, aiokafka {machine['aiokafka']}, "
        f"asyncpg {machine['asyncpg']}, eventsourcing {machine.get('eventsourcing', 'not installed')}; "
        f"commit {machine['git_commit']}; load average at start {machine['load_average_at_start']}.",
        f"Median of {runs} runs (min–max); seed {seed}; {elapsed / 60:.1f} min in all.",
        "",
        "| phase | case | metric | median | min–max | target | met |",
        "|---|---|---|---:|---:|---|---|",
    ]
    for res in results:
        if not res.rows:
            why = "; ".join(res.notes) or "no figures"
            lines.append(f"| {res.phase} {res.title} | – | – | – | – | – | not available: {why} |")
            continue
        for row in res.rows:
            if row.stat is None:
                lines.append(f"| {res.phase} | {row.case} | {row.metric} | – | – | – | {row.note} |")
                continue
            s = row.stat
            span = f"{fmt(s.min)}–{fmt(s.max)}" if len(s.runs) > 1 else ""
            target = row.target.text() if row.target else ""
            lines.append(
                f"| {res.phase} | {row.case} | {row.metric} ({row.unit}) | {fmt(s.median)} | {span} | {target} "
                f"| {_mark(row)} |"
            )
    lines.append("")
    for res in results:
        if res.notes:
            lines.append(f"- Phase {res.phase} ({res.title}): " + " ".join(res.notes))
    lines.append("")
    return "\n".join(lines)


def write(out: Path, mode: str, runs: int, seed: int, machine: dict[str, Any], results: list[PhaseResult],
          elapsed: float, sizes: Sizes) -> tuple[Path, Path]:
    """Write ``bench-<mode>.json`` and ``bench-<mode>.md`` into ``out``; return both paths."""
    out.mkdir(parents=True, exist_ok=True)
    data = {
        "mode": mode,
        "runs": runs,
        "seed": seed,
        "elapsed_s": round(elapsed, 1),
        "machine": machine,
        "sizes": dataclasses.asdict(sizes),
        "phases": [
            {
                "phase": r.phase,
                "title": r.title,
                "available": r.available,
                "seconds": round(r.seconds, 1),
                "params": r.params,
                "notes": r.notes,
                "rows": [row.as_dict() for row in r.rows],
            }
            for r in results
        ],
    }
    json_path = out / f"bench-{mode}.json"
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    md_path = out / f"bench-{mode}.md"
    md_path.write_text(markdown(mode, runs, seed, machine, results, elapsed), encoding="utf-8")
    return json_path, md_path
