"""Two unsold auction rounds of a vehicle in the real disposal make intake count it as "could not be
disposed of" for 终本 (TEST_SERVICES=intake,disposal)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from deploy.system import System
from tests.conftest import auth
from tests.intake.conftest import CLERK, Publish, eventually, judge, register

OFFICER = auth("disp-i01", "disposal_officer")


async def _post(http: httpx.AsyncClient, system: System, path: str, body: dict[str, Any],
                headers: dict[str, str], expect: int = 200) -> dict[str, Any]:
    r = await http.post(f"{system.url('disposal')}{path}", json=body, headers=headers)
    assert r.status_code == expect, r.text
    out: dict[str, Any] = r.json()
    return out


async def test_two_unsold_rounds_resolve_the_asset_for_zhongben(
    system: System, http: httpx.AsyncClient, publish: Publish
) -> None:
    case = await register(http, system)
    cid, j = case["case_id"], judge(case["judge_id"])
    asset_id = f"asset-{uuid.uuid4().hex[:8]}"
    await publish(cid, "asset_search.asset_found", {"asset_id": asset_id, "asset_kind": "vehicle",
                                                    "identifier": "贵A54321", "query_id": "q-1"}, "system")
    await publish(cid, "asset_search.control_confirmed", {
        "control_id": f"ctl-{asset_id}", "asset_id": asset_id, "asset_kind": "vehicle", "measure": "seize",
        "effective_date": "2026-06-01", "expiry_date": "2028-06-01", "amount_fen": None, "queue_position": None,
        "controlled_by": "vehicle-registry", "controller_kind": "agency", "requested_by": case["judge_id"],
        "raw_hash": "ab" * 32, "origin": "ruling"}, "system")
    url = f"{system.url('intake')}/cases/{cid}"

    async def unresolved() -> bool:
        facts = (await http.get(url, headers=CLERK)).json()["facts"]
        return asset_id in facts["unresolved_assets"]  # beside whatever the real search found

    await eventually(unresolved, "intake to learn the asset")

    async def disposal_knows() -> bool:
        r = await http.get(f"{system.url('disposal')}/cases/{cid}/controls", headers=j)
        return r.status_code == 200 and bool(r.json()["controls"]) and r.json()["case"]["judge_id"] == case["judge_id"]

    await eventually(disposal_knows, "disposal to learn the control and the judge")
    decided = await _post(http, system, f"/cases/{cid}/disposals", {"asset_id": asset_id}, j, 201)
    d = f"/disposals/{decided['disposal_id']}"
    for party in ("applicant", "respondent"):
        await _post(http, system, f"{d}/notices", {"notice_kind": "auction_notice", "party": party,
                                                   "served_on": "2026-07-10"}, OFFICER)
    await _post(http, system, f"{d}/price", {"method": "agreement", "amount_fen": 10_000_000,
                                             "determined_on": "2026-07-01", "received_on": "2026-07-02"}, OFFICER)
    rounds = [(7_000_000, "2026-07-15", "2026-08-01", "2026-08-02"), (5_600_000, "2026-08-10", "2026-08-20",
                                                                          "2026-08-21")]
    for n, (start, announced, bid, end) in enumerate(rounds, start=1):
        await _post(http, system, f"{d}/auction-terms", {"starting_price_fen": start, "deposit_fen": start // 10,
                                                         "increment_fen": 50_000}, j)
        await _post(http, system, f"{d}/auctions", {"platform": "平台甲", "announcement_start": announced,
                                                    "bidding_start": f"{bid}T10:00:00+08:00",
                                                    "bidding_end": f"{end}T10:00:00+08:00"}, OFFICER)
        await _post(http, system, f"{d}/auctions/{n}/result", {"result": "unsold",
                                                               "ended_at": f"{end}T10:00:00+08:00"}, OFFICER)

    async def resolved() -> bool:
        facts = (await http.get(url, headers=CLERK)).json()["facts"]
        return asset_id not in facts["unresolved_assets"]

    await eventually(resolved, "intake to count two unsold rounds of the vehicle")

