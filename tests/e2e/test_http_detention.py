"""End to end over HTTP (intake, field_ops, supervision as real processes on the real stack): a
detention decided in intake becomes a field task carried out by the field centre, and supervision
shows it — the trail in Chinese, the detention's last day and the reconsideration window as
deadlines, no 互相制约 finding, and the month's count on the measures indicator."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from deploy.system import System
from shared import clock
from tests.conftest import auth
from tests.field_ops.test_http_detention import detain_proposal, detention_approved, instruct
from tests.intake.conftest import AFFAIRS, register
from tests.waits import poll

SUPERVISOR = auth("sup-e2e-m", "supervisor")
FIELD = auth("fo-1a", "field_officer")


async def _trail(http: httpx.AsyncClient, system: System, case_id: str, *types: str) -> list[dict[str, Any]]:
    async def fetch() -> list[dict[str, Any]]:
        r = await http.get(f"{system.url('supervision')}/cases/{case_id}/trail", headers=SUPERVISOR)
        return r.json()["events"] if r.status_code == 200 else []

    return await poll(fetch, f"{types} in the trail of {case_id}", timeout=60,
                      until=lambda events: set(types) <= {e["event_type"] for e in events})


async def test_a_detention_decided_in_intake_is_carried_out_in_the_field_and_supervised(
    system: System, http: httpx.AsyncClient
) -> None:
    case = await register(http, system)
    measure = await detention_approved(http, system, case, 5)
    base = f"{system.url('intake')}/cases/{case['case_id']}/measures/{measure['measure_id']}"
    r = await http.post(f"{base}/service", headers=AFFAIRS, json={"served_on": clock.today().isoformat()})
    assert r.status_code == 200, r.text

    proposal = await detain_proposal(http, system, case)
    r = await instruct(http, system, case, proposal)
    assert r.status_code == 201, r.text
    task = f"{system.url('field_ops')}/tasks/{r.json()['task_id']}"
    assert (await http.post(f"{task}/accept", headers=FIELD)).status_code == 200
    started = clock.now() - timedelta(hours=2)
    r = await http.post(f"{task}/custody", headers=FIELD,
                        json={"started_at": started.isoformat(), "custody_organ": "南明区拘留所"})
    assert r.status_code == 200, r.text
    release_by = r.json()["events"][0]["payload"]["release_by"]
    assert release_by == (started.date() + timedelta(days=4)).isoformat()

    events = await _trail(http, system, case["case_id"], "intake.measure_proposed", "intake.measure_approved",
                          "intake.measure_served", "field_ops.detention_instructed", "field_ops.custody_started")
    lines = {e["event_type"]: e["summary"] for e in events}
    assert "拘留 5 日" in lines["intake.measure_proposed"] and "院长 pres-fo1 批准" in lines["intake.measure_approved"]
    assert f"至迟 {release_by} 解除" in lines["field_ops.custody_started"]

    async def deadlines() -> dict[str, dict[str, Any]]:
        r = await http.get(f"{system.url('supervision')}/cases/{case['case_id']}/deadlines", headers=SUPERVISOR)
        return {d["node"]: d for d in r.json()["deadlines"]} if r.status_code == 200 else {}

    nodes = await poll(deadlines, "the detention's deadlines", timeout=60,
                       until=lambda n: {"detention_end", "reconsider_window"} <= set(n))
    assert nodes["detention_end"]["due"] == release_by
    assert nodes["reconsider_window"]["start_date"] == clock.today().isoformat()
    assert nodes["detention_end"]["status"] in ("open", "warning")

    r = await http.get(f"{system.url('supervision')}/findings", headers=SUPERVISOR,
                       params={"case_id": case["case_id"]})
    assert not [f for f in r.json()["findings"] if f["rule_id"] in ("互相制约-13", "互相制约-14")]

    r = await http.get(f"{system.url('supervision')}/indicators/measures", headers=SUPERVISOR,
                       # from the month of the custody's start (2 hours ago: the month before, just after midnight)
                       params={"from": min(started.date(), clock.today()).replace(day=1).isoformat(),
                               "to": clock.today().isoformat()})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["totals"]["detentions"] >= 1 and body["totals"]["custody_started"] >= 1
    mine = next(j for j in body["by_judge"] if j["judge_id"] == case["judge_id"])
    assert mine["proposed"] >= 1 and mine["detentions"] >= 1
    assert [m["month"] for m in body["by_month"]] == [clock.today().strftime("%Y-%m")]
