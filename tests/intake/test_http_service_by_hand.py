"""A notice served by hand, signed in the real intake, becomes a service proposal in the real
field_ops (TEST_SERVICES=intake,field_ops)."""

from __future__ import annotations

from typing import Any

import httpx

from deploy.system import System
from tests.intake.conftest import AFFAIRS, H, eventually, judge, register

RECIPIENT = {"kind": "person", "name": "王某", "address": "贵阳市南明区某路 1 号"}


async def test_a_notice_to_serve_by_hand_waits_in_field_ops_as_a_proposal(
    system: System, http: httpx.AsyncClient
) -> None:
    case = await register(http, system)
    url = f"{system.url('intake')}/cases/{case['case_id']}/notices"
    missing = await http.post(url, headers=AFFAIRS, json={"notice_kind": "enforcement_notice", "document_hash": H,
                                                           "service_method": "by_hand"})
    assert missing.status_code == 422, missing.text
    assert {e["field"] for e in missing.json()["errors"]} == {"recipient", "region"}

    # signed first: in the case's order, field_ops has seen it when the by-hand proposal appears
    electronic = await http.post(url, headers=AFFAIRS, json={"notice_kind": "consumption_restriction",
                                                              "document_hash": H})
    assert electronic.status_code == 201
    assert (await http.post(f"{system.url('intake')}{electronic.headers['location']}/sign",
                            headers=judge(case["judge_id"]))).status_code == 200
    prepared = await http.post(url, headers=AFFAIRS, json={
        "notice_kind": "enforcement_notice", "document_hash": H, "service_method": "by_hand",
        "recipient": RECIPIENT, "region": "520102"})
    assert prepared.status_code == 201, prepared.text
    signed = await http.post(f"{system.url('intake')}{prepared.headers['location']}/sign",
                             headers=judge(case["judge_id"]))
    assert signed.status_code == 200, signed.text

    found: dict[str, Any] = {}

    async def proposed() -> bool:
        r = await http.get(f"{system.url('field_ops')}/cases/{case['case_id']}/proposals",
                           headers=judge(case["judge_id"]))
        found.update(r.json() if r.status_code == 200 else {})
        return r.status_code == 200 and bool(r.json()["proposals"])

    await eventually(proposed, "field_ops to propose serving the notice by hand")
    [proposal] = found["proposals"]  # the electronic notice proposes nothing
    assert proposal["kind"] == "serve_documents" and proposal["region"] == "520102"
    assert proposal["target"]["description"] == "王某" and proposal["target"]["address"] == RECIPIENT["address"]
    assert proposal["document_hash"] == H and proposal["source_event_type"] == "intake.notice_issued"
