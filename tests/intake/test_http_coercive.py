"""Referral for refusal to perform (拒执罪), reward notices (悬赏) and exposure (曝光) over HTTP against the
real intake (and asset_search, which takes a reward's lead as an asset lead): each flow, and each rule's
refusal and passing case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from deploy.system import System
from shared import clock
from tests.conftest import auth
from tests.intake.conftest import CLERK, eventually, judge, register

PERSON = {"kind": "person", "name": "王某", "id_number": "11010519491231002X"}
H = "cd" * 32


def _url(system: System, case: dict[str, Any], path: str) -> str:
    return f"{system.url('intake')}/cases/{case['case_id']}/{path}"


async def test_a_referral_the_police_decline_leads_to_the_applicants_private_prosecution(
    system: System, http: httpx.AsyncClient
) -> None:
    case = await register(http, system)
    today = clock.today().isoformat()
    body = {"subject": PERSON, "facts": "有能力履行而拒不履行，转移车辆", "evidence": [H],
            "police_organ": "贵阳市公安局南明分局"}
    r = await http.post(_url(system, case, "refusal-referrals"), headers=judge("other-judge"), json=body)
    assert r.status_code == 403 and r.json()["rule"] == "互相制约-2", r.text
    r = await http.post(_url(system, case, "refusal-referrals"), headers=judge(case["judge_id"]),
                        json={**body, "evidence": []})
    assert r.status_code == 422 and r.json()["code"] == "evidence_required", r.text
    r = await http.post(_url(system, case, "refusal-referrals"), headers=judge(case["judge_id"]), json=body)
    assert r.status_code == 201 and r.json()["events"] == ["intake.refusal_referred"], r.text
    base = _url(system, case, f"refusal-referrals/{r.json()['id']}")

    prosecution = {"filed_on": today, "applicant_name": "贵州某某建材有限公司",
                   "guidance": "告知自诉条件，指导准备证据"}
    r = await http.post(f"{base}/private-prosecution", headers=CLERK, json=prosecution)
    assert r.status_code == 422 and r.json()["rule"] == "拒执罪解释-14", r.text
    r = await http.post(f"{base}/answer", headers=CLERK,
                        json={"accepted": False, "answered_on": today, "reason": "认为不构成犯罪，不予立案"})
    assert r.status_code == 200 and r.json()["police"] == "refused", r.text
    r = await http.post(f"{base}/private-prosecution", headers=CLERK, json=prosecution)
    assert r.status_code == 201 and r.json()["private_prosecution"] is True, r.text
    r = await http.post(f"{base}/outcome", headers=judge(case["judge_id"]),
                        json={"outcome": "performed", "concluded_on": today, "note": "被告人履行全部义务后撤诉"})
    assert r.status_code == 200 and r.json()["concluded"] is True, r.text


async def test_a_granted_reward_turns_its_leads_into_asset_leads_and_records_the_reward_paid(
    system: System, http: httpx.AsyncClient
) -> None:
    case = await register(http, system)
    today = clock.today()
    r = await http.post(_url(system, case, "rewards"), headers=CLERK,
                        json={"applicant_name": "贵州某某建材有限公司", "reward_fen": 500_000})
    assert r.status_code == 201, r.text
    base = _url(system, case, f"rewards/{r.json()['id']}")
    lead = {"informant": "知情群众", "description": "被执行人名下车辆停放于某小区", "asset_kind": "vehicle",
            "target": "贵A12345", "region": "520102", "received_on": today.isoformat()}
    r = await http.post(f"{base}/leads", headers=CLERK, json=lead)
    assert r.status_code == 422 and r.json()["rule"] == "财产调查规定-21", r.text
    decision = {"granted": True, "reason": "申请执行人提供悬赏金，符合条件", "channels": ["court_website", "wechat"]}
    r = await http.post(f"{base}/decision", headers=CLERK, json=decision)
    assert r.status_code == 403
    r = await http.post(f"{base}/decision", headers=judge(case["judge_id"]), json=decision)
    assert r.status_code == 200 and r.json()["reward_status"] == "granted", r.text
    r = await http.post(f"{base}/leads", headers=CLERK, json=lead)
    assert r.status_code == 201, r.text
    lead_id = r.headers["location"].rsplit("/", 1)[1]

    async def in_search() -> bool:
        r = await http.get(f"{system.url('asset_search')}/cases/{case['case_id']}/search",
                           headers=judge(case["judge_id"]))
        return r.status_code == 200 and any(x["lead_id"] == lead_id for x in r.json()["leads"])

    await eventually(in_search, "asset_search to record the reward's lead", tries=300)
    pay = {"amount_fen": 500_001, "paid_on": today.isoformat(), "lead_id": lead_id}
    r = await http.post(f"{base}/payment", headers=CLERK, json=pay)
    assert r.status_code == 422 and r.json()["code"] == "reward_overpaid", r.text
    r = await http.post(f"{base}/payment", headers=CLERK, json={**pay, "amount_fen": 500_000})
    assert r.status_code == 200 and r.json()["paid_fen"] == 500_000, r.text

    r = await http.post(_url(system, case, "exposures"), headers=auth("x", "intake_clerk"),
                        json={"subject": PERSON, "channel": "outdoor_screen", "content": "曝光失信被执行人"})
    assert r.status_code == 403
    r = await http.post(_url(system, case, "exposures"), headers=judge(case["judge_id"]),
                        json={"subject": PERSON, "channel": "outdoor_screen", "content": "曝光失信被执行人",
                              "published_on": (today - timedelta(days=1)).isoformat()})
    assert r.status_code == 201 and r.json()["kind"] == "exposure", r.text
    r = await http.post(_url(system, case, "exit-restrictions"), headers=judge(case["judge_id"]),
                        json={"subject": PERSON, "reason": "拒不履行，有出境可能"})
    assert r.status_code == 201 and r.json()["kind"] == "exit_restriction", r.text
    lift = _url(system, case, f"exit-restrictions/{r.json()['id']}/lift")
    r = await http.post(lift, headers=CLERK, json={"reason": "已履行"})
    assert r.status_code == 403
    r = await http.post(lift, headers=judge(case["judge_id"]), json={"reason": "被执行人已履行全部义务"})
    assert r.status_code == 200 and r.json()["lifted"] is True, r.text
    listed = await http.get(_url(system, case, "coercive-measures"), headers=CLERK)
    assert sorted(m["kind"] for m in listed.json()["measures"]) == ["exit_restriction", "exposure", "reward"]
