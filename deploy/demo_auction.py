"""The demo's auction life (see deploy/demo_lives.py): a vehicle seized, priced, auctioned twice, sold."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from deploy.demo_steps import (
    DISPOSAL,
    FIN_MAKER,
    Case,
    at,
    close,
    file_case,
    judge,
    ledger,
    notices,
    officer,
    pay_out,
    refused,
    searched,
)

if TYPE_CHECKING:
    from deploy.demo import Demo


async def auction(demo: Demo, i: int) -> tuple[str, str]:
    """A vehicle: seized, reference price by online enquiry, first auction unsold, second sold (20 % cut),
    sale ruling, proceeds, payouts, 执行完毕. Business dates lie in the past (the clock cannot be moved)."""
    case = await file_case(demo, claim=demo.rng.randrange(20, 36) * 100_000, fast=False, days_ago=2)
    await notices(demo, case)
    file = await searched(demo, case)
    vehicle = next((a for a in file["assets"] if a["asset_kind"] == "vehicle"), None)
    if vehicle is None:
        raise refused()("未查到车辆")
    await _seize(demo, case, vehicle, i)
    centre = officer(demo, DISPOSAL)
    decided = await demo.post(
        "disposal", f"/cases/{case.case_id}/disposals", {"asset_id": vehicle["asset_id"]}, judge(demo, case)
    )
    d = f"/disposals/{decided['disposal_id']}"
    base = demo.today - timedelta(days=56)

    def on(n: int) -> str:
        return (base + timedelta(days=n)).isoformat()

    value = vehicle["value_fen"] or 8_000_000
    await _serve_and_price(demo, d, on, value, centre)
    price = await _auction_rounds(demo, case, d, base, on, value, centre)
    await demo.post("disposal", f"{d}/sale-ruling", {"signed_on": on(55)}, judge(demo, case))
    await demo.post(
        "disposal",
        f"/cases/{case.case_id}/ledger/receipts",
        {
            "source": "auction_proceeds",
            "amount_fen": price,
            "received_on": on(54),
            "disposal_id": decided["disposal_id"],
        },
        officer(demo, FIN_MAKER),
    )
    await pay_out(demo, case)
    if (await ledger(demo, case))["paid_in_full"]:
        await close(demo, case, "执行完毕", "拍卖车辆，执行款已足额发放")
    return case.case_id, case.judge


async def _seize(demo: Demo, case: Case, vehicle: dict[str, Any], i: int) -> None:
    """The judge seizes the vehicle; wait until the disposal centre sees the seizure in force."""
    await demo.post(
        "asset_search",
        f"/cases/{case.case_id}/controls",
        {
            "asset_id": vehicle["asset_id"],
            "measure": "seize",
            "over_control_reason": "车辆为不可分物（查扣冻规定第19条）",
            "ruling_number": f"（{demo.today.year}）黔01执{2000 + i}号之一",
        },
        judge(demo, case),
    )
    centre = officer(demo, DISPOSAL)

    async def controlled() -> bool:
        rows = (await demo.get("disposal", f"/cases/{case.case_id}/controls", centre))["controls"]
        return any(r.get("asset_id") == vehicle["asset_id"] and r.get("status") == "active" for r in rows)

    await demo.until("查封生效（处置中心可见）", controlled)


async def _serve_and_price(
    demo: Demo, d: str, on: Callable[[int], str], value: int, centre: dict[str, str]
) -> None:
    """Auction notices served on both parties; the reference price by online enquiry (the first two
    methods recorded as unavailable)."""
    for party in ("applicant", "respondent"):
        await demo.post(
            "disposal", f"{d}/notices", {"notice_kind": "auction_notice", "party": party, "served_on": on(9)}, centre
        )
    await demo.post(
        "disposal", f"{d}/price/unavailable", {"method": "agreement", "reason": "双方未在期限内议价"}, centre
    )
    await demo.post(
        "disposal", f"{d}/price/unavailable", {"method": "targeted_enquiry", "reason": "车辆无计税基准价"}, centre
    )
    await demo.post(
        "disposal",
        f"{d}/price/procedure",
        {"method": "online_enquiry", "providers": ["平台甲", "平台乙"], "started_on": on(0)},
        centre,
    )
    await demo.post(
        "disposal",
        f"{d}/price",
        {
            "method": "online_enquiry",
            "platform_results_fen": [value - 200_000, value + 200_000],
            "determined_on": on(2),
            "received_on": on(3),
        },
        centre,
    )


async def _auction_rounds(
    demo: Demo, case: Case, d: str, base: date, on: Callable[[int], str], value: int, centre: dict[str, str]
) -> int:
    """First auction at 70 % of the price, unsold; second 20 % lower, sold. Returns the sale price."""
    start1 = value * 70 // 100
    start2 = start1 * 80 // 100
    rounds = [
        (start1, on(14), base + timedelta(days=31), "unsold"),
        (start2, on(40), base + timedelta(days=50), "sold"),
    ]
    price = start2 + 500_000
    for n, (start, announced, bidding, result) in enumerate(rounds, 1):
        await demo.post(
            "disposal",
            f"{d}/auction-terms",
            {"starting_price_fen": start, "deposit_fen": start // 10, "increment_fen": 50_000},
            judge(demo, case),
        )
        await demo.post(
            "disposal",
            f"{d}/auctions",
            {
                "platform": "平台甲",
                "announcement_start": announced,
                "bidding_start": at(bidding),
                "bidding_end": at(bidding + timedelta(days=1)),
            },
            centre,
        )
        body: dict[str, Any] = {"result": result, "ended_at": at(bidding + timedelta(days=1))}
        if result == "sold":
            body |= {"price_fen": price, "buyer": "买受人甲"}
        await demo.post("disposal", f"{d}/auctions/{n}/result", body, centre)
    return price
