"""A full disposal over HTTP against the real disposal service, PostgreSQL and Kafka:
decision → price → first auction unsold → second auction sold → ruling → proceeds → approved
payout → fully paid; intake's and asset_search's events are published as they would publish them.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from deploy.system import System
from tests.conftest import auth
from tests.disposal.helpers import (
    controlled_on_site,
    eventually,
    known_to_disposal,
    publish,
    registered_and_assigned,
    trail_types,
)

JUDGE = auth("judge-101", "judge")
OFFICER = auth("disp-201", "disposal_officer")
FIN_MAKER = auth("fin-301", "finance_officer")
FIN_CHECKER = auth("fin-302", "finance_officer")


async def post(http: httpx.AsyncClient, system: System, path: str, body: dict[str, Any],
               headers: dict[str, str], expect: int = 200) -> dict[str, Any]:
    r = await http.post(f"{system.url('disposal')}{path}", json=body, headers=headers)
    assert r.status_code == expect, r.text
    out: dict[str, Any] = r.json()
    return out


async def case_with_controlled_vehicle(http: httpx.AsyncClient, system: System) -> tuple[str, str]:
    case_id, asset_id = str(uuid.uuid4()), f"asset-{uuid.uuid4().hex[:8]}"
    await publish(system, *registered_and_assigned(case_id, "judge-101"),
                  *controlled_on_site(case_id, asset_id, "search-401"))
    await known_to_disposal(http, system, case_id, JUDGE, controls=1, judge="judge-101")
    return case_id, asset_id


async def test_a_vehicle_goes_from_the_judges_decision_to_a_claim_paid_in_full(
    system: System, http: httpx.AsyncClient
) -> None:
    case_id, asset_id = await case_with_controlled_vehicle(http, system)
    decided = await post(http, system, f"/cases/{case_id}/disposals", {"asset_id": asset_id}, JUDGE, 201)
    d = f"/disposals/{decided['disposal_id']}"
    assert decided["status"] == "decided" and decided["events"] == ["disposal.disposal_decided"]

    # The centre notifies the parties and runs the reference price in fallback order.
    for party in ("applicant", "respondent"):
        await post(http, system, f"{d}/notices", {"notice_kind": "auction_notice", "party": party,
                                                  "served_on": "2026-07-10"}, OFFICER)
    await post(http, system, f"{d}/price/unavailable", {"method": "agreement", "reason": "双方未在期限内议价"}, OFFICER)
    await post(http, system, f"{d}/price/unavailable", {"method": "targeted_enquiry", "reason": "车辆无计税基准价"},
               OFFICER)
    await post(http, system, f"{d}/price/procedure", {"method": "online_enquiry", "providers": ["平台甲", "平台乙"],
                                                      "started_on": "2026-07-01"}, OFFICER)
    priced = await post(http, system, f"{d}/price", {
        "method": "online_enquiry", "platform_results_fen": [29_000_000, 31_000_000],
        "determined_on": "2026-07-03", "received_on": "2026-07-04"}, OFFICER)
    assert priced["reference_price"]["amount_fen"] == 30_000_000
    assert priced["reference_price"]["valid_until"] == "2027-07-03"

    # First auction: the judge's numbers, the centre's schedule, no bids.
    await post(http, system, f"{d}/auction-terms", {"starting_price_fen": 21_000_000, "deposit_fen": 2_100_000,
                                                    "increment_fen": 100_000}, JUDGE)
    first = await post(http, system, f"{d}/auctions", {
        "platform": "平台甲", "announcement_start": "2026-07-15",
        "bidding_start": "2026-08-01T10:00:00+08:00", "bidding_end": "2026-08-02T10:00:00+08:00"}, OFFICER)
    assert first["auctions"][0]["starting_price_fen"] == 21_000_000
    unsold = await post(http, system, f"{d}/auctions/1/result",
                        {"result": "unsold", "ended_at": "2026-08-02T10:00:00+08:00"}, OFFICER)
    assert unsold["status"] == "auction_unsold"

    # Second auction: cut by exactly 20 %, within 30 days, sold.
    await post(http, system, f"{d}/auction-terms", {"starting_price_fen": 16_800_000, "deposit_fen": 1_680_000,
                                                    "increment_fen": 100_000}, JUDGE)
    await post(http, system, f"{d}/auctions", {
        "platform": "平台甲", "announcement_start": "2026-08-10",
        "bidding_start": "2026-08-20T10:00:00+08:00", "bidding_end": "2026-08-21T10:00:00+08:00"}, OFFICER)
    sold = await post(http, system, f"{d}/auctions/2/result", {
        "result": "sold", "price_fen": 20_000_000, "buyer": "买受人甲", "ended_at": "2026-08-21T10:05:00+08:00"},
        OFFICER)
    assert sold["sale"] == {"price_fen": 20_000_000, "buyer": "买受人甲", "via": "sold"}

    ruled = await post(http, system, f"{d}/sale-ruling", {"signed_on": "2026-08-25"}, JUDGE)
    assert ruled["events"] == ["disposal.sale_ruling_signed", "disposal.disposal_concluded"]
    assert ruled["outcome"] == "sold" and ruled["ruling_signed"]

    # The buyer's money lands on the case account.
    ledger = f"/cases/{case_id}/ledger"
    await post(http, system, f"{ledger}/receipts", {"source": "auction_proceeds", "amount_fen": 20_000_000,
                                                    "received_on": "2026-08-24",
                                                    "disposal_id": decided["disposal_id"]}, FIN_MAKER, 201)
    account = (await http.get(f"{system.url('disposal')}{ledger}", headers=FIN_MAKER)).json()
    due = account["amount_due"]
    assert account["balance_fen"] == 20_000_000
    # Claim 123,456 yuan: fee 50 + 113,456 × 1.5 % = 1,751.84 yuan; interest on 12,345,600 fen for the
    # 343 days from 2025-09-15 to 2026-08-24 at 0.0175 % a day = 741,044.64 → 741,045 fen.
    assert (due["claim_fen"], due["fee_fen"], due["interest_fen"]) == (12_345_600, 175_184, 741_045)
    assert due["total_fen"] == 13_261_829

    # Maker and checker: the proposer may not approve; another finance officer does.
    to_applicant = due["claim_fen"] + due["interest_fen"]
    proposed = await post(http, system, f"{ledger}/payouts", {"amount_fen": to_applicant}, FIN_MAKER, 201)
    refused = await http.post(f"{system.url('disposal')}{ledger}/payouts/{proposed['payout_id']}/approval",
                              headers=FIN_MAKER)
    assert refused.status_code == 403 and refused.json()["rule"] == "互相制约-9"
    await post(http, system, f"{ledger}/payouts/{proposed['payout_id']}/approval", {}, FIN_CHECKER)
    fee = await post(http, system, f"{ledger}/payouts", {"amount_fen": due["fee_fen"], "recipient": "court_fee"},
                     FIN_MAKER, 201)
    paid = await post(http, system, f"{ledger}/payouts/{fee['payout_id']}/approval", {}, FIN_CHECKER)
    assert paid["events"] == ["disposal.payout_approved", "disposal.claim_paid_in_full"]
    assert paid["paid_in_full"] and paid["balance_fen"] == 20_000_000 - 13_261_829

    account = (await http.get(f"{system.url('disposal')}{ledger}", headers=FIN_CHECKER)).json()
    assert account["amount_due"]["outstanding_fen"] == 0

    # Another service sees it: the events reached supervision's audit trail over Kafka.
    types = await trail_types(http, system, case_id, "disposal.claim_paid_in_full")
    assert {"disposal.disposal_decided", "disposal.auction_ended", "disposal.sale_ruling_signed",
            "disposal.funds_received", "disposal.payout_approved"} <= set(types)


async def test_after_a_failed_auction_an_offset_in_kind_counts_on_the_case_account(
    system: System, http: httpx.AsyncClient
) -> None:
    case_id, asset_id = await case_with_controlled_vehicle(http, system)
    decided = await post(http, system, f"/cases/{case_id}/disposals", {"asset_id": asset_id}, JUDGE, 201)
    d = f"/disposals/{decided['disposal_id']}"
    for party in ("applicant", "respondent"):
        await post(http, system, f"{d}/notices", {"notice_kind": "auction_notice", "party": party,
                                                  "served_on": "2026-07-10"}, OFFICER)
    await post(http, system, f"{d}/price", {"method": "agreement", "amount_fen": 10_000_000,
                                            "determined_on": "2026-07-01", "received_on": "2026-07-02"}, OFFICER)
    await post(http, system, f"{d}/auction-terms", {"starting_price_fen": 7_000_000, "deposit_fen": 700_000,
                                                    "increment_fen": 50_000}, JUDGE)
    await post(http, system, f"{d}/auctions", {
        "platform": "平台甲", "announcement_start": "2026-07-15",
        "bidding_start": "2026-08-01T10:00:00+08:00", "bidding_end": "2026-08-02T10:00:00+08:00"}, OFFICER)
    await post(http, system, f"{d}/auctions/1/result", {"result": "unsold", "ended_at": "2026-08-02T10:00:00+08:00"},
               OFFICER)
    concluded = await post(http, system, f"{d}/offset-in-kind", {"applicant_accepts": True}, JUDGE)
    assert concluded["outcome"] == "offset_in_kind"

    async def in_kind() -> dict[str, Any] | None:
        r = await http.get(f"{system.url('disposal')}/cases/{case_id}/ledger", headers=FIN_MAKER)
        body: dict[str, Any] = r.json()
        return body if body.get("in_kind_fen") else None

    account = await eventually(in_kind, "the offset on the case account")
    assert account["in_kind_fen"] == 7_000_000 and account["balance_fen"] == 0
    assert account["receipts"][0]["source"] == "offset_in_kind"
