"""The shared runner: repeat a measurement, keep every run, report median with min–max."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import Any

Metrics = dict[str, float]


@dataclass(frozen=True)
class Stat:
    """One figure over several runs."""

    median: float
    min: float
    max: float
    runs: list[float]

    @classmethod
    def of(cls, values: list[float]) -> Stat:
        return cls(statistics.median(values), min(values), max(values), list(values))


@dataclass(frozen=True)
class Target:
    """A goal from the issue: ``value >= bound`` (``higher=True``) or ``value <= bound``."""

    bound: float
    higher: bool = True
    label: str = ""

    def met(self, value: float) -> bool:
        return value >= self.bound if self.higher else value <= self.bound

    def text(self) -> str:
        return self.label or f"{'≥' if self.higher else '≤'} {self.bound:g}"


@dataclass
class Row:
    """One line of the results table."""

    phase: str
    case: str
    metric: str
    unit: str
    stat: Stat | None
    target: Target | None = None
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None or self.stat is None:
            return None
        return self.target.met(self.stat.median)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["met"] = self.met
        return d


@dataclass
class PhaseResult:
    """What a phase measured (rows), how long it took, and anything worth saying."""

    phase: str
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    available: bool = True
    seconds: float = 0.0
    params: dict[str, Any] = field(default_factory=dict)

    def add(
        self, case: str, metric: str, unit: str, values: list[float], target: Target | None = None, note: str = ""
    ) -> Row:
        row = Row(self.phase, case, metric, unit, Stat.of(values) if values else None, target, note)
        self.rows.append(row)
        return row

    def add_runs(
        self, case: str, runs: list[Metrics], units: dict[str, str], targets: dict[str, Target] | None = None
    ) -> None:
        """Add one row per metric of ``units`` from the per-run metric dicts."""
        for metric, unit in units.items():
            values = [r[metric] for r in runs if metric in r]
            self.add(case, metric, unit, values, (targets or {}).get(metric))

    def median(self, case: str, metric: str) -> float | None:
        for row in self.rows:
            if row.case == case and row.metric == metric and row.stat is not None:
                return row.stat.median
        return None


async def repeat(
    runs: int,
    once: Callable[[int], Awaitable[Metrics]],
    *,
    label: str = "",
    log: Callable[[str], None] = print,
) -> list[Metrics]:
    """Run ``once(i)`` ``runs`` times (i = 0..runs-1) and return every run's metrics."""
    out: list[Metrics] = []
    for i in range(runs):
        t0 = time.perf_counter()
        m = await once(i)
        out.append(m)
        shown = ", ".join(f"{k}={v:,.1f}" for k, v in m.items() if not k.startswith("_"))
        log(f"    {label} run {i + 1}/{runs} ({time.perf_counter() - t0:.1f}s): {shown}")
    return out


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list (q in 0..100)."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, math.ceil(q / 100 * len(sorted_values)) - 1))
    return sorted_values[k]
