"""HTTP helpers for intake's tests against the running services (real PostgreSQL and Kafka)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from deploy.system import System
from tests.conftest import auth, valid_case
from tests.helpers import make_event

H = "ab" * 32
CLERK = auth("clerk-i01", "intake_clerk")
AFFAIRS = auth("affairs-i01", "affairs_clerk")
SUPERVISOR = auth("sup-i01", "supervisor")
MATERIALS = [
    {"material_class": "application_form", "kind": "application", "content_hash": H},
    {"material_class": "basis_document", "kind": "basis_copy", "content_hash": H},
    {"material_class": "basis_document", "kind": "effectiveness_proof", "reference": "档案 2025-118"},
    {"material_class": "identity", "kind": "business_licence", "content_hash": H},
    {"material_class": "identity", "kind": "legal_rep_certificate", "content_hash": H},
    {"material_class": "asset_leads", "kind": "no_lead_statement", "content_hash": H},
]


def judge(judge_id: str, court: str = "黔01") -> dict[str, str]:
    return auth(judge_id, "judge", court=court)


def application(**overrides: Any) -> dict[str, Any]:
    return valid_case(**{"materials": MATERIALS, **overrides})


Publish = Callable[..., Awaitable[None]]
ROLES = {"asset_search": "search_officer", "field_ops": "field_officer", "disposal": "finance_officer"}


@pytest.fixture
async def publish(system: System) -> AsyncIterator[Publish]:
    """Publish an event as another service would (key = case id): ``fields`` over the type's example,
    validated by the registry's payload model (``tests.helpers.make_event``); ``officer`` acts in the
    producer's usual role (``"system"``: the producing service itself)."""
    producer = AIOKafkaProducer(bootstrap_servers=system.bootstrap, acks="all", enable_idempotence=True)
    await producer.start()

    versions: dict[str, int] = {}

    async def send(case_id: str, event_type: str, fields: dict[str, Any], officer: str = "search-i01") -> None:
        service = event_type.split(".")[0]
        stream_id = f"{service}.test:{case_id}"
        versions[stream_id] = versions.get(stream_id, 0) + 1
        env = make_event(event_type, case_id, stream_id=stream_id, version=versions[stream_id], actor=officer,
                         role=ROLES.get(service), **fields)
        await producer.send_and_wait(system.topic, env.to_bytes(), key=case_id.encode())

    try:
        yield send
    finally:
        await producer.stop()


async def eventually(probe: Callable[[], Awaitable[bool]], what: str, tries: int = 150) -> None:
    for _ in range(tries):
        if await probe():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {what}")


async def register(http: httpx.AsyncClient, system: System, **overrides: Any) -> dict[str, Any]:
    r = await http.post(f"{system.url('intake')}/cases", json=application(**overrides), headers=CLERK)
    assert r.status_code == 201, r.text
    return r.json()
