"""Issue 14 over HTTP against the real disposal service, PostgreSQL and Kafka: every step of a disposal
re-checks that its asset is still under control in the case and that no third-party objection stands in
the way (pending, or rejected less than 15 days ago — 民诉法解释 art. 463). asset_search's and intake's
events are published as they publish them, in ``<producer>.test:<case>`` streams."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx

from deploy.system import System
from services.disposal.domain.rules import objection_hold_ends
from shared import clock
from tests.disposal.helpers import (
    controlled_on_site,
    envelope,
    eventually,
    known_to_disposal,
    publish,
    registered_and_assigned,
)
from tests.disposal.test_http_flow import JUDGE, OFFICER, post

REVIEWER = "rev-1"


async def _case_with(http: httpx.AsyncClient, system: System, assets: int = 1) -> tuple[str, list[str], int]:
    """A registered case with ``assets`` vehicles sealed on site; the next version of asset_search's test stream."""
    case_id = str(uuid.uuid4())
    asset_ids = [f"asset-{uuid.uuid4().hex[:8]}" for _ in range(assets)]
    seized = [e.model_copy(update={"stream_version": version})  # one asset_search test stream, in order
              for version, e in enumerate((e for a in asset_ids for e in controlled_on_site(case_id, a, "search-401")),
                                          start=1)]
    await publish(system, *registered_and_assigned(case_id, "judge-101"), *seized)
    await known_to_disposal(http, system, case_id, JUDGE, controls=assets, judge="judge-101")
    return case_id, asset_ids, len(seized) + 1


async def _decided_and_priced(http: httpx.AsyncClient, system: System, case_id: str, asset_id: str) -> str:
    """The judge's decision, the notices, an agreed reference price and the first round's terms."""
    decided = await post(http, system, f"/cases/{case_id}/disposals", {"asset_id": asset_id}, JUDGE, 201)
    d = f"/disposals/{decided['disposal_id']}"
    for party in ("applicant", "respondent"):
        await post(http, system, f"{d}/notices", {"notice_kind": "auction_notice", "party": party,
                                                  "served_on": "2026-07-10"}, OFFICER)
    await post(http, system, f"{d}/price", {"method": "agreement", "amount_fen": 1_000_000,
                                            "determined_on": "2026-07-01", "received_on": "2026-07-01"}, OFFICER)
    await post(http, system, f"{d}/auction-terms", {"starting_price_fen": 700_000, "deposit_fen": 70_000,
                                                    "increment_fen": 10_000}, JUDGE)
    return d


SCHEDULE = {"platform": "平台甲", "announcement_start": "2026-07-15", "bidding_start": "2026-08-01T10:00:00+08:00",
            "bidding_end": "2026-08-02T10:00:00+08:00"}
SOLD = {"result": "sold", "price_fen": 800_000, "buyer": "买受人某", "ended_at": "2026-08-02T10:00:00+08:00"}


async def _standing(http: httpx.AsyncClient, system: System, case_id: str, ready: Any, what: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        r = await http.get(f"{system.url('disposal')}/cases/{case_id}/controls", headers=JUDGE)
        body: dict[str, Any] = r.json()
        return body if r.status_code == 200 and ready(body) else None

    result: dict[str, Any] = await eventually(probe, what)
    return result


def _refused(r: httpx.Response, rule: str, code: str) -> dict[str, Any]:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert (body["rule"], body["code"]) == (rule, code), body
    assert body["errors"][0]["field"] == "asset_id"
    return body


async def test_the_seen_case_a_control_released_after_the_decision_stops_scheduling_sale_and_ruling(
    system: System, http: httpx.AsyncClient
) -> None:
    case_id, [asset_id], version = await _case_with(http, system)
    d = await _decided_and_priced(http, system, case_id, asset_id)
    base = system.url("disposal")
    [control] = (await known_to_disposal(http, system, case_id, JUDGE, controls=1))["controls"]

    # the judge releases the seizure (asset_search publishes it)
    await publish(system, envelope(case_id, "asset_search.control_released", {
        "control_id": control["control_id"], "asset_id": asset_id, "judge_id": "judge-101",
        "reason": "被执行人提供担保"},
        stream_id=f"asset_search.test:{case_id}", version=version, actor_id="judge-101", role="judge"))
    await _standing(http, system, case_id, lambda b: b["controls"][0]["status"] == "released", "the release")

    r = await http.post(f"{base}{d}/auctions", json=SCHEDULE, headers=OFFICER)
    body = _refused(r, "民诉法解释-484", "asset_control_ended")
    assert "已解除" in body["detail"] and "不得继续处置" in body["detail"]
    r = await http.post(f"{base}{d}/auction-terms", json={"starting_price_fen": 700_000, "deposit_fen": 70_000,
                                                          "increment_fen": 10_000}, headers=JUDGE)
    _refused(r, "民诉法解释-484", "asset_control_ended")
    state = (await http.get(f"{base}{d}", headers=JUDGE)).json()
    assert state["auctions"] == [] and state["status"] == "priced"

    # the judge closes the disposal whose ground is gone, without waiting for two failed auctions
    released = await post(http, system, f"{d}/release", {"reason": "查封已解除"}, JUDGE)
    assert released["outcome"] == "released" and released["events"] == ["disposal.disposal_concluded"]


async def test_an_objection_stops_the_sale_and_its_rejection_holds_it_15_days(
    system: System, http: httpx.AsyncClient
) -> None:
    case_id, [held, free], _ = await _case_with(http, system, assets=2)
    base = system.url("disposal")
    disposals = {}
    for asset_id in (held, free):
        d = await _decided_and_priced(http, system, case_id, asset_id)
        await post(http, system, f"{d}/auctions", SCHEDULE, OFFICER)
        disposals[asset_id] = d

    # a third party claims both vehicles: no sale while the objections are reviewed
    objections = {held: str(uuid.uuid4()), free: str(uuid.uuid4())}
    await publish(system, *[envelope(case_id, "intake.objection_registered", {
        "objection_case_id": oid, "asset_ids": [asset_id], "reviewers": ["rev-1", "rev-2", "rev-3"]},
        stream_id=f"intake.test:{case_id}", version=i) for i, (asset_id, oid) in enumerate(objections.items(), 1)])
    await _standing(http, system, case_id, lambda b: len(b["objections"]) == 2, "both objections")
    for asset_id in (held, free):
        r = await http.post(f"{base}{disposals[asset_id]}/auctions/1/result", json=SOLD, headers=OFFICER)
        body = _refused(r, "互相制约-4", "asset_under_objection")
        assert "审查期间不得处分" in body["detail"]

    # Both rejected, on the court clock's business dates: ``free`` on the last day whose 15-day hold is over
    # by today, ``held`` the day after — today is still within its hold (the hold's last day at the earliest).
    today = clock.today()
    rejected_free = today - timedelta(days=15)
    while objection_hold_ends(rejected_free) >= today:
        rejected_free -= timedelta(days=1)
    rejected_held = rejected_free + timedelta(days=1)
    assert objection_hold_ends(rejected_held) >= today > objection_hold_ends(rejected_free)
    rejected_on = {held: rejected_held, free: rejected_free}
    await publish(system, *[envelope(case_id, "intake.objection_decided", {
        "objection_case_id": objections[asset_id], "outcome": "rejected", "decided_by": REVIEWER,
        "reason": "车辆登记在被执行人名下，异议不成立", "asset_ids": [asset_id], "decided_on": day.isoformat()},
        stream_id=f"intake.test:{case_id}", version=3 + i, actor_id=REVIEWER, role="reviewer")
        for i, (asset_id, day) in enumerate(rejected_on.items())])
    shown = await _standing(http, system, case_id,
                            lambda b: {o["status"] for o in b["objections"]} == {"rejected"}, "both rejections")
    holds = {o["asset_id"]: (o["decided_on"], o["hold_until"]) for o in shown["objections"]}
    assert holds[held] == (rejected_held.isoformat(), objection_hold_ends(rejected_held).isoformat())

    r = await http.post(f"{base}{disposals[held]}/auctions/1/result", json=SOLD, headers=OFFICER)
    body = _refused(r, "民诉法解释-463", "asset_objection_hold")
    ends: date = objection_hold_ends(rejected_held)
    assert f"至 {ends.isoformat()} 届满，{(ends + timedelta(days=1)).isoformat()} 起方可继续处置" in body["detail"]
    assert (await http.get(f"{base}{disposals[held]}", headers=JUDGE)).json()["sale"] is None

    sold = await post(http, system, f"{disposals[free]}/auctions/1/result", SOLD, OFFICER)
    assert sold["status"] == "sold"
    ruled = await post(http, system, f"{disposals[free]}/sale-ruling", {"signed_on": today.isoformat()}, JUDGE)
    assert ruled["outcome"] == "sold"
