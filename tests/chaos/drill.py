"""Fault drills: the whole system under load while its parts are killed, then every promise checked.

A drill runs on a stack of its own — a PostgreSQL cluster and a Kafka broker under a temporary
RUN_DIR, on ports no other run uses — so killing them touches nothing else. The five services (and
the agency simulator) run on it as real processes. A load generator registers cases at a steady
rate, retrying each one with the same Idempotency-Key until it is acknowledged (as a court's front
end would). Faults are injected one after another; after each, the time until every service is
ready again is measured. Killed service processes are started again (as systemd or Kubernetes
would); the broker and PostgreSQL are started again after ``outage_s``. Then the system is left to
quiesce and checked:

- every acknowledged registration exists exactly once (no command lost, none applied twice);
- case numbers are gap-free;
- every event in any service's store is in supervision's trail exactly once;
- supervision's hash chains verify;
- nothing was dead-lettered (no row in any service's ``dead_letters``, nothing on the topic).

``python -m tests.chaos`` (``make chaos``) runs the full profile and prints the table; the short
profile runs in ``make test`` (tests/e2e/test_http_chaos_drill.py).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from deploy import stack
from deploy.system import SERVICES, System
from tests.conftest import auth, valid_case
from tests.waits import end_offsets

CLERK = auth("clerk-chaos", "intake_clerk")
ADMIN = auth("admin-chaos", "admin", "supervisor")
APPS = tuple(s.name for s in SERVICES if s.name != "simulator")


@dataclass(frozen=True)
class Profile:
    name: str
    rate: float  # registrations per second
    faults: tuple[str, ...]  # service names, "broker", "postgres", "relay_leader"
    settle_s: float  # load between two faults
    outage_s: float  # how long the broker or the database stays down
    quiesce_s: float = 240.0  # how long the system may take to catch up after the load
    brokers: int = 1  # 3: a three-broker cluster (deploy/kafka_cluster.py); "broker" then kills one of them


SHORT = Profile("drill", rate=2, faults=("intake", "broker", "postgres", "supervision", "asset_search"),
                settle_s=4, outage_s=4)
FULL = Profile("chaos", rate=5, faults=("intake", "broker", "postgres", "supervision", "asset_search",
                                        "disposal", "field_ops", "relay_leader", "postgres", "broker"),
               settle_s=15, outage_s=10, quiesce_s=1200)
CLUSTER = Profile("cluster", rate=3, faults=("broker", "broker", "postgres"), settle_s=10, outage_s=15,
                  quiesce_s=600, brokers=3)


@dataclass
class Report:
    profile: str
    recovery_s: dict[str, list[float]] = field(default_factory=dict)
    acknowledged: int = 0
    retried: int = 0
    refused: list[str] = field(default_factory=list)
    cases: int = 0
    lost: int = 0
    doubled: int = 0
    number_gaps: int = 0
    events: int = 0
    trail: int = 0
    missing_from_trail: int = 0
    doubled_in_trail: int = 0
    dead_letters: int = 0
    trail_only: list[str] = field(default_factory=list)  # kinds of event in the trail but in no store
    verify_ok: bool = False
    duration_s: float = 0.0

    @property
    def clean(self) -> bool:
        return (not self.refused and self.lost == 0 and self.doubled == 0 and self.number_gaps == 0
                and self.missing_from_trail == 0 and self.doubled_in_trail == 0 and self.dead_letters == 0
                and not self.trail_only
                and self.verify_ok and self.cases == self.acknowledged > 0)

    def rows(self) -> list[tuple[str, str]]:
        out = [(f"ready again after {fault} (s, outage included)", ", ".join(f"{s:.1f}" for s in times))
               for fault, times in self.recovery_s.items()]
        out += [
            ("registrations acknowledged", str(self.acknowledged)),
            ("  of which needed a retry", str(self.retried)),
            ("  refused (4xx)", str(len(self.refused))),
            ("cases in intake", str(self.cases)),
            ("lost / applied twice", f"{self.lost} / {self.doubled}"),
            ("case-number gaps", str(self.number_gaps)),
            ("events in the stores / in the trail", f"{self.events} / {self.trail}"),
            ("missing from / doubled in the trail", f"{self.missing_from_trail} / {self.doubled_in_trail}"),
            ("in the trail but in no store", str(len(self.trail_only))),
            ("dead letters", str(self.dead_letters)),
            ("hash chains verify", "yes" if self.verify_ok else "NO"),
            ("drill duration (s)", f"{self.duration_s:.0f}"),
        ]
        return out


class PrivateStack:
    """PostgreSQL and Kafka under a temporary RUN_DIR, driven through deploy/ in child processes
    (their configuration is the environment, so this process's own stack settings stay untouched)."""

    def __init__(self, base_port: int, brokers: int = 1) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="chaos-"))
        self.dir.chmod(0o755)  # the postgres OS user runs the cluster
        # PostgreSQL on base_port; Kafka from base_port + 1 (each broker's controller on the next port)
        self.pg_port, self.kafka_port, self.brokers = base_port, base_port + 1, brokers
        libs = stack.run_dir() / "kafka" / "libs"  # the jars Maven fetched for the main stack
        if libs.exists():
            (self.dir / "kafka").mkdir()
            (self.dir / "kafka" / "libs").symlink_to(libs)

    def _call(self, code: str) -> str:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS")}
        env.update(RUN_DIR=str(self.dir), PG_PORT=str(self.pg_port), KAFKA_PORT=str(self.kafka_port),
                   KAFKA_BROKERS=str(self.brokers), KAFKA_CLUSTER_DIR=str(self.dir / "kafka-cluster"),
                   KAFKA_CLUSTER_PORT=str(self.kafka_port))
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                              timeout=300, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{code}: {done.stderr[-2000:]}")
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    def start_postgres(self) -> str:
        return self._call("from deploy import postgres; print(postgres.ensure_postgres())")

    def crash_postgres(self) -> None:
        self._call("from deploy import postgres; postgres.crash_postgres()")

    def start_kafka(self) -> str:
        return self._call("from deploy import kafka_broker; print(kafka_broker.ensure_kafka())")

    def kill_kafka(self) -> None:
        """The single broker, or the second of three (the cluster keeps serving on two)."""
        if self.brokers == 3:
            self._call("from deploy.kafka_cluster import kill_node; kill_node(2)")
            return
        self._call("import os, signal; from deploy.kafka_process import our_broker_pid; pid = our_broker_pid();"
                   " pid and os.kill(pid, signal.SIGKILL)")

    def stop(self, keep_logs: Path | None = None) -> None:
        """Stop both and delete the folder; the services' logs are copied to ``keep_logs`` first."""
        if keep_logs is not None and (self.dir / "logs").exists():
            shutil.rmtree(keep_logs, ignore_errors=True)
            shutil.copytree(self.dir / "logs", keep_logs)
        for code in ("from deploy import kafka_broker; kafka_broker.stop_kafka()",
                     "from deploy import postgres; postgres.stop_postgres()"):
            try:
                self._call(code)
            except RuntimeError:
                continue
        shutil.rmtree(self.dir, ignore_errors=True)


class Load:
    """Registrations at a steady rate, each retried with its Idempotency-Key until acknowledged."""

    def __init__(self, urls: list[str], rate: float) -> None:
        self.urls = urls
        self.rate = rate
        self.acked: dict[str, str] = {}  # idempotency key -> case id
        self.retried: set[str] = set()
        self.refused: list[str] = []
        self.pending: set[asyncio.Task[None]] = set()

    async def run(self, client: httpx.AsyncClient, stop: asyncio.Event) -> None:
        while not stop.is_set():
            task = asyncio.create_task(self._register(client, f"chaos-{uuid.uuid4()}"))
            self.pending.add(task)
            task.add_done_callback(self.pending.discard)
            await asyncio.sleep(1 / self.rate)

    async def _register(self, client: httpx.AsyncClient, key: str) -> None:
        body = valid_case()
        deadline = time.monotonic() + 240
        attempt = 0
        while time.monotonic() < deadline:
            url = self.urls[attempt % len(self.urls)]
            try:
                r = await client.post(f"{url}/cases", json=body, headers={**CLERK, "Idempotency-Key": key},
                                      timeout=10)
                if r.status_code == 201:
                    self.acked[key] = r.json()["case_id"]
                    return
                if r.status_code < 500 and r.status_code != 429:
                    self.refused.append(f"{r.status_code} {r.text[:200]}")
                    return
            except httpx.HTTPError:
                pass
            attempt += 1
            self.retried.add(key)
            await asyncio.sleep(min(2.0, 0.2 * 2 ** min(attempt, 4)))
        self.refused.append(f"{key}: not acknowledged within 240 s")

    async def drain(self) -> None:
        while self.pending:
            await asyncio.gather(*list(self.pending), return_exceptions=True)


def _say(msg: str) -> None:
    print(f"[chaos {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Drill:
    def __init__(self, profile: Profile, *, base_port: int, port_offset: int) -> None:
        self.profile = profile
        self.stack = PrivateStack(base_port, profile.brokers)
        self.port_offset = port_offset
        self.system: System | None = None
        self.report = Report(profile.name)
        self.extra_intake_port = 8199 + port_offset

    async def run(self) -> Report:
        started = time.monotonic()
        try:
            server_dsn = await asyncio.to_thread(self.stack.start_postgres)
            bootstrap = await asyncio.to_thread(self.stack.start_kafka)
            run = uuid.uuid4().hex[:6]
            self.system = System(server_dsn, bootstrap, f"x{run}_", f"case-events-x{run}", f"case-events-x{run}.dlt",
                                 port_offset=self.port_offset, log_dir=self.stack.dir / "logs")
            await self.system.prepare(partitions=6)
            for svc in SERVICES:
                self.system.start(svc.name)
            urls = [self.system.url("intake")]
            if "relay_leader" in self.profile.faults:
                self.system.start("intake", instance="b", port=self.extra_intake_port)
                urls.append(f"http://127.0.0.1:{self.extra_intake_port}")
            await asyncio.to_thread(self.system.wait_ready, None, 120)
            async with httpx.AsyncClient() as client:
                load = Load(urls, self.profile.rate)
                stop = asyncio.Event()
                loader = asyncio.create_task(load.run(client, stop))
                await asyncio.sleep(self.profile.settle_s)
                for fault in self.profile.faults:
                    _say(f"fault: {fault} ({len(load.acked)} acknowledged so far)")
                    seconds = await self._inject(client, fault)
                    _say(f"recovered from {fault} in {seconds:.1f} s")
                    self.report.recovery_s.setdefault(fault, []).append(seconds)
                    await asyncio.sleep(self.profile.settle_s)
                stop.set()
                await loader
                await load.drain()
                _say(f"load stopped: {len(load.acked)} acknowledged; waiting for the system to quiesce")
                quiet_from = time.monotonic()
                await self._quiesce(client, self.profile.quiesce_s)
                await self._check(client, load)
                _say(f"quiet after {time.monotonic() - quiet_from:.0f} s; checked")
        finally:
            if self.system is not None:
                self.system.stop_all()
            await asyncio.to_thread(self.stack.stop, keep_logs=stack.run_dir() / "chaos-logs")
        self.report.duration_s = time.monotonic() - started
        return self.report

    # -- faults ---------------------------------------------------------------------------------

    async def _inject(self, client: httpx.AsyncClient, fault: str) -> float:
        assert self.system is not None
        t0 = time.monotonic()
        if fault == "broker":
            await asyncio.to_thread(self.stack.kill_kafka)
            await asyncio.sleep(self.profile.outage_s)
            await asyncio.to_thread(self.stack.start_kafka)
        elif fault == "postgres":
            await asyncio.to_thread(self.stack.crash_postgres)
            await asyncio.sleep(self.profile.outage_s)
            await asyncio.to_thread(self.stack.start_postgres)
        elif fault == "relay_leader":
            leader = await self._relay_leader(client)
            self._kill(leader)
            await self._restart(leader)
        else:
            self._kill(fault)
            await self._restart(fault)
        await self._all_ready(client, timeout=180)
        return time.monotonic() - t0

    def _kill(self, key: str) -> None:
        assert self.system is not None
        proc = self.system.processes.pop(key)
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    async def _restart(self, key: str) -> None:
        assert self.system is not None
        await asyncio.sleep(1)  # what a process manager takes to notice
        if key == "intake@b":
            self.system.start("intake", instance="b", port=self.extra_intake_port)
        else:
            self.system.start(key)

    async def _relay_leader(self, client: httpx.AsyncClient) -> str:
        assert self.system is not None
        for key, port in self.system.ports.items():
            if key.startswith("intake"):
                r = await client.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
                if r.json()["checks"].get("relay_leader"):
                    return key
        return "intake"

    async def _readiness(self, client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
        assert self.system is not None
        out: dict[str, dict[str, Any]] = {}
        for key, port in self.system.ports.items():
            try:
                r = await client.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
                out[key] = {"status_code": r.status_code, **r.json()}
            except (httpx.HTTPError, ValueError) as exc:
                out[key] = {"status_code": 0, "error": repr(exc)}
        return out

    async def _all_ready(self, client: httpx.AsyncClient, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        states: dict[str, dict[str, Any]] = {}
        while time.monotonic() < deadline:
            states = await self._readiness(client)
            if all(s["status_code"] == 200 for s in states.values()):
                return
            await asyncio.sleep(0.25)
        raise TimeoutError(f"not ready {timeout} s after the fault: {states}")  # logs: see stop()

    async def _quiesce(self, client: httpx.AsyncClient, timeout: float) -> None:
        """Until every relay is empty and every consumer has caught up, twice in a row."""
        deadline = time.monotonic() + timeout
        calm = 0
        while time.monotonic() < deadline:
            states = await self._readiness(client)
            quiet = all(  # the simulator has neither relay nor consumer
                s["status_code"] == 200 and s.get("checks", {}).get("relay_backlog", 0) == 0
                and (s.get("checks", {}).get("consumer") or {}).get("lag", 0) == 0
                for s in states.values()
            )
            calm = calm + 1 if quiet else 0
            if calm >= 3:
                return
            await asyncio.sleep(0.5)
        raise TimeoutError(f"the system did not quiesce: {states}")

    # -- checks ---------------------------------------------------------------------------------

    async def _stored(self) -> tuple[set[uuid.UUID], int]:
        """Every event id in the five services' stores, and their dead letters."""
        assert self.system is not None
        stored: set[uuid.UUID] = set()
        dead = 0
        for name in APPS:
            conn = await asyncpg.connect(self.system.dsn(name))
            try:
                stored |= {row["event_id"] for row in await conn.fetch("SELECT event_id FROM events")}
                dead += int(await conn.fetchval("SELECT count(*) FROM dead_letters"))
            finally:
                await conn.close()
        return stored, dead

    async def _check(self, client: httpx.AsyncClient, load: Load) -> None:
        assert self.system is not None
        r = self.report
        r.acknowledged, r.retried, r.refused = len(load.acked), len(load.retried), list(load.refused)
        intake = await asyncpg.connect(self.system.dsn("intake"))
        try:
            rows = await intake.fetch("SELECT case_id, case_number FROM cases WHERE case_number IS NOT NULL")
        finally:
            await intake.close()
        cases = {row["case_id"] for row in rows}
        acked = set(load.acked.values())
        r.cases, r.lost, r.doubled = len(cases), len(acked - cases), len(cases - acked)
        sequences = sorted(int(m.group(1)) for row in rows if (m := re.search(r"执(\d+)号$", row["case_number"])))
        r.number_gaps = (sequences[-1] - len(sequences)) if sequences else 0

        # The services keep working after the load (deadline scans, sweeps): an event appended
        # between two reads is not a hole. So: the stores, then (once quiet again) the trail, then
        # the stores again — every event of the first read must be in the trail, and every event of
        # the trail in the second read.
        before, dead = await self._stored()
        await self._quiesce(client, self.profile.quiesce_s)
        sup = await asyncpg.connect(self.system.dsn("supervision"))
        try:
            rows = await sup.fetch("SELECT event_id, event_type, producer FROM audit_trail")
        finally:
            await sup.close()
        trail = [row["event_id"] for row in rows]
        after, dead = await self._stored()
        r.dead_letters += dead
        r.trail_only = sorted({f"{row['producer']}:{row['event_type']}" for row in rows
                               if row["event_id"] not in after})
        r.events, r.trail = len(before), len(trail)
        r.missing_from_trail = len(before - set(trail))
        r.doubled_in_trail = len(trail) - len(set(trail))
        r.dead_letters += sum((await end_offsets(self.system, self.system.dead_letter_topic)).values())
        verify = await client.post(f"{self.system.url('supervision')}/admin/verify", headers=ADMIN, timeout=120)
        r.verify_ok = verify.status_code == 200 and verify.json().get("ok") is True
