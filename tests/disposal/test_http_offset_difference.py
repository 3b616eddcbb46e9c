"""差价 over HTTP (issue 14): an applicant takes a vehicle in kind at a failed auction's starting price
of 7,000,000 fen on a case whose claim is 5,000,000: the ledger shows the difference the applicant must
pay in (拍卖变卖规定 art. 16) and the fee still owed, never 0 outstanding with money owed back."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from deploy.system import System
from tests.conftest import auth
from tests.disposal.helpers import controlled_on_site, eventually, known_to_disposal, publish, registered_and_assigned

JUDGE = auth("judge-101", "judge")
OFFICER = auth("disp-201", "disposal_officer")
FIN = auth("fin-301", "finance_officer")


async def post(http: httpx.AsyncClient, system: System, path: str, body: dict[str, Any],
               headers: dict[str, str]) -> dict[str, Any]:
    r = await http.post(f"{system.url('disposal')}{path}", json=body, headers=headers)
    assert r.status_code in (200, 201), r.text
    out: dict[str, Any] = r.json()
    return out


async def test_an_offset_worth_more_than_the_claim_shows_the_difference_to_pay_in(
    system: System, http: httpx.AsyncClient
) -> None:
    case_id, asset_id = str(uuid.uuid4()), f"asset-{uuid.uuid4().hex[:8]}"
    await publish(system, *registered_and_assigned(case_id, "judge-101", claim_fen=5_000_000),
                  *controlled_on_site(case_id, asset_id, "search-401"))
    await known_to_disposal(http, system, case_id, JUDGE, controls=1, judge="judge-101")
    decided = await post(http, system, f"/cases/{case_id}/disposals", {"asset_id": asset_id}, JUDGE)
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
    await post(http, system, f"{d}/offset-in-kind", {"applicant_accepts": True}, JUDGE)

    async def in_kind() -> dict[str, Any] | None:
        r = await http.get(f"{system.url('disposal')}/cases/{case_id}/ledger", headers=FIN)
        body: dict[str, Any] = r.json()
        return body if body.get("in_kind_fen") else None

    account = await eventually(in_kind, "the offset on the case account")
    due = account["amount_due"]
    owed = due["claim_fen"] + due["interest_fen"]
    assert account["in_kind_fen"] == 7_000_000 and owed < 7_000_000
    assert due["offset_difference_fen"] == 7_000_000 - owed > 0
    assert due["outstanding_fen"] == due["fee_fen"] > 0  # the fee is paid out of the difference, not settled by it
