"""The bench's environment: the real stack, private databases and topics, services, the machine.

Everything the bench creates is named ``bench<run>_…`` (databases) or ``case-events-bench<run>…``
(topics) and is dropped when the phase that made it ends, so the bench never touches the data of
``make run`` or of a test run. Services run as real uvicorn processes via ``deploy.system.System``
on ports ``8101..8105 + port_offset``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import platform
import secrets
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import psutil

from deploy import stack
from deploy.system import SERVICES, System, database_url
from shared import db
from shared.auth import mint_token
from shared.settings import ServiceSettings

REPO = Path(__file__).resolve().parents[2]


def say(msg: str) -> None:
    print(msg, flush=True)


@dataclass
class Sizes:
    """Fixed workload sizes: one set for ``--quick``, one for the record."""

    command_n: int
    command_concurrency: tuple[int, ...]
    append_single_n: int
    append_concurrency: tuple[int, ...]
    append_batch_events: int
    append_batch_size: int
    relay_n: int
    e2e_rates: tuple[int, ...]
    e2e_seconds: float
    rebuild_sizes: tuple[int, ...]
    projection_n: int
    peer_single_n: int
    peer_batch_events: int
    year_sections_n: int  # phase 7: cases imported with every section (intake, asset_search, disposal)
    year_intake_n: int  # phase 7: cases imported with intake's part only
    year_query_calls: int  # phase 7: calls per dashboard route and concurrency …
    year_query_budget_s: float  # … or fewer when the first call says they would take longer than this

    @classmethod
    def for_mode(cls, quick: bool) -> Sizes:
        if quick:
            return cls(
                command_n=400, command_concurrency=(1, 4, 16),
                append_single_n=1_500, append_concurrency=(1, 4, 16),
                append_batch_events=10_000, append_batch_size=100,
                relay_n=10_000,
                e2e_rates=(20, 100, 200, 500), e2e_seconds=4.0,
                rebuild_sizes=(5_000, 20_000),
                projection_n=2_000,
                peer_single_n=800, peer_batch_events=5_000,
                year_sections_n=500, year_intake_n=1_500, year_query_calls=200, year_query_budget_s=5.0,
            )
        return cls(
            command_n=1_000, command_concurrency=(1, 4, 16),
            append_single_n=4_000, append_concurrency=(1, 4, 16),
            append_batch_events=100_000, append_batch_size=100,
            relay_n=100_000,
            e2e_rates=(20, 100, 150, 200, 500, 1000), e2e_seconds=15.0,
            rebuild_sizes=(100_000, 1_000_000),
            projection_n=10_000,
            peer_single_n=2_000, peer_batch_events=50_000,
            year_sections_n=5_000, year_intake_n=100_000, year_query_calls=200, year_query_budget_s=20.0,
        )


@dataclass
class BenchContext:
    """What every phase gets: the stack, sizes, naming, and a way to make private resources."""

    quick: bool
    runs: int
    seed: int
    server_dsn: str
    bootstrap: str
    port_offset: int = 2000
    profile: bool = False
    max_rebuild_s: float = 300.0  # a rebuild predicted to take longer (at the measured rate) is skipped
    results_dir: Path = REPO / "tests" / "bench" / "results"
    run_id: str = field(default_factory=lambda: secrets.token_hex(2))
    sizes: Sizes = field(init=False)
    templates: list[dict[str, Any]] = field(default_factory=list)
    figures: dict[str, float] = field(default_factory=dict)  # handed from one phase to a later one
    _settings: ServiceSettings = field(default_factory=ServiceSettings)

    def __post_init__(self) -> None:
        self.sizes = Sizes.for_mode(self.quick)

    # -- names ---------------------------------------------------------------------------------
    def prefix(self, phase: str) -> str:
        return f"bench{self.run_id}_{phase}_"

    def topic(self, phase: str) -> str:
        return f"case-events-bench{self.run_id}-{phase}"

    def dsn(self, database: str) -> str:
        return database_url(self.server_dsn, database)

    def token(self, officer_id: str, roles: list[str], court: str = "黔01") -> str:
        return mint_token(self._settings, officer_id=officer_id, name=officer_id, roles=roles, court=court)

    # -- private resources ---------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def database(self, name: str, *migrations: Path) -> AsyncIterator[asyncpg.Pool]:
        """A fresh private database with the shared (and given) migrations; dropped afterwards."""
        await stack.delete_databases(self.server_dsn, [name])
        await stack.create_databases(self.server_dsn, [name])
        pool = await db.create_pool(self.dsn(name), min_size=1, max_size=20)
        try:
            await db.migrate(pool, db.SHARED_MIGRATIONS, *migrations)
            yield pool
        finally:
            await pool.close()
            await stack.delete_databases(self.server_dsn, [name])

    @contextlib.asynccontextmanager
    async def kafka_topic(self, name: str, partitions: int = 12) -> AsyncIterator[str]:
        """A fresh private topic; deleted afterwards."""
        await stack.delete_topics(self.bootstrap, [name])
        await stack.create_topics(self.bootstrap, {name: partitions})
        try:
            yield name
        finally:
            await stack.delete_topics(self.bootstrap, [name])

    @contextlib.asynccontextmanager
    async def system(
        self, phase: str, services: list[str], extra_env: dict[str, dict[str, str]] | None = None
    ) -> AsyncIterator[System]:
        """Services as real processes on private databases and topics; everything dropped after."""
        sys_ = System(
            self.server_dsn,
            self.bootstrap,
            self.prefix(phase),
            self.topic(phase),
            self.topic(phase) + ".dlt",
            port_offset=self.port_offset,
        )
        names = [sys_.db_name(s.name) for s in SERVICES]
        await stack.delete_databases(self.server_dsn, names)
        await sys_.prepare(partitions=stack.case_events_partitions())
        env = {"LOG_LEVEL": "WARNING"}
        try:
            for svc in services:
                sys_.start(svc, extra_env={**env, **(extra_env or {}).get(svc, {})})
            await asyncio.to_thread(sys_.wait_ready, None, 120)
            yield sys_
        finally:
            sys_.stop_all()
            await stack.delete_topics(self.bootstrap, sys_.topics)
            await stack.delete_databases(self.server_dsn, names)


def start_stack() -> tuple[str, str, dict[str, Any]]:
    """(server DSN, bootstrap, status before) — starts PostgreSQL and Kafka if they are not running."""
    before = stack.status()
    return stack.ensure_postgres(), stack.ensure_kafka(), before


def stop_stack_if_started(before: dict[str, Any]) -> None:
    """Leave the stack as it was found: stop only the parts the bench started."""
    if before["kafka"]["mode"] == "private" and not before["kafka"]["running"]:
        stack.stop_kafka()
    if before["postgres"]["mode"] == "private" and not before["postgres"]["running"]:
        stack.stop_postgres()


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _git_commit() -> str:
    with contextlib.suppress(Exception):
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True)
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    return "unknown"


async def machine_info(server_dsn: str) -> dict[str, Any]:
    """Cores, memory, versions and the PostgreSQL durability settings the figures depend on."""
    conn = await asyncpg.connect(server_dsn)
    try:
        pg_version = await conn.fetchval("SHOW server_version")
        pg_settings = {
            k: await conn.fetchval(f"SHOW {k}")
            for k in ("synchronous_commit", "fsync", "shared_buffers", "max_connections")
        }
    finally:
        await conn.close()
    kafka = stack.status()["kafka"]
    import aiokafka

    info: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
        "os": f"{platform.system()} {platform.release()}",
        "cpu": _cpu_model(),
        "cores_logical": psutil.cpu_count(logical=True),
        "cores_physical": psutil.cpu_count(logical=False),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "postgresql": pg_version,
        "postgresql_settings": pg_settings,
        "kafka": kafka.get("version") or "external",
        "aiokafka": aiokafka.__version__,
        "asyncpg": asyncpg.__version__,
        "git_commit": _git_commit(),
    }
    with contextlib.suppress(ImportError):
        from importlib.metadata import version

        info["eventsourcing"] = version("eventsourcing")
    return info


@contextlib.contextmanager
def cpu_of(pid: int) -> Iterator[dict[str, float]]:
    """CPU-seconds (user + system, with children) a process used inside the block."""
    proc = psutil.Process(pid)

    def total() -> float:  # the process and its live workers (uvicorn --workers)
        t = proc.cpu_times()
        used = float(t.user + t.system + t.children_user + t.children_system)
        for child in proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                c = child.cpu_times()
                used += c.user + c.system
        return used

    box: dict[str, float] = {}
    start = total()
    yield box
    box["cpu_s"] = total() - start


def _busy_s() -> float:
    t = psutil.cpu_times()
    return float(sum(t) - t.idle - getattr(t, "iowait", 0.0))


def _cpu_by_name() -> dict[str, float]:
    """CPU-seconds so far of PostgreSQL's processes and of Kafka's JVM (by process name)."""
    out = {"postgres": 0.0, "kafka": 0.0}
    for proc in psutil.process_iter(["name", "cmdline", "cpu_times"]):
        try:
            name = proc.info["name"] or ""
            times = proc.info["cpu_times"]
            if times is None:
                continue
            used = float(times.user + times.system)
            if name.startswith("postgres"):
                out["postgres"] += used
            elif name == "java" and any("kafka" in a for a in (proc.info["cmdline"] or [])):
                out["kafka"] += used
        except psutil.Error:
            continue
    return out


@contextlib.contextmanager
def machine_cpu() -> Iterator[dict[str, float]]:
    """CPU-seconds the whole machine was busy inside the block, and PostgreSQL's and Kafka's part.

    Processes that start or end inside the block count only partly, so the parts are a lower
    bound; the machine total is exact (from /proc/stat).
    """
    box: dict[str, float] = {}
    busy, parts = _busy_s(), _cpu_by_name()
    yield box
    box["machine_s"] = _busy_s() - busy
    for k, v in _cpu_by_name().items():
        box[f"{k}_s"] = v - parts[k]

