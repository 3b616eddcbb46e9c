"""Where the time goes: py-spy attached to a service process while a phase loads it (``--profile``).

py-spy samples the process from outside (no change to the service), writes collapsed stacks, and
this module sums them into the functions that hold the most samples: self (the frame on top) and
inclusive (anywhere on the stack), and a coarse split by component.
"""

from __future__ import annotations

import collections
import shutil
import signal
import subprocess
import sys
from pathlib import Path

COMPONENTS = (
    ("asyncpg", "asyncpg"),
    ("pydantic", "pydantic"),
    ("fastapi", "fastapi"),
    ("starlette", "starlette"),
    ("uvicorn", "uvicorn"),
    ("aiokafka", "aiokafka"),
    ("structlog", "structlog"),
    ("prometheus", "prometheus_client"),
    ("jwt", "jwt"),
    ("json", "orjson"),
    ("shared", "/shared/"),
    ("services", "/services/"),
    ("asyncio", "asyncio"),
)


def py_spy() -> str | None:
    exe = Path(sys.executable).parent / "py-spy"
    return str(exe) if exe.exists() else shutil.which("py-spy")


class Profiler:
    """``py-spy record`` on ``pid`` until ``stop()``; collapsed stacks in ``out``."""

    def __init__(self, pid: int, out: Path, rate: int = 250) -> None:
        exe = py_spy()
        if exe is None:
            raise RuntimeError("py-spy is not installed (pip install -e '.[bench]')")
        self.out = out
        out.parent.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [exe, "record", "--pid", str(pid), "--rate", str(rate), "--format", "raw", "--nonblocking",
             "--subprocesses", "--output", str(out)],  # uvicorn's worker processes too
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _frame_name(frame: str) -> str:
    # py-spy raw frames look like "function (path/to/file.py:123)"
    name, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0]
    for marker in ("site-packages/", "/work/main/", "lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{name} ({path})"


def summarize(stacks: Path, top: int = 12) -> dict[str, list[tuple[str, float]]]:
    """Top functions by self and inclusive share of samples, and the share of each component."""
    self_counts: collections.Counter[str] = collections.Counter()
    incl_counts: collections.Counter[str] = collections.Counter()
    comp_counts: collections.Counter[str] = collections.Counter()
    total = 0
    for line in stacks.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_s = line.rpartition(" ")
        if not stack or not count_s.isdigit():
            continue
        count = int(count_s)
        frames = [f for f in stack.split(";") if f]
        if not frames:
            continue
        total += count
        leaf = frames[-1]
        self_counts[_frame_name(leaf)] += count
        for name in {_frame_name(f) for f in frames}:
            incl_counts[name] += count
        comp = next((label for label, marker in COMPONENTS if marker in leaf), "other")
        comp_counts[comp] += count
    if not total:
        return {"self": [], "inclusive": [], "components": []}

    def share(c: collections.Counter[str]) -> list[tuple[str, float]]:
        return [(k, round(100 * v / total, 1)) for k, v in c.most_common(top)]

    return {"self": share(self_counts), "inclusive": share(incl_counts), "components": share(comp_counts)}


def describe(name: str, summary: dict[str, list[tuple[str, float]]], top: int = 6) -> str:
    """One note line: the components and the hottest functions of a profile."""
    comps = ", ".join(f"{k} {v:.0f}%" for k, v in summary["components"][:8])
    hot = "; ".join(f"{k} {v:.0f}%" for k, v in summary["self"][:top])
    return f"profile of {name} (share of samples): by component {comps}. Hottest (self): {hot}."
