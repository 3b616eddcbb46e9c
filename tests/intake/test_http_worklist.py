"""我的待办 in intake over HTTP (issue 18): a judge's open cases, the president's and vice president's
extension approvals, the leaders' closure approvals, the clerks' desk — each item appears when the
work is due, disappears when it is done, and never shows to another officer or another court."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import httpx

from deploy.system import System
from shared import clock
from tests.conftest import auth
from tests.intake.conftest import AFFAIRS, CLERK, H, Publish, application, eventually, judge, register
from tests.worklists import of_case, worklist

CHIEF = auth("wl-chief-01", "bureau_chief")
VICE_PRESIDENT = auth("wl-vp-01", "vice_president")
OTHER_COURT_VP = auth("wl-vp-01", "vice_president", court="粤0304")
OTHER_COURT_CHIEF = auth("wl-chief-01", "bureau_chief", court="粤0304")


async def test_a_judges_case_is_on_their_worklist_until_closure_is_proposed_and_then_on_the_leaders(
    system: System, http: httpx.AsyncClient, publish: Publish
) -> None:
    base = system.url("intake")
    case = await register(http, system)
    cid, j = case["case_id"], judge(case["judge_id"])
    detail = (await http.get(f"{base}/cases/{cid}", headers=CLERK)).json()

    [item] = await of_case(http, base, j, cid)
    assert item["kind"] == "case_close" and item["role"] == "judge" and item["role_name"] == "承办法官"
    assert item["case_number"] == case["case_number"]
    assert item["due"] == detail["closure_due"] and item["status"] == "upcoming" and item["days_left"] > 150
    assert item["action"] == {"service": "intake", "method": "POST", "path": f"/cases/{cid}/closure",
                              "label": "提请结案"}
    other = "wl-judge-x" if case["judge_id"] != "wl-judge-x" else "wl-judge-y"
    assert await of_case(http, base, judge(other), cid) == []  # another officer's work
    assert await of_case(http, base, judge(case["judge_id"], court="粤0304"), cid) == []  # another court's

    # The case is paid in full; the judge proposes closure: it leaves their list for the leaders'.
    await publish(cid, "disposal.claim_paid_in_full", {"claim_amount_fen": 12_345_600}, "finance-i01")
    body = {"closure_type": "执行完毕", "reason": "执行款已足额支付"}

    async def proposed() -> bool:
        return (await http.post(f"{base}/cases/{cid}/closure", json=body, headers=j)).status_code == 200

    await eventually(proposed, "closure proposed after payment")
    assert await of_case(http, base, j, cid) == []
    [approval] = await of_case(http, base, CHIEF, cid)
    assert approval["kind"] == "closure_approval" and approval["role"] == "bureau_chief"
    assert approval["title"].startswith("审批结案：执行完毕") and approval["due"] == detail["closure_due"]
    assert approval["action"]["path"] == f"/cases/{cid}/closure/approve"
    # 互相制约-6: the case's own judge, even as a leader, is never asked to approve it.
    assert await of_case(http, base, auth(case["judge_id"], "judge", "bureau_chief"), cid) == []
    assert await of_case(http, base, OTHER_COURT_CHIEF, cid) == []

    done = await http.post(f"{base}{approval['action']['path']}", headers=CHIEF)
    assert done.status_code == 200, done.text
    assert await of_case(http, base, CHIEF, cid) == []


async def test_an_extension_request_waits_on_the_vice_presidents_worklist_until_approved(
    system: System, http: httpx.AsyncClient
) -> None:
    base = system.url("intake")
    case = await register(http, system)
    cid, j = case["case_id"], judge(case["judge_id"])
    assert await of_case(http, base, VICE_PRESIDENT, cid) == []
    asked = await http.post(f"{base}/cases/{cid}/extension", json={"months": 3, "reason": "财产处置中"}, headers=j)
    assert asked.status_code == 200, asked.text

    [item] = await of_case(http, base, VICE_PRESIDENT, cid)
    assert (item["kind"], item["role"], item["case_number"]) == ("extension_approval", "vice_president",
                                                                 case["case_number"])
    assert "延长执行期限 3 个月" in item["title"]
    assert item["action"] == {"service": "intake", "method": "POST", "path": f"/cases/{cid}/extension/approve",
                              "label": "批准延长"}
    assert await of_case(http, base, CHIEF, cid) == []  # 互相制约-11: not the bureau chief's to approve
    assert await of_case(http, base, OTHER_COURT_VP, cid) == []
    # The judge still has the case to close (by the old date until the extension is approved).
    assert [i["kind"] for i in await of_case(http, base, j, cid)] == ["case_close"]

    approved = await http.post(f"{base}{item['action']['path']}", headers=VICE_PRESIDENT)
    assert approved.status_code == 200, approved.text
    assert await of_case(http, base, VICE_PRESIDENT, cid) == []
    [after] = await of_case(http, base, j, cid)
    assert after["due"] > item["due"]  # three months later


async def test_the_clerks_desk_lists_applications_to_register_and_pages_like_other_lists(
    system: System, http: httpx.AsyncClient
) -> None:
    base = system.url("intake")
    body = application()
    body["materials"] = body["materials"][:2]  # incomplete: the application waits for supplements
    r = await http.post(f"{base}/applications", json=body, headers=CLERK)
    assert r.status_code == 201, r.text
    cid = r.json()["case_id"]
    [item] = await of_case(http, base, CLERK, cid)
    assert item["kind"] in ("supplement", "register") and item["case_number"] is None and item["due"] is not None
    assert item["role_name"] == "立案登记人员"
    assert await of_case(http, base, auth("clerk-i01", "intake_clerk", court="粤0304"), cid) == []
    assert await of_case(http, base, judge("wl-judge-x"), cid) == []

    everything = await worklist(http, base, CLERK)
    page = (await http.get(f"{base}/worklist", headers=CLERK, params={"limit": 1, "offset": 0})).json()
    assert page["total"] == len(everything) and len(page["items"]) == 1 and page["limit"] == 1
    assert page["items"][0]["due"] == everything[0]["due"]
    assert page["officer_id"] == "clerk-i01" and page["court"] == "黔01" and page["service"] == "intake"

    refused = await http.post(f"{base}/applications/{cid}/refuse",
                              json={"ground_code": "no_definite_content", "reason": "给付内容不明确"}, headers=CLERK)
    assert refused.status_code == 200, refused.text  # refusing takes the application off the desk
    assert await of_case(http, base, CLERK, cid) == []


async def test_a_fine_waits_on_the_presidents_worklist_until_decided(system: System, http: httpx.AsyncClient) -> None:
    base = system.url("intake")
    case = await register(http, system)
    cid = case["case_id"]
    president = auth("wl-president", "president")
    body = {"subject": {"kind": "person", "name": "王某", "id_number": "11010519491231002X"},
            "ground": "conceal_property", "facts": "转移已被查封的车辆", "fine_fen": 2_000_000}
    r = await http.post(f"{base}/cases/{cid}/measures", headers=judge(case["judge_id"]), json=body)
    assert r.status_code == 201, r.text
    mid = r.json()["measure_id"]
    [item] = await of_case(http, base, president, cid)
    assert (item["kind"], item["role"], item["ref"], item["due"]) == ("measure_approval", "president", mid, None)
    assert item["title"].startswith("审批强制措施：罚款") and item["case_number"] == case["case_number"]
    assert item["action"]["path"] == f"/cases/{cid}/measures/{mid}/approve"
    assert await of_case(http, base, VICE_PRESIDENT, cid) == []  # 民诉法-119: the president's alone
    assert await of_case(http, base, auth("wl-president", "president", court="粤0304"), cid) == []
    # 互相制约-13: the proposing judge, even holding the president's role, is not asked.
    own = await of_case(http, base, auth(case["judge_id"], "judge", "president"), cid)
    assert "measure_approval" not in {i["kind"] for i in own} and "case_close" in {i["kind"] for i in own}
    done = await http.post(f"{base}{item['action']['path']}", headers=president,
                           json={"decision_number": "（2026）黔01司惩1号"})
    assert done.status_code == 200, done.text
    assert await of_case(http, base, president, cid) == []


async def test_an_objection_waits_on_its_reviewers_worklists_until_decided(
    system: System, http: httpx.AsyncClient
) -> None:
    base = system.url("intake")
    case = await register(http, system)
    cid = case["case_id"]
    panel = ["wl-rev-01", "wl-rev-02", "wl-rev-03"]
    r = await http.post(f"{base}/cases/{cid}/objections", headers=CLERK, json={
        "objector": {"kind": "person", "name": "案外人赵某", "id_number": "11010519491231002X"},
        "grounds": "被查封车辆属于案外人", "reviewers": panel})
    assert r.status_code == 201, r.text
    oid = r.json()["new_case"]["case_id"]
    for reviewer in panel:
        [item] = await of_case(http, base, auth(reviewer, "reviewer"), cid)
        assert (item["kind"], item["role"], item["ref"]) == ("objection_decision", "reviewer", oid)
        assert item["title"].startswith("审查执行异议 （") and item["due"] is not None
        assert item["action"]["path"] == f"/cases/{cid}/objections/{oid}/decision"
    assert await of_case(http, base, auth("wl-rev-09", "reviewer"), cid) == []  # not on the panel
    assert await of_case(http, base, auth("wl-rev-01", "reviewer", court="粤0304"), cid) == []
    decided = await http.post(f"{base}/cases/{cid}/objections/{oid}/decision", headers=auth("wl-rev-01", "reviewer"),
                              json={"outcome": "rejected", "reason": "车辆登记在被执行人名下，异议不成立"})
    assert decided.status_code == 200, decided.text
    for reviewer in panel:
        assert await of_case(http, base, auth(reviewer, "reviewer"), cid) == []


async def test_the_enforcement_notice_goes_from_the_affairs_desk_to_the_judge_and_off_both_lists(
    system: System, http: httpx.AsyncClient
) -> None:
    base = system.url("intake")
    case = await register(http, system)
    cid, j = case["case_id"], judge(case["judge_id"])
    [item] = await of_case(http, base, AFFAIRS, cid)
    assert (item["kind"], item["role"], item["action"]["path"]) == ("notice_prepare", "affairs_clerk",
                                                                     f"/cases/{cid}/notices")
    assert item["due"] is not None and item["case_number"] == case["case_number"]
    assert await of_case(http, base, auth("affairs-i01", "affairs_clerk", court="粤0304"), cid) == []
    prepared = await http.post(f"{base}/cases/{cid}/notices", headers=AFFAIRS,
                               json={"notice_kind": "enforcement_notice", "document_hash": H})
    assert prepared.status_code == 201, prepared.text
    assert await of_case(http, base, AFFAIRS, cid) == []
    sign = [i for i in await of_case(http, base, j, cid) if i["kind"] == "notice_sign"]
    assert len(sign) == 1 and sign[0]["title"] == "签发执行通知书"
    assert sign[0]["action"]["path"] == f"{prepared.headers['location']}/sign"
    other = "wl-judge-x" if case["judge_id"] != "wl-judge-x" else "wl-judge-y"
    assert await of_case(http, base, judge(other), cid) == []
    signed = await http.post(f"{base}{sign[0]['action']['path']}", headers=j)
    assert signed.status_code == 200, signed.text
    assert [i["kind"] for i in await of_case(http, base, j, cid)] == ["case_close"]


async def test_a_team_lead_sees_their_teams_cases_nearing_the_close_by_date(
    system: System, http: httpx.AsyncClient
) -> None:
    base = system.url("intake")
    registered = clock.today() - timedelta(days=165)  # 6 months on: within the lead's 30 days
    number = f"（{registered.year}）黔01执{random.randint(1_000_000, 9_999_999)}号"
    record = {
        "court": "黔01", "case_number": number,
        "application": {
            "applicant": {"kind": "organisation", "name": "贵州某某建材有限公司", "id_number": "91520100MA6DL12349"},
            "respondent": {"kind": "person", "name": "王某", "id_number": "520111198005123011"},
            "basis": {"kind": "judgment", "issuing_body": "贵阳市云岩区人民法院",
                      "document_number": "（2025）黔0103民初1号",
                      "effective_date": (registered - timedelta(days=40)).isoformat()},
            "claim_amount_fen": 5_000_000, "application_date": (registered - timedelta(days=2)).isoformat(),
        },
        "registration": {"date": registered.isoformat(), "by": "wl-clerk-01"},
        "triage": {"track": "ordinary"},
        "assignment": {"judge_id": "qz-j-201", "team_id": "黔01-普执一组", "date": registered.isoformat()},
    }
    r = await http.post(f"{base}/admin/imports", content=(json.dumps(record, ensure_ascii=False) + "\n").encode(),
                        headers={**auth("wl-admin", "admin"), "Content-Type": "application/x-ndjson"})
    assert r.status_code == 200, r.text
    [imported] = r.json()["records"]
    assert imported["status"] == "imported", imported
    cid = imported["case_id"]
    detail = (await http.get(f"{base}/cases/{cid}", headers=CLERK)).json()

    [item] = await of_case(http, base, auth("qz-lead-02", "team_lead"), cid)
    assert (item["kind"], item["role"], item["case_number"]) == ("team_watch", "team_lead", number)
    assert item["due"] == detail["closure_due"] and "qz-j-201" in item["title"]
    assert item["action"] == {"service": "intake", "method": "GET", "path": f"/cases/{cid}", "label": "查看案件"}
    assert await of_case(http, base, auth("qz-lead-01", "team_lead"), cid) == []  # another team's lead
    assert await of_case(http, base, auth("qz-lead-02", "team_lead", court="粤0304"), cid) == []
