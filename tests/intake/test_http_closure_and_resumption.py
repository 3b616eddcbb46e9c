"""Closure over HTTP, the whole way through the real services: a settlement that closes a case once
performed, a proposal the approver sends back (closure/reject), and a 终本 closure that a designated
reviewer resumes as a new 执恢 case (resumption).

终本 needs three months since registration (终本规定 art. 1; docs/rules.md §5). The case is
registered by a second intake process whose court clock runs 100 days behind the session's
(``COURT_CLOCK_OFFSET_S``, shared/clock.py; same database and topic), so the rest of its life happens
"now": the search (the simulator answers "nothing found" for this case), the field investigation, the
notices, the interview, the closure and the resumption all go through the running services.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from deploy.system import System
from shared import clock
from tests.conftest import auth, case_applied_on
from tests.intake.conftest import AFFAIRS, CLERK, MATERIALS, H, judge

CHIEF = auth("qz-chief-01", "bureau_chief")
REVIEWER = auth("qz-rev-01", "reviewer")
FIELD_1A = auth("fo-1a", "field_officer")  # 外勤一组 (南明、云岩): investigations in 520102
SUPERVISOR = auth("sup-i02", "supervisor")
SIMULATOR_OPERATOR = auth("sim-admin-i02", "admin")  # the simulator's /knobs
ORDINARY_JUDGES = {"qz-j-201", "qz-j-202", "qz-j-203"}  # 黔01 普执一团队 (services/intake/config.json)
KINDS = {"bank_deposit", "real_estate", "vehicle", "securities", "equity", "housing_fund", "online_payment", "vessel"}
PAST = 100  # days the registering instance's court clock runs behind


def application(on: date) -> dict[str, Any]:
    """A complete application made two days before ``on``."""
    return case_applied_on(on, materials=MATERIALS)


async def until(probe: Callable[[], Awaitable[Any]], what: str, timeout_s: float = 30) -> Any:
    """The first truthy value of ``probe()``, polled every 0.1 s; fails naming ``what`` after ``timeout_s``."""
    for _ in range(int(timeout_s * 10)):
        value = await probe()
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"gave up after {timeout_s:g} s waiting for {what}")


async def post(http: httpx.AsyncClient, url: str, headers: dict[str, str], body: dict[str, Any] | None = None,
               expect: int = 200) -> dict[str, Any]:
    r = await http.post(url, json=body, headers=headers)
    assert r.status_code == expect, r.text
    out: dict[str, Any] = r.json()
    return out


async def test_a_settlement_closes_the_case_once_performed_and_the_approver_may_send_a_proposal_back(
    system: System, http: httpx.AsyncClient
) -> None:
    case = await post(http, f"{system.url('intake')}/cases", CLERK, application(clock.today()), 201)
    url, j, version = f"{system.url('intake')}/cases/{case['case_id']}", judge(case["judge_id"]), case["version"]
    paid = {"closure_type": "执行完毕", "reason": "和解协议已履行完毕"}

    unperformed = await post(http, f"{url}/settlement", j, {"performed": False, "agreement_hash": H})
    assert (unperformed["status"], unperformed["events"], unperformed["version"]) == (
        "in_progress", ["intake.settlement_recorded"], version + 1)
    refused = await http.post(f"{url}/closure", json=paid, headers=j)
    assert refused.status_code == 422 and refused.json()["rule"] == "结案条件-执行完毕"
    assert [e["field"] for e in refused.json()["errors"]] == ["claim_paid"]
    not_the_judge = await http.post(f"{url}/settlement", json={"performed": True, "agreement_hash": H},
                                    headers=judge("qz-j-999"))
    assert not_the_judge.status_code == 403 and not_the_judge.json()["rule"] == "互相制约-2"

    performed = await post(http, f"{url}/settlement", j, {"performed": True, "agreement_hash": H})
    assert (performed["events"], performed["version"]) == (["intake.settlement_recorded"], version + 2)
    proposed = await post(http, f"{url}/closure", j, paid)
    assert (proposed["status"], proposed["events"]) == ("closure_proposed", ["intake.closure_proposed"])

    # The judge may not review the own proposal, even holding a leader's role; a leader sends it back.
    own = await http.post(f"{url}/closure/reject", json={"reason": "自己驳回"},
                          headers=auth(case["judge_id"], "bureau_chief"))
    assert own.status_code == 422 and own.json()["code"] == "judge_cannot_review_closure"
    assert own.json()["rule"] == "互相制约-6"
    clerk = await http.post(f"{url}/closure/reject", json={"reason": "退回"}, headers=CLERK)
    assert clerk.status_code == 403
    rejected = await post(http, f"{url}/closure/reject", CHIEF, {"reason": "和解协议履行凭证不全"})
    assert (rejected["status"], rejected["events"], rejected["version"]) == (
        "in_progress", ["intake.closure_rejected"], version + 4)
    again = await http.post(f"{url}/closure/reject", json={"reason": "再次退回"}, headers=CHIEF)
    assert again.status_code == 409 and again.json()["case_status"] == "in_progress"

    detail = (await http.get(url, headers=CLERK)).json()
    assert (detail["status"], detail["closure_type"], detail["closed_on"]) == ("in_progress", None, None)
    assert [(h["event_type"], h["actor_id"], h["summary"]) for h in detail["history"][-4:]] == [
        ("intake.settlement_recorded", case["judge_id"], "记录执行和解（已履行：False）"),
        ("intake.settlement_recorded", case["judge_id"], "记录执行和解（已履行：True）"),
        ("intake.closure_proposed", case["judge_id"], "法官提请结案：执行完毕"),
        ("intake.closure_rejected", "qz-chief-01", "结案审批未通过：和解协议履行凭证不全"),
    ]

    # Proposed again, approved by someone else: closed, the performed settlement being its ground.
    await post(http, f"{url}/closure", j, paid)
    closed = await post(http, f"{url}/closure/approve", CHIEF)
    assert (closed["status"], closed["events"]) == ("closed", ["intake.case_closed"])
    detail = (await http.get(url, headers=CLERK)).json()
    assert (detail["status"], detail["closure_type"], detail["closed_on"]) == (
        "closed", "执行完毕", clock.today().isoformat())


@pytest.fixture
def intake_in_the_past(system: System) -> Iterator[str]:
    """A second intake process on the session's database and topic, its court clock ``PAST`` days behind."""
    port = system.port("intake") + 70
    system.start("intake", instance="past", port=port,
                 extra_env={"COURT_CLOCK_OFFSET_S": repr(clock.CLOCK.offset_s - PAST * 86_400)})
    try:
        system.wait_ready(["intake@past"], timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        system.stop("intake@past")


async def test_a_zhongben_case_closed_after_three_months_is_resumed_by_a_reviewer_as_a_new_case(
    system: System, http: httpx.AsyncClient, intake_in_the_past: str
) -> None:
    then = clock.today() - timedelta(days=PAST)
    applied = await post(http, f"{intake_in_the_past}/applications", CLERK, application(then), 201)
    cid = applied["case_id"]
    r = await http.put(f"{system.url('simulator')}/knobs",
                       json={"case_id": cid, "agency_id": "*", "knobs": {"nothing_found": True}},
                       headers=SIMULATOR_OPERATOR)
    assert r.status_code == 200, r.text
    case = await post(http, f"{intake_in_the_past}/applications/{cid}/register", CLERK, None, 201)
    assert case["judge_id"] in ORDINARY_JUDGES
    await asyncio.to_thread(system.stop, "intake@past")  # registered in the past; the rest happens now
    intake, url, j = system.url("intake"), f"{system.url('intake')}/cases/{cid}", judge(case["judge_id"])
    detail = (await http.get(url, headers=CLERK)).json()
    assert detail["registered_on"] == then.isoformat()

    # The work 终本 needs, done now: two notices, the field investigation, the interview.
    for kind in ("enforcement_notice", "consumption_restriction"):
        prepared = await http.post(f"{url}/notices", json={"notice_kind": kind, "document_hash": H}, headers=AFFAIRS)
        assert prepared.status_code == 201, prepared.text
        await post(http, f"{intake}{prepared.headers['location']}/sign", j)
    fo = system.url("field_ops")

    async def field_ops_knows_the_judge() -> bool:
        r = await http.get(f"{fo}/cases/{cid}/field-history", headers=SUPERVISOR)
        return r.status_code == 200 and r.json()["judge_id"] == case["judge_id"]

    await until(field_ops_knows_the_judge, "field_ops to learn the case's judge")
    issued = await post(http, f"{fo}/cases/{cid}/instructions", j, {
        "kind": "investigate", "region": "520102", "deadline": (clock.today() + timedelta(days=14)).isoformat(),
        "target": {"kind": "person", "description": "被执行人王某", "address": "贵阳市南明区某路 1 号"}}, 201)
    assert issued["team_id"] == "fo-t1"
    await post(http, f"{fo}/tasks/{issued['task_id']}/accept", FIELD_1A)
    await post(http, f"{fo}/tasks/{issued['task_id']}/report", FIELD_1A,
               {"outcome": "not_found", "details": "被执行人住所无可供执行财产"})
    await post(http, f"{url}/interview", j, {"summary_hash": H, "interviewed_on": clock.today().isoformat()})

    async def facts_in() -> dict[str, Any] | None:
        facts: dict[str, Any] = (await http.get(url, headers=CLERK)).json()["facts"]
        done = facts["queries"] == len(KINDS) and facts["queries_unanswered"] == 0 and facts["field_reports"] == 1
        return facts if done else None

    facts = await until(facts_in, "the search and the field report in intake's projections")
    assert (facts["unverified_leads"], facts["unresolved_assets"]) == ([], [])

    zhongben = {"closure_type": "终本", "reason": "穷尽财产调查措施，未发现可供执行的财产"}
    proposed = await post(http, f"{url}/closure", j, zhongben)
    assert proposed["status"] == "closure_proposed"
    closed = await post(http, f"{url}/closure/approve", CHIEF)
    assert (closed["status"], closed["events"]) == ("closed", ["intake.case_closed"])

    resumed = await http.post(f"{url}/resumption", headers=REVIEWER,
                              json={"ground": "applicant_new_lead", "reason": "申请执行人提供被执行人新的银行账户"})
    assert resumed.status_code == 201, resumed.text
    body = resumed.json()
    new = body["new_case"]
    assert (body["case_id"], body["events"], body["version"]) == (cid, ["intake.case_resumed"], closed["version"] + 1)
    assert resumed.headers["location"] == f"/cases/{new['case_id']}"
    assert (new["case_type"], new["status"], new["track"], new["linked_case_id"]) == (
        "执恢", "in_progress", "ordinary", cid)
    assert new["case_number"].startswith(f"（{clock.today().year}）黔01执恢") and new["case_number"].endswith("号")
    assert new["judge_id"] in ORDINARY_JUDGES - {case["judge_id"]}  # 双循环: never the judge who closed it
    assert new["events"] == ["intake.application_received", "intake.case_registered", "intake.case_triaged",
                             "intake.case_assigned"]

    old = (await http.get(url, headers=CLERK)).json()
    assert (old["status"], old["closure_type"], old["resumed_as"]) == ("closed", "终本", new["case_id"])
    linked = (await http.get(f"{intake}/cases/{new['case_id']}", headers=CLERK)).json()
    assert (linked["case_number"], linked["linked_case_id"], linked["judge_id"], linked["registered_on"]) == (
        new["case_number"], cid, new["judge_id"], clock.today().isoformat())
    twice = await http.post(f"{url}/resumption", headers=auth("qz-rev-02", "reviewer"),
                            json={"ground": "ex_officio_research", "reason": "依职权复查"})
    assert twice.status_code == 409 and twice.json()["code"] == "already_resumed"

    # Supervision, re-checking the whole trail, finds nothing to object to in either case.
    async def in_trail(case_id: str, event_type: str) -> bool:
        r = await http.get(f"{system.url('supervision')}/cases/{case_id}/trail", headers=SUPERVISOR)
        return r.status_code == 200 and event_type in {e["event_type"] for e in r.json()["events"]}

    await until(lambda: in_trail(cid, "intake.case_resumed"), "the resumption in supervision's trail")
    await until(lambda: in_trail(new["case_id"], "intake.case_assigned"), "the new case in supervision's trail")
    for case_id in (cid, new["case_id"]):
        found = (await http.get(f"{system.url('supervision')}/findings", params={"case_id": case_id},
                                headers=SUPERVISOR)).json()["findings"]
        assert found == [], found
