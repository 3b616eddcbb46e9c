"""Resumption after a breached settlement over HTTP (执行和解规定 2018 art. 9; 民诉法解释 art. 465): a case
closed as 终结执行 upon an unperformed settlement is resumed, on the applicant's application stating the
breach, as a new 执恢 case linked to it and assigned to a judge other than the one who closed it; an
application without the breach, or on the settlement's last day itself, is refused naming its rule
(TEST_SERVICES=intake,asset_search,simulator or the whole stack). That a late application is accepted
with the limitation recorded as passed is tested pure (test_settlement_resumption.py)."""

from __future__ import annotations

from datetime import timedelta

import httpx

from deploy.system import System
from shared import clock
from tests.conftest import case_applied_on
from tests.intake.conftest import CLERK, MATERIALS, H, judge
from tests.intake.test_http_closure_and_resumption import CHIEF, REVIEWER, SIMULATOR_OPERATOR, post


async def test_a_case_closed_upon_a_broken_settlement_is_resumed_on_the_applicants_application(
    system: System, http: httpx.AsyncClient
) -> None:
    intake = system.url("intake")
    applied = await post(http, f"{intake}/applications", CLERK, case_applied_on(clock.today(), materials=MATERIALS),
                         201)
    cid = applied["case_id"]
    r = await http.put(f"{system.url('simulator')}/knobs",
                       json={"case_id": cid, "agency_id": "*", "knobs": {"nothing_found": True}},
                       headers=SIMULATOR_OPERATOR)
    assert r.status_code == 200, r.text
    case = await post(http, f"{intake}/applications/{cid}/register", CLERK, None, 201)
    url, j = f"{intake}/cases/{cid}", judge(case["judge_id"])
    await post(http, f"{url}/settlement", j, {"performed": False, "agreement_hash": H})
    await post(http, f"{url}/closure", j, {"closure_type": "终结执行",
                                            "reason": "达成执行和解，申请执行人撤回执行申请"})
    closed = await post(http, f"{url}/closure/approve", CHIEF)
    assert (closed["status"], closed["events"]) == ("closed", ["intake.case_closed"])

    last_day = clock.today() - timedelta(days=1)
    application = {"ground": "settlement_breached", "reason": "申请执行人申请恢复执行原生效法律文书",
                   "breach": "被执行人未按和解协议支付第二期款项 50,000 元",
                   "settlement_due_on": last_day.isoformat(), "applied_on": clock.today().isoformat()}
    no_breach = await http.post(f"{url}/resumption", json={**application, "breach": None}, headers=REVIEWER)
    assert no_breach.status_code == 422, no_breach.text
    assert (no_breach.json()["rule"], no_breach.json()["code"]) == ("执行和解规定-9", "breach_required")
    early = await http.post(f"{url}/resumption", headers=REVIEWER, json={
        **application, "settlement_due_on": clock.today().isoformat()})
    assert early.status_code == 422, early.text
    assert (early.json()["rule"], early.json()["code"]) == ("执行和解规定-11", "performance_not_due")
    zhongben_ground = await http.post(f"{url}/resumption", headers=REVIEWER,
                                      json={"ground": "applicant_new_lead", "reason": "新线索"})
    assert zhongben_ground.status_code == 409 and zhongben_ground.json()["code"] == "not_zhongben"

    resumed = await post(http, f"{url}/resumption", REVIEWER, application, 201)
    assert resumed["events"] == ["intake.case_resumed"]
    new = resumed["new_case"]
    assert new["case_type"] == "执恢" and new["linked_case_id"] == cid and "执恢" in new["case_number"]
    assert new["judge_id"] != case["judge_id"]
    history = (await http.get(url, headers=CLERK)).json()["history"]
    assert history[-1]["event_type"] == "intake.case_resumed"
    twice = await http.post(f"{url}/resumption", json=application, headers=REVIEWER)
    assert twice.status_code == 409 and twice.json()["code"] == "already_resumed"
