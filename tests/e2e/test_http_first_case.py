"""One case travels intake → outbox → Kafka → supervision's audit trail, over HTTP: application,
registration (case number, triage, assignment) and a signed notice."""

from __future__ import annotations

import asyncio
import re

import httpx

from deploy.system import System
from shared import clock
from tests.conftest import auth, court_years_since, valid_case

CLERK = auth("clerk-001", "intake_clerk")
AFFAIRS = auth("affairs-001", "affairs_clerk")
SUPERVISOR = auth("sup-001", "supervisor")
H = "0123456789abcdef" * 4
MATERIALS = [
    {"material_class": "application_form", "kind": "application", "content_hash": H},
    {"material_class": "basis_document", "kind": "basis_copy", "content_hash": H},
    {"material_class": "basis_document", "kind": "effectiveness_proof", "content_hash": H},
    {"material_class": "identity", "kind": "business_licence", "content_hash": H},
    {"material_class": "identity", "kind": "legal_rep_certificate", "content_hash": H},
    {"material_class": "asset_leads", "kind": "asset_lead", "reference": "申请人提交的银行账户线索"},
]


async def wait_for_trail(
    http: httpx.AsyncClient, system: System, case_id: str, count: int = 1, service: str = "intake"
) -> list[dict]:
    """The case's trail as written by ``service`` once it holds ``count`` events."""
    for _ in range(150):
        r = await http.get(
            f"{system.url('supervision')}/cases/{case_id}/trail", params={"service": service}, headers=SUPERVISOR
        )
        if r.status_code == 200 and len(r.json()["events"]) >= count:
            return r.json()["events"]
        await asyncio.sleep(0.1)
    raise AssertionError(f"case {case_id} did not reach supervision's trail")


async def test_a_case_from_application_to_a_signed_notice_appears_in_supervisions_audit_trail(
    system: System, http: httpx.AsyncClient
) -> None:
    intake, start = system.url("intake"), clock.today()
    applied = await http.post(f"{intake}/applications", json=valid_case(materials=MATERIALS), headers=CLERK)
    assert applied.status_code == 201, applied.text
    case_id = applied.json()["case_id"]
    r = await http.post(f"{intake}/applications/{case_id}/register", headers=CLERK)
    assert r.status_code == 201, r.text
    created = r.json()
    assert re.fullmatch(rf"（(?:{court_years_since(start)})）黔01执\d+号", created["case_number"]), created
    judge = auth(created["judge_id"], "judge")
    prepared = await http.post(
        f"{intake}/cases/{case_id}/notices",
        json={"notice_kind": "enforcement_notice", "document_hash": H},
        headers=AFFAIRS,
    )
    assert prepared.status_code == 201, prepared.text
    signed = await http.post(f"{intake}{prepared.headers['location']}/sign", headers=judge)
    assert signed.status_code == 200, signed.text

    events = await wait_for_trail(http, system, case_id, 6)
    assert [e["event_type"] for e in events] == [
        "intake.application_received",
        "intake.case_registered",
        "intake.case_triaged",
        "intake.case_assigned",
        "intake.notice_prepared",
        "intake.notice_issued",
    ]
    registered = events[1]
    assert registered["actor_id"] == "clerk-001" and registered["actor_role"] == "intake_clerk"
    assert registered["producer"] == "intake"
    assert registered["payload"]["case_number"] == created["case_number"]
    assert created["case_number"] in registered["summary"]
    assert events[3]["payload"]["judge_id"] == created["judge_id"] != "clerk-001"
    assert events[5]["payload"]["signed_by"] == created["judge_id"]
    assert events[5]["payload"]["document_hash"] == H
    assert events[0]["prev_hash"] == "00" * 32 and len(events[-1]["hash"]) == 64

    case = await http.get(f"{intake}/cases/{case_id}", headers=CLERK)
    assert case.status_code == 200
    assert case.json()["case_number"] == created["case_number"]
