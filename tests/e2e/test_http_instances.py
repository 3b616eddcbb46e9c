"""Crashes and several instances of one service, with real processes, Kafka and PostgreSQL."""

from __future__ import annotations

import asyncio
import signal

import httpx

from deploy.system import System
from tests.conftest import auth, valid_case
from tests.e2e.test_http_first_case import wait_for_trail

CLERK = auth("clerk-003", "intake_clerk")
SUPERVISOR = auth("sup-003", "supervisor")


async def readiness(http: httpx.AsyncClient, port: int) -> dict:
    return (await http.get(f"http://127.0.0.1:{port}/readyz")).json()["checks"]


async def wait_until(check, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(timeout / 0.2)):
        if await check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError("condition not met in time")


async def test_an_event_committed_by_a_process_that_died_before_publishing_is_published_on_restart(
    system: System, http: httpx.AsyncClient
) -> None:
    system.stop("intake")
    system.start("intake", extra_env={"INTAKE_RELAY_ENABLED": "false"})  # commits, never publishes
    system.wait_ready(["intake"])
    r = await http.post(f"{system.url('intake')}/cases", json=valid_case(), headers=CLERK)
    assert r.status_code == 201
    case_id, written = r.json()["case_id"], r.json()["version"]  # registration, triage, assignment…
    assert (await readiness(http, system.port("intake")))["relay_backlog"] >= written
    system.stop("intake", sig=signal.SIGKILL)

    system.start("intake")
    system.wait_ready(["intake"])
    events = await wait_for_trail(http, system, case_id, written)
    await asyncio.sleep(1.0)  # give a duplicate every chance to show up
    again = (
        await http.get(
            f"{system.url('supervision')}/cases/{case_id}/trail", params={"service": "intake"}, headers=SUPERVISOR
        )
    ).json()
    assert len(events) == written and len(again["events"]) == written
    assert len({e["event_id"] for e in again["events"]}) == written


async def test_two_intake_instances_have_one_relay_leader_and_the_survivor_takes_over(
    system: System, http: httpx.AsyncClient
) -> None:
    second_port = system.port("intake") + 50
    system.start("intake", instance="b", port=second_port)
    system.wait_ready(["intake@b"])
    ports = {"intake": system.port("intake"), "intake@b": second_port}

    async def one_leader() -> bool:
        leaders = [(await readiness(http, p))["relay_leader"] for p in ports.values()]
        return leaders.count(True) == 1

    await wait_until(one_leader)
    leaders = {k: (await readiness(http, p))["relay_leader"] for k, p in ports.items()}
    leader = next(k for k, v in leaders.items() if v)
    survivor = next(k for k in ports if k != leader)
    system.stop(leader, sig=signal.SIGKILL)

    async def survivor_leads() -> bool:
        return bool((await readiness(http, ports[survivor]))["relay_leader"])

    await wait_until(survivor_leads)
    r = await http.post(f"http://127.0.0.1:{ports[survivor]}/cases", json=valid_case(), headers=CLERK)
    assert r.status_code == 201
    await wait_for_trail(http, system, r.json()["case_id"])
    if survivor == "intake@b":  # put the standard instance back for the other tests
        system.stop("intake@b")
    if "intake" not in system.processes:
        system.start("intake")
        system.wait_ready(["intake"])


async def test_two_supervision_instances_share_the_partitions_and_apply_each_event_once(
    system: System, http: httpx.AsyncClient
) -> None:
    second_port = system.port("supervision") + 50
    system.start("supervision", instance="b", port=second_port)
    system.wait_ready(["supervision@b"])

    async def both_have_partitions() -> bool:
        a = (await readiness(http, system.port("supervision")))["consumer"]["partitions"]
        b = (await readiness(http, second_port))["consumer"]["partitions"]
        return bool(a) and bool(b) and not set(a) & set(b)

    await wait_until(both_have_partitions, timeout=60)
    created = await asyncio.gather(
        *(http.post(f"{system.url('intake')}/cases", json=valid_case(), headers=CLERK) for _ in range(24))
    )
    for c in created:
        case_id, written = c.json()["case_id"], c.json()["version"]
        events = await wait_for_trail(http, system, case_id, written)
        await asyncio.sleep(0.05)
        again = (
            await http.get(
                f"{system.url('supervision')}/cases/{case_id}/trail", params={"service": "intake"}, headers=SUPERVISOR
            )
        ).json()
        assert len(events) == written and len(again["events"]) == written
    for port in (system.port("supervision"), second_port):
        assert (await readiness(http, port))["consumer"]["dead_lettered"] == 0
    system.stop("supervision@b")
