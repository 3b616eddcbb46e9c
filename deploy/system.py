"""The whole system on one machine: stack, databases, topics and the five services.

``python -m deploy.system run`` (what ``make run`` calls) starts PostgreSQL and Kafka (or uses
``DATABASE_URL`` / ``KAFKA_BOOTSTRAP_SERVERS``), creates one database per service and the topics,
launches each service as its own uvicorn process on a fixed port, waits until every ``/readyz``
answers, prints where everything is, and stops the services cleanly on Ctrl-C. The same
functions start a private copy of the system for the end-to-end tests.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import typer

from deploy import stack
from deploy._common import run_coro

REPO = Path(__file__).resolve().parent.parent


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    """SIGKILL goes to the process's whole session (its uvicorn workers too: a killed supervisor
    cannot pass it on); other signals to the process, which stops its workers itself."""
    if sig == signal.SIGKILL:
        try:
            os.killpg(proc.pid, sig)
            return
        except (ProcessLookupError, PermissionError):
            pass
    proc.send_signal(sig)


@dataclass(frozen=True)
class Service:
    name: str
    port: int
    title: str
    app: str = ""  # uvicorn factory; default services.<name>.main:create_app


SERVICES: tuple[Service, ...] = (
    Service("intake", 8101, "立案服务"),
    Service("asset_search", 8102, "查控服务"),
    Service("disposal", 8103, "财产处置服务"),
    Service("field_ops", 8104, "外勤服务"),
    Service("supervision", 8105, "监管服务"),
    Service("simulator", 8109, "联动单位模拟器", "services.asset_search.simulator.main:create_app"),
)
# The services whose 我的待办 supervision's page gathers besides its own.
WORKLIST_SERVICES = ("intake", "asset_search", "disposal", "field_ops")


def database_url(server_dsn: str, database: str) -> str:
    """The server DSN with its database name replaced."""
    parts = urlsplit(server_dsn)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


@dataclass
class System:
    """A running copy of the system: where it is and the processes behind it."""

    server_dsn: str
    bootstrap: str
    db_prefix: str
    topic: str
    dead_letter_topic: str
    port_offset: int = 0
    log_dir: Path = field(default_factory=lambda: stack.run_dir() / "logs")
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. COURT_CLOCK_DRILL=1 for a drill system

    @property
    def clock_topic(self) -> str:
        """The drill clock's moves (shared/clock_topic.py): one partition, kept for ever."""
        return f"{self.topic}.clock"

    @property
    def calendar_topic(self) -> str:
        """The court's holiday years (shared/calendar_topic.py): one partition, kept for ever."""
        return f"{self.topic}.calendar"

    @property
    def topics(self) -> list[str]:
        return [self.topic, self.dead_letter_topic, self.clock_topic, self.calendar_topic]

    def db_name(self, service: str) -> str:
        return f"{self.db_prefix}{service}"

    def dsn(self, service: str) -> str:
        return database_url(self.server_dsn, self.db_name(service))

    def port(self, service: str) -> int:
        return next(s.port for s in SERVICES if s.name == service) + self.port_offset

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.port(service)}"

    def env(self, service: str) -> dict[str, str]:
        prefix = service.upper()
        return {
            **os.environ,
            f"{prefix}_DATABASE_URL": self.dsn(service),
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "CASE_EVENTS_TOPIC": self.topic,
            "DEAD_LETTER_TOPIC": self.dead_letter_topic,
            f"{prefix}_CONSUMER_GROUP": f"{self.db_prefix}{service}",
            "PYTHONUNBUFFERED": "1",
            "ASSET_SEARCH_SIMULATOR_URL": self.url("simulator"),
            "SIMULATOR_ASSET_SEARCH_URL": self.url("asset_search"),
            # 我的待办: supervision's page reads each service's GET /worklist from the browser (CORS).
            "CORS_ALLOW_ORIGINS": ",".join(self.page_origins),
            "SUPERVISION_WORKLIST_SOURCES": json.dumps({s: self.url(s) for s in WORKLIST_SERVICES}),
            **self.extra_env,
        }

    @property
    def page_origins(self) -> list[str]:
        """Where supervision's pages are opened from (127.0.0.1 or localhost)."""
        port = self.port("supervision")
        return [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]

    async def prepare(self, partitions: int) -> None:
        """Create the databases and topics (idempotent)."""
        await stack.create_databases(self.server_dsn, [self.db_name(s.name) for s in SERVICES])
        await stack.create_topics(self.bootstrap, {self.topic: partitions, self.dead_letter_topic: partitions,
                                                   self.clock_topic: 1, self.calendar_topic: 1})

    def start(
        self, service: str, *, instance: str = "", port: int | None = None, extra_env: dict[str, str] | None = None,
        workers: int | None = None,
    ) -> subprocess.Popen[bytes]:
        """Launch one service process; ``instance`` names a second copy (its own port, same database).

        ``workers`` (default ``SERVICE_WORKERS``, else 1): worker processes behind the one port
        (uvicorn ``--workers``); each is a full instance — a standby relay, a member of the
        service's consumer group — as a second copy would be."""
        key = f"{service}{'@' + instance if instance else ''}"
        workers = workers or int(os.environ.get("SERVICE_WORKERS", "1") or 1)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{self.db_prefix}{key}.log", "ab")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                next((s.app for s in SERVICES if s.name == service and s.app), f"services.{service}.main:create_app"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port or self.port(service)),
                "--no-access-log",
                "--log-level",
                "warning",
                "--timeout-graceful-shutdown",
                "10",
                *(["--workers", str(workers)] if workers > 1 else []),
            ],
            cwd=REPO,
            env={**self.env(service), **(extra_env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[key] = proc
        self.ports[key] = port or self.port(service)
        return proc

    def wait_ready(self, services: list[str] | None = None, timeout: float = 90) -> dict[str, Any]:
        """Wait until each service's ``/readyz`` says ready — or ``degraded``: running and serving, but
        something needs a person (supervision: dead letters nobody has acknowledged, a possible hole
        in the trail); raise with its log tail otherwise. Returns the checks of each degraded one."""
        pending = list(services or self.processes)
        degraded: dict[str, Any] = {}
        deadline = time.monotonic() + timeout
        while pending:
            for name in list(pending):
                proc = self.processes.get(name)
                if proc is not None and proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}; see {self.log_dir}")
                try:
                    r = httpx.get(f"http://127.0.0.1:{self.ports.get(name) or self.port(name)}/readyz", timeout=2)
                    if r.status_code == 200:
                        pending.remove(name)
                    elif r.status_code == 503 and r.json().get("status") == "degraded":
                        pending.remove(name)
                        degraded[name] = r.json().get("checks")
                except (httpx.HTTPError, ValueError):
                    pass
            if pending and time.monotonic() > deadline:
                raise TimeoutError(f"not ready after {timeout}s: {pending}; see {self.log_dir}")
            if pending:
                time.sleep(0.25)
        return degraded

    def stop(self, service: str, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        """Stop one service (SIGTERM, then SIGKILL after ``timeout``)."""
        proc = self.processes.pop(service, None)
        if proc is None or proc.poll() is not None:
            return
        _signal_group(proc, sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            proc = self.processes[name]
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for name in list(self.processes):
            self.stop(name)


def local_system(
    db_prefix: str = "enforcement_",
    topic: str = stack.CASE_EVENTS_TOPIC,
    dlt: str = stack.DLT_TOPIC,
    port_offset: int = 0,
) -> System:
    """Ensure the stack (private or external) and describe a system on it."""
    server_dsn = stack.ensure_postgres()
    bootstrap = stack.ensure_kafka()
    return System(server_dsn, bootstrap, db_prefix, topic, dlt, port_offset)


cli = typer.Typer(add_completion=False, no_args_is_help=True, help="Run the whole system locally.")


@cli.command("run")
def run() -> None:
    """Start everything, wait until healthy, print the addresses; Ctrl-C stops the services."""
    t0 = time.monotonic()
    system = local_system()
    run_coro(system.prepare(stack.case_events_partitions()))
    for svc in SERVICES:
        system.start(svc.name)
    try:
        degraded = system.wait_ready()
    except Exception:
        system.stop_all()
        raise
    elapsed = time.monotonic() - t0
    print(f"\n系统已就绪 (ready in {elapsed:.1f}s)\n")
    for svc in SERVICES:
        print(f"  {svc.title:<8} {svc.name:<13} {system.url(svc.name)}/docs")
    for name, checks in degraded.items():
        detail = (checks or {}).get("trail", {}).get("detail") or checks
        print(f"\n  !!! {name} 运行中但需要处理（degraded）：{detail}\n  !!! 详见 {system.url(name)}/readyz")
    print(f"\n  PostgreSQL  {system.server_dsn}\n  Kafka       {system.bootstrap}  topic {system.topic}")
    print(f"  logs        {system.log_dir}\n\nCtrl-C 停止全部服务\n")
    stop = False

    def _handle(signum: int, frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGINT, _handle)
    signal.signal(signal.SIGTERM, _handle)
    while not stop:
        for name, proc in list(system.processes.items()):
            if proc.poll() is not None:
                print(f"{name} exited ({proc.returncode}); restarting")
                system.start(name.split("@")[0])
        time.sleep(0.5)
    print("stopping services…")
    system.stop_all()
    if "KAFKA_BOOTSTRAP_SERVERS" not in os.environ:
        stack.stop_kafka()
    if "DATABASE_URL" not in os.environ:
        stack.stop_postgres()
    print("stopped")


@cli.callback()
def _main() -> None:
    """Run the whole system locally."""


if __name__ == "__main__":
    cli()
