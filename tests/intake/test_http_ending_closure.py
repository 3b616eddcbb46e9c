"""终结执行 while a seizure is in effect (issue 14, item 4), over HTTP: intake learns the control from
asset_search's events and refuses the closure naming the control until its release arrives."""

from __future__ import annotations

import uuid

import httpx

from deploy.system import System
from tests.intake.conftest import CLERK, Publish, judge, register
from tests.waits import poll


async def test_a_termination_waits_for_the_release_of_the_case_s_controls(
    system: System, http: httpx.AsyncClient, publish: Publish
) -> None:
    case = await register(http, system)
    cid, j = case["case_id"], judge(case["judge_id"])
    asset_id, control_id = f"asset-{uuid.uuid4().hex[:8]}", f"ctl-{uuid.uuid4().hex[:8]}"
    await publish(cid, "asset_search.control_confirmed", {
        "control_id": control_id, "asset_id": asset_id, "asset_kind": "vehicle", "measure": "seize",
        "effective_date": "2026-06-01", "expiry_date": "2028-06-01", "amount_fen": None, "queue_position": None,
        "controlled_by": "vehicle-registry", "controller_kind": "agency", "requested_by": case["judge_id"],
        "raw_hash": "ab" * 32, "origin": "ruling"}, "system")
    # A lead published after the control on the same partition: once intake shows it, it has the control.
    marker = f"lead-{uuid.uuid4().hex[:8]}"
    await publish(cid, "asset_search.lead_recorded", {"lead_id": marker}, "search-i01")

    async def caught_up() -> bool:
        got = await http.get(f"{system.url('intake')}/cases/{cid}", headers=CLERK)
        return marker in got.json()["facts"]["unverified_leads"]

    await poll(caught_up, "intake to learn the control")
    url = f"{system.url('intake')}/cases/{cid}/closure"
    body = {"closure_type": "终结执行", "reason": "申请执行人撤回执行申请"}
    r = await http.post(url, json=body, headers=j)
    assert r.status_code == 422, r.text
    problem = r.json()
    assert (problem["rule"], problem["code"]) == ("结案条件-终结执行", "closure_conditions_unmet")
    assert [e["field"] for e in problem["errors"]] == ["controls_released"] and control_id in problem["detail"]

    await publish(cid, "asset_search.control_released", {
        "control_id": control_id, "asset_id": asset_id, "judge_id": case["judge_id"],
        "ruling_number": "（2026）黔01执1号之一", "reason": "申请执行人撤回执行申请", "agency_id": "vehicle-registry"},
        case["judge_id"])

    async def accepted() -> bool:
        r = await http.post(url, json=body, headers=j)
        return r.status_code == 200

    await poll(accepted, "the termination accepted once the seizure is released")
    detail = (await http.get(f"{system.url('intake')}/cases/{cid}", headers=CLERK)).json()
    assert detail["status"] == "closure_proposed"
