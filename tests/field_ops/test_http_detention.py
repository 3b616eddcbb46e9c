"""A detention approved in intake is carried out by the field centre over HTTP (real intake and
field_ops): the approved decision becomes a ``detain`` proposal, the judge instructs, a field officer
who is not a decider takes the person into custody, tells the family and releases within the days."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from deploy.system import System
from shared import clock
from tests.conftest import auth
from tests.intake.conftest import eventually, judge, register
from tests.waits import poll

PERSON = {"kind": "person", "name": "王某", "id_number": "11010519491231002X"}


async def detention_approved(http: httpx.AsyncClient, system: System, case: dict[str, Any], days: int,
                             approver: str = "pres-fo1") -> dict[str, Any]:
    """A detention proposed by the case's judge and approved by the president, in intake."""
    r = await http.post(f"{system.url('intake')}/cases/{case['case_id']}/measures", headers=judge(case["judge_id"]),
                        json={"subject": PERSON, "ground": "obstruct_officers", "facts": "以暴力阻碍执行人员查封",
                              "detention_days": days, "region": "520102"})
    assert r.status_code == 201, r.text
    measure = r.json()
    r = await http.post(f"{system.url('intake')}/cases/{case['case_id']}/measures/{measure['measure_id']}/approve",
                        headers=auth(approver, "president", "field_officer"),
                        json={"decision_number": "（2026）黔01司惩9号"})
    assert r.status_code == 200, r.text
    return measure


async def detain_proposal(http: httpx.AsyncClient, system: System, case: dict[str, Any]) -> dict[str, Any]:
    async def proposed() -> bool:
        r = await http.get(f"{system.url('field_ops')}/cases/{case['case_id']}/proposals",
                           headers=judge(case["judge_id"]))
        return r.status_code == 200 and any(p["kind"] == "detain" for p in r.json()["proposals"])

    await eventually(proposed, "field_ops to turn the approved detention into a proposal", tries=300)
    r = await http.get(f"{system.url('field_ops')}/cases/{case['case_id']}/proposals", headers=judge(case["judge_id"]))
    return next(p for p in r.json()["proposals"] if p["kind"] == "detain")


async def instruct(http: httpx.AsyncClient, system: System, case: dict[str, Any], proposal: dict[str, Any] | None
                   ) -> httpx.Response:
    body: dict[str, Any] = {"kind": "detain", "target": {"kind": "person", "description": "王某"}, "region": "520102",
                            "deadline": (clock.today() + timedelta(days=3)).isoformat()}
    if proposal is not None:
        body["proposal_id"] = proposal["proposal_id"]
    return await http.post(f"{system.url('field_ops')}/cases/{case['case_id']}/instructions",
                           headers=judge(case["judge_id"]), json=body)


async def test_a_detention_is_instructed_carried_out_and_released_within_its_days(
    system: System, http: httpx.AsyncClient
) -> None:
    case = await register(http, system)
    await detention_approved(http, system, case, 10, approver="fo-1b")  # an approver who is also a field officer
    proposal = await detain_proposal(http, system, case)
    assert "拘留 10 日" in proposal["reason"]

    r = await instruct(http, system, case, None)
    assert r.status_code == 422 and r.json()["rule"] == "民诉法-119", r.text
    r = await instruct(http, system, case, proposal)
    assert r.status_code == 201, r.text
    types = [e["event_type"] for e in r.json()["events"]]
    assert types[-1] == "field_ops.detention_instructed" and r.json()["team_id"] == "fo-t1"
    task = f"{system.url('field_ops')}/tasks/{r.json()['task_id']}"

    r = await http.post(f"{task}/accept", headers=auth("fo-1b", "field_officer"))
    assert r.status_code == 403 and r.json()["rule"] == "互相制约-14", r.text
    r = await http.post(f"{task}/accept", headers=auth("fo-1a", "field_officer"))
    assert r.status_code == 200, r.text
    fo = auth("fo-1a", "field_officer")
    start = clock.now() - timedelta(days=20)
    r = await http.post(f"{task}/custody", headers=fo,
                        json={"started_at": start.isoformat(), "custody_organ": "南明区拘留所"})
    assert r.status_code == 200, r.text
    assert r.json()["events"][0]["payload"]["release_by"] == (start.date() + timedelta(days=9)).isoformat()
    r = await http.post(f"{task}/family-notice", headers=fo,
                        json={"notified": True, "notified_at": (start + timedelta(hours=3)).isoformat()})
    assert r.status_code == 200 and r.json()["events"][0]["payload"]["within_24h"] is True, r.text
    over = {"released_on": (start.date() + timedelta(days=10)).isoformat()}
    r = await http.post(f"{task}/release", headers=fo, json=over)
    assert r.status_code == 422 and r.json()["rule"] == "民诉法-118", r.text
    r = await http.post(f"{task}/release", headers=fo,
                        json={"released_on": (start.date() + timedelta(days=9)).isoformat()})
    assert r.status_code == 200 and r.json()["events"][0]["payload"]["early"] is False, r.text


async def test_an_early_release_is_recorded_only_after_the_president_approved_it_in_intake(
    system: System, http: httpx.AsyncClient
) -> None:
    """民诉法解释 art. 182: the president approves the early release on the measure in intake
    (intake.measure_early_release_approved); field_ops refuses an early release until that reached it."""
    case = await register(http, system)
    measure = await detention_approved(http, system, case, 10)
    proposal = await detain_proposal(http, system, case)
    r = await instruct(http, system, case, proposal)
    assert r.status_code == 201, r.text
    task = f"{system.url('field_ops')}/tasks/{r.json()['task_id']}"
    fo = auth("fo-1a", "field_officer")
    assert (await http.post(f"{task}/accept", headers=fo)).status_code == 200
    start = clock.now() - timedelta(days=2)
    r = await http.post(f"{task}/custody", headers=fo,
                        json={"started_at": start.isoformat(), "custody_organ": "南明区拘留所"})
    assert r.status_code == 200, r.text
    release = {"released_on": clock.today().isoformat(), "reason": "认错悔改，具结悔过"}
    r = await http.post(f"{task}/release", headers=fo, json=release)
    assert r.status_code == 422 and r.json()["rule"] == "民诉法解释-182", r.text
    assert r.json()["errors"][0]["field"] == "released_on"

    approval = f"{system.url('intake')}/cases/{case['case_id']}/measures/{measure['measure_id']}/early-release"
    r = await http.post(approval, headers=judge(case["judge_id"]), json={"reason": "认错悔改"})
    assert r.status_code == 403 and r.json()["rule"] == "民诉法解释-182", r.text
    r = await http.post(approval, headers=auth("pres-fo1", "president"), json={"reason": "认错悔改，具结悔过"})
    assert r.status_code == 201, r.text
    assert r.json()["events"] == ["intake.measure_early_release_approved"]
    assert r.json()["early_release_approved_on"] == clock.today().isoformat()
    r = await http.post(approval, headers=auth("pres-fo1", "president"), json={"reason": "认错悔改，具结悔过"})
    assert r.status_code == 409 and r.json()["rule"] == "民诉法解释-182", r.text

    async def released() -> httpx.Response:
        return await http.post(f"{task}/release", headers=fo, json=release)

    r = await poll(released, "field_ops to learn the president's approval", timeout=60,
                   until=lambda r: r.status_code == 200)
    ended = r.json()["events"][0]["payload"]
    assert ended["early"] is True and ended["days_in_custody"] == 3, r.text
