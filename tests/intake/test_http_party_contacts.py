"""Parties' mobile numbers and SMS opt-outs at intake over HTTP: taken with the application (checked:
mainland 11 digits 1[3-9]…), changed later, each change an event in the case's trail; a request
without them is answered as before (existing clients and the import format are unchanged)."""

from __future__ import annotations

from typing import Any

import httpx

from deploy.system import System
from tests.conftest import auth
from tests.intake.conftest import AFFAIRS, CLERK, SUPERVISOR, application
from tests.waits import poll


def parties(applicant_mobile: str | None = None, respondent_mobile: str | None = None,
            applicant_opt_out: bool = False) -> dict[str, Any]:
    body = application()
    if applicant_mobile is not None:
        body["applicant"] = {**body["applicant"], "mobile": applicant_mobile, "sms_opt_out": applicant_opt_out}
    if respondent_mobile is not None:
        body["respondent"] = {**body["respondent"], "mobile": respondent_mobile}
    return body


async def contact_events(http: httpx.AsyncClient, system: System, case_id: str, n: int) -> list[dict[str, Any]]:
    url = f"{system.url('supervision')}/cases/{case_id}/trail"

    async def got() -> list[dict[str, Any]] | None:
        r = await http.get(url, headers=SUPERVISOR, params={"event_type": [
            "intake.party_mobile_recorded", "intake.party_sms_opt_out_changed"]})
        events = r.json().get("events", []) if r.status_code == 200 else []
        return events if len(events) >= n else None

    return await poll(got, timeout=30, what=f"{n} contact events of {case_id} in the trail")


async def test_mobile_numbers_are_taken_at_intake_checked_and_changed_later_as_events(
    system: System, http: httpx.AsyncClient
) -> None:
    intake = system.url("intake")
    bad = await http.post(f"{intake}/cases", json=parties("1380000000", "12800000000"), headers=CLERK)
    assert bad.status_code == 422, bad.text
    errors = {e["field"]: e["message"] for e in bad.json()["errors"]}
    assert errors == {"applicant.mobile": "手机号应为 11 位",
                      "respondent.mobile": "手机号应以 13–19 开头（大陆手机号段）"}

    r = await http.post(f"{intake}/cases", json=parties("+86 138-0000-0001", "13900000002", applicant_opt_out=True),
                        headers=CLERK)
    assert r.status_code == 201, r.text
    case_id = r.json()["case_id"]
    assert r.json()["events"][:4] == ["intake.application_received", "intake.party_mobile_recorded",
                                      "intake.party_sms_opt_out_changed", "intake.party_mobile_recorded"]

    # Later: the applicant accepts SMS again and changes number (the affairs centre); the respondent's
    # number is removed (the counter). Each is an event.
    url = f"{intake}/cases/{case_id}/parties/applicant/contact"
    wrong = await http.put(url, json={"mobile": "138000000a1"}, headers=AFFAIRS)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "mobile"
    empty = await http.put(url, json={}, headers=AFFAIRS)
    assert empty.status_code == 422
    changed = await http.put(url, json={"mobile": "13700000003", "sms_opt_out": False}, headers=AFFAIRS)
    assert changed.status_code == 200, changed.text
    assert changed.json()["events"] == ["intake.party_mobile_recorded", "intake.party_sms_opt_out_changed"]
    removed = await http.put(f"{intake}/cases/{case_id}/parties/respondent/contact", json={"mobile": None},
                             headers=CLERK)
    assert removed.status_code == 200 and removed.json()["events"] == ["intake.party_mobile_recorded"]
    assert (await http.put(f"{intake}/cases/{case_id}/parties/witness/contact", json={"mobile": None},
                           headers=CLERK)).status_code == 422
    search = await http.put(url, json={"sms_opt_out": True}, headers=auth("search-i01", "search_officer"))
    assert search.status_code == 403 and search.json()["rule"] == "权责清单"
    elsewhere = await http.put(url, json={"sms_opt_out": True}, headers=auth("clerk-gz", "intake_clerk",
                                                                              court="赣0502"))
    assert elsewhere.status_code == 404

    events = await contact_events(http, system, case_id, 6)
    got = [(e["event_type"], e["payload"]["party"], e["payload"].get("mobile", e["payload"].get("opted_out")))
           for e in events]
    assert got == [
        ("intake.party_mobile_recorded", "applicant", "13800000001"),
        ("intake.party_sms_opt_out_changed", "applicant", True),
        ("intake.party_mobile_recorded", "respondent", "13900000002"),
        ("intake.party_mobile_recorded", "applicant", "13700000003"),
        ("intake.party_sms_opt_out_changed", "applicant", False),
        ("intake.party_mobile_recorded", "respondent", None),
    ]


async def test_an_application_without_contact_details_is_answered_as_before(
    system: System, http: httpx.AsyncClient
) -> None:
    r = await http.post(f"{system.url('intake')}/cases", json=application(), headers=CLERK)
    assert r.status_code == 201, r.text
    assert "intake.party_mobile_recorded" not in r.json()["events"]
