"""我的待办 in field_ops over HTTP (issue 18): a field officer's tasks beyond the team queue — the team's
tasks nobody has accepted, then the one they accepted, until reported — and the judge's returned tasks.
Never another officer's, never another team's, never another court's."""

from __future__ import annotations

import uuid

import httpx

from deploy.system import System
from tests.conftest import auth
from tests.field_ops.conftest import CaseWithJudge, instruction
from tests.worklists import of_case

FIELD_4A = auth("fo-4a", "field_officer")
FIELD_4B = auth("fo-4b", "field_officer")
FIELD_1A = auth("fo-1a", "field_officer")  # another team
OTHER_COURT_4A = auth("fo-4a", "field_officer", court="粤0304")
LEAD_4 = auth("fl-4", "field_lead")


async def test_a_task_is_the_teams_until_accepted_then_the_officers_until_reported(
    system: System, http: httpx.AsyncClient, case_with_judge: CaseWithJudge
) -> None:
    fo = system.url("field_ops")
    judge_id = f"judge-{uuid.uuid4().hex[:6]}"
    judge = auth(judge_id, "judge")
    case_id = await case_with_judge(judge_id)
    body = instruction(kind="seize_on_site", region="520111",
                       target={"kind": "asset", "description": "被执行人名下白色轿车", "address": "花溪区某仓库"})
    r = await http.post(f"{fo}/cases/{case_id}/instructions", headers=judge, json=body)
    assert r.status_code == 201, r.text
    task_id = r.json()["task_id"]

    for who in (FIELD_4A, FIELD_4B, LEAD_4):  # the team's members and its lead
        [item] = await of_case(http, fo, who, case_id)
        assert (item["kind"], item["ref"], item["due"]) == ("task_accept", task_id, body["deadline"])
        assert item["title"] == "接受外勤四组（查封、搜查）的外勤任务：现场查封扣押（贵州省花溪区）"
        assert item["case_number"] and item["action"]["path"] == f"/tasks/{task_id}/accept"
    assert await of_case(http, fo, FIELD_1A, case_id) == []
    assert await of_case(http, fo, OTHER_COURT_4A, case_id) == []

    accepted = await http.post(f"{fo}/tasks/{task_id}/accept", headers=FIELD_4A)
    assert accepted.status_code == 200, accepted.text
    [mine] = await of_case(http, fo, FIELD_4A, case_id)
    assert (mine["kind"], mine["role"], mine["action"]["path"]) == ("task_report", "field_officer",
                                                                    f"/tasks/{task_id}/report")
    assert await of_case(http, fo, FIELD_4B, case_id) == []  # accepted by someone else: off their list

    returned = await http.post(f"{fo}/tasks/{task_id}/return", headers=FIELD_4A, json={"reason": "地址不存在"})
    assert returned.status_code == 200, returned.text
    assert await of_case(http, fo, FIELD_4A, case_id) == []
    [back] = await of_case(http, fo, judge, case_id)
    assert back["kind"] == "task_returned" and "地址不存在" in back["title"]
    assert back["action"] == {"service": "field_ops", "method": "POST", "path": f"/cases/{case_id}/instructions",
                              "label": "重新下达指令"}
    assert await of_case(http, fo, auth("judge-someone-else", "judge"), case_id) == []


async def test_a_reported_task_leaves_the_worklist(
    system: System, http: httpx.AsyncClient, case_with_judge: CaseWithJudge
) -> None:
    fo = system.url("field_ops")
    judge_id = f"judge-{uuid.uuid4().hex[:6]}"
    case_id = await case_with_judge(judge_id)
    r = await http.post(f"{fo}/cases/{case_id}/instructions", headers=auth(judge_id, "judge"),
                        json=instruction(kind="search_premises", region="520111"))
    assert r.status_code == 201, r.text
    task_id = r.json()["task_id"]
    assert (await http.post(f"{fo}/tasks/{task_id}/accept", headers=FIELD_4B)).status_code == 200
    assert [i["kind"] for i in await of_case(http, fo, FIELD_4B, case_id)] == ["task_report"]
    done = await http.post(f"{fo}/tasks/{task_id}/report", headers=FIELD_4B,
                           json={"outcome": "not_found", "details": "现场无人，未发现财产", "evidence": []})
    assert done.status_code == 200, done.text
    assert await of_case(http, fo, FIELD_4B, case_id) == []
