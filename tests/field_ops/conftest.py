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
from shared.envelope import Actor, Envelope, now_shanghai
from tests.conftest import auth

COURT = "黔01"
SUPERVISOR = auth("sup-fo", "supervisor")
Publish = Callable[..., Awaitable[Envelope]]


@pytest.fixture(scope="session")
async def producer(system: System) -> AsyncIterator[AIOKafkaProducer]:
    p = AIOKafkaProducer(bootstrap_servers=system.bootstrap, acks="all", enable_idempotence=True)
    await p.start()
    try:
        yield p
    finally:
        await p.stop()


@pytest.fixture
def publish(system: System, producer: AIOKafkaProducer) -> Publish:
    """Publish a well-formed envelope of another service to the run's topic (key = case id)."""
    versions: dict[str, int] = {}

    async def send(event_type: str, case_id: str, payload: dict[str, Any], *, actor_id: str = "system",
                   stream_id: str | None = None, court: str = COURT) -> Envelope:
        producer_name = event_type.split(".")[0]
        stream = stream_id or f"{producer_name}.case:{case_id}"
        versions[stream] = versions.get(stream, 0) + 1
        now = now_shanghai()
        env = Envelope(
            event_id=uuid.uuid4(), event_type=event_type, schema_version=1, case_id=case_id,
            stream_id=stream, stream_version=versions[stream], occurred_at=now, recorded_at=now,
            producer=producer_name, actor=Actor(kind="officer", id=actor_id, court=court), court=court,
            correlation_id=str(uuid.uuid4()), payload=payload,
        )
        await producer.send_and_wait(system.topic, env.to_bytes(), key=case_id.encode())
        return env

    return send


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
def case_with_judge(system: System, http: httpx.AsyncClient, publish: Publish) -> CaseWithJudge:
    """A case registered and assigned to ``judge_id`` upstream, once field_ops knows its judge."""

    async def make(judge_id: str, case_id: str | None = None) -> str:
        case_id = case_id or str(uuid.uuid4())
        await publish("intake.case_registered", case_id, {
            "case_id": case_id, "case_number": "（2026）黔01执1号", "case_type": "执", "court": COURT,
            "claim_amount_fen": 1_000_000, "registered_by": "clerk-fo",
        }, actor_id="clerk-fo")
        await publish("intake.case_assigned", case_id, {
            "judge_id": judge_id, "team_id": "exec-team-1", "track": "ordinary", "assigned_by": "affairs-fo",
        }, actor_id="affairs-fo")
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
