"""Helpers for asset_search's HTTP tests: intake's events, signed agency requests, polling."""

from __future__ import annotations

import asyncio
import calendar
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar

import httpx
import orjson
from aiokafka import AIOKafkaProducer

from deploy.system import System
from services.asset_search.agencies import signing
from services.asset_search.agencies.registry import AgencyRegistry
from shared.envelope import Envelope
from tests.asset_search.conftest import TEST_AGENCIES
from tests.conftest import auth
from tests.helpers import make_event, opened_by_intake

REGISTRY = AgencyRegistry.load(TEST_AGENCIES)
KINDS = sorted({a.kind for a in REGISTRY.searchable()})  # the border authority holds no assets
COURT = "黔01"
SEARCHER = auth("search-001", "search_officer")
SIMULATOR_OPERATOR = auth("sim-admin-001", "admin")  # the simulator's /knobs and /journal need it
T = TypeVar("T")


def months_after(day: date, months: int) -> date:
    """Calendar months after ``day``, clamped to the month's last day (29 February + 24 months →
    28 February; 31 August + 6 → end of February): written out here, not taken from the code under test."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def judge(officer_id: str) -> dict[str, str]:
    return auth(officer_id, "judge")


_VERSIONS: dict[str, int] = {}  # the last version published of each intake stream


async def publish(producer: AIOKafkaProducer, system: System, case_id: str, event_type: str,
                  fields: dict[str, Any], version: int | None = None, actor_id: str = "clerk-001") -> None:
    """What intake does: one envelope on the run's topic, keyed by the case id, in the stream
    ``intake.case:<case_id>`` (``version``: the next one unless given). The payload is ``fields`` over
    the type's example, validated by the registry's payload model (``tests.helpers.make_event``)."""
    stream = f"intake.case:{case_id}"
    version = version or _VERSIONS.get(stream, 0) + 1
    env = make_event(event_type, case_id, stream_id=stream, version=version, actor=actor_id, role="affairs_clerk",
                     **{"court": COURT, **fields})
    await send(producer, system, env)


async def send(producer: AIOKafkaProducer, system: System, *envelopes: Envelope) -> None:
    for env in envelopes:
        _VERSIONS[env.stream_id] = max(_VERSIONS.get(env.stream_id, 0), env.stream_version)
        await producer.send_and_wait(system.topic, env.to_bytes(), key=env.case_id.encode())


async def open_case(producer: AIOKafkaProducer, system: System, judge_id: str,
                    claim_amount_fen: int = 12_345_600, case_id: str | None = None) -> str:
    """A case registered and assigned to ``judge_id``: what intake's own decider publishes for it."""
    case_id = case_id or str(uuid.uuid4())
    await send(producer, system, *opened_by_intake(case_id, judge_id, claim_amount_fen=claim_amount_fen))
    return case_id


async def set_knobs(http: httpx.AsyncClient, system: System, *, case_id: str = "*", agency_id: str = "*",
                    **knobs: Any) -> None:
    r = await http.put(f"{system.url('simulator')}/knobs", headers=SIMULATOR_OPERATOR,
                       json={"case_id": case_id, "agency_id": agency_id, "knobs": knobs})
    assert r.status_code == 200, r.text


async def eventually(probe: Callable[[], Awaitable[T | None]], timeout: float = 30, what: str = "") -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value is not None and value is not False:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or probe}")
        await asyncio.sleep(0.15)


async def search_file(http: httpx.AsyncClient, system: System, case_id: str,
                      headers: dict[str, str] = SEARCHER) -> dict[str, Any] | None:
    r = await http.get(f"{system.url('asset_search')}/cases/{case_id}/search", headers=headers)
    return r.json() if r.status_code == 200 else None


async def wait_search(http: httpx.AsyncClient, system: System, case_id: str,
                      until: Callable[[dict[str, Any]], bool], timeout: float = 30, what: str = "") -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        f = await search_file(http, system, case_id)
        return f if f is not None and until(f) else None

    return await eventually(probe, timeout, what or f"search file of {case_id}")


def signed(agency_id: str, body: bytes, *, secret: str | None = None, skew_s: int = 0,
           message_id: str | None = None) -> dict[str, str]:
    agency = REGISTRY.get(agency_id)
    assert agency is not None
    return signing.signed_headers(agency_id, secret or agency.signing_secret, body,
                                  timestamp=int(time.time()) - skew_s, message_id=message_id)


async def agency_post(http: httpx.AsyncClient, system: System, agency_id: str, path: str, body: Any,
                      **sign: Any) -> httpx.Response:
    raw = body if isinstance(body, bytes) else orjson.dumps(body)
    return await http.post(f"{system.url('asset_search')}{path}", content=raw, headers=signed(agency_id, raw, **sign))


async def agency_get(http: httpx.AsyncClient, system: System, agency_id: str, path: str, **sign: Any) -> httpx.Response:
    return await http.get(f"{system.url('asset_search')}{path}", headers=signed(agency_id, b"", **sign))


async def trail_types(http: httpx.AsyncClient, system: System, case_id: str) -> list[str]:
    r = await http.get(f"{system.url('supervision')}/cases/{case_id}/trail", headers=auth("sup-001", "supervisor"))
    if r.status_code not in (200, 404):
        raise AssertionError(r.text)
    return [e["event_type"] for e in r.json()["events"]] if r.status_code == 200 else []
