"""A linkage agency's own calls, sent here directly rather than by the simulator: a pull agency taking
its request (``/agency/requests/{id}/take``), and control receipts (``/agency/controls/{id}/confirmation``):
only the addressed agency, only within the statutory maximum, once; the control, its evidence and
disposal's projection follow from the receipt."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Any

import httpx
import orjson
from aiokafka import AIOKafkaProducer

from deploy.system import System
from shared import clock
from tests.asset_search.helpers import (
    SEARCHER,
    agency_get,
    agency_post,
    eventually,
    judge,
    months_after,
    open_case,
    set_knobs,
    wait_search,
)


async def found_case(http: httpx.AsyncClient, system: System, producer: AIOKafkaProducer,
                     kinds: set[str]) -> tuple[str, str, dict[str, dict[str, Any]]]:
    """A case of its own judge whose search found an asset of each of ``kinds`` (the simulator answers)."""
    judge_id = f"judge-{uuid.uuid4().hex[:6]}"
    case_id = await open_case(producer, system, judge_id)
    f = await wait_search(http, system, case_id, lambda f: kinds <= {a["asset_kind"] for a in f["assets"]},
                          what=f"assets of kinds {sorted(kinds)}")
    return case_id, judge_id, {a["asset_kind"]: a for a in f["assets"]}


async def order(http: httpx.AsyncClient, system: System, case_id: str, judge_id: str, asset: dict[str, Any],
                **extra: Any) -> str:
    r = await http.post(f"{system.url('asset_search')}/cases/{case_id}/controls", headers=judge(judge_id),
                        json={"asset_id": asset["asset_id"], "measure": "seize", "ruling_number": "（执）裁定之一",
                              **extra})
    assert r.status_code == 201 and r.json()["status"] == "ordered", r.text
    control_id: str = r.json()["control_id"]
    return control_id


async def test_the_addressed_agency_confirms_a_seizure_within_the_statutory_maximum_once(
    system: System, http: httpx.AsyncClient, producer: AIOKafkaProducer
) -> None:
    case_id, judge_id, assets = await found_case(http, system, producer, {"vehicle"})
    # The simulator's vehicle registry takes an hour to answer for this case: the receipt below is the only one.
    await set_knobs(http, system, case_id=case_id, agency_id="vehicle-admin", late_s=3600)
    control_id = await order(http, system, case_id, judge_id, assets["vehicle"])
    path = f"/agency/controls/{control_id}/confirmation"
    today = clock.today()
    latest = months_after(today, 24)  # vehicles: 2 years (民诉法解释 art. 485)

    elsewhere = await agency_post(http, system, "bank-network", path,
                                  {"outcome": "effective", "effective_date": today.isoformat()})
    assert elsewhere.status_code == 404 and elsewhere.json()["code"] == "control_not_found"
    too_long = await agency_post(http, system, "vehicle-admin", path, {
        "outcome": "effective", "effective_date": today.isoformat(),
        "expiry_date": (latest + timedelta(days=1)).isoformat()})
    assert too_long.status_code == 422, too_long.text
    assert (too_long.json()["code"], too_long.json()["rule"]) == ("expiry_beyond_statutory_maximum", "民诉法解释-485")
    assert too_long.json()["errors"] == [
        {"field": "expiry_date", "message": f"最晚为 {latest.isoformat()}", "code": "too_late"}]

    receipt = orjson.dumps({"outcome": "effective", "effective_date": today.isoformat(),
                            "expiry_date": latest.isoformat()})
    ok = await agency_post(http, system, "vehicle-admin", path, receipt)
    assert ok.status_code == 200, ok.text
    assert ok.json() == {"control_id": control_id, "events": ["asset_search.control_confirmed"],
                         "raw_hash": hashlib.sha256(receipt).hexdigest()}

    f = await wait_search(http, system, case_id, lambda f: True)
    [control] = [c for c in f["controls"] if c["control_id"] == control_id]
    assert (control["status"], control["effective_date"], control["expiry_date"]) == (
        "effective", today.isoformat(), latest.isoformat())
    assert (control["controlled_by"], control["controller_kind"], control["queue_position"]) == (
        "vehicle-admin", "agency", None)
    evidence = (await http.get(f"{system.url('asset_search')}/cases/{case_id}/evidence", headers=SEARCHER)).json()
    kept = [(e["agency_id"], e["sha256"], e["raw"]) for e in evidence["evidence"] if e["ref_id"] == control_id]
    assert kept == [("vehicle-admin", hashlib.sha256(receipt).hexdigest(), receipt.decode())]  # refusals keep none

    again = await agency_post(http, system, "vehicle-admin", path, receipt)
    assert again.status_code == 409 and again.json()["code"] == "nothing_to_confirm"

    async def in_disposal() -> dict[str, Any] | None:
        r = await http.get(f"{system.url('disposal')}/cases/{case_id}/controls", headers=judge(judge_id))
        rows = [c for c in r.json()["controls"] if c["control_id"] == control_id] if r.status_code == 200 else []
        # disposal sees control_ordered first and control_confirmed later: wait for the confirmation
        return rows[0] if rows and rows[0]["status"] != "ordered" else None

    seen = await eventually(in_disposal, what="the confirmed control in disposal's projection")
    assert (seen["asset_id"], seen["asset_kind"], seen["status"], seen["expiry_date"]) == (
        assets["vehicle"]["asset_id"], "vehicle", "active", latest.isoformat())
    # the people behind the control, whom 互相制约-4 keeps off its disposal: the agency is none of them
    assert (seen["controlled_by"], seen["requested_by"]) == (judge_id, judge_id)


async def test_an_agency_that_cannot_seize_says_why_and_the_control_is_refused(
    system: System, http: httpx.AsyncClient, producer: AIOKafkaProducer
) -> None:
    case_id, judge_id, assets = await found_case(http, system, producer, {"real_estate"})
    await set_knobs(http, system, case_id=case_id, agency_id="real-estate-center", late_s=3600)
    control_id = await order(http, system, case_id, judge_id, assets["real_estate"],
                             over_control_reason="房产为唯一可供执行财产且不可分割")
    path = f"/agency/controls/{control_id}/confirmation"

    silent = await agency_post(http, system, "real-estate-center", path, {"outcome": "refused"})
    assert silent.status_code == 422 and [e["field"] for e in silent.json()["errors"]] == ["reason"]
    refused = await agency_post(http, system, "real-estate-center", path,
                                {"outcome": "refused", "reason": "该不动产已被其他法院首封"})
    assert refused.status_code == 200, refused.text
    assert refused.json()["events"] == ["asset_search.control_refused"]

    f = await wait_search(http, system, case_id, lambda f: True)
    [control] = [c for c in f["controls"] if c["control_id"] == control_id]
    assert (control["status"], control["effective_date"], control["expiry_date"]) == ("refused", None, None)
    late = await agency_post(http, system, "real-estate-center", path,
                             {"outcome": "effective", "effective_date": clock.today().isoformat()})
    assert late.status_code == 409 and late.json()["code"] == "nothing_to_confirm"


async def test_a_pull_agency_takes_its_request_and_taking_it_again_changes_nothing(
    system: System, http: httpx.AsyncClient, producer: AIOKafkaProducer
) -> None:
    judge_id = f"judge-{uuid.uuid4().hex[:6]}"
    case_id = await open_case(producer, system, judge_id)
    f = await wait_search(http, system, case_id, lambda f: "equity" in {q["agency_kind"] for q in f["queries"]},
                          what="the query to the market regulator")
    [query] = [q for q in f["queries"] if q["agency_kind"] == "equity"]
    path = f"/agency/requests/{query['query_id']}/take"
    # The simulator polls for this pull agency too and may take the request first: a take is the
    # delivery, recorded once, and every take answers the request itself.
    for _ in range(2):
        taken = await agency_post(http, system, "market-regulation", path, {})
        assert taken.status_code == 200, taken.text
        request = taken.json()["request"]
        assert (request["request_id"], request["kind"], request["agency_id"], request["case_id"]) == (
            query["query_id"], "query", "market-regulation", case_id)
        assert (request["query_id"], request["agency_kind"], request["round"]) == (query["query_id"], "equity", 1)
    pending = await agency_get(http, system, "market-regulation", "/agency/requests")
    assert pending.status_code == 200
    assert query["query_id"] not in {r["request_id"] for r in pending.json()["requests"]}
    f = await wait_search(http, system, case_id, lambda f: True)
    [query] = [q for q in f["queries"] if q["query_id"] == query["query_id"]]
    assert query["delivered_at"] is not None
    elsewhere = await agency_post(http, system, "vehicle-admin", path, {})
    assert elsewhere.status_code == 404 and elsewhere.json()["code"] == "request_not_found"
