"""Every security item of the agency API, over HTTP against the running service."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import orjson
import pytest
from aiokafka import AIOKafkaProducer

from deploy.system import System
from tests.asset_search.conftest import RATE_LIMITED_AGENCY
from tests.asset_search.helpers import (
    KINDS,
    REGISTRY,
    SEARCHER,
    agency_get,
    agency_post,
    judge,
    open_case,
    set_knobs,
    signed,
    wait_search,
)

FOUND = {"outcome": "found", "items": [{"asset_kind": "vehicle", "identifier": "贵A12345", "value_fen": 8_000_000}]}


@pytest.fixture(scope="module")
async def silent_case(system: System, producer: AIOKafkaProducer) -> dict[str, Any]:
    """A case whose agencies (in the simulator) stay silent, so the tests answer as the agencies."""
    case_id = str(uuid.uuid4())
    judge_id = f"judge-{uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(timeout=30) as http:
        await set_knobs(http, system, case_id=case_id, silent=True)
        await open_case(producer, system, judge_id, case_id=case_id)
        f = await wait_search(http, system, case_id, lambda f: len(f["queries"]) == len(KINDS))
    return {"case_id": case_id, "judge_id": judge_id, "queries": {q["agency_id"]: q["query_id"] for q in f["queries"]}}


async def _file(http: httpx.AsyncClient, system: System, case_id: str) -> dict[str, Any]:
    """What an agency's answer would write (deliveries by the simulator may move on meanwhile)."""
    r = (await http.get(f"{system.url('asset_search')}/cases/{case_id}/search", headers=SEARCHER)).json()
    evidence = await http.get(f"{system.url('asset_search')}/cases/{case_id}/evidence", headers=SEARCHER)
    return {
        "queries": sorted((q["query_id"], q["status"], q["answers"], q["first_answer_at"]) for q in r["queries"]),
        "assets": r["assets"], "controls": r["controls"], "evidence": evidence.json()["evidence"],
    }


async def test_a_signature_299_seconds_old_is_accepted_and_301_seconds_old_is_rejected(
    system: System, http: httpx.AsyncClient, silent_case: dict[str, Any]
) -> None:
    qid = silent_case["queries"]["vehicle-admin"]
    ok = await agency_get(http, system, "vehicle-admin", f"/agency/queries/{qid}", skew_s=299)
    assert ok.status_code == 200, ok.text
    assert ok.json()["query_id"] == qid
    for skew in (301, -301):
        old = await agency_get(http, system, "vehicle-admin", f"/agency/queries/{qid}", skew_s=skew)
        assert old.status_code == 401
        assert old.json()["code"] == "timestamp_out_of_window"


async def test_a_wrong_secret_or_an_altered_body_is_rejected_and_writes_nothing(
    system: System, http: httpx.AsyncClient, silent_case: dict[str, Any]
) -> None:
    case_id, qid = silent_case["case_id"], silent_case["queries"]["vehicle-admin"]
    before = await _file(http, system, case_id)
    url = f"{system.url('asset_search')}/agency/queries/{qid}/results"
    body = orjson.dumps(FOUND)
    wrong = await http.post(url, content=body, headers=signed("vehicle-admin", body, secret="whsec_d3Jvbmc="))
    altered = await http.post(url, content=body.replace(b"8000000", b"9"), headers=signed("vehicle-admin", body))
    unknown = await http.post(url, content=body, headers={**signed("vehicle-admin", body), "x-agency-id": "nobody"})
    unsigned = await http.post(url, content=body, headers={"content-type": "application/json"})
    for r, code in ((wrong, "invalid_signature"), (altered, "invalid_signature"), (unknown, "invalid_signature"),
                    (unsigned, "missing_signature")):
        assert r.status_code == 401, r.text
        assert r.json()["code"] == code
    after = await _file(http, system, case_id)
    assert after["queries"] == before["queries"] and after["evidence"] == before["evidence"]


async def test_both_secrets_are_valid_during_rotation(
    system: System, http: httpx.AsyncClient, silent_case: dict[str, Any]
) -> None:
    bank = REGISTRY.get("bank-network")
    assert bank is not None and len(bank.secrets) == 2
    qid = silent_case["queries"]["bank-network"]
    for secret in bank.secrets:
        r = await agency_get(http, system, "bank-network", f"/agency/queries/{qid}", secret=secret)
        assert r.status_code == 200, r.text


async def test_a_replayed_message_id_changes_nothing(
    system: System, http: httpx.AsyncClient, silent_case: dict[str, Any]
) -> None:
    case_id, qid = silent_case["case_id"], silent_case["queries"]["vehicle-admin"]
    path = f"/agency/queries/{qid}/results"
    message_id = f"msg_{uuid.uuid4().hex}"
    first = await agency_post(http, system, "vehicle-admin", path, FOUND, message_id=message_id)
    assert first.status_code == 200, first.text
    after_first = await _file(http, system, case_id)

    replay = await agency_post(http, system, "vehicle-admin", path, FOUND, message_id=message_id)
    assert replay.status_code == 200 and replay.json() == first.json()
    other_body = {"outcome": "correction", "items": []}
    reused = await agency_post(http, system, "vehicle-admin", path, other_body, message_id=message_id)
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"

    after = await _file(http, system, case_id)
    assert after["queries"] == after_first["queries"]
    assert after["assets"] == after_first["assets"] and after["evidence"] == after_first["evidence"]
    assert next(q for q in after["queries"] if q[0] == qid)[1:3] == ("answered", 1)


async def test_an_agency_cannot_read_or_answer_another_agencys_query(
    system: System, http: httpx.AsyncClient, silent_case: dict[str, Any]
) -> None:
    case_id, qid = silent_case["case_id"], silent_case["queries"]["securities-depository"]
    before = await _file(http, system, case_id)
    read = await agency_get(http, system, "vehicle-admin", f"/agency/queries/{qid}")
    answer = await agency_post(http, system, "vehicle-admin", f"/agency/queries/{qid}/results", FOUND)
    take = await agency_post(http, system, "vehicle-admin", f"/agency/requests/{qid}/take", {})
    for r in (read, answer, take):
        assert r.status_code == 404, r.text
    listed = await agency_get(http, system, "vehicle-admin", "/agency/requests")
    assert all(req["agency_id"] == "vehicle-admin" for req in listed.json()["requests"])
    after = await _file(http, system, case_id)
    assert after["queries"] == before["queries"] and after["evidence"] == before["evidence"]


async def test_staff_endpoints_refuse_agency_credentials_and_agency_endpoints_refuse_staff_tokens(
    system: System, http: httpx.AsyncClient, silent_case: dict[str, Any]
) -> None:
    case_id = silent_case["case_id"]
    base = system.url("asset_search")
    before = await _file(http, system, case_id)
    as_agency = await http.get(f"{base}/cases/{case_id}/search", headers=signed("bank-network", b""))
    assert as_agency.status_code == 401
    body = orjson.dumps({"asset_id": "x", "measure": "freeze", "amount_limit_fen": 1, "ruling_number": "r"})
    control = await http.post(f"{base}/cases/{case_id}/controls", content=body, headers=signed("bank-network", body))
    assert control.status_code == 401
    staff = await http.get(f"{base}/agency/requests", headers=SEARCHER)
    assert staff.status_code == 401
    both = await http.get(f"{base}/agency/requests", headers={**signed("bank-network", b""), **SEARCHER})
    assert both.status_code == 401 and both.json()["code"] == "staff_credentials_not_accepted"
    judge_on_agency = await http.post(f"{base}/agency/queries/{silent_case['queries']['bank-network']}/results",
                                      json=FOUND, headers=judge(silent_case["judge_id"]))
    assert judge_on_agency.status_code == 401
    after = await _file(http, system, case_id)
    assert after["controls"] == before["controls"] == [] and after["evidence"] == before["evidence"]


async def test_an_oversized_payload_is_refused_with_413_and_nothing_is_written(
    system: System, http: httpx.AsyncClient, silent_case: dict[str, Any]
) -> None:
    case_id, qid = silent_case["case_id"], silent_case["queries"]["market-regulation"]
    before = await _file(http, system, case_id)
    items = [{"asset_kind": "equity", "identifier": f"股权-{i}-" + "x" * 200, "value_fen": 1} for i in range(300)]
    r = await agency_post(http, system, "market-regulation", f"/agency/queries/{qid}/results",
                          {"outcome": "found", "items": items})
    assert r.status_code == 413, r.text
    assert r.json()["code"] == "payload_too_large"
    after = await _file(http, system, case_id)
    assert after["queries"] == before["queries"] and after["evidence"] == before["evidence"]


async def test_an_agency_over_its_rate_limit_gets_429_with_retry_after(system: System, http: httpx.AsyncClient) -> None:
    responses = await asyncio.gather(*[
        agency_get(http, system, RATE_LIMITED_AGENCY, "/agency/requests") for _ in range(30)
    ])
    limited = [r for r in responses if r.status_code == 429]
    assert limited, [r.status_code for r in responses]
    assert all(r.status_code in (200, 429) for r in responses)
    assert int(limited[0].headers["retry-after"]) >= 1
    assert limited[0].json()["code"] == "rate_limited"
    other = await agency_get(http, system, "vehicle-admin", "/agency/requests")
    assert other.status_code == 200  # the limit is per agency
