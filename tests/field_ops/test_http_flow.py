"""The field flow over HTTP against the running field_ops and supervision (real PostgreSQL, Kafka)."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import httpx

from deploy.system import System
from shared.envelope import now_shanghai
from tests.conftest import auth
from tests.field_ops.conftest import SUPERVISOR, CaseWithJudge, Publish, eventually, in_days, instruction

FIELD_4A = auth("fo-4a", "field_officer")
LEAD_4 = auth("fl-4", "field_lead")


def photo(name: str) -> dict[str, Any]:
    return {"content_hash": hashlib.sha256(name.encode()).hexdigest(), "media_type": "image/jpeg",
            "taken_at": now_shanghai().isoformat(), "place": "贵阳市花溪区某仓库"}


async def trail_types(http: httpx.AsyncClient, system: System, case_id: str, *wanted: str) -> list[dict[str, Any]]:
    async def reached() -> list[dict[str, Any]] | None:
        r = await http.get(f"{system.url('supervision')}/cases/{case_id}/trail", headers=SUPERVISOR)
        if r.status_code != 200:
            return None
        events = r.json()["events"]
        return events if set(wanted) <= {e["event_type"] for e in events} else None

    events: list[dict[str, Any]] = await eventually(reached, f"{wanted} in supervision's trail of {case_id}")
    return events


async def test_an_on_site_seizure_instruction_ends_in_a_report_whose_events_reach_supervision(
    system: System, http: httpx.AsyncClient, case_with_judge: CaseWithJudge
) -> None:
    judge_id = f"judge-{uuid.uuid4().hex[:6]}"
    judge = auth(judge_id, "judge")
    case_id = await case_with_judge(judge_id)
    fo = system.url("field_ops")

    r = await http.post(f"{fo}/cases/{case_id}/instructions", headers=judge, json=instruction(
        kind="seize_on_site", region="520111",
        target={"kind": "asset", "description": "被执行人名下白色轿车", "address": "花溪区某仓库"},
    ))
    assert r.status_code == 201, r.text
    issued = r.json()
    task_id = issued["task_id"]
    assert issued["team_id"] == "fo-t4" and issued["status"] == "routed"
    assert r.headers["location"] == f"/tasks/{task_id}"

    queue = (await http.get(f"{fo}/teams/fo-t4/queue", headers=LEAD_4)).json()
    assert task_id in [t["task_id"] for t in queue["tasks"]]

    r = await http.post(f"{fo}/tasks/{task_id}/accept", headers=FIELD_4A)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "accepted" and r.json()["assignee"] == "fo-4a"

    r = await http.post(f"{fo}/tasks/{task_id}/attempts", headers=FIELD_4A, json={
        "attempted_at": now_shanghai().isoformat(), "place": "花溪区某仓库", "note": "仓库上锁，联系物业",
        "evidence": [photo("locked-door")],
    })
    assert r.status_code == 200 and r.json()["attempts"] == 1, r.text

    r = await http.post(f"{fo}/tasks/{task_id}/report", headers=FIELD_4A, json={
        "outcome": "completed", "details": "在物业陪同下进入仓库，查封轿车一辆，张贴封条",
        "found_assets": [{"asset_kind": "vehicle", "description": "白色小型轿车", "identifier": "贵A12345",
                          "location": "花溪区某仓库", "value_fen": 8_000_000, "seized": True,
                          "seal_date": now_shanghai().date().isoformat()}],
        "evidence": [photo("car"), photo("seal")],
    })
    assert r.status_code == 200, r.text
    assert [e["event_type"] for e in r.json()["events"]] == ["field_ops.task_reported",
                                                               "field_ops.asset_seized_on_site"]

    task = (await http.get(f"{fo}/tasks/{task_id}", headers=judge)).json()
    assert task["status"] == "reported" and task["outcome"] == "completed" and not task["overdue"]
    assert [h["event_type"] for h in task["history"]] == [
        "field_ops.instruction_issued", "field_ops.task_routed", "field_ops.task_accepted",
        "field_ops.attempt_recorded", "field_ops.task_reported", "field_ops.asset_seized_on_site",
    ]
    assert task["history"][0]["summary"] == f"承办法官下达外勤指令（现场查封扣押，贵州省花溪区），期限 {in_days(14)}"
    assert task["history"][0]["actor_id"] == judge_id

    trail = await trail_types(http, system, case_id, "field_ops.task_reported", "field_ops.asset_seized_on_site")
    by_type = {e["event_type"]: e for e in trail}
    assert by_type["field_ops.instruction_issued"]["actor_id"] == judge_id
    assert by_type["field_ops.instruction_issued"]["actor_role"] == "judge"
    seizure = by_type["field_ops.asset_seized_on_site"]
    assert seizure["actor_id"] == "fo-4a" and seizure["payload"]["seized_by"] == "fo-4a"
    assert seizure["payload"]["identifier"] == "贵A12345" and seizure["payload"]["judge_id"] == judge_id
    assert by_type["field_ops.task_reported"]["payload"]["evidence"][0]["content_hash"] == photo("car")["content_hash"]

    history = (await http.get(f"{fo}/cases/{case_id}/field-history", headers=judge)).json()
    assert [t["task_id"] for t in history["tasks"]] == [task_id]
    assert len(history["history"]) == 6


async def test_a_lead_needing_an_on_site_check_waits_as_a_proposal_until_the_judge_instructs(
    system: System, http: httpx.AsyncClient, case_with_judge: CaseWithJudge, publish: Publish
) -> None:
    judge_id = f"judge-{uuid.uuid4().hex[:6]}"
    judge = auth(judge_id, "judge")
    case_id = await case_with_judge(judge_id)
    fo = system.url("field_ops")
    await publish("asset_search.field_check_requested", case_id, {
        "lead_id": "lead-77", "target": "申请人称被执行人在云岩区有门面",
        "region": "520103", "reason": "申请执行人提供的线索需现场核实",
    }, actor_id="search-1")

    async def proposed() -> list[dict[str, Any]] | None:
        r = await http.get(f"{fo}/cases/{case_id}/proposals", headers=judge)
        return r.json()["proposals"] if r.status_code == 200 and r.json()["proposals"] else None

    proposal = (await eventually(proposed, "the proposal"))[0]
    assert proposal["lead_id"] == "lead-77" and proposal["kind"] == "investigate"
    assert proposal["region"] == "520103" and proposal["status"] == "open"

    body = instruction(kind=proposal["kind"], region=proposal["region"], proposal_id=proposal["proposal_id"],
                       target=proposal["target"])
    r = await http.post(f"{fo}/cases/{case_id}/instructions", headers=judge, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["team_id"] == "fo-t1"
    issued = r.json()["events"][0]["payload"]
    assert issued["lead_id"] == "lead-77" and issued["proposal_id"] == proposal["proposal_id"]

    still_open = (await http.get(f"{fo}/cases/{case_id}/proposals", headers=judge)).json()["proposals"]
    assert still_open == []
    again = await http.post(f"{fo}/cases/{case_id}/instructions", headers=judge, json=body)
    assert again.status_code == 409 and again.json()["code"] == "proposal_closed"

    await trail_types(http, system, case_id, "field_ops.proposal_received", "field_ops.instruction_issued")


async def test_a_document_to_be_served_by_hand_becomes_a_service_proposal(
    system: System, http: httpx.AsyncClient, case_with_judge: CaseWithJudge, publish: Publish
) -> None:
    judge_id = f"judge-{uuid.uuid4().hex[:6]}"
    case_id = await case_with_judge(judge_id)
    await publish("intake.notice_issued", case_id, {
        "notice_kind": "enforcement_notice", "document_hash": "b" * 64, "service_method": "by_hand",
        "recipient": {"kind": "person", "name": "王某", "address": "南明区某路 1 号"}, "region": "520102",
    })
    await publish("intake.notice_issued", case_id, {
        "notice_kind": "consumption_restriction", "document_hash": "c" * 64, "service_method": "electronic",
    })

    async def proposed() -> list[dict[str, Any]] | None:
        r = await http.get(f"{system.url('field_ops')}/cases/{case_id}/proposals", headers=auth(judge_id, "judge"))
        return r.json()["proposals"] or None

    proposals = await eventually(proposed, "the service proposal")
    assert len(proposals) == 1
    assert proposals[0]["kind"] == "serve_documents" and proposals[0]["document_hash"] == "b" * 64
    assert proposals[0]["target"]["description"] == "王某"


async def test_a_returned_task_and_an_overdue_one_are_visible_in_workload_and_queues(
    system: System, http: httpx.AsyncClient, case_with_judge: CaseWithJudge
) -> None:
    judge_id = f"judge-{uuid.uuid4().hex[:6]}"
    judge = auth(judge_id, "judge")
    case_id = await case_with_judge(judge_id)
    fo = system.url("field_ops")
    lead = auth("fl-3", "field_lead")
    before = {t["team_id"]: t for t in (await http.get(f"{fo}/workload", headers=lead)).json()["teams"]}

    first = (await http.post(f"{fo}/cases/{case_id}/instructions", headers=judge,
                             json=instruction(kind="serve_documents", deadline=in_days(1)))).json()
    second = (await http.post(f"{fo}/cases/{case_id}/instructions", headers=judge,
                              json=instruction(kind="summon", deadline=in_days(3)))).json()
    assert first["team_id"] == second["team_id"] == "fo-t3"
    assert (await http.post(f"{fo}/tasks/{second['task_id']}/accept", headers=auth("fo-3a", "field_officer"))
            ).status_code == 200
    r = await http.post(f"{fo}/tasks/{first['task_id']}/return", headers=auth("fo-3b", "field_officer"),
                        json={"reason": "受送达人已迁往外省，请改为委托送达"})
    assert r.status_code == 200 and r.json()["status"] == "returned", r.text

    after = {t["team_id"]: t for t in (await http.get(f"{fo}/workload", headers=lead)).json()["teams"]}
    assert after["fo-t3"]["returned"] == before["fo-t3"]["returned"] + 1
    assert after["fo-t3"]["accepted"] == before["fo-t3"]["accepted"] + 1
    member = next(m for m in after["fo-t3"]["members"] if m["officer_id"] == "fo-3a")
    assert member["in_progress"] >= 1

    today_overdue = (await http.get(f"{fo}/tasks/overdue", headers=lead)).json()["tasks"]
    assert second["task_id"] not in [t["task_id"] for t in today_overdue]
    later = (await http.get(f"{fo}/tasks/overdue", params={"as_of": in_days(4)}, headers=lead)).json()["tasks"]
    assert second["task_id"] in [t["task_id"] for t in later]
    assert first["task_id"] not in [t["task_id"] for t in later]  # returned tasks are not overdue
    queue = (await http.get(f"{fo}/teams/fo-t3/queue", params={"as_of": in_days(4), "overdue": "true"},
                            headers=lead)).json()
    assert second["task_id"] in [t["task_id"] for t in queue["tasks"]]

    history = (await http.get(f"{fo}/cases/{case_id}/field-history", headers=judge)).json()
    statuses = {t["task_id"]: (t["status"], t["return_reason"]) for t in history["tasks"]}
    assert statuses[first["task_id"]] == ("returned", "受送达人已迁往外省，请改为委托送达")
