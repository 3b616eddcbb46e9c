"""Each rule of field_ops over HTTP: a refused case (what the user sees, nothing changed) and an allowed one."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from deploy.system import System
from tests.conftest import auth
from tests.field_ops.conftest import CaseWithJudge, Publish, instruction, wait_for_judge


def new_judge() -> tuple[str, dict[str, str]]:
    judge_id = f"judge-{uuid.uuid4().hex[:6]}"
    return judge_id, auth(judge_id, "judge")


async def tasks_of(http: httpx.AsyncClient, system: System, case_id: str, headers: dict[str, str]) -> list[Any]:
    r = await http.get(f"{system.url('field_ops')}/cases/{case_id}/field-history", headers=headers)
    return list(r.json()["tasks"])


async def issue(http: httpx.AsyncClient, system: System, case_id: str, headers: dict[str, str],
                **body: object) -> httpx.Response:
    return await http.post(f"{system.url('field_ops')}/cases/{case_id}/instructions", headers=headers,
                           json=instruction(**body))


async def test_only_the_cases_current_judge_instructs(
    system: System, http: httpx.AsyncClient, case_with_judge: CaseWithJudge, publish: Publish
) -> None:
    judge_id, judge = new_judge()
    case_id = await case_with_judge(judge_id)
    _, other_judge = new_judge()

    refused = await issue(http, system, case_id, other_judge)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["rule"] == "互相制约-2" and "承办法官" in refused.json()["detail"]
    assert await tasks_of(http, system, case_id, judge) == []

    clerk = await issue(http, system, case_id, auth("clerk-x", "intake_clerk"))
    assert clerk.status_code == 403 and clerk.json()["code"] == "role_not_allowed"

    assert (await issue(http, system, case_id, judge)).status_code == 201

    # After re-assignment the former judge no longer instructs, the new one does.
    new_id, new_judge_headers = new_judge()
    await publish("intake.case_assigned", case_id, {"judge_id": new_id, "previous_judge_id": judge_id,
                                                    "reason": "回避", "assigned_by": "lead-x", "strategy": "manual"},
                  actor_id="lead-x")
    await wait_for_judge(system, http, case_id, new_id)
    assert (await issue(http, system, case_id, judge)).json()["rule"] == "互相制约-2"
    assert (await issue(http, system, case_id, new_judge_headers)).status_code == 201


async def test_an_instruction_on_a_case_whose_judge_is_unknown_is_refused(
    system: System, http: httpx.AsyncClient
) -> None:
    _, judge = new_judge()
    r = await issue(http, system, str(uuid.uuid4()), judge)
    assert r.status_code == 403 and r.json()["code"] == "judge_unknown"


async def test_a_judge_of_another_court_cannot_instruct(
    system: System, http: httpx.AsyncClient, case_with_judge: CaseWithJudge
) -> None:
    judge_id, _ = new_judge()
    case_id = await case_with_judge(judge_id)
    r = await issue(http, system, case_id, auth(judge_id, "judge", court="黔0102"))
    # another court's case is answered as one that does not exist, naming no court
    assert r.status_code == 404 and r.json()["code"] == "case_not_found" and "黔01" not in r.text


async def test_wrong_input_names_each_field_in_chinese_and_changes_nothing(
    system: System, http: httpx.AsyncClient, case_with_judge: CaseWithJudge
) -> None:
    judge_id, judge = new_judge()
    case_id = await case_with_judge(judge_id)
    r = await issue(http, system, case_id, judge, kind="teleport", region="520114", deadline="2020-01-01",
                    target={"kind": "person", "description": "王某", "id_number": "110105194912310021"})
    assert r.status_code == 422
    errors = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert set(errors) == {"kind", "region", "target.id_number"}
    assert "已撤销" in errors["region"] and "校验位" in errors["target.id_number"]
    past = await issue(http, system, case_id, judge, deadline="2020-01-01")
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "deadline"
    assert await tasks_of(http, system, case_id, judge) == []


async def test_a_task_without_an_instruction_does_not_exist(
    system: System, http: httpx.AsyncClient, case_with_judge: CaseWithJudge
) -> None:
    officer = auth("fo-1a", "field_officer")
    r = await http.post(f"{system.url('field_ops')}/tasks/{uuid.uuid4()}/accept", headers=officer)
    assert r.status_code == 404 and r.json()["rule"] == "互相制约-3"

    judge_id, judge = new_judge()
    case_id = await case_with_judge(judge_id)
    task_id = (await issue(http, system, case_id, judge)).json()["task_id"]
    assert (await http.post(f"{system.url('field_ops')}/tasks/{task_id}/accept", headers=officer)).status_code == 200


async def test_the_executor_is_neither_the_issuer_nor_the_cases_judge(
    system: System, http: httpx.AsyncClient, case_with_judge: CaseWithJudge
) -> None:
    # fo-4b is on the seizure team and, on this case, its judge (e.g. moved from the field centre).
    case_id = await case_with_judge("fo-4b")
    judge_and_member = auth("fo-4b", "judge", "field_officer")
    r = await issue(http, system, case_id, judge_and_member, kind="seize_on_site")
    assert r.status_code == 201 and r.json()["team_id"] == "fo-t4"
    task_id = r.json()["task_id"]
    fo = system.url("field_ops")

    refused = await http.post(f"{fo}/tasks/{task_id}/accept", headers=judge_and_member)
    assert refused.status_code == 403 and refused.json()["rule"] == "互相制约-2"
    assert (await http.get(f"{fo}/tasks/{task_id}", headers=judge_and_member)).json()["status"] == "routed"

    accepted = await http.post(f"{fo}/tasks/{task_id}/accept", headers=auth("fo-4a", "field_officer"))
    assert accepted.status_code == 200 and accepted.json()["assignee"] == "fo-4a"


async def test_a_reroute_needs_the_teams_lead_and_a_reason(
    system: System, http: httpx.AsyncClient, case_with_judge: CaseWithJudge
) -> None:
    judge_id, judge = new_judge()
    case_id = await case_with_judge(judge_id)
    task_id = (await issue(http, system, case_id, judge, region="520102")).json()["task_id"]
    url = f"{system.url('field_ops')}/tasks/{task_id}/reroute"
    body = {"team_id": "fo-t2", "reason": "目标已搬至花溪区"}

    member = await http.post(url, headers=auth("fo-1a", "field_officer"), json=body)
    assert member.status_code == 403 and member.json()["code"] == "role_not_allowed"
    other_lead = await http.post(url, headers=auth("fl-2", "field_lead"), json=body)
    assert other_lead.status_code == 403 and other_lead.json()["rule"] == "互相制约-12"
    no_reason = await http.post(url, headers=auth("fl-1", "field_lead"), json={"team_id": "fo-t2", "reason": " "})
    assert no_reason.status_code == 422 and no_reason.json()["rule"] == "互相制约-12"
    assert no_reason.json()["errors"][0]["field"] == "reason"
    unknown = await http.post(url, headers=auth("fl-1", "field_lead"), json={**body, "team_id": "fo-t9"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "team_id"

    ok = await http.post(url, headers=auth("fl-1", "field_lead"), json=body)
    assert ok.status_code == 200 and ok.json()["team_id"] == "fo-t2", ok.text
    queue = (await http.get(f"{system.url('field_ops')}/teams/fo-t2/queue", headers=auth("fl-2", "field_lead"))).json()
    assert task_id in [t["task_id"] for t in queue["tasks"]]
    detail = (await http.get(f"{system.url('field_ops')}/tasks/{task_id}", headers=judge)).json()
    assert detail["history"][-1]["payload"]["reason"] == "目标已搬至花溪区"


async def test_only_the_assigned_team_reports(
    system: System, http: httpx.AsyncClient, case_with_judge: CaseWithJudge
) -> None:
    judge_id, judge = new_judge()
    case_id = await case_with_judge(judge_id)
    task_id = (await issue(http, system, case_id, judge, region="520102")).json()["task_id"]
    fo = system.url("field_ops")
    assert (await http.post(f"{fo}/tasks/{task_id}/accept", headers=auth("fo-1a", "field_officer"))).status_code == 200
    report = {"outcome": "not_found", "details": "该地址无人居住，邻居称已搬走半年"}

    outsider = await http.post(f"{fo}/tasks/{task_id}/report", headers=auth("fo-2a", "field_officer"), json=report)
    assert outsider.status_code == 403 and outsider.json()["rule"] == "外勤-1"
    bad = await http.post(f"{fo}/tasks/{task_id}/report", headers=auth("fo-1b", "field_officer"),
                          json={**report, "evidence": [{"content_hash": "xyz", "media_type": "jpeg",
                                                        "taken_at": "2026-12-01T10:00:00", "place": "南明区"}]})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {
        "evidence.0.content_hash", "evidence.0.media_type", "evidence.0.taken_at"}
    seize = await http.post(f"{fo}/tasks/{task_id}/report", headers=auth("fo-1b", "field_officer"), json={
        **report, "found_assets": [{"asset_kind": "movable", "description": "设备", "seized": True,
                                    "seal_date": "2026-12-01"}]})
    assert seize.status_code == 422 and seize.json()["code"] == "seizure_not_instructed"

    ok = await http.post(f"{fo}/tasks/{task_id}/report", headers=auth("fo-1b", "field_officer"), json=report)
    assert ok.status_code == 200 and ok.json()["status"] == "reported", ok.text
    again = await http.post(f"{fo}/tasks/{task_id}/report", headers=auth("fo-1b", "field_officer"), json=report)
    assert again.status_code == 409 and again.json()["code"] == "task_state"


async def test_a_repeated_command_with_the_same_idempotency_key_is_answered_once(
    system: System, http: httpx.AsyncClient, case_with_judge: CaseWithJudge
) -> None:
    judge_id, judge = new_judge()
    case_id = await case_with_judge(judge_id)
    headers = {**judge, "Idempotency-Key": f"k-{uuid.uuid4()}"}
    first = await issue(http, system, case_id, headers)
    second = await issue(http, system, case_id, headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["task_id"] == second.json()["task_id"]
    assert len(await tasks_of(http, system, case_id, judge)) == 1
