"""Helpers for field_ops's HTTP tests: upstream events published as the other service would."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from deploy.system import System
from shared.envelope import Envelope, now_shanghai
from tests.conftest import auth
from tests.helpers import make_event, opened_by_intake

COURT = "黔01"
SUPERVISOR = auth("sup-fo", "supervisor")


@pytest.fixture(scope="session")
async def producer(system: System) -> AsyncIterator[AIOKafkaProducer]:
    p = AIOKafkaProducer(bootstrap_servers=system.bootstrap, acks="all", enable_idempotence=True)
    await p.start()
    try:
        yield p
    finally:
        await p.stop()


class Upstream:
    """Other services' events on the run's topic (key = case id), each stream with contiguous versions."""

    def __init__(self, system: System, producer: AIOKafkaProducer) -> None:
        self.system, self.producer = system, producer
        self.versions: dict[str, int] = {}

    async def __call__(self, event_type: str, case_id: str, fields: dict[str, Any], *, actor_id: str = "system",
                       stream_id: str | None = None, court: str = COURT) -> Envelope:
        """One event of ``event_type``: ``fields`` over the type's example, validated by the registry's
        payload model (``tests.helpers.make_event``); ``actor_id`` ``"system"`` is the producing service."""
        # ``<producer>.test:<case>``, never the producer's real ``.case:`` stream: the real services
        # react to these events too and write their own streams (one writer per stream).
        stream = stream_id or f"{event_type.split('.')[0]}.test:{case_id}"
        env = make_event(event_type, case_id, stream_id=stream, version=self.versions.get(stream, 0) + 1,
                         actor=actor_id, **{"court": court, **fields})
        await self.send(env)
        return env

    async def send(self, *envelopes: Envelope) -> None:
        """Envelopes a producer's own code made (e.g. ``tests.helpers.opened_by_intake``), in order."""
        for env in envelopes:
            self.versions[env.stream_id] = env.stream_version
            await self.producer.send_and_wait(self.system.topic, env.to_bytes(), key=env.case_id.encode())


Publish = Upstream


@pytest.fixture
def publish(system: System, producer: AIOKafkaProducer) -> Publish:
    return Upstream(system, producer)


async def eventually(check: Callable[[], Awaitable[Any]], what: str, tries: int = 200) -> Any:
    """Poll ``check`` (every 50 ms, up to 10 s) until it returns something truthy."""
    for _ in range(tries):
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


CaseWithJudge = Callable[..., Awaitable[str]]


@pytest.fixture
def case_with_judge(system: System, http: httpx.AsyncClient, publish: Upstream) -> CaseWithJudge:
    """A case registered and assigned to ``judge_id`` by intake's own decider, once field_ops knows its judge."""

    async def make(judge_id: str, case_id: str | None = None) -> str:
        case_id = case_id or str(uuid.uuid4())
        await publish.send(*opened_by_intake(case_id, judge_id, team_id="exec-team-1", clerk="clerk-fo",
                                             claim_amount_fen=1_000_000))
        await wait_for_judge(system, http, case_id, judge_id)
        return case_id

    return make


async def wait_for_judge(system: System, http: httpx.AsyncClient, case_id: str, judge_id: str) -> None:
    async def known() -> bool:
        r = await http.get(f"{system.url('field_ops')}/cases/{case_id}/field-history", headers=SUPERVISOR)
        return r.status_code == 200 and r.json()["judge_id"] == judge_id

    await eventually(known, f"field_ops to learn judge {judge_id} of {case_id}")


def instruction(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "investigate",
        "target": {"kind": "person", "description": "被执行人王某", "id_number": "11010519491231002X",
                   "address": "贵阳市南明区某路 1 号"},
        "region": "520102",
        "deadline": in_days(14),
        "notes": "核实被执行人居住情况",
    }
    body.update(overrides)
    return body


def in_days(days: int) -> str:
    return (now_shanghai().date() + timedelta(days=days)).isoformat()
