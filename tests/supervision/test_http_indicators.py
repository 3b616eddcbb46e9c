"""质效指标 over HTTP, from events other services publish on the run's topic."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from deploy.system import System
from tests.conftest import auth
from tests.supervision.helpers import SUPERVISOR, Story, publish, wait_trail
from tests.waits import poll

PERIOD = {"from": "2026-01-01", "to": "2026-06-30"}


def opened(team: str, judge: str, track: str) -> Story:
    s = Story().on("2026-03-02")
    s.registered()
    s.add("intake.case_triaged", "system", None, track=track, rule_ids=["r"], reasons=["r"], decided_by="system")
    s.add("intake.case_assigned", "system", None, judge_id=judge, team_id=team, track=track, assigned_by="system")
    return s


def closed(s: Story, kind: str, on: str, judge: str, approver: str, track: str) -> None:
    s.on(on).add(
        "intake.case_closed",
        approver,
        "bureau_chief",
        closure_type=kind,
        judge_id=judge,
        approved_by=approver,
        reason="结案",
        conditions=[],
        claim_amount_fen=12_345_600,
        registered_on="2026-03-02",
        closed_on=on,
        track=track,
    )


async def get(http: httpx.AsyncClient, system: System, path: str, **params: Any) -> dict[str, Any]:
    r = await http.get(f"{system.url('supervision')}{path}", headers=SUPERVISOR, params=params)
    assert r.status_code == 200, r.text
    return r.json()


async def test_indicators_of_a_team_from_the_trail(system: System, http: httpx.AsyncClient) -> None:
    team, bank = f"team-{uuid.uuid4().hex[:8]}", f"bank-{uuid.uuid4().hex[:8]}"
    paid = opened(team, "judge-p", "fast")
    paid.add(
        "disposal.funds_received",
        "fin-1",
        "finance_officer",
        entry_id="e1",
        amount_fen=12_345_600,
        source="voluntary_payment",
        in_kind=False,
        received_on="2026-03-10",
    )
    closed(paid, "执行完毕", "2026-03-20", "judge-p", "chief-1", "fast")
    zhongben = opened(team, "judge-z", "ordinary")
    zhongben.add("asset_search.query_dispatched", query_id=f"q-{bank}", agency_id=bank, agency_kind="bank_deposit")
    zhongben.add(
        "asset_search.agency_answered",
        query_id=f"q-{bank}",
        agency_id=bank,
        agency_kind="bank_deposit",
        outcome="nothing_found",
        late=False,
    )
    closed(zhongben, "终本", "2026-04-01", "judge-z", "judge-z", "ordinary")  # approved by its own judge, too early
    still_open = opened(team, "judge-z", "ordinary")
    await publish(system, paid.envelopes + zhongben.envelopes + still_open.envelopes)
    for s in (paid, zhongben, still_open):
        await wait_trail(http, system, s.case_id, len(s.envelopes))
    async def zhongben_finding() -> list[dict[str, Any]]:
        return list((await get(http, system, "/findings", case_id=zhongben.case_id, rule_id="互相制约-6"))["findings"])

    await poll(zhongben_finding, "the 终本 case's 互相制约-6 finding", timeout=30)

    body = await get(http, system, "/indicators", team_id=team, group_by="judge", **PERIOD)
    t = body["totals"]
    assert (t["received"], t["closed"], t["pending"]) == (3, 2, 1)
    assert t["结案率"] == {"value": 0.6667, "numerator": 2, "denominator": 3}
    assert t["执行完毕率"]["value"] == 0.5 and t["实际执结率"]["value"] == 0.5
    assert t["执行到位率"] == {"value": 0.5, "numerator": 12_345_600, "denominator": 24_691_200}
    assert t["结案平均用时"] == {"value": 24.0, "total_days": 18 + 30, "cases": 2}
    assert t["法定期限内结案率"]["value"] == 1.0
    assert t["终本率"]["value"] == 0.5
    assert t["终本合格率"] == {"value": 0.0, "numerator": 0, "denominator": 1}
    assert body["tracks"]["fast"] == {
        "received": 1,
        "received_old": 0,
        "received_new": 1,
        "closed": 1,
        "pending": 0,
        "share_of_closures": {"value": 0.5, "numerator": 1, "denominator": 2},
        "mean_days_to_close": {"value": 18.0, "total_days": 18, "cases": 1},
    }
    for key in ("received", "received_old", "received_new", "closed", "pending"):  # the tracks add up
        assert sum(tr[key] for tr in body["tracks"].values()) == t[key], key
    assert [(g["judge"], g["closed"]) for g in body["groups"]] == [("judge-p", 1), ("judge-z", 1)]

    inputs = {
        c["case_id"]: c for c in (await get(http, system, "/indicators/cases", closed_only="true", **PERIOD))["cases"]
    }
    assert inputs[zhongben.case_id]["zhongben_finding"] is True
    # registered 2 March: the 6-month limit ends 2 September (a Wednesday, no holiday to step over)
    assert inputs[paid.case_id]["recovered_fen"] == 12_345_600 and inputs[paid.case_id]["close_due"] == "2026-09-02"
    assert still_open.case_id not in inputs

    agencies = {a["agency_id"]: a for a in (await get(http, system, "/indicators/agencies", **PERIOD))["agencies"]}
    assert agencies[bank]["answered"] == 1 and agencies[bank]["mean_seconds"] == 300.0  # 5 minutes apart

    # The cases' search nodes settle once asset_search's own search of them reaches the trail, some
    # moments after their events do (a run read 3 of the team's cases past due before it).
    def team_cases(o: dict[str, Any]) -> int | None:
        return {r["team_id"]: r["cases"] for r in o["by_team"]}.get(team)

    overdue = await poll(lambda: get(http, system, "/indicators/overdue", as_of="2026-11-23"),
                         "two of the team's cases past due", until=lambda o: team_cases(o) == 2)
    teams = {r["team_id"]: r["cases"] for r in overdue["by_team"]}
    # The open case has its notice and investigation past due (nobody sent or did them), its 6-month
    # close, and, on 23 November, its first search (the real asset_search searches it today, after
    # that date). The closed cases' nodes ended with their closures (docs/rules.md §2.6), except
    # those still watched: the paid case's payout is past due; the 终本 case's 6-monthly re-search
    # counts from asset_search's search of today, so nothing of it is past due on 23 November. The
    # case pages say the same.
    assert teams[team] == 2 and sum(overdue["by_level"].values()) == overdue["cases"]
    expected = {
        paid.case_id: {"payout:e1"},
        zhongben.case_id: set(),
        still_open.case_id: {"notice", "investigation", "first_search", "close"},
    }
    for case_id, late in expected.items():
        nodes = (await get(http, system, f"/cases/{case_id}/deadlines", as_of="2026-11-23"))["deadlines"]
        assert {d["key"] for d in nodes if d["status"] == "overdue"} == late, case_id
    assert "close" in {n["node"] for n in overdue["by_node"]}  # the open case is past its 6 months


async def test_indicators_need_a_watcher_and_a_sound_period(system: System, http: httpx.AsyncClient) -> None:
    url = f"{system.url('supervision')}/indicators"
    assert (await http.get(url)).status_code == 401
    assert (await http.get(url, headers=auth("judge-1", "judge"))).status_code == 403
    r = await http.get(url, headers=SUPERVISOR, params={"from": "2026-06-01", "to": "2026-01-01"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["field"] == "from"
    page = await http.get(f"{system.url('supervision')}/dashboard")
    assert page.status_code == 200 and "执行指挥中心" in page.text
    assert (await http.get(f"{system.url('supervision')}/dashboard/static/dashboard.js")).status_code == 200
    assert (await http.get(f"{system.url('supervision')}/dashboard/static/..%2Fsecret.py")).status_code == 404
