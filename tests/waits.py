"""Waiting on what the running system shows, never on the clock.

A test that needs something to have happened polls an observable condition (``poll``) and fails,
naming what it waited for, when it does not hold in time. "Every event committed so far has been
applied by a service" is observable too (``drained``): each relay has published every outbox row
there was (a row is deleted once Kafka acknowledged it), then the service's consumer group has
committed, on every partition, an offset at or past the topic's end as it stood (offsets are
committed only after the database commit). ``/readyz`` alone is not enough for that: a consumer's
``lag`` is measured after its last fetch and reads 0 before it has fetched what was just
published, and under steady load a ``relay_backlog`` is rarely 0 at the instant it is read.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.partitioner import DefaultPartitioner

from deploy.system import System

T = TypeVar("T")

# The services with a relay and a consumer (the simulator has neither).
RELAYING = ("intake", "asset_search", "disposal", "field_ops", "supervision")


async def poll(
    probe: Callable[[], Awaitable[T]],
    what: str,
    timeout: float = 30.0,
    interval: float = 0.1,
    until: Callable[[T], object] = bool,
) -> T:
    """The first value of ``probe()`` that satisfies ``until`` (default: truthy); AssertionError
    naming ``what`` and the last value seen when none does within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if until(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:g} s waiting for {what}; last seen: {value!r}")
        await asyncio.sleep(interval)


async def readiness(http: httpx.AsyncClient, port: int) -> dict[str, Any]:
    """The ``checks`` of a service's ``/readyz`` (whatever its status code)."""
    return dict((await http.get(f"http://127.0.0.1:{port}/readyz")).json()["checks"])


async def end_offsets(system: System, topic: str | None = None) -> dict[int, int]:
    """The end offset (next offset to be written) of every partition of the run's topic, now."""
    topic = topic or system.topic
    admin = AIOKafkaAdminClient(bootstrap_servers=system.bootstrap)
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    partitions = sorted(p["partition"] for p in described["partitions"])
    assert partitions, f"topic {topic} has no partitions: {described}"
    consumer = AIOKafkaConsumer(bootstrap_servers=system.bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in partitions])
    finally:
        await consumer.stop()
    return {tp.partition: off for tp, off in ends.items()}


async def committed(system: System, group: str, topic: str | None = None) -> dict[int, int]:
    """The offsets ``group`` has committed on the run's topic (a partition it never committed on is
    left out)."""
    topic = topic or system.topic
    admin = AIOKafkaAdminClient(bootstrap_servers=system.bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == topic and meta.offset >= 0}


def relaying_ports(system: System) -> dict[str, int]:
    """Every running instance of a relaying service and its port (``intake``, ``intake@b``, …)."""
    return {
        name: system.ports[name]
        for name, proc in system.processes.items()
        if name.split("@")[0] in RELAYING and proc.poll() is None and name in system.ports
    }


def partition_of(case_id: str, partitions: int = 12) -> int:
    """The partition of the run's topic a case's events go to (key = case id, Kafka's default
    partitioner, as every producer here uses)."""
    return int(DefaultPartitioner()(case_id.encode(), list(range(partitions)), list(range(partitions))))


async def relays_empty(
    http: httpx.AsyncClient, system: System, timeout: float = 60.0, services: Iterable[str] | None = None
) -> None:
    """Until the outbox of every running service (of ``services``, if given) is empty, as its
    ``/readyz`` reports it (``relay_backlog`` 0): for a quiet system. Under steady load a backlog is
    rarely 0 at the instant it is read: use ``relays_past`` then."""
    wanted = set(services) if services is not None else None

    async def backlog() -> dict[str, Any]:
        ports = [(n, p) for n, p in relaying_ports(system).items() if wanted is None or n.split("@")[0] in wanted]
        return {name: (await readiness(http, port)).get("relay_backlog") for name, port in ports}

    await poll(
        backlog,
        "every relay's outbox to be empty (relay_backlog 0 in /readyz)",
        timeout,
        until=lambda b: all(v == 0 for v in b.values()),
    )


async def relays_past(system: System, timeout: float = 60.0, services: Iterable[str] | None = None) -> None:
    """Until each service's relay has published (and Kafka acknowledged: it deletes a row only then)
    every outbox row committed before the call, however much is committed meanwhile."""
    names = sorted({n.split("@")[0] for n in relaying_ports(system)} & set(services or RELAYING))
    for name in names:
        conn = await asyncpg.connect(system.dsn(name))
        try:
            mark = await conn.fetchval("SELECT max(id) FROM outbox")
            if mark is None:
                continue

            async def left(conn: asyncpg.Connection = conn, mark: int = mark) -> int:
                return int(await conn.fetchval("SELECT count(*) FROM outbox WHERE id <= $1", mark))

            await poll(left, f"{name}'s relay to publish its outbox up to row {mark}", timeout, until=lambda n: n == 0)
        finally:
            await conn.close()


async def consumed(system: System, services: Iterable[str], target: dict[int, int], timeout: float = 60.0) -> None:
    """Until each service's consumer group has committed at least ``target`` (partition → offset)."""
    for service in services:
        group = f"{system.db_prefix}{service}"

        async def offsets(group: str = group) -> dict[int, int]:
            return await committed(system, group)

        await poll(
            offsets,
            f"{service}'s consumer group to commit up to the topic's end {target}",
            timeout,
            interval=0.2,
            until=lambda done: all(done.get(p, -1) >= end for p, end in target.items() if end > 0),
        )


async def drained(
    http: httpx.AsyncClient,
    system: System,
    services: Iterable[str] = ("supervision",),
    timeout: float = 120.0,
    *,
    relays: Iterable[str] | None = None,
    case_ids: Iterable[str] | None = None,
) -> dict[int, int]:
    """Until every event committed or published before the call has been applied by ``services``'
    consumers: the relays (those of ``relays`` only, if given) past every outbox row there was, then
    each consumer group's committed offsets at the topic's end as it was then (on the partitions of
    ``case_ids`` only, if given: a case's events are all in its partition). Returns that end."""
    services = list(services)
    await relays_past(system, timeout, relays)
    target = await end_offsets(system)
    if case_ids is not None:
        wanted = {partition_of(c, len(target)) for c in case_ids}
        target = {p: off for p, off in target.items() if p in wanted}
    await consumed(system, services, target, timeout)
    return target
