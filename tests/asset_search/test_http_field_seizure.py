"""An on-site seizure reported in the real field_ops becomes a control in asset_search that the real
disposal accepts for disposal (TEST_SERVICES=asset_search,field_ops,disposal)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from deploy.system import System
from shared.envelope import now_shanghai
from tests.asset_search.helpers import KINDS, eventually, judge, months_after, open_case, publish, wait_search
from tests.conftest import auth

FIELD_OFFICER = auth("fo-4a", "field_officer")


async def _field_case(http: httpx.AsyncClient, system: System, producer: AIOKafkaProducer) -> tuple[str, str]:
    judge_id = f"judge-{uuid.uuid4().hex[:6]}"
    case_id = await open_case(producer, system, judge_id)

    async def knows_judge() -> bool:
        r = await http.get(f"{system.url('field_ops')}/cases/{case_id}/field-history", headers=judge(judge_id))
        return r.status_code == 200 and r.json()["judge_id"] == judge_id

    await eventually(knows_judge, what="field_ops to learn the judge")
    return case_id, judge_id


async def _seize_on_site(http: httpx.AsyncClient, system: System, case_id: str, judge_id: str,
                         seal_date: date) -> dict[str, Any]:
    fo = system.url("field_ops")
    r = await http.post(f"{fo}/cases/{case_id}/instructions", headers=judge(judge_id), json={
        "kind": "seize_on_site", "region": "520111", "deadline": (seal_date + timedelta(days=14)).isoformat(),
        "target": {"kind": "asset", "description": "被执行人名下白色轿车", "address": "花溪区某仓库"},
    })
    assert r.status_code == 201, r.text
    task_id = r.json()["task_id"]
    assert (await http.post(f"{fo}/tasks/{task_id}/accept", headers=FIELD_OFFICER)).status_code == 200
    r = await http.post(f"{fo}/tasks/{task_id}/report", headers=FIELD_OFFICER, json={
        "outcome": "completed", "details": "查封轿车一辆，张贴封条",
        "found_assets": [{"asset_kind": "vehicle", "description": "白色小型轿车", "identifier": "贵A12345",
                          "location": "花溪区某仓库", "value_fen": 8_000_000, "seized": True,
                          "seal_date": seal_date.isoformat()}],
        "evidence": [{"content_hash": hashlib.sha256(b"seal").hexdigest(), "media_type": "image/jpeg",
                      "taken_at": now_shanghai().isoformat(), "place": "花溪区某仓库"}],
    })
    assert r.status_code == 200, r.text
    task = (await http.get(f"{fo}/tasks/{task_id}", headers=judge(judge_id))).json()
    return {"task_id": task_id, "task": task}


async def test_an_on_site_seizure_becomes_a_control_that_disposal_accepts_but_not_from_the_field_officer(
    system: System, http: httpx.AsyncClient, producer: AIOKafkaProducer
) -> None:
    case_id, judge_id = await _field_case(http, system, producer)
    seal_date = now_shanghai().date()
    await _seize_on_site(http, system, case_id, judge_id, seal_date)

    # the real search of this case runs meanwhile and may control what the agencies report (a deposit frozen
    # online): wait for, and read, the on-site control itself
    f = await wait_search(http, system, case_id,
                          lambda f: any(c["status"] == "effective" and c["origin"] == "on_site" for c in f["controls"])
                          and any(a["source"] == "on_site" for a in f["assets"]),
                          what="the on-site control and its asset in the search file")
    [asset] = [a for a in f["assets"] if a["source"] == "on_site"]
    [control] = [c for c in f["controls"] if c["origin"] == "on_site"]
    assert asset["asset_kind"] == "vehicle" and asset["identifier"] == "贵A12345"
    assert control["asset_id"] == asset["asset_id"] and control["origin"] == "on_site"
    assert control["controlled_by"] == "fo-4a" and control["controller_kind"] == "officer"
    assert control["requested_by"] == judge_id and control["measure"] == "seize"
    assert control["effective_date"] == seal_date.isoformat()
    assert control["expiry_date"] == months_after(seal_date, 24).isoformat()  # 民诉法解释 art. 485

    dp = system.url("disposal")

    async def known() -> dict[str, Any] | None:
        r = await http.get(f"{dp}/cases/{case_id}/controls", headers=judge(judge_id))
        rows = [c for c in (r.json()["controls"] if r.status_code == 200 else [])
                if c["control_id"] == control["control_id"]]
        # the expiry comes only from asset_search's confirmation
        return rows[0] if rows and rows[0]["expiry_date"] and (r.json()["case"] or {}).get("judge_id") else None

    seen = await eventually(known, what="disposal to learn the control from asset_search")
    assert seen["control_id"] == control["control_id"] and seen["status"] == "active"
    assert seen["controlled_by"] == "fo-4a" and seen["requested_by"] == judge_id

    r = await http.post(f"{dp}/cases/{case_id}/disposals", headers=judge(judge_id),
                        json={"asset_id": asset["asset_id"]})
    assert r.status_code == 201, r.text
    decided = r.json()
    notice = {"notice_kind": "disposal_notice", "party": "respondent", "served_on": seal_date.isoformat()}
    r = await http.post(f"{dp}/disposals/{decided['disposal_id']}/notices", json=notice,
                        headers=auth("fo-4a", "disposal_officer"))
    assert r.status_code == 403, r.text
    assert r.json()["code"] == "officer_controlled_asset" and r.json()["rule"] == "互相制约-4"
    r = await http.post(f"{dp}/disposals/{decided['disposal_id']}/notices", json=notice,
                        headers=auth(f"dp-{uuid.uuid4().hex[:6]}", "disposal_officer"))
    assert r.status_code in (200, 201), r.text


async def test_an_assignment_before_its_registration_is_parked_and_a_reassignment_changes_only_the_judge(
    system: System, http: httpx.AsyncClient, producer: AIOKafkaProducer
) -> None:
    case_id, first, second = str(uuid.uuid4()), f"judge-{uuid.uuid4().hex[:6]}", f"judge-{uuid.uuid4().hex[:6]}"
    await publish(producer, system, case_id, "intake.case_assigned", {
        "judge_id": first, "team_id": "team-1", "track": "ordinary", "assigned_by": "system"}, 1)

    async def parked() -> bool:
        r = await http.get(f"{system.url('asset_search')}/cases/{case_id}/search", headers=judge(first))
        return r.status_code == 200 and r.json()["case"]["judge_id"] == first and not r.json()["queries"]

    await eventually(parked, what="the assignment known, nothing dispatched yet")
    await publish(producer, system, case_id, "intake.case_registered", {
        "case_id": case_id, "case_number": "（2026）黔01执77号", "case_type": "执", "court": "黔01",
        "claim_amount_fen": 1_000_000, "registered_by": "clerk-001",
        "respondent": {"kind": "person", "name": "王某", "id_number": "11010519491231002X"}}, 2)
    f = await wait_search(http, system, case_id, lambda f: len(f["queries"]) >= len(KINDS),
                          what="round 1 dispatched when the registration arrived")
    assert {q["round"] for q in f["queries"]} == {1} and f["case"]["case_number"] == "（2026）黔01执77号"

    await publish(producer, system, case_id, "intake.case_assigned", {
        "judge_id": second, "team_id": "team-2", "track": "ordinary", "assigned_by": "lead-1",
        "strategy": "manual", "reason": "回避", "previous_judge_id": first}, 3)
    f = await wait_search(http, system, case_id, lambda f: f["case"]["judge_id"] == second, what="the new judge")
    assert len(f["queries"]) == len(KINDS)  # no second round for a re-assignment
    r = await http.post(f"{system.url('asset_search')}/cases/{case_id}/controls", headers=judge(first), json={
        "asset_id": "none", "measure": "seize", "ruling_number": "（2026）黔01执77号之一"})
    assert r.status_code == 403 and r.json()["rule"] == "互相制约-2"
