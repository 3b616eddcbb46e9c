"""Crashes and several instances of one service, with real processes, Kafka and PostgreSQL.

Each test puts the standard processes back in ``finally``, whatever happened: a failure here must
not leave intake without its relay (or a second instance running) for the tests after it. "No
duplicate" is asserted only once supervision has provably consumed everything published before
(``tests.waits.drained``), not after a pause.
"""

from __future__ import annotations

import asyncio
import signal

import httpx

from deploy.system import System
from tests.conftest import auth, valid_case
from tests.e2e.test_http_first_case import wait_for_trail
from tests.waits import drained, poll, readiness, relays_empty

CLERK = auth("clerk-003", "intake_clerk")
SUPERVISOR = auth("sup-003", "supervisor")


def restore(system: System, service: str, *extra: str) -> None:
    """Stop the ``extra`` instances and make sure the standard ``service`` process runs and is ready
    (started again, with the standard settings, if it is gone)."""
    for name in extra:
        system.stop(name)
    proc = system.processes.get(service)
    if proc is None or proc.poll() is not None:
        system.processes.pop(service, None)
        system.start(service)
    system.wait_ready([service])


async def intake_trail(http: httpx.AsyncClient, system: System, case_id: str) -> list[dict]:
    r = await http.get(
        f"{system.url('supervision')}/cases/{case_id}/trail", params={"service": "intake"}, headers=SUPERVISOR
    )
    assert r.status_code == 200, r.text
    return list(r.json()["events"])


async def test_an_event_committed_by_a_process_that_died_before_publishing_is_published_on_restart(
    system: System, http: httpx.AsyncClient
) -> None:
    system.stop("intake")
    relay_less = False
    try:
        system.start("intake", extra_env={"INTAKE_RELAY_ENABLED": "false"})  # commits, never publishes
        relay_less = True
        system.wait_ready(["intake"])
        r = await http.post(f"{system.url('intake')}/cases", json=valid_case(), headers=CLERK)
        assert r.status_code == 201
        case_id, written = r.json()["case_id"], r.json()["version"]  # registration, triage, assignment…
        assert (await readiness(http, system.port("intake")))["relay_backlog"] >= written
        system.stop("intake", sig=signal.SIGKILL)
        relay_less = False

        system.start("intake")
        system.wait_ready(["intake"])
        events = await wait_for_trail(http, system, case_id, written)
        await relays_empty(http, system, services=["intake"])  # /readyz: what the dead process left is out
        # Everything the restarted relay published (a duplicate included) has reached supervision.
        await drained(http, system)
        again = await intake_trail(http, system, case_id)
        assert len(events) == written and len(again) == written
        assert len({e["event_id"] for e in again}) == written
    finally:  # never leave the relay-less process (or none) behind
        if relay_less:
            system.stop("intake")
        restore(system, "intake")


async def test_two_intake_instances_have_one_relay_leader_and_the_survivor_takes_over(
    system: System, http: httpx.AsyncClient
) -> None:
    second_port = system.port("intake") + 50
    try:
        system.start("intake", instance="b", port=second_port)
        system.wait_ready(["intake@b"])
        ports = {"intake": system.port("intake"), "intake@b": second_port}

        async def leaders() -> dict[str, bool]:
            return {k: bool((await readiness(http, p))["relay_leader"]) for k, p in ports.items()}

        found = await poll(leaders, "exactly one intake relay leader", until=lambda x: sum(x.values()) == 1)
        leader = next(k for k, v in found.items() if v)
        survivor = next(k for k in ports if k != leader)
        system.stop(leader, sig=signal.SIGKILL)

        async def survivor_leads() -> bool:
            return bool((await readiness(http, ports[survivor]))["relay_leader"])

        await poll(survivor_leads, f"{survivor} to take over the relay")
        r = await http.post(f"http://127.0.0.1:{ports[survivor]}/cases", json=valid_case(), headers=CLERK)
        assert r.status_code == 201
        await wait_for_trail(http, system, r.json()["case_id"], r.json()["version"])
    finally:  # the standard instance back, alone, for the other tests
        restore(system, "intake", "intake@b")


async def test_two_supervision_instances_share_the_partitions_and_apply_each_event_once(
    system: System, http: httpx.AsyncClient
) -> None:
    second_port = system.port("supervision") + 50
    dead_before = (await readiness(http, system.port("supervision")))["consumer"]["dead_lettered"]
    try:
        system.start("supervision", instance="b", port=second_port)
        system.wait_ready(["supervision@b"])

        async def partitions() -> tuple[list[int], list[int]]:
            a = (await readiness(http, system.port("supervision")))["consumer"]["partitions"]
            b = (await readiness(http, second_port))["consumer"]["partitions"]
            return a, b

        await poll(
            partitions,
            "both supervision instances to hold partitions, none twice",
            timeout=60,
            until=lambda ab: bool(ab[0]) and bool(ab[1]) and not set(ab[0]) & set(ab[1]),
        )
        created = await asyncio.gather(
            *(http.post(f"{system.url('intake')}/cases", json=valid_case(), headers=CLERK) for _ in range(24))
        )
        assert {c.status_code for c in created} == {201}
        for c in created:
            await wait_for_trail(http, system, c.json()["case_id"], c.json()["version"])
        await drained(http, system)  # both instances have applied (or skipped) all there is
        for c in created:
            case_id, written = c.json()["case_id"], c.json()["version"]
            again = await intake_trail(http, system, case_id)
            assert len(again) == written and len({e["event_id"] for e in again}) == written
        assert (await readiness(http, system.port("supervision")))["consumer"]["dead_lettered"] == dead_before
        assert (await readiness(http, second_port))["consumer"]["dead_lettered"] == 0
    finally:
        restore(system, "supervision", "supervision@b")
