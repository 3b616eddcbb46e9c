"""One case travels intake → outbox → Kafka → supervision's audit trail, over HTTP."""

from __future__ import annotations

import asyncio

import httpx

from deploy.system import System
from tests.conftest import auth, valid_case

CLERK = auth("clerk-001", "intake_clerk")
SUPERVISOR = auth("sup-001", "supervisor")


async def wait_for_trail(http: httpx.AsyncClient, system: System, case_id: str, count: int = 1) -> list[dict]:
    for _ in range(150):
        r = await http.get(f"{system.url('supervision')}/cases/{case_id}/trail", headers=SUPERVISOR)
        if r.status_code == 200 and len(r.json()["events"]) >= count:
            return r.json()["events"]
        await asyncio.sleep(0.1)
    raise AssertionError(f"case {case_id} did not reach supervision's trail")


async def test_a_registered_case_appears_in_supervisions_audit_trail(system: System, http: httpx.AsyncClient) -> None:
    r = await http.post(f"{system.url('intake')}/cases", json=valid_case(), headers=CLERK)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["case_number"].startswith("（2026）黔01执")
    assert created["case_number"].endswith("号")

    events = await wait_for_trail(http, system, created["case_id"])
    assert len(events) == 1
    entry = events[0]
    assert entry["event_type"] == "intake.case_registered"
    assert entry["actor_id"] == "clerk-001"
    assert entry["actor_role"] == "intake_clerk"
    assert entry["producer"] == "intake"
    assert entry["payload"]["case_number"] == created["case_number"]
    assert created["case_number"] in entry["summary"]
    assert entry["prev_hash"] == "00" * 32 and len(entry["hash"]) == 64

    case = await http.get(f"{system.url('intake')}/cases/{created['case_id']}", headers=CLERK)
    assert case.status_code == 200
    assert case.json()["case_number"] == created["case_number"]
