"""After assignment, over HTTP: notices, clock events, closure conditions from other services'
events (published to Kafka as those services would), objection, resumption, queries."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx

from deploy.system import System
from services.intake.domain.closure import add_months
from shared import clock
from shared.envelope import Actor
from shared.holidays import HolidayCalendar
from tests.conftest import auth
from tests.intake.conftest import AFFAIRS, CLERK, H, Publish, application, eventually, judge, register
from tests.waits import poll

CHIEF = auth("qz-chief-01", "bureau_chief")
PRESIDENT = auth("qz-president", "president")
VICE_PRESIDENT = auth("qz-vp-01", "vice_president")
KINDS = ("bank_deposit", "real_estate", "vehicle", "securities", "equity", "housing_fund", "online_payment", "vessel")


async def sign(http: httpx.AsyncClient, system: System, case: dict[str, Any], kind: str) -> httpx.Response:
    intake = system.url("intake")
    prepared = await http.post(f"{intake}/cases/{case['case_id']}/notices",
                               json={"notice_kind": kind, "document_hash": H}, headers=AFFAIRS)
    assert prepared.status_code == 201, prepared.text
    notice_url = prepared.headers["location"]
    return await http.post(f"{intake}{notice_url}/sign", headers=judge(case["judge_id"]))


async def test_notices_are_prepared_by_affairs_and_signed_only_by_the_cases_judge(
    system: System, http: httpx.AsyncClient
) -> None:
    case = await register(http, system)
    intake = system.url("intake")
    prepared = await http.post(f"{intake}/cases/{case['case_id']}/notices",
                               json={"notice_kind": "enforcement_notice", "document_hash": "not-a-hash"},
                               headers=AFFAIRS)
    assert prepared.status_code == 422 and prepared.json()["errors"][0]["field"] == "document_hash"
    other = "qz-j-201" if case["judge_id"] != "qz-j-201" else "qz-j-202"
    p = await http.post(f"{intake}/cases/{case['case_id']}/notices",
                        json={"notice_kind": "enforcement_notice", "document_hash": H}, headers=AFFAIRS)
    assert p.status_code == 201, p.text
    wrong = await http.post(f"{intake}{p.headers['location']}/sign", headers=judge(other))
    assert wrong.status_code == 403 and wrong.json()["rule"] == "互相制约-2"
    ok = await http.post(f"{intake}{p.headers['location']}/sign", headers=judge(case["judge_id"]))
    assert ok.status_code == 200 and ok.json()["events"] == ["intake.notice_issued"]


async def test_clock_events_suspend_resume_postpone_and_extension(system: System, http: httpx.AsyncClient) -> None:
    start = clock.today()
    case = await register(http, system)
    url, j = f"{system.url('intake')}/cases/{case['case_id']}", judge(case["judge_id"])
    until = (clock.today() + timedelta(days=30)).isoformat()

    async def step(path: str, body: dict[str, Any], event: str, status: str) -> None:
        """One clock event: the case's status after it, and the one event it recorded."""
        r = await http.post(f"{url}/{path}", json=body, headers=j)
        assert r.status_code == 200, r.text
        assert (r.json()["status"], r.json()["events"]) == (status, [event]), r.json()
        assert (await http.get(url, headers=CLERK)).json()["status"] == status

    await step("suspension", {"reason": "被执行人死亡"}, "intake.case_suspended", "suspended")
    twice = await http.post(f"{url}/suspension", json={"reason": "再次"}, headers=j)
    assert twice.status_code == 409 and twice.json()["case_status"] == "suspended"
    await step("suspension/lift", {"reason": "已确定继承人"}, "intake.suspension_lifted", "in_progress")
    await step("postponement", {"reason": "提供担保", "until": until}, "intake.case_postponed", "postponed")
    await step("postponement/lift", {"reason": "期满"}, "intake.postponement_lifted", "in_progress")
    asked = await http.post(f"{url}/extension", json={"months": 3, "reason": "财产处置中"}, headers=j)
    assert asked.status_code == 200, asked.text
    assert asked.json()["events"] == ["intake.extension_requested"]
    not_president = await http.post(f"{url}/extension/approve", headers=CHIEF)
    assert not_president.status_code == 403 and not_president.json()["rule"] == "互相制约-11"
    approved = await http.post(f"{url}/extension/approve", headers=PRESIDENT)
    assert approved.status_code == 200 and approved.json()["events"] == ["intake.extension_approved"]
    detail = (await http.get(url, headers=CLERK)).json()
    # 6 months from registration + the 3 approved; the pauses were lifted the day they began
    # (a day more only if this test ran across midnight); a last day on a rest day moves to the next
    # working day (民诉法 art. 85), as supervision counts it.
    registered = date.fromisoformat(detail["registered_on"])
    base = add_months(registered, 6 + 3)
    assert detail["closure_due"] in {HolidayCalendar().roll_forward(base + timedelta(days=d))[0].isoformat()
                                     for d in range((clock.today() - start).days + 1)}, detail["closure_due"]


async def test_a_vice_president_approves_an_extension_and_a_bureau_chief_is_refused_by_rule_11(
    system: System, http: httpx.AsyncClient
) -> None:
    """期限规定 2006 art. 1: 报请本院院长或副院长批准 (docs/rules.md §7.11)."""
    case = await register(http, system)
    url = f"{system.url('intake')}/cases/{case['case_id']}"
    asked = await http.post(f"{url}/extension", json={"months": 3, "reason": "财产处置中"},
                            headers=judge(case["judge_id"]))
    assert asked.status_code == 200, asked.text
    chief = await http.post(f"{url}/extension/approve", headers=CHIEF)
    assert chief.status_code == 403, chief.text
    assert (chief.json()["code"], chief.json()["rule"]) == ("role_not_allowed", "互相制约-11")
    approved = await http.post(f"{url}/extension/approve", headers=VICE_PRESIDENT)
    assert approved.status_code == 200, approved.text
    assert approved.json()["events"] == ["intake.extension_approved"]
    history = (await http.get(url, headers=CLERK)).json()["history"]
    event = next(h for h in history if h["event_type"] == "intake.extension_approved")
    assert event["actor_id"] == "qz-vp-01", event


async def test_zhongben_refusal_lists_every_unmet_condition_from_intakes_own_projections(
    system: System, http: httpx.AsyncClient, publish: Publish
) -> None:
    # The real asset_search searches the case once it is assigned: the agencies (the simulator) are
    # told to find nothing for it, so only the conditions this test sets up remain.
    applied = await http.post(f"{system.url('intake')}/applications", json=application(), headers=CLERK)
    assert applied.status_code == 201, applied.text
    knobs = await http.put(f"{system.url('simulator')}/knobs", headers=auth("sim-admin-i03", "admin"),
                           json={"case_id": applied.json()["case_id"], "agency_id": "*",
                                 "knobs": {"nothing_found": True}})
    assert knobs.status_code == 200, knobs.text
    registered = await http.post(f"{system.url('intake')}/applications/{applied.json()['case_id']}/register",
                                 headers=CLERK)
    assert registered.status_code == 201, registered.text
    case = registered.json()
    cid, url, j = case["case_id"], f"{system.url('intake')}/cases/{case['case_id']}", judge(case["judge_id"])
    for kind in KINDS:
        await publish(cid, "asset_search.query_dispatched", {"query_id": f"q-{kind}", "agency_id": f"{kind}-1",
                                                              "agency_kind": kind})
    await publish(cid, "asset_search.lead_recorded", {"lead_id": "lead-1", "urgent": False})

    async def seen() -> bool:
        # The lead was published after the eight queries, on the same key: once intake shows it, it
        # has projected them too. The real asset_search also searches the case it saw assigned, so
        # intake may count its queries as well (eight more): "at least", not "exactly".
        facts = (await http.get(url, headers=CLERK)).json()["facts"]
        return facts["unverified_leads"] == ["lead-1"] and facts["queries"] >= len(KINDS)

    await eventually(seen, "intake projected the search and the lead")
    body = {"closure_type": "终本", "reason": "穷尽财产调查措施", "debtor_qualifies_for_blacklisting": True}
    r = await http.post(f"{url}/closure", json=body, headers=j)
    assert r.status_code == 422 and r.json()["rule"] == "互相制约-6"
    unmet = {e["field"] for e in r.json()["errors"]}
    assert unmet == {"enforcement_notice", "consumption_restriction", "blacklisting", "online_search",
                     "leads_verified", "offline_investigation", "three_months", "applicant_interviewed"}

    for kind in ("enforcement_notice", "consumption_restriction", "blacklisting"):
        assert (await sign(http, system, case, kind)).status_code == 200
    assert (await http.post(f"{url}/interview", json={"summary_hash": H, "interviewed_on": "2026-11-23"},
                            headers=j)).status_code == 200
    for kind in KINDS:
        await publish(cid, "asset_search.agency_answered", {"query_id": f"q-{kind}", "agency_id": f"{kind}-1",
                                                             "agency_kind": kind, "outcome": "nothing_found"},
                      Actor(kind="agency", id=f"{kind}-1"))
    await publish(cid, "asset_search.lead_verified", {"lead_id": "lead-1", "outcome": "not_found"})
    await publish(cid, "field_ops.task_reported", {"task_id": "t1", "outcome": "not_found"}, "field-i01")

    async def unmet_now() -> set[str]:
        r = await http.post(f"{url}/closure", json=body, headers=j)
        return {e["field"] for e in r.json().get("errors", [])}

    # The real search's eight agencies answer too (the simulator takes its time under load): up to a
    # minute; on a timeout the message shows what was still unmet.
    await poll(unmet_now, "only the 3-month condition left", timeout=60, interval=0.2,
               until=lambda unmet: unmet == {"three_months"})


async def test_paid_in_full_closes_after_disposal_reports_payment_and_someone_else_approves(
    system: System, http: httpx.AsyncClient, publish: Publish
) -> None:
    case = await register(http, system)
    cid, url, j = case["case_id"], f"{system.url('intake')}/cases/{case['case_id']}", judge(case["judge_id"])
    body = {"closure_type": "执行完毕", "reason": "执行款已足额支付"}
    refused = await http.post(f"{url}/closure", json=body, headers=j)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "claim_paid"
    await publish(cid, "disposal.claim_paid_in_full", {"claim_amount_fen": 12_345_600}, "finance-i01")

    async def proposed() -> bool:
        return (await http.post(f"{url}/closure", json=body, headers=j)).status_code == 200

    await eventually(proposed, "closure proposed after payment")
    self_approval = await http.post(f"{url}/closure/approve", headers=auth(case["judge_id"], "bureau_chief"))
    assert self_approval.status_code == 422 and self_approval.json()["rule"] == "互相制约-6"
    ok = await http.post(f"{url}/closure/approve", headers=CHIEF)
    assert ok.status_code == 200 and ok.json()["status"] == "closed"
    not_zhongben = await http.post(f"{url}/resumption", json={"ground": "applicant_new_lead", "reason": "新线索"},
                                   headers=auth("qz-rev-01", "reviewer"))
    assert not_zhongben.status_code == 409 and not_zhongben.json()["code"] == "not_zhongben"


async def test_objection_reviewers_exclude_everyone_who_acted_in_any_service(
    system: System, http: httpx.AsyncClient, publish: Publish
) -> None:
    case = await register(http, system)
    cid, url = case["case_id"], f"{system.url('intake')}/cases/{case['case_id']}"
    await publish(cid, "asset_search.control_ordered", {"control_id": "c1"}, "qz-rev-03")
    objector = {"kind": "person", "name": "案外人赵某", "id_number": "11010519491231002X"}
    body = {"objector": objector, "grounds": "被查封房屋属于案外人",
            "reviewers": ["qz-rev-01", "qz-rev-02", "qz-rev-03"]}

    async def refused() -> bool:
        r = await http.post(f"{url}/objections", json=body, headers=CLERK)
        return r.status_code == 422 and r.json().get("rule") == "互相制约-8"

    await eventually(refused, "the reviewer who acted in asset_search is refused")
    with_judge = {**body, "reviewers": ["qz-rev-01", "qz-rev-02", case["judge_id"]]}
    r = await http.post(f"{url}/objections", json=with_judge, headers=CLERK)
    assert r.status_code == 422 and r.json()["errors"][0]["message"].startswith(case["judge_id"])
    ok = await http.post(f"{url}/objections", json={**body, "reviewers": ["qz-rev-01", "qz-rev-02", "qz-x-9"]},
                         headers=CLERK)
    assert ok.status_code == 201, ok.text
    new_case = ok.json()["new_case"]
    assert new_case["case_type"] == "执异" and "执异" in new_case["case_number"]
    linked = (await http.get(f"{system.url('intake')}/cases/{new_case['case_id']}", headers=CLERK)).json()
    assert linked["linked_case_id"] == cid and linked["applicant_name"] == "案外人赵某"


async def test_queries_list_lookup_and_workload(system: System, http: httpx.AsyncClient) -> None:
    intake = system.url("intake")

    async def workload() -> tuple[dict[str, int], dict[str, int], set[str]]:
        judges = (await http.get(f"{intake}/workload/judges", headers=CLERK)).json()["judges"]
        teams = (await http.get(f"{intake}/workload/teams", headers=CLERK)).json()["teams"]
        party = (await http.get(f"{intake}/parties/110105198001010016/cases", headers=CLERK)).json()["items"]
        return ({x["judge_id"]: x["open"] for x in judges}, {t["team_id"]: t["open"] for t in teams},
                {i["case_id"] for i in party})

    judges_before, teams_before, party_before = await workload()
    respondent = {"kind": "person", "name": "张某", "id_number": "110105198001010016"}
    case = await register(http, system, respondent=respondent)
    half = case["case_number"].replace("（", "(").replace("）", ")")
    found = await http.get(f"{intake}/cases/by-number/{half}", headers=CLERK)
    assert found.status_code == 200 and found.json()["case_id"] == case["case_id"]
    # Another court's clerk learns nothing: the same 404 as for a case that does not exist, no court named.
    elsewhere = auth("clerk-gy", "intake_clerk", court="赣0502")
    theirs = await http.get(f"{intake}/cases/{case['case_id']}", headers=elsewhere)
    none = await http.get(f"{intake}/cases/{uuid.uuid4()}", headers=elsewhere)
    assert theirs.status_code == none.status_code == 404 and theirs.json()["detail"] == none.json()["detail"]
    assert theirs.json()["code"] == "case_not_found" and "黔01" not in theirs.text
    theirs = await http.get(f"{intake}/cases/by-number/{half}", headers=elsewhere)
    assert theirs.status_code == 404 and theirs.json()["code"] == "case_not_found"
    assert theirs.json()["detail"] == f"未找到案号为 {case['case_number']} 的案件"  # only what was asked
    by_party = (await http.get(f"{intake}/parties/110105198001010016/cases", headers=CLERK)).json()
    assert {i["case_id"] for i in by_party["items"]} - party_before == {case["case_id"]}
    assert next(i for i in by_party["items"] if i["case_id"] == case["case_id"])["party_role"] == "respondent"
    listed = (await http.get(f"{intake}/cases", params={"judge_id": case["judge_id"], "status": "in_progress",
                                                         "track": "ordinary"}, headers=CLERK)).json()
    assert case["case_id"] in {i["case_id"] for i in listed["items"]}
    assert all(i["judge_id"] == case["judge_id"] for i in listed["items"])
    other_court = await http.get(f"{intake}/cases", params={"court": "赣0502"}, headers=CLERK)
    assert other_court.status_code == 403
    # The workload counts this one case more: its judge's and its team's, nobody else's.
    judges_after, teams_after, _ = await workload()
    assert judges_after == judges_before | {case["judge_id"]: judges_before.get(case["judge_id"], 0) + 1}
    assert teams_after == teams_before | {case["team_id"]: teams_before[case["team_id"]] + 1}
    detail = (await http.get(f"{intake}/cases/{case['case_id']}", headers=CLERK)).json()
    assert [h["event_type"] for h in detail["history"]] == [
        "intake.application_received", "intake.case_registered", "intake.case_triaged", "intake.case_assigned"]
