"""Control over HTTP: only the judge rules; the agency confirms; deduction, queue, lapse, renewal, release."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from deploy.system import System
from shared import clock
from tests.asset_search.helpers import (
    KINDS,
    SEARCHER,
    eventually,
    judge,
    months_after,
    open_case,
    publish,
    set_knobs,
    trail_types,
    wait_search,
)
from tests.conftest import auth


@pytest.fixture
async def found_case(system: System, http: httpx.AsyncClient, producer: AIOKafkaProducer) -> dict[str, Any]:
    case_id = str(uuid.uuid4())
    judge_id = f"judge-{uuid.uuid4().hex[:6]}"
    await open_case(producer, system, judge_id, case_id=case_id)
    f = await wait_search(
        http, system, case_id, lambda f: set(KINDS) <= {a["asset_kind"] for a in f["assets"]},
        what="an asset of every kind",
    )
    return {"case_id": case_id, "judge_id": judge_id, "assets": {a["asset_kind"]: a for a in f["assets"]}}


async def _order(http: httpx.AsyncClient, system: System, case: dict[str, Any], kind: str, measure: str,
                 headers: dict[str, str] | None = None, **extra: Any) -> httpx.Response:
    return await http.post(f"{system.url('asset_search')}/cases/{case['case_id']}/controls",
                           headers=headers or judge(case["judge_id"]),
                           json={"asset_id": case["assets"][kind]["asset_id"], "measure": measure,
                                 "ruling_number": "（2026）黔01执9号", **extra})


async def _control(http: httpx.AsyncClient, system: System, case_id: str, control_id: str, status: str) -> dict:
    f = await wait_search(http, system, case_id,
                          lambda f: any(c["control_id"] == control_id and c["status"] == status for c in f["controls"]),
                          what=f"control {status}")
    return next(c for c in f["controls"] if c["control_id"] == control_id)


async def test_only_the_cases_current_judge_orders_controls(
    system: System, http: httpx.AsyncClient, found_case: dict[str, Any]
) -> None:
    other_judge = await _order(http, system, found_case, "vehicle", "seize", headers=judge("judge-other"))
    assert other_judge.status_code == 403 and other_judge.json()["rule"] == "互相制约-2"
    officer = await _order(http, system, found_case, "vehicle", "seize", headers=SEARCHER)
    assert officer.status_code == 403 and officer.json()["rule"] == "互相制约-2"
    other_court = await _order(http, system, found_case, "vehicle", "seize",
                               headers=auth(found_case["judge_id"], "judge", court="黔03"))
    assert other_court.status_code == 404 and other_court.json()["code"] == "case_not_found"
    bad = await _order(http, system, found_case, "vehicle", "deduct")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "measure"
    f = await wait_search(http, system, found_case["case_id"], lambda f: True)
    assert f["controls"] == []


async def test_a_search_officer_ordering_a_control_is_refused_by_role_naming_rule_2(
    system: System, http: httpx.AsyncClient
) -> None:
    """Only the judge rules on a control (互相制约-2): the refusal by role names the rule."""
    r = await http.post(f"{system.url('asset_search')}/cases/{uuid.uuid4()}/controls", headers=SEARCHER,
                        json={"asset_id": "a-1", "measure": "freeze", "ruling_number": "（2026）黔01执9号"})
    assert r.status_code == 403, r.text
    assert (r.json()["code"], r.json()["rule"]) == ("role_not_allowed", "互相制约-2")


async def test_over_control_needs_a_reason_and_a_seizure_is_confirmed_within_three_years(
    system: System, http: httpx.AsyncClient, found_case: dict[str, Any]
) -> None:
    refused = await _order(http, system, found_case, "real_estate", "seize")
    assert refused.status_code == 422 and refused.json()["code"] == "over_control_needs_reason"
    assert refused.json()["errors"][0]["field"] == "over_control_reason"
    reason = "房产为唯一可供执行财产且不可分割"
    ok = await _order(http, system, found_case, "real_estate", "seize", over_control_reason=reason)
    assert ok.status_code == 201, ok.text
    c = await _control(http, system, found_case["case_id"], ok.json()["control_id"], "effective")
    effective = date.fromisoformat(c["effective_date"])
    assert date.fromisoformat(c["expiry_date"]) == months_after(effective, 36)


async def test_a_confirmed_deduction_is_money_for_the_case_account(
    system: System, http: httpx.AsyncClient, found_case: dict[str, Any]
) -> None:
    r = await _order(http, system, found_case, "online_payment", "deduct", amount_limit_fen=50_000)
    assert r.status_code == 201, r.text
    c = await _control(http, system, found_case["case_id"], r.json()["control_id"], "effective")
    assert c["amount_fen"] == 50_000 and c["expiry_date"] is None

    async def in_trail() -> bool:
        return "asset_search.deduction_confirmed" in await trail_types(http, system, found_case["case_id"])

    await eventually(in_trail, what="deduction_confirmed in supervision's trail")


async def test_a_queued_seizure_records_its_position(
    system: System, http: httpx.AsyncClient, found_case: dict[str, Any]
) -> None:
    await set_knobs(http, system, case_id=found_case["case_id"], agency_id="vehicle-admin", control_outcome="queued")
    r = await _order(http, system, found_case, "vehicle", "seize")
    c = await _control(http, system, found_case["case_id"], r.json()["control_id"], "queued")
    assert c["queue_position"] == 2


async def test_an_unrenewed_control_lapses_and_a_renewed_one_is_extended_then_released(
    system: System, http: httpx.AsyncClient, found_case: dict[str, Any]
) -> None:
    case_id, base = found_case["case_id"], system.url("asset_search")
    await set_knobs(http, system, case_id=case_id, agency_id="securities-depository",
                    control_effective_date="2025-01-02", control_expiry_date="2025-06-30")
    lapsing = await _order(http, system, found_case, "securities", "freeze")
    lapsed = await _control(http, system, case_id, lapsing.json()["control_id"], "lapsed")
    assert lapsed["expiry_date"] == "2025-06-30"

    today = clock.today()
    await set_knobs(http, system, case_id=case_id, agency_id="vehicle-admin",
                    control_expiry_date=(today + timedelta(days=30)).isoformat())
    r = await _order(http, system, found_case, "vehicle", "impound")
    control_id = r.json()["control_id"]
    c = await _control(http, system, case_id, control_id, "effective")
    renew = await http.post(f"{base}/cases/{case_id}/controls/{control_id}/renewal",
                            json={"ruling_number": "续封裁定1"}, headers=judge(found_case["judge_id"]))
    assert renew.status_code == 200, renew.text
    f = await wait_search(http, system, case_id, lambda f: any(
        k["control_id"] == control_id and k["expiry_date"] != c["expiry_date"] for k in f["controls"]))
    renewed = next(k for k in f["controls"] if k["control_id"] == control_id)
    # renewed for the longest a vehicle may be seized (2 years, 民诉法解释 art. 485) from its current
    # expiry; a 29 February expiry ends on 28 February two years on
    assert renewed["expiry_date"] == months_after(today + timedelta(days=30), 24).isoformat()
    other = await http.post(f"{base}/cases/{case_id}/controls/{control_id}/release",
                            json={"ruling_number": "解封1", "reason": "和解"}, headers=judge("judge-other"))
    assert other.status_code == 403
    released = await http.post(f"{base}/cases/{case_id}/controls/{control_id}/release",
                               json={"ruling_number": "解封1", "reason": "双方和解"},
                               headers=judge(found_case["judge_id"]))
    assert released.status_code == 200
    await _control(http, system, case_id, control_id, "released")


async def test_leads_are_verified_on_time_and_a_field_check_is_requested(
    system: System, http: httpx.AsyncClient, found_case: dict[str, Any]
) -> None:
    case_id, base = found_case["case_id"], system.url("asset_search")
    bad = await http.post(f"{base}/cases/{case_id}/leads", json={"description": "", "target": ""}, headers=SEARCHER)
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"description", "target"}
    r = await http.post(f"{base}/cases/{case_id}/leads", headers=SEARCHER, json={
        "description": "申请人称被执行人在花溪区有一处商铺", "target": "花溪区某路12号商铺", "region": "花溪区",
        "asset_kind": "real_estate", "urgent": True})
    assert r.status_code == 201, r.text
    lead_id = r.json()["lead_id"]
    assert date.fromisoformat(r.json()["due_date"]) >= clock.today() + timedelta(days=3)
    v = await http.post(f"{base}/cases/{case_id}/leads/{lead_id}/verification", headers=SEARCHER,
                        json={"outcome": "needs_field_check", "note": "网络查询无登记信息，需实地核实"})
    assert v.status_code == 200 and "asset_search.field_check_requested" in v.json()["events"]
    again = await http.post(f"{base}/cases/{case_id}/leads/{lead_id}/verification", headers=SEARCHER,
                            json={"outcome": "confirmed", "note": "x"})
    assert again.status_code == 409


async def test_after_zhongben_the_debtor_is_searched_again_every_six_months_for_five_years(
    system: System, http: httpx.AsyncClient, producer: AIOKafkaProducer, found_case: dict[str, Any]
) -> None:
    case_id, start = found_case["case_id"], clock.today()
    await publish(producer, system, case_id, "intake.case_closed",
                  {"closure_type": "终本", "judge_id": found_case["judge_id"], "approved_by": "chief-1"})
    f = await wait_search(http, system, case_id,
                          lambda f: f["research_schedule"] is not None and f["case"]["closure_type"] is not None)
    due = [date.fromisoformat(d) for d in f["research_schedule"]["due_dates"]]
    closed = [start + timedelta(days=d) for d in range((clock.today() - start).days + 1)]
    # every 6 months from the day of 终本, for 5 years (the closing day is the day the event carries)
    assert due in [[months_after(day, 6 * i) for i in range(1, 11)] for day in closed], due
    assert f["case"]["closure_type"] == "终本"
