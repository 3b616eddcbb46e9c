"""A third-party objection naming an asset holds its disposal until the panel decides, and 15 days
after a rejection — over HTTP with the real intake and disposal (TEST_SERVICES=intake,disposal)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from deploy.system import System
from tests.conftest import auth
from tests.intake.conftest import CLERK, Publish, eventually, judge, register

OBJECTOR = {"kind": "person", "name": "案外人赵某", "id_number": "11010519491231002X"}
PANEL = ["qz-rev-01", "qz-rev-02", "qz-x-9"]


async def _controlled_asset(http: httpx.AsyncClient, system: System, publish: Publish, case: dict[str, Any]) -> str:
    """An asset under control in the case, as asset_search would announce it (agency confirmation)."""
    asset_id, control_id = f"asset-{uuid.uuid4().hex[:8]}", f"ctl-{uuid.uuid4().hex[:8]}"
    await publish(case["case_id"], "asset_search.control_confirmed", {
        "control_id": control_id, "asset_id": asset_id, "asset_kind": "vehicle", "measure": "seize",
        "effective_date": "2026-06-01", "expiry_date": "2028-06-01", "amount_fen": None, "queue_position": None,
        "controlled_by": "vehicle-registry", "controller_kind": "agency", "requested_by": case["judge_id"],
        "raw_hash": "ab" * 32, "origin": "ruling"}, "system")

    async def known() -> bool:
        r = await http.get(f"{system.url('disposal')}/cases/{case['case_id']}/controls",
                           headers=judge(case["judge_id"]))
        body = r.json() if r.status_code == 200 else {}
        return bool(body.get("controls")) and (body.get("case") or {}).get("judge_id") == case["judge_id"]

    await eventually(known, "disposal to know the control and the judge")
    return asset_id


async def _objection(http: httpx.AsyncClient, system: System, case: dict[str, Any], asset_id: str) -> str:
    r = await http.post(f"{system.url('intake')}/cases/{case['case_id']}/objections", headers=CLERK, json={
        "objector": OBJECTOR, "grounds": "被查封车辆属于案外人", "reviewers": PANEL, "asset_ids": [asset_id]})
    assert r.status_code == 201, r.text
    return str(r.json()["new_case"]["case_id"])


async def _objection_known(http: httpx.AsyncClient, system: System, case: dict[str, Any], status: str) -> None:
    async def known() -> bool:
        r = await http.get(f"{system.url('disposal')}/cases/{case['case_id']}/controls",
                           headers=judge(case["judge_id"]))
        return r.status_code == 200 and [o["status"] for o in r.json()["objections"]] == [status]

    await eventually(known, f"disposal to know the objection as {status}")


async def _decide_disposal(http: httpx.AsyncClient, system: System, case: dict[str, Any], asset_id: str
                           ) -> httpx.Response:
    return await http.post(f"{system.url('disposal')}/cases/{case['case_id']}/disposals",
                           headers=judge(case["judge_id"]), json={"asset_id": asset_id})


async def test_a_pending_objection_holds_the_disposal_until_15_days_after_the_panel_rejects_it(
    system: System, http: httpx.AsyncClient, publish: Publish
) -> None:
    case = await register(http, system)
    asset_id = await _controlled_asset(http, system, publish, case)
    objection_id = await _objection(http, system, case, asset_id)

    await _objection_known(http, system, case, "pending")
    r = await _decide_disposal(http, system, case, asset_id)
    assert r.status_code == 422 and r.json()["code"] == "asset_under_objection", r.text
    assert r.json()["rule"] == "互相制约-4"

    url = f"{system.url('intake')}/cases/{case['case_id']}/objections/{objection_id}/decision"
    decision = {"outcome": "rejected", "reason": "车辆登记在被执行人名下，异议不成立"}
    r = await http.post(url, headers=judge(case["judge_id"]), json=decision)
    assert r.status_code == 403  # not a reviewer
    r = await http.post(url, headers=auth("qz-rev-03", "reviewer"), json=decision)
    assert r.status_code == 403 and r.json()["code"] == "not_objection_reviewer"
    r = await http.post(url, headers=auth("qz-rev-01", "reviewer"), json=decision)
    assert r.status_code == 200 and r.json()["events"] == ["intake.objection_decided"], r.text
    again = await http.post(url, headers=auth("qz-rev-02", "reviewer"), json={**decision, "outcome": "upheld"})
    assert again.status_code == 409 and again.json()["code"] == "objection_already_decided"

    # Rejected today: no disposal for 15 days more (民诉法解释 art. 463; the day after the hold is tested
    # over HTTP in tests/disposal/test_http_asset_standing.py with a rejection dated in the past).
    refused: dict[str, Any] = {}

    async def held() -> bool:
        r = await _decide_disposal(http, system, case, asset_id)
        refused.update(r.json())
        return r.status_code == 422 and r.json()["code"] == "asset_objection_hold"

    await eventually(held, "disposal to hold the asset for 15 days after the objection was rejected")
    assert refused["rule"] == "民诉法解释-463" and "起方可继续处置" in refused["detail"]


async def test_an_upheld_objection_keeps_the_asset_out_of_disposal(
    system: System, http: httpx.AsyncClient, publish: Publish
) -> None:
    case = await register(http, system)
    asset_id = await _controlled_asset(http, system, publish, case)
    objection_id = await _objection(http, system, case, asset_id)
    r = await http.post(f"{system.url('intake')}/cases/{case['case_id']}/objections/{objection_id}/decision",
                        headers=auth("qz-x-9", "reviewer"), json={"outcome": "upheld", "reason": "车辆已由案外人购买"})
    assert r.status_code == 200, r.text

    async def refused_as_upheld() -> bool:
        r = await _decide_disposal(http, system, case, asset_id)
        return r.status_code == 422 and r.json()["code"] == "asset_objection_upheld"

    await eventually(refused_as_upheld, "disposal to refuse the asset of an upheld objection")
