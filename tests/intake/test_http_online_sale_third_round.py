"""A flat in the real disposal (TEST_SERVICES=intake,disposal): two unsold online rounds do not yet make
it "could not be disposed of" for 终本, nor may the judge release it; the 网络变卖 at the second round's
starting price, 60 days with no buyer, is its third chance — then intake counts it and the release is
accepted (拍卖变卖规定 art. 25; 网拍规定 art. 26; 法明传〔2017〕455号). A result recorded at the announced
end while a bid came in its last five minutes is refused (网拍规定 art. 20)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from deploy.system import System
from tests.conftest import auth
from tests.intake.conftest import CLERK, Publish, eventually, judge, register

OFFICER = auth("disp-i02", "disposal_officer")


async def _post(http: httpx.AsyncClient, system: System, path: str, body: dict[str, Any],
                headers: dict[str, str], expect: int = 200) -> dict[str, Any]:
    r = await http.post(f"{system.url('disposal')}{path}", json=body, headers=headers)
    assert r.status_code == expect, r.text
    out: dict[str, Any] = r.json()
    return out


async def test_a_flat_needs_the_online_sale_as_its_third_unsold_chance(
    system: System, http: httpx.AsyncClient, publish: Publish
) -> None:
    case = await register(http, system)
    cid, j = case["case_id"], judge(case["judge_id"])
    asset_id = f"flat-{uuid.uuid4().hex[:8]}"
    await publish(cid, "asset_search.asset_found", {"asset_id": asset_id, "asset_kind": "real_estate",
                                                    "identifier": "筑房权证第1号", "query_id": "q-1"}, "system")
    await publish(cid, "asset_search.control_confirmed", {
        "control_id": f"ctl-{asset_id}", "asset_id": asset_id, "asset_kind": "real_estate", "measure": "seize",
        "effective_date": "2026-05-20", "expiry_date": "2029-05-20", "amount_fen": None, "queue_position": None,
        "controlled_by": "land-registry", "controller_kind": "agency", "requested_by": case["judge_id"],
        "raw_hash": "cd" * 32, "origin": "ruling"}, "system")
    url = f"{system.url('intake')}/cases/{cid}"

    async def unresolved() -> bool:
        return asset_id in (await http.get(url, headers=CLERK)).json()["facts"]["unresolved_assets"]

    await eventually(unresolved, "intake to learn the flat")

    async def disposal_knows() -> bool:
        r = await http.get(f"{system.url('disposal')}/cases/{cid}/controls", headers=j)
        return r.status_code == 200 and bool(r.json()["controls"]) and r.json()["case"]["judge_id"] == case["judge_id"]

    await eventually(disposal_knows, "disposal to learn the control and the judge")
    decided = await _post(http, system, f"/cases/{cid}/disposals", {"asset_id": asset_id}, j, 201)
    d = f"/disposals/{decided['disposal_id']}"
    for party in ("applicant", "respondent"):
        await _post(http, system, f"{d}/notices", {"notice_kind": "auction_notice", "party": party,
                                                   "served_on": "2026-06-10"}, OFFICER)
    await _post(http, system, f"{d}/price", {"method": "agreement", "amount_fen": 10_000_000,
                                             "determined_on": "2026-06-01", "received_on": "2026-06-02"}, OFFICER)
    rounds = [(7_000_000, "2026-06-13", "2026-07-14", "2026-07-15"), (5_600_000, "2026-07-20", "2026-08-05",
                                                                          "2026-08-06")]
    for n, (start, announced, bid, end) in enumerate(rounds, start=1):
        await _post(http, system, f"{d}/auction-terms", {"starting_price_fen": start, "deposit_fen": start // 10,
                                                         "increment_fen": 50_000}, j)
        await _post(http, system, f"{d}/auctions", {"platform": "平台甲", "announcement_start": announced,
                                                    "bidding_start": f"{bid}T10:00:00+08:00",
                                                    "bidding_end": f"{end}T10:00:00+08:00"}, OFFICER)
        if n == 1:  # a bid at 09:58 moved the end to 10:03: a sale recorded at 10:00 is refused
            early = await http.post(f"{system.url('disposal')}{d}/auctions/1/result", headers=OFFICER, json={
                "result": "sold", "price_fen": 7_000_000, "buyer": "买受人甲", "ended_at": f"{end}T10:00:00+08:00",
                "last_bid_at": f"{end}T09:58:00+08:00"})
            assert early.status_code == 422, early.text
            assert (early.json()["rule"], early.json()["code"]) == ("网拍规定-20", "bidding_not_over")
            assert "10:03" in early.json()["detail"] or "10:03" in str(early.json().get("errors"))
        await _post(http, system, f"{d}/auctions/{n}/result", {"result": "unsold",
                                                               "ended_at": f"{end}T10:00:00+08:00"}, OFFICER)

    released = await http.post(f"{system.url('disposal')}{d}/release", json={"reason": "两次流拍"}, headers=j)
    assert released.status_code == 422, released.text
    assert (released.json()["rule"], released.json()["code"]) == ("拍卖变卖规定-25", "third_chance_needed")
    # two unsold rounds of a flat: still not "could not be disposed of"
    assert await unresolved()

    announced = await _post(http, system, f"{d}/online-sale", {"platform": "平台甲", "announced_on": "2026-08-10",
                                                               "sale_start": "2026-08-17"}, OFFICER)
    assert announced["events"] == ["disposal.online_sale_announced"]
    shown = (await http.get(f"{system.url('disposal')}{d}", headers=j)).json()["online_sale"]
    assert (shown["price_fen"], shown["sale_end"], shown["unsold"]) == (5_600_000, "2026-10-16", False)
    too_soon = await http.post(f"{system.url('disposal')}{d}/online-sale/unsold", json={"ended_on": "2026-10-16"},
                               headers=OFFICER)
    assert too_soon.status_code == 422 and too_soon.json()["code"] == "online_sale_not_over"
    await _post(http, system, f"{d}/online-sale/unsold", {"ended_on": "2026-10-17"}, OFFICER)

    async def resolved() -> bool:
        return not await unresolved()

    await eventually(resolved, "intake to count the failed online sale as the flat's third unsold chance")
    done = await _post(http, system, f"{d}/release", {"reason": "两次流拍、变卖不成，申请人不接受抵债"}, j)
    assert done["outcome"] == "released"
