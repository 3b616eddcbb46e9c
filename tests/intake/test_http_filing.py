"""Filing over HTTP: application, one-time notice, supplement, register, case numbers, routing."""

from __future__ import annotations

import asyncio
import re

import httpx

from deploy.system import System
from shared import clock
from tests.conftest import auth, court_years_since
from tests.intake.conftest import CLERK, MATERIALS, application, judge, register

LEAD = auth("qz-lead-02", "team_lead")


async def test_an_incomplete_application_gets_one_notice_then_is_supplemented_and_registered(
    system: System, http: httpx.AsyncClient
) -> None:
    intake, start = system.url("intake"), clock.today()
    r = await http.post(f"{intake}/applications", json=application(materials=MATERIALS[:2]), headers=CLERK)
    assert r.status_code == 201, r.text
    created = r.json()
    case_id = created["case_id"]
    assert created["status"] == "awaiting_supplement" and created["supplement_deadline"]
    assert {m["kind"] for m in created["missing"]} == {
        "effectiveness_proof", "business_licence", "legal_rep_certificate", "asset_lead|no_lead_statement"}
    assert created["events"] == ["intake.application_received", "intake.supplement_requested"]

    early = await http.post(f"{intake}/applications/{case_id}/register", headers=CLERK)
    assert early.status_code == 422 and early.json()["rule"] == "一次性告知"
    assert len(early.json()["errors"]) == 4

    sup = await http.post(f"{intake}/applications/{case_id}/supplements", json={"items": MATERIALS[2:]},
                          headers=CLERK)
    assert sup.status_code == 200 and sup.json()["status"] == "applied"

    reg = await http.post(f"{intake}/applications/{case_id}/register", headers=CLERK)
    assert reg.status_code == 201, reg.text
    body = reg.json()
    assert re.fullmatch(rf"（(?:{court_years_since(start)})）黔01执\d+号", body["case_number"]), body
    assert body["events"] == ["intake.case_registered", "intake.case_triaged", "intake.case_assigned"]
    assert body["track"] == "ordinary" and body["judge_id"] in ("qz-j-201", "qz-j-202", "qz-j-203")

    again = await http.post(f"{intake}/applications/{case_id}/register", headers=CLERK)
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"


async def test_a_refusal_names_its_legal_ground(system: System, http: httpx.AsyncClient) -> None:
    intake = system.url("intake")
    created = (await http.post(f"{intake}/applications", json=application(), headers=CLERK)).json()
    bad = await http.post(f"{intake}/applications/{created['case_id']}/refuse",
                          json={"ground_code": "whatever", "reason": ""}, headers=CLERK)
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"ground_code", "reason"}
    r = await http.post(f"{intake}/applications/{created['case_id']}/refuse",
                        json={"ground_code": "no_jurisdiction", "reason": "被执行人住所地及财产均不在本辖区"},
                        headers=CLERK)
    assert r.status_code == 200 and r.json()["status"] == "refused"


async def test_200_concurrent_registrations_get_200_consecutive_numbers(
    system: System, http: httpx.AsyncClient
) -> None:
    clerk = auth("clerk-gy", "intake_clerk", court="赣0502")
    body, start = application(court="赣0502", case_type="执保"), clock.today()
    answers = await asyncio.gather(*(http.post(f"{system.url('intake')}/cases", json=body, headers=clerk)
                                     for _ in range(200)))
    assert {a.status_code for a in answers} == {201}, {a.text for a in answers if a.status_code != 201}
    numbers = [a.json()["case_number"] for a in answers]
    by_year: dict[str, list[int]] = {}
    for n in numbers:
        m = re.fullmatch(rf"（({court_years_since(start)})）赣0502执保(\d+)号", n)
        assert m, n
        by_year.setdefault(m[1], []).append(int(m[2]))
    # Gap-free and distinct within each court year (a run on kept data starts after the last number
    # given; a run across New Year restarts at 1 in the new year).
    for year, seq in by_year.items():
        assert sorted(seq) == list(range(min(seq), min(seq) + len(seq))), (year, sorted(seq))
    assert sum(map(len, by_year.values())) == 200
    judges = {a.json()["judge_id"] for a in answers}
    assert judges <= {"yd-j-101", "yd-j-102", "yd-j-201", "yd-j-202"}


async def test_triage_puts_small_mediation_cases_on_the_fast_track_and_a_lead_can_override(
    system: System, http: httpx.AsyncClient
) -> None:
    intake = system.url("intake")
    basis = {**application()["basis"], "kind": "mediation"}
    case = await register(http, system, basis=basis, claim_amount_fen=5_000_000, service_address_confirmed=True)
    assert case["track"] == "fast" and case["judge_id"] in ("qz-j-101", "qz-j-102")
    detail = (await http.get(f"{intake}/cases/{case['case_id']}", headers=CLERK)).json()
    triaged = next(h for h in detail["history"] if h["event_type"] == "intake.case_triaged")
    assert triaged["actor_id"] == "clerk-i01"

    judge_token = await http.post(f"{intake}/cases/{case['case_id']}/triage",
                                  json={"track": "ordinary", "reason": "涉及多处财产"}, headers=judge("qz-j-101"))
    assert judge_token.status_code == 403
    r = await http.post(f"{intake}/cases/{case['case_id']}/triage",
                        json={"track": "ordinary", "reason": "涉及多处财产"}, headers=LEAD)
    assert r.status_code == 200, r.text
    assert r.json()["track"] == "ordinary" and r.json()["judge_id"].startswith("qz-j-2")


async def test_manual_reassignment_by_a_leader_with_a_reason_and_a_stale_version_gets_409(
    system: System, http: httpx.AsyncClient
) -> None:
    intake = system.url("intake")
    case = await register(http, system, conflicts=["qz-j-203"])
    url = f"{intake}/cases/{case['case_id']}/assignment"
    no_reason = await http.post(url, json={"judge_id": "qz-j-202"}, headers=LEAD)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    conflicted = await http.post(url, json={"judge_id": "qz-j-203", "reason": "工作调整"}, headers=LEAD)
    assert conflicted.status_code == 422 and conflicted.json()["rule"] == "回避"
    not_lead = await http.post(url, json={"judge_id": "qz-j-202", "reason": "工作调整"},
                               headers=auth("qz-j-201", "team_lead"))
    assert not_lead.status_code == 403 and not_lead.json()["rule"] == "互相制约-12"
    target = "qz-j-201" if case["judge_id"] != "qz-j-201" else "qz-j-202"
    stale = await http.post(url, json={"judge_id": target, "reason": "工作调整"},
                            headers={**LEAD, "If-Match": str(case["version"] - 1)})
    assert stale.status_code == 409 and stale.json()["current_version"] == case["version"]
    ok = await http.post(url, json={"judge_id": target, "reason": "工作调整"},
                         headers={**LEAD, "If-Match": str(case["version"])})
    assert ok.status_code == 200 and ok.json()["judge_id"] == target


async def test_another_courts_clerk_cannot_register_for_this_court(system: System, http: httpx.AsyncClient) -> None:
    r = await http.post(f"{system.url('intake')}/cases", json=application(),
                        headers=auth("clerk-x", "intake_clerk", court="赣0502"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "court"
