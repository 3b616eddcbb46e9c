"""What intake and asset_search would publish: well-formed envelopes on the run's topic."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from deploy.system import System
from shared.envelope import Envelope
from tests.conftest import auth, valid_case
from tests.helpers import make_event, opened_by_intake, seized_on_site_by

SUPERVISOR = auth("sup-001", "supervisor")


def envelope(case_id: str, event_type: str, fields: dict[str, Any], *, stream_id: str, version: int,
             actor_id: str = "clerk-001", role: str = "intake_clerk") -> Envelope:
    """One event as its producer publishes it: ``fields`` over the type's example, validated by the
    registry's payload model (``tests.helpers.make_event``)."""
    return make_event(event_type, case_id, stream_id=stream_id, version=version, actor=actor_id, role=role,
                      **fields)


async def publish(system: System, *envelopes: Envelope) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=system.bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for env in envelopes:
            await producer.send_and_wait(system.topic, env.to_bytes(), key=env.case_id.encode())
    finally:
        await producer.stop()


def registered_and_assigned(case_id: str, judge_id: str, claim_fen: int = 12_345_600) -> list[Envelope]:
    """What intake's own decider publishes when a clerk registers the case and it is assigned to
    ``judge_id`` (stream ``intake.case:<case_id>``, versions 1–4); the basis of ``valid_case`` (due
    2025-09-15: the ledger's interest runs from the next day)."""
    return opened_by_intake(case_id, judge_id, claim_amount_fen=claim_fen, basis=valid_case()["basis"])


def controlled_on_site(case_id: str, asset_id: str, controller: str, asset_kind: str = "vehicle") -> list[Envelope]:
    """What asset_search's own decider publishes when ``controller`` sealed the asset on site on
    judge-101's instruction: the asset, and a control in effect controlled by ``controller``."""
    return seized_on_site_by(case_id, asset_id, controller, judge_id="judge-101", asset_kind=asset_kind)


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
        # in effect, not merely ordered: asset_search's control_ordered lands a moment before control_confirmed
        active = [c for c in body["controls"] if c["status"] == "active"]
        ok = len(active) >= controls and (judge is None or (body["case"] or {}).get("judge_id") == judge)
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
