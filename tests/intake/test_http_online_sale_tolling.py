"""The online sale (网络变卖) is tolled like an auction round (严格审限规定 art. 9): from its announcement to
its last day, or to the day it sold — intake and supervision agree on the close-by date over HTTP
(disposal's events → Kafka → intake and supervision)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from deploy.system import System
from shared import clock
from shared.holidays import HolidayCalendar
from shared.periods import Pause, close_by
from tests.intake.conftest import CLERK, SUPERVISOR, Publish, register
from tests.waits import poll


async def test_intake_and_supervision_toll_the_online_sale_until_it_sold(
    system: System, http: httpx.AsyncClient, publish: Publish
) -> None:
    case = await register(http, system)
    cid, today = case["case_id"], clock.today()
    announced, start, end, sold = (today + timedelta(days=d) for d in (10, 17, 77, 40))
    await publish(cid, "disposal.online_sale_announced", {
        "disposal_id": "d-os-1", "asset_id": "a-os-1", "platform": "平台甲", "price_fen": 5_600_000,
        "announced_on": announced.isoformat(), "sale_start": start.isoformat(), "sale_end": end.isoformat(),
        "announced_by": "disp-i01"}, "disp-i01")
    await publish(cid, "disposal.direct_sale_completed", {"disposal_id": "d-os-1", "price_fen": 5_600_000,
                                                          "buyer": "买受人乙", "sold_on": sold.isoformat(),
                                                          "recorded_by": "disp-i01"}, "disp-i01")
    expected = close_by(today, pauses=[Pause(announced, sold, "online sale", "o")], calendar=HolidayCalendar()).due
    assert expected is not None

    async def intake_due() -> str | None:
        due = (await http.get(f"{system.url('intake')}/cases/{cid}", headers=CLERK)).json()["closure_due"]
        return due if due == expected.isoformat() else None

    async def supervision_due() -> dict[str, Any] | None:
        r = await http.get(f"{system.url('supervision')}/cases/{cid}/deadlines", headers=SUPERVISOR)
        node = next((d for d in r.json()["deadlines"] if d["key"] == "close"), None) if r.status_code == 200 else None
        return node if node and node["due"] == expected.isoformat() else None

    await poll(intake_due, "intake's close-by date with the online sale tolled up to its sale")
    node = await poll(supervision_due, "supervision's close node with the same period tolled")
    assert any("网络变卖" in s for s in node["explanation"])
