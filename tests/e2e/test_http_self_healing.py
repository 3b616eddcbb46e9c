"""Parts die, the system heals itself: a PostgreSQL crash under running services.

The drill runs on a PostgreSQL cluster of its own (under a temporary RUN_DIR, its own port), so the
crash touches no other test; Kafka is the suite's. intake and supervision run against it. While the
database is down: a command is answered 503 problem+json with Retry-After (not 500), readiness says
the database is unavailable, and events keep arriving on Kafka for supervision's consumer. After
the database is back: without restarting any process, both services are ready again, their loops
are running, nothing was dead-lettered, the events published during the outage are in the trail,
and the command retried with the same Idempotency-Key is applied once.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from deploy import stack
from deploy._common import run_coro
from deploy.system import System
from tests.conftest import PORT_OFFSET, RUN_ID, auth, valid_case
from tests.supervision.helpers import SUPERVISOR, Story, publish, wait_trail
from tests.waits import end_offsets

CLERK = auth("clerk-drill", "intake_clerk")
DRILL_PG_PORT = 25433 + PORT_OFFSET // 1000  # a port of its own per test run's offset


def _pg(action: str, run_dir: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(RUN_DIR=run_dir, PG_PORT=str(DRILL_PG_PORT))
    done = subprocess.run(
        [sys.executable, "-c", f"from deploy import postgres; print(postgres.{action}())"],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def drill(stack_parts: tuple[str, str]) -> Iterator[tuple[System, str]]:
    _, bootstrap = stack_parts
    run_dir = tempfile.mkdtemp(prefix="pg-drill-")
    os.chmod(run_dir, 0o755)  # the postgres OS user runs the cluster
    server_dsn = _pg("ensure_postgres", run_dir)
    system = System(server_dsn, bootstrap, f"d{RUN_ID}_", f"case-events-d{RUN_ID}", f"case-events-d{RUN_ID}.dlt",
                    port_offset=PORT_OFFSET + 500)
    run_coro(system.prepare(partitions=3))
    try:
        for name in ("intake", "supervision"):
            system.start(name)
        system.wait_ready(timeout=120)
        yield system, run_dir
    finally:
        system.stop_all()
        run_coro(stack.delete_topics(bootstrap, system.topics))
        _pg("stop_postgres", run_dir)


async def _ready(http: httpx.AsyncClient, system: System, service: str) -> dict[str, Any]:
    r = await http.get(f"{system.url(service)}/readyz")
    body: dict[str, Any] = r.json()
    return body


async def test_a_database_crash_is_answered_503_and_healed_without_a_restart(
    drill: tuple[System, str], http: httpx.AsyncClient
) -> None:
    system, run_dir = drill
    before = Story()
    await publish(system, [before.registered(), before.assigned()])
    await wait_trail(http, system, before.case_id, 2)

    _pg("crash_postgres", run_dir)
    key = f"drill-{uuid.uuid4()}"
    refused = await http.post(f"{system.url('intake')}/cases", json=valid_case(),
                              headers={**CLERK, "Idempotency-Key": key})
    assert refused.status_code == 503, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.headers["retry-after"] == "5"
    assert refused.json()["code"] == "database_unavailable"
    assert refused.json()["correlation_id"] == refused.headers["x-correlation-id"]
    ready = await _ready(http, system, "supervision")
    assert ready["status"] == "not_ready" and ready["checks"]["database"] == "unavailable"

    # Events keep arriving while the database is down: supervision's consumer must wait, not
    # dead-letter them (they are valid; only the database is missing).
    during = Story()
    await publish(system, [during.registered(), during.assigned()])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # until the consumer has met the outage
        checks = (await _ready(http, system, "supervision"))["checks"]
        if checks["loops"]["consumer"]["restarts"] or checks["consumer"]["last_error"]:
            break
        await asyncio.sleep(0.2)
    else:
        raise AssertionError(f"supervision's consumer never met the outage: {checks}")

    _pg("ensure_postgres", run_dir)
    deadline = time.monotonic() + 90
    states: dict[str, Any] = {}
    while time.monotonic() < deadline:
        states = {s: await _ready(http, system, s) for s in ("intake", "supervision")}
        if all(st["status"] == "ready" for st in states.values()):
            break
        await asyncio.sleep(0.5)
    assert all(st["status"] == "ready" for st in states.values()), states
    for service, st in states.items():
        assert all(loop["running"] for loop in st["checks"]["loops"].values()), (service, st)
        assert st["checks"]["consumer"]["dead_lettered"] == 0, (service, st)
        health = await http.get(f"{system.url(service)}/healthz")
        assert health.status_code == 200, health.text

    dead = await end_offsets(system, system.dead_letter_topic)
    assert sum(dead.values()) == 0, f"valid events were dead-lettered during the outage: {dead}"
    trail = await wait_trail(http, system, during.case_id, 2, headers=SUPERVISOR)
    assert [e["event_type"] for e in trail] == ["intake.case_registered", "intake.case_assigned"]
    retried = await http.post(f"{system.url('intake')}/cases", json=valid_case(),
                              headers={**CLERK, "Idempotency-Key": key})
    assert retried.status_code == 201, retried.text
    again = await http.post(f"{system.url('intake')}/cases", json=valid_case(),
                            headers={**CLERK, "Idempotency-Key": key})
    assert again.status_code == 201 and again.json()["case_id"] == retried.json()["case_id"]
