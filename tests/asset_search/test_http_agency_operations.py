"""Agencies as the simulator plays them: partial/corrected answers, pause, circuit breaker, lateness."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from deploy.system import System
from tests.asset_search.conftest import QUICK_AGENCY
from tests.asset_search.helpers import KINDS, eventually, open_case, set_knobs, wait_search
from tests.conftest import auth

ADMIN = auth("admin-001", "admin")
SUPERVISOR = auth("sup-001", "supervisor")


def _query(f: dict[str, Any], agency_id: str) -> dict[str, Any]:
    return next((q for q in f["queries"] if q["agency_id"] == agency_id), {"answers": 0, "overdue": False})


def _complete(f: dict[str, Any]) -> bool:
    return bool(f["rounds"]) and f["rounds"][0]["complete"] and f["rounds"][0]["queries"] == len(KINDS)


async def _agency(http: httpx.AsyncClient, system: System, agency_id: str) -> dict[str, Any]:
    r = await http.get(f"{system.url('asset_search')}/agencies", headers=SUPERVISOR)
    return next(a for a in r.json()["agencies"] if a["id"] == agency_id)


async def test_partial_then_complete_then_corrected_answers_make_one_asset_per_account(
    system: System, http: httpx.AsyncClient, producer: AIOKafkaProducer
) -> None:
    case_id = str(uuid.uuid4())
    await set_knobs(http, system, case_id=case_id, agency_id="bank-network", partial_then_complete=True,
                    correction=True, delay_s=0.1)
    await set_knobs(http, system, case_id=case_id, agency_id="vehicle-admin", nothing_found=True, delay_s=0.1)
    await open_case(producer, system, "judge-x", case_id=case_id)
    # the simulator also answers every other test's cases (tests/intake registers hundreds): give it time
    f = await wait_search(http, system, case_id, lambda f: _query(f, "bank-network")["answers"] == 3 and _complete(f),
                          timeout=150)
    deposits = [a for a in f["assets"] if a["asset_kind"] == "bank_deposit"]
    assert len(deposits) == 2  # the account in the partial answer, reported again in full, is one asset
    assert all(a["reports"] == 2 for a in deposits)  # the correction updated each (halved balances)
    assert not [a for a in f["assets"] if a["asset_kind"] == "vehicle"]
    assert _query(f, "vehicle-admin")["status"] == "answered"


async def test_a_paused_agency_keeps_its_queries_waiting_and_gets_them_after_resume(
    system: System, http: httpx.AsyncClient, producer: AIOKafkaProducer
) -> None:
    base = system.url("asset_search")
    r = await http.post(f"{base}/agencies/vehicle-admin/pause", json={"reason": "对方系统维护"}, headers=ADMIN)
    assert r.status_code == 200
    refused = await http.post(f"{base}/agencies/vehicle-admin/pause", json={"reason": "x"}, headers=SUPERVISOR)
    assert refused.status_code == 403
    try:
        case_id = await open_case(producer, system, "judge-p")
        f = await wait_search(http, system, case_id,
                              lambda f: sum(q["status"] == "answered" for q in f["queries"]) == len(KINDS) - 1)
        vehicle = _query(f, "vehicle-admin")
        assert vehicle["status"] == "open" and vehicle["delivered_at"] is None
        assert (await _agency(http, system, "vehicle-admin"))["pending_requests"] >= 1
    finally:
        await http.post(f"{base}/agencies/vehicle-admin/resume", headers=ADMIN)
    await wait_search(http, system, case_id, _complete, what="the resumed agency's answer")


async def test_an_agency_that_keeps_failing_trips_its_breaker_and_recovers(
    system: System, http: httpx.AsyncClient, producer: AIOKafkaProducer
) -> None:
    await set_knobs(http, system, agency_id="housing-fund-center", fail_deliveries=3)
    try:
        case_id = await open_case(producer, system, "judge-b")

        async def tripped() -> dict[str, Any] | None:
            a = await _agency(http, system, "housing-fund-center")
            return a if a["breaker"]["consecutive_failures"] >= 3 and a["breaker"]["open_until"] else None

        agency = await eventually(tripped, what="the breaker to open")
        assert "503" in agency["breaker"]["last_error"]
        f = await wait_search(http, system, case_id, _complete, what="delivery after the breaker closed")
        assert _query(f, "housing-fund-center")["status"] == "answered"
        assert (await _agency(http, system, "housing-fund-center"))["breaker"]["consecutive_failures"] == 0
    finally:
        await set_knobs(http, system, agency_id="housing-fund-center")


async def test_a_late_agency_is_overdue_then_answers_late_and_its_response_times_are_recorded(
    system: System, http: httpx.AsyncClient, producer: AIOKafkaProducer
) -> None:
    case_id = str(uuid.uuid4())
    await set_knobs(http, system, case_id=case_id, agency_id=QUICK_AGENCY, late_s=3.5)
    await open_case(producer, system, "judge-l", case_id=case_id)
    f = await wait_search(http, system, case_id, lambda f: _query(f, QUICK_AGENCY)["overdue"], what="overdue")
    assert _query(f, QUICK_AGENCY)["status"] == "open"
    overdue = await http.get(f"{system.url('asset_search')}/agencies/overdue-queries", headers=SUPERVISOR)
    assert any(q["case_id"] == case_id for q in overdue.json()["queries"])
    f = await wait_search(http, system, case_id, _complete, what="the late answer")
    assert _query(f, QUICK_AGENCY)["late"] is True
    stats = (await _agency(http, system, QUICK_AGENCY))["stats"]
    assert stats["answered_late"] >= 1 and stats["max_response_s"] >= 2
