"""The main flow over HTTP: assignment → queries to every agency kind → results → freeze confirmed."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, timedelta

import httpx
from aiokafka import AIOKafkaProducer

from deploy.system import System
from tests.asset_search.helpers import KINDS, eventually, judge, months_after, open_case, trail_types, wait_search


def _complete(f: dict) -> bool:
    return bool(f["rounds"]) and f["rounds"][0]["complete"] and f["rounds"][0]["queries"] == len(KINDS)


async def test_a_case_search_completes_with_every_agency_kind_and_a_freeze_is_confirmed(
    system: System, http: httpx.AsyncClient, producer: AIOKafkaProducer
) -> None:
    judge_id = f"judge-{uuid.uuid4().hex[:6]}"
    case_id = await open_case(producer, system, judge_id)

    f = await wait_search(http, system, case_id, _complete, what="the first search round to complete")
    assert sorted(q["agency_kind"] for q in f["queries"]) == KINDS
    assert all(q["status"] == "answered" and q["delivered_at"] for q in f["queries"])
    assert {a["asset_kind"] for a in f["assets"]} == set(KINDS)

    deposit = max((a for a in f["assets"] if a["asset_kind"] == "bank_deposit"), key=lambda a: a["value_fen"])
    r = await http.post(f"{system.url('asset_search')}/cases/{case_id}/controls", headers=judge(judge_id), json={
        "asset_id": deposit["asset_id"], "measure": "freeze", "amount_limit_fen": 1_000_000,
        "ruling_number": "（2026）黔01执1号之一",
    })
    assert r.status_code == 201, r.text
    control_id = r.json()["control_id"]

    f = await wait_search(http, system, case_id,
                          lambda f: any(c["status"] == "effective" for c in f["controls"]), what="the freeze")
    control = next(c for c in f["controls"] if c["control_id"] == control_id)
    effective = date.fromisoformat(control["effective_date"])
    assert control["amount_fen"] == min(1_000_000, deposit["value_fen"])
    assert date.fromisoformat(control["expiry_date"]) <= months_after(effective, 12)
    assert date.fromisoformat(control["expiry_date"]) > effective + timedelta(days=300)

    evidence = (await http.get(f"{system.url('asset_search')}/cases/{case_id}/evidence",
                               headers=judge(judge_id))).json()["evidence"]
    assert len(evidence) >= len(KINDS) + 1
    assert all(hashlib.sha256(e["raw"].encode()).hexdigest() == e["sha256"] for e in evidence)

    wanted = {"asset_search.query_dispatched", "asset_search.agency_answered", "asset_search.asset_found",
              "asset_search.search_completed", "asset_search.control_ordered", "asset_search.control_confirmed"}
    await eventually(lambda: _has(http, system, case_id, wanted), what="supervision's trail")


async def _has(http: httpx.AsyncClient, system: System, case_id: str, wanted: set[str]) -> bool:
    return wanted <= set(await trail_types(http, system, case_id))
