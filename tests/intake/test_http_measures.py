"""Coercive measures (罚款、拘留) over HTTP against the real intake: the judge proposes, the president
approves (not the proposer), the decision is served, reconsideration once within 3 days, the higher
court's result and the effect recorded; each rule's refusal and its passing case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from deploy.system import System
from shared import clock
from tests.conftest import auth
from tests.intake.conftest import AFFAIRS, CLERK, judge, register

PERSON = {"kind": "person", "name": "王某", "id_number": "11010519491231002X"}
UNIT = {"kind": "organisation", "name": "贵州某某建材有限公司", "id_number": "91110000600037341L"}
PRESIDENT = auth("pres-m01", "president")


def _fine(fen: int, subject: dict[str, Any] = PERSON, **extra: Any) -> dict[str, Any]:
    return {"subject": subject, "ground": "conceal_property", "facts": "转移已被查封的车辆", "fine_fen": fen, **extra}


async def _propose(http: httpx.AsyncClient, system: System, case: dict[str, Any], body: dict[str, Any],
                   who: dict[str, str] | None = None) -> httpx.Response:
    return await http.post(f"{system.url('intake')}/cases/{case['case_id']}/measures",
                           headers=who or judge(case["judge_id"]), json=body)


def _refused(r: httpx.Response, status: int, rule: str) -> None:
    assert r.status_code == status and r.json()["rule"] == rule, r.text


async def test_limits_and_who_proposes(system: System, http: httpx.AsyncClient) -> None:
    case = await register(http, system)
    _refused(await _propose(http, system, case, _fine(1_000_000), judge("someone-else")), 403, "互相制约-2")
    _refused(await _propose(http, system, case, _fine(1_000_000), AFFAIRS), 403, "互相制约-2")
    r = await _propose(http, system, case, _fine(10_000_001))
    _refused(r, 422, "民诉法-118")
    assert r.json()["errors"][0]["field"] == "fine_fen"
    assert (await _propose(http, system, case, _fine(10_000_000))).status_code == 201
    _refused(await _propose(http, system, case, _fine(4_999_999, UNIT)), 422, "民诉法-118")
    _refused(await _propose(http, system, case, _fine(100_000_001, UNIT)), 422, "民诉法-118")
    assert (await _propose(http, system, case, _fine(5_000_000, UNIT))).status_code == 201
    assert (await _propose(http, system, case, _fine(100_000_000, UNIT))).status_code == 201
    detain = {"subject": PERSON, "ground": "obstruct_officers", "facts": "阻碍执行", "region": "520102"}
    _refused(await _propose(http, system, case, {**detain, "detention_days": 16}), 422, "民诉法-118")
    r = await _propose(http, system, case, {**detain, "detention_days": 15})
    assert r.status_code == 201 and r.json()["events"] == ["intake.measure_proposed"], r.text
    listed = await http.get(f"{system.url('intake')}/cases/{case['case_id']}/measures", headers=CLERK)
    assert listed.status_code == 200 and len(listed.json()["measures"]) == 4
    # the case itself is untouched by its measures' streams
    got = await http.get(f"{system.url('intake')}/cases/{case['case_id']}", headers=CLERK)
    assert got.json()["status"] == "in_progress"


async def test_the_flow_approval_service_reconsideration_and_effect(system: System, http: httpx.AsyncClient) -> None:
    case = await register(http, system)
    jh = judge(case["judge_id"])
    r = await _propose(http, system, case, _fine(2_000_000))
    assert r.status_code == 201, r.text
    base = f"{system.url('intake')}/cases/{case['case_id']}/measures/{r.json()['measure_id']}"
    decision = {"decision_number": "（2026）黔01司惩1号"}
    _refused(await http.post(f"{base}/approve", headers=jh, json=decision), 403, "民诉法-119")
    _refused(await http.post(f"{base}/approve", headers=auth("vp-m01", "vice_president"), json=decision),
             403, "民诉法-119")
    both = auth(case["judge_id"], "judge", "president")  # the proposer, even holding the president's role
    _refused(await http.post(f"{base}/approve", headers=both, json=decision), 403, "互相制约-13")
    r = await http.post(f"{base}/approve", headers=PRESIDENT, json=decision)
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text
    today = clock.today()
    r = await http.post(f"{base}/service", headers=AFFAIRS, json={"served_on": today.isoformat()})
    assert r.status_code == 200 and r.json()["reconsider_by"] >= (today + timedelta(days=3)).isoformat(), r.text
    apply = {"applied_on": today.isoformat(), "grounds": "罚款过重", "higher_court": "贵州省高级人民法院"}
    r = await http.post(f"{base}/reconsideration", headers=CLERK, json=apply)
    assert r.status_code == 201 and r.json()["reconsideration"] == "applied", r.text
    _refused(await http.post(f"{base}/reconsideration", headers=CLERK, json=apply), 409, "民诉法-119")
    r = await http.post(f"{base}/reconsideration/decision", headers=CLERK, json={
        "result": "changed", "decided_on": today.isoformat(), "reason": "酌情减少", "fine_fen": 1_000_000})
    assert r.status_code == 200 and r.json()["fine_fen"] == 1_000_000, r.text
    _refused(await http.post(f"{base}/effect", headers=judge("other-j"), json={"effect": "paid", "note": "已缴纳",
                                                                                 "amount_paid_fen": 500}),
             403, "互相制约-2")
    r = await http.post(f"{base}/effect", headers=jh, json={"effect": "paid", "note": "被执行人履行全部款项",
                                                             "amount_paid_fen": 12345600})
    assert r.status_code == 200 and r.json()["effect"] == "paid", r.text


async def test_a_late_reconsideration_is_refused_naming_the_rule(system: System, http: httpx.AsyncClient) -> None:
    case = await register(http, system)
    then = (clock.today() - timedelta(days=20)).isoformat()
    r = await _propose(http, system, case, _fine(300_000, proposed_on=then))
    assert r.status_code == 201, r.text
    base = f"{system.url('intake')}/cases/{case['case_id']}/measures/{r.json()['measure_id']}"
    r = await http.post(f"{base}/reject", headers=judge(case["judge_id"]), json={"reason": "不同意"})
    _refused(r, 403, "民诉法-119")
    assert (await http.post(f"{base}/approve", headers=PRESIDENT, json={
        "decision_number": "（2026）黔01司惩2号", "approved_on": then})).status_code == 200
    assert (await http.post(f"{base}/service", headers=judge(case["judge_id"]), json={"served_on": then})
            ).status_code == 200
    late = {"applied_on": clock.today().isoformat(), "grounds": "不服", "higher_court": "贵州省高级人民法院"}
    r = await http.post(f"{base}/reconsideration", headers=CLERK, json=late)
    _refused(r, 422, "民诉法解释-185")
    assert r.json()["errors"][0]["field"] == "applied_on"


async def test_the_president_may_refuse_a_proposal(system: System, http: httpx.AsyncClient) -> None:
    case = await register(http, system)
    r = await _propose(http, system, case, _fine(300_000))
    base = f"{system.url('intake')}/cases/{case['case_id']}/measures/{r.json()['measure_id']}"
    r = await http.post(f"{base}/reject", headers=PRESIDENT, json={"reason": "事实不清"})
    assert r.status_code == 200 and r.json()["status"] == "rejected", r.text
    r = await http.post(f"{base}/approve", headers=PRESIDENT, json={"decision_number": "（2026）黔01司惩3号"})
    assert r.status_code == 409 and r.json()["code"] == "measure_state"
