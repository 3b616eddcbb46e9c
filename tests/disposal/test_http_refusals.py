"""Refusals a user sees over HTTP (problem+json naming the rule and the field), money arriving
from asset_search's deductions, and concurrent payouts that must not overdraw the account."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from deploy.system import System
from tests.conftest import auth
from tests.disposal.helpers import envelope, eventually, known_to_disposal, publish, registered_and_assigned
from tests.disposal.test_http_flow import JUDGE, OFFICER, case_with_controlled_vehicle, post


async def test_refusals_name_the_rule_and_change_nothing(system: System, http: httpx.AsyncClient) -> None:
    case_id, asset_id = await case_with_controlled_vehicle(http, system)
    base = system.url("disposal")

    r = await http.post(f"{base}/cases/{case_id}/disposals", json={"asset_id": "not-controlled"}, headers=JUDGE)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["rule"] == "民诉法解释-484" and r.json()["errors"][0]["field"] == "asset_id"

    other_judge = auth("judge-999", "judge")
    r = await http.post(f"{base}/cases/{case_id}/disposals", json={"asset_id": asset_id}, headers=other_judge)
    assert r.status_code == 403 and r.json()["rule"] == "互相制约-2"

    r = await http.post(f"{base}/cases/{case_id}/disposals", json={"asset_id": asset_id}, headers=OFFICER)
    assert r.status_code == 403 and r.json()["code"] == "role_not_allowed"

    r = await http.post(f"{base}/cases/{case_id}/disposals", json={}, headers=JUDGE)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "asset_id"

    decided = await post(http, system, f"/cases/{case_id}/disposals", {"asset_id": asset_id}, JUDGE, 201)
    d = f"/disposals/{decided['disposal_id']}"

    controller = auth("search-401", "disposal_officer")
    r = await http.post(f"{base}{d}/notices", json={"notice_kind": "disposal_notice", "party": "respondent",
                                                    "served_on": "2026-07-01"}, headers=controller)
    assert r.status_code == 403 and r.json()["rule"] == "互相制约-4"

    r = await http.post(f"{base}{d}/notices", json={"notice_kind": "letter", "party": "nobody",
                                                    "served_on": "2999-01-01"}, headers=OFFICER)
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"notice_kind", "party", "served_on"}

    await post(http, system, f"{d}/price", {"method": "agreement", "amount_fen": 1_000_000,
                                            "determined_on": "2026-07-01", "received_on": "2026-07-01"}, OFFICER)
    r = await http.post(f"{base}{d}/auction-terms", json={"starting_price_fen": 699_000, "deposit_fen": 70_000,
                                                          "increment_fen": 10_000}, headers=JUDGE)
    assert r.status_code == 422 and r.json()["rule"] == "网拍规定-10"
    assert r.json()["errors"][0]["field"] == "starting_price_fen" and "百分之七十" in r.json()["detail"]
    state = (await http.get(f"{base}{d}", headers=JUDGE)).json()
    assert state["auction_terms"] is None and state["status"] == "priced"
    await post(http, system, f"{d}/auction-terms", {"starting_price_fen": 700_000, "deposit_fen": 70_000,
                                                    "increment_fen": 10_000}, JUDGE)

    # A second disposal of the same asset while this one runs is refused.
    r = await http.post(f"{base}/cases/{case_id}/disposals", json={"asset_id": asset_id}, headers=JUDGE)
    assert r.status_code == 409 and r.json()["code"] == "asset_already_in_disposal"


async def test_an_asset_under_a_pending_third_party_objection_is_not_disposed_of(
    system: System, http: httpx.AsyncClient
) -> None:
    case_id, asset_id = await case_with_controlled_vehicle(http, system)
    await publish(system, envelope(case_id, "intake.objection_registered",
                                   {"objection_case_id": str(uuid.uuid4()), "asset_ids": [asset_id],
                                    "reviewers": ["rev-1", "rev-2", "rev-3"]},
                                   stream_id=f"intake.case:{case_id}", version=5))
    await eventually(lambda: _objections(http, system, case_id), "the objection in disposal's projection")
    r = await http.post(f"{system.url('disposal')}/cases/{case_id}/disposals", json={"asset_id": asset_id},
                        headers=JUDGE)
    assert r.status_code == 422 and r.json()["code"] == "asset_under_objection"


async def _objections(http: httpx.AsyncClient, system: System, case_id: str) -> list[dict[str, str]]:
    r = await http.get(f"{system.url('disposal')}/cases/{case_id}/controls", headers=JUDGE)
    objections: list[dict[str, str]] = r.json()["objections"]
    return objections


async def test_a_bank_deduction_lands_on_the_case_account_and_concurrent_payouts_never_overdraw(
    system: System, http: httpx.AsyncClient
) -> None:
    case_id = str(uuid.uuid4())
    deduction = envelope(case_id, "asset_search.deduction_confirmed",
                         {"control_id": "ctl-d1", "asset_id": "acct-1", "amount_fen": 1_000_000},
                         stream_id="asset_search.control:ctl-d1", version=1, actor_id="search-401",
                         role="search_officer")
    await publish(system, *registered_and_assigned(case_id, "judge-101"), deduction, deduction)  # redelivered
    await known_to_disposal(http, system, case_id, JUDGE)
    ledger = f"{system.url('disposal')}/cases/{case_id}/ledger"

    async def funded() -> dict[str, object] | None:
        body: dict[str, object] = (await http.get(ledger, headers=JUDGE)).json()
        return body if body.get("balance_fen") else None

    account = await eventually(funded, "the deduction on the case account")
    assert account["balance_fen"] == 1_000_000 and len(account["receipts"]) == 1  # type: ignore[arg-type]

    makers = [auth(f"fin-4{i:02d}", "finance_officer") for i in range(8)]
    answers = await asyncio.gather(*[
        http.post(f"{ledger}/payouts", json={"amount_fen": 600_000}, headers=h) for h in makers])
    assert sorted(a.status_code for a in answers) == [201] + [422] * 7
    refused = next(a for a in answers if a.status_code == 422).json()
    assert refused["rule"] == "互相制约-9" and refused["code"] == "insufficient_balance"

    payout_id = next(a for a in answers if a.status_code == 201).json()["payout_id"]
    proposer = next(h for h, a in zip(makers, answers, strict=True) if a.status_code == 201)
    checkers = [h for h in makers if h is not proposer][:4]
    approvals = await asyncio.gather(*[
        http.post(f"{ledger}/payouts/{payout_id}/approval", headers=h) for h in checkers])
    assert sorted(a.status_code for a in approvals) == [200, 409, 409, 409]

    account = (await http.get(ledger, headers=JUDGE)).json()
    assert account["balance_fen"] == 400_000 and account["paid_to_applicant_fen"] == 600_000
    assert account["payout_limits"][0]["outstanding_fen"] == 400_000


async def test_the_officer_who_ordered_a_control_confirmed_by_an_agency_may_not_dispose_of_the_asset(
    system: System, http: httpx.AsyncClient
) -> None:
    case_id, asset_id, control_id = str(uuid.uuid4()), f"house-{uuid.uuid4().hex[:6]}", f"ctl-{uuid.uuid4().hex[:6]}"
    stream = f"asset_search.control:{control_id}"
    ordered = envelope(case_id, "asset_search.control_ordered", {
        "control_id": control_id, "asset_id": asset_id, "asset_kind": "real_estate", "measure": "seize",
        "judge_id": "judge-101", "requested_by": "judge-101", "agency_id": "agency-re-1", "amount_limit_fen": None},
        stream_id=stream, version=1,
        actor_id="search-402", role="search_officer")
    confirmed = envelope(case_id, "asset_search.control_confirmed", {
        "control_id": control_id, "asset_id": asset_id, "asset_kind": "real_estate", "measure": "seize",
        "effective_date": "2026-06-01", "expiry_date": "2029-06-01", "controlled_by": "agency-re-1",
        "requested_by": "judge-101", "amount_fen": None},
        stream_id=stream, version=2)
    confirmed = confirmed.model_copy(update={"actor": confirmed.actor.model_copy(
        update={"kind": "agency", "id": "agency-re-1", "role": None})})
    await publish(system, *registered_and_assigned(case_id, "judge-101"), ordered, confirmed)

    async def active() -> bool:
        body = await known_to_disposal(http, system, case_id, JUDGE, controls=1)
        return body["controls"][0]["status"] == "active"

    await eventually(active, "the confirmed control")
    decided = await post(http, system, f"/cases/{case_id}/disposals", {"asset_id": asset_id}, JUDGE, 201)
    assert decided["asset_class"] == "real_estate_or_rights"
    r = await http.post(f"{system.url('disposal')}/disposals/{decided['disposal_id']}/notices",
                        json={"notice_kind": "disposal_notice", "party": "respondent", "served_on": "2026-07-01"},
                        headers=auth("search-402", "disposal_officer"))
    assert r.status_code == 403 and r.json()["code"] == "officer_controlled_asset"
