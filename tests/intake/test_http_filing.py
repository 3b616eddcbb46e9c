"""Filing over HTTP: application, one-time notice, supplement, register, case numbers, routing."""

from __future__ import annotations

import asyncio
import re

import httpx

from deploy.system import System
from shared import clock
from tests.conftest import auth, court_years_since
from tests.intake.conftest import CLERK, MATERIALS, H, application, judge, register

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
    url = f"{system.url('intake')}/cases"

    def number(answer: httpx.Response) -> tuple[str, int]:
        assert answer.status_code == 201, answer.text
        m = re.fullmatch(rf"（({court_years_since(start)})）赣0502执保(\d+)号", answer.json()["case_number"])
        assert m, answer.json()["case_number"]
        return m[1], int(m[2])

    # The first number this run gets (after whatever earlier runs on kept data were given)…
    first_year, first = number(await http.post(url, json=body, headers=clerk))
    answers = await asyncio.gather(*(http.post(url, json=body, headers=clerk) for _ in range(200)))
    by_year: dict[str, list[int]] = {}
    for a in answers:
        year, seq = number(a)
        by_year.setdefault(year, []).append(seq)
    # …then the 200 concurrent ones, each once, right after it with no gap: first+1 … first+200 (a
    # run across New Year continues in the old year and starts again at 1 in the new one).
    assert all(year >= first_year for year in by_year), by_year
    expected_old = list(range(first + 1, first + 1 + len(by_year.get(first_year, []))))
    assert sorted(by_year.get(first_year, [])) == expected_old, (first, sorted(by_year.get(first_year, [])))
    for year in sorted(y for y in by_year if y != first_year):
        assert sorted(by_year[year]) == list(range(1, len(by_year[year]) + 1)), (year, sorted(by_year[year]))
    assert sum(map(len, by_year.values())) == 200
    # A judgment goes to the ordinary track; 赣0502 routes at random among its two ordinary judges.
    assert {(a.json()["track"], a.json()["team_id"]) for a in answers} == {("ordinary", "赣0502-普执组")}
    assert {a.json()["judge_id"] for a in answers} == {"yd-j-201", "yd-j-202"}


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
    assert (no_reason.json()["code"], no_reason.json()["rule"]) == ("reason_required", "互相制约-12")
    blank = await http.post(url, json={"judge_id": "qz-j-202", "reason": "   "}, headers=LEAD)
    assert blank.status_code == 422, blank.text
    assert (blank.json()["code"], blank.json()["rule"]) == ("reason_required", "互相制约-12")
    assert blank.json()["errors"] == [{"field": "reason", "message": "理由不能为空（至少 2 个字）", "code": "missing"}]
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


async def test_a_judge_cannot_reassign_their_own_case_and_the_refusal_names_rule_12(
    system: System, http: httpx.AsyncClient
) -> None:
    case = await register(http, system)
    other = "qz-j-201" if case["judge_id"] != "qz-j-201" else "qz-j-202"
    r = await http.post(f"{system.url('intake')}/cases/{case['case_id']}/assignment",
                        json={"judge_id": other, "reason": "工作调整"}, headers=judge(case["judge_id"]))
    assert r.status_code == 403, r.text
    assert (r.json()["code"], r.json()["rule"]) == ("role_not_allowed", "互相制约-12")
    detail = (await http.get(f"{system.url('intake')}/cases/{case['case_id']}", headers=CLERK)).json()
    assert detail["judge_id"] == case["judge_id"]


async def test_a_respondent_born_decades_before_their_region_code_existed_is_registered(
    system: System, http: httpx.AsyncClient
) -> None:
    """520102 (贵阳市南明区) dates from 1983; the number carries where it was issued, not the birthplace."""
    respondent = {"kind": "person", "name": "张某", "id_number": "520102195001011231"}
    applicant = {"kind": "person", "name": "李某", "id_number": "520102198001011235"}
    r = await http.post(f"{system.url('intake')}/cases", json=application(
        respondent=respondent, applicant=applicant,
        materials=[m for m in MATERIALS if m["kind"] not in ("business_licence", "legal_rep_certificate")]
        + [{"material_class": "identity", "kind": "id_card", "content_hash": H}],
    ), headers=CLERK)
    assert r.status_code == 201, r.text
    found = await http.get(f"{system.url('intake')}/parties/520102195001011231/cases", headers=CLERK)
    assert found.status_code == 200
    roles = {c["case_id"]: c["party_role"] for c in found.json()["items"]}
    assert roles.get(r.json()["case_id"]) == "respondent", found.json()


async def test_another_courts_clerk_cannot_register_for_this_court(system: System, http: httpx.AsyncClient) -> None:
    r = await http.post(f"{system.url('intake')}/cases", json=application(),
                        headers=auth("clerk-x", "intake_clerk", court="赣0502"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "court"
