"""What intake and asset_search would publish: well-formed envelopes on the run's topic."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from deploy.system import System
from shared.envelope import Actor, Envelope, now_shanghai
from tests.conftest import auth, valid_case

SUPERVISOR = auth("sup-001", "supervisor")


def envelope(case_id: str, event_type: str, payload: dict[str, Any], *, stream_id: str, version: int,
             actor_id: str = "clerk-001", role: str = "intake_clerk") -> Envelope:
    now = now_shanghai()
    return Envelope(
        event_id=uuid.uuid4(), event_type=event_type, schema_version=1, case_id=case_id, stream_id=stream_id,
        stream_version=version, occurred_at=now, recorded_at=now, producer=event_type.split(".")[0],
        actor=Actor(kind="officer", id=actor_id, name=actor_id, role=role, court="黔01"), court="黔01",
        correlation_id=str(uuid.uuid4()), payload=payload,
    )


async def publish(system: System, *envelopes: Envelope) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=system.bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for env in envelopes:
            await producer.send_and_wait(system.topic, env.to_bytes(), key=env.case_id.encode())
    finally:
        await producer.stop()


def registered_and_assigned(case_id: str, judge_id: str, claim_fen: int = 12_345_600) -> list[Envelope]:
    body = valid_case(claim_amount_fen=claim_fen)
    registered = {
        **body, "case_id": case_id, "case_number": f"（2026）黔01执{uuid.uuid4().int % 100000}号",
        "registered_by": "clerk-001", "limitation_warning": False,
    }
    stream = f"intake.case:{case_id}"
    return [
        envelope(case_id, "intake.case_registered", registered, stream_id=stream, version=1),
        envelope(case_id, "intake.case_assigned", {"judge_id": judge_id, "team_id": "team-1", "track": "ordinary",
                                                   "assigned_by": "affairs-001"},
                 stream_id=stream, version=2, actor_id="affairs-001", role="affairs_clerk"),
    ]


def control_confirmed(case_id: str, asset_id: str, controller: str, asset_kind: str = "vehicle") -> Envelope:
    control_id = f"ctl-{uuid.uuid4().hex[:8]}"
    return envelope(case_id, "asset_search.control_confirmed", {
        "control_id": control_id, "asset_id": asset_id, "asset_kind": asset_kind, "measure": "seize",
        "effective_date": "2026-06-01", "expiry_date": "2028-06-01", "amount_fen": None, "queue_position": 1,
        "controlled_by": controller,
    }, stream_id=f"asset_search.control:{control_id}", version=1, actor_id=controller, role="search_officer")


async def eventually(probe: Any, what: str, attempts: int = 200) -> Any:
    """Poll ``probe()`` (an awaitable factory) until it returns something truthy."""
    for _ in range(attempts):
        result = await probe()
        if result:
            return result
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def known_to_disposal(http: httpx.AsyncClient, system: System, case_id: str, headers: dict[str, str],
                            *, controls: int = 0, judge: str | None = None) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        r = await http.get(f"{system.url('disposal')}/cases/{case_id}/controls", headers=headers)
        if r.status_code != 200:
            return None
        body: dict[str, Any] = r.json()
        ok = len(body["controls"]) >= controls and (judge is None or (body["case"] or {}).get("judge_id") == judge)
        return body if ok else None

    result: dict[str, Any] = await eventually(probe, f"case {case_id} in disposal's projections")
    return result


async def trail_types(http: httpx.AsyncClient, system: System, case_id: str, wanted: str) -> list[str]:
    async def probe() -> list[str] | None:
        r = await http.get(f"{system.url('supervision')}/cases/{case_id}/trail", headers=SUPERVISOR)
        if r.status_code != 200:
            return None
        types = [e["event_type"] for e in r.json()["events"]]
        return types if wanted in types else None

    result: list[str] = await eventually(probe, f"{wanted} in supervision's trail")
    return result
