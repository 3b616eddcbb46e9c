"""Intake's close-by date is supervision's (issue 14, item 3): the reference-price procedure and an
auction round that disposal publishes are tolled by both (严格审限规定 art. 9), the rest-day shift applies
in both (民诉法 art. 85), and a judge's extension request records that same date — over HTTP, disposal's
events → Kafka → intake and supervision."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from deploy.system import System
from shared import clock
from shared.holidays import HolidayCalendar
from shared.periods import Pause, close_by
from tests.intake.conftest import CLERK, SUPERVISOR, Publish, judge, register
from tests.waits import poll


async def test_intake_and_supervision_toll_disposal_periods_into_one_close_by_date(
    system: System, http: httpx.AsyncClient, publish: Publish
) -> None:
    case = await register(http, system)
    cid, j = case["case_id"], judge(case["judge_id"])
    today = clock.today()
    decided, fixed = today, today + timedelta(days=12)
    announced, bidding_end = today + timedelta(days=20), today + timedelta(days=51)
    await publish(cid, "disposal.disposal_decided", {"disposal_id": "d-close-1", "asset_id": "a-close-1",
                                                     "judge_id": case["judge_id"], "decided_on": decided.isoformat()},
                  case["judge_id"])
    await publish(cid, "disposal.reference_price_fixed", {"disposal_id": "d-close-1",
                                                          "determined_on": fixed.isoformat(),
                                                          "received_on": fixed.isoformat()}, "disp-i01")
    await publish(cid, "disposal.auction_scheduled", {
        "disposal_id": "d-close-1", "asset_id": "a-close-1", "auction_id": "au-close-1", "round": 1,
        "announcement_start": announced.isoformat(),
        "bidding_start": f"{bidding_end - timedelta(days=1)}T10:00:00+08:00",
        "bidding_end": f"{bidding_end.isoformat()}T10:00:00+08:00"}, "disp-i01")
    tolled = [Pause(decided, fixed, "price", "p"), Pause(announced, bidding_end, "auction", "a")]
    expected = close_by(today, pauses=tolled, calendar=HolidayCalendar()).due
    assert expected is not None and expected > close_by(today, calendar=HolidayCalendar()).due  # type: ignore[operator]

    async def intake_due() -> str | None:
        due = (await http.get(f"{system.url('intake')}/cases/{cid}", headers=CLERK)).json()["closure_due"]
        return due if due == expected.isoformat() else None

    async def supervision_due() -> dict[str, Any] | None:
        r = await http.get(f"{system.url('supervision')}/cases/{cid}/deadlines", headers=SUPERVISOR)
        node = next((d for d in r.json()["deadlines"] if d["key"] == "close"), None) if r.status_code == 200 else None
        return node if node and node["due"] == expected.isoformat() else None

    await poll(intake_due, "intake's close-by date with disposal's periods tolled")
    node = await poll(supervision_due, "supervision's close node with the same periods tolled")
    assert any("确定参考价" in s for s in node["explanation"]) and any("拍卖公告" in s for s in node["explanation"])

    r = await http.post(f"{system.url('intake')}/cases/{cid}/extension", headers=j,
                        json={"months": 3, "reason": "财产处置中"})
    assert r.status_code == 200, r.text

    async def requested() -> list[dict[str, Any]]:
        r = await http.get(f"{system.url('supervision')}/cases/{cid}/trail", headers=SUPERVISOR,
                           params={"event_type": "intake.extension_requested"})
        return list(r.json()["events"]) if r.status_code == 200 else []

    [event] = await poll(requested, "the extension request in supervision's trail")
    assert event["payload"]["current_due"] == expected.isoformat()  # the request records the same date
