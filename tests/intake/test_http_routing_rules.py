"""Issue 14, item 6, over HTTP: a triage override with a blank reason is refused naming its rule, and a
re-assignment to a judge of the other track's teams is refused until the team lead changes the track."""

from __future__ import annotations

import httpx

from deploy.system import System
from tests.conftest import auth
from tests.intake.conftest import register

LEAD = auth("qz-lead-02", "team_lead")  # lead of 黔01-普执一组 (config.json)


async def test_a_blank_triage_reason_names_its_rule_and_a_track_change_needs_a_triage(
    system: System, http: httpx.AsyncClient
) -> None:
    case = await register(http, system)  # ordinary track: a 普执 judge
    cid = case["case_id"]
    triage = f"{system.url('intake')}/cases/{cid}/triage"
    for body in ({"track": "fast"}, {"track": "fast", "reason": "  "}):
        r = await http.post(triage, json=body, headers=LEAD)
        assert r.status_code == 422, r.text
        assert (r.json()["code"], r.json()["rule"]) == ("reason_required", "繁简分流-团队长")
        assert r.json()["errors"][0]["field"] == "reason"

    moved = await http.post(f"{system.url('intake')}/cases/{cid}/assignment", headers=LEAD,
                            json={"judge_id": "qz-j-101", "reason": "工作调整"})  # a 快执 judge
    assert moved.status_code == 422, moved.text
    assert (moved.json()["code"], moved.json()["rule"]) == ("track_change_needs_triage", "繁简分流-团队长")
    assert moved.json()["errors"][0]["field"] == "judge_id"
    detail = (await http.get(f"{system.url('intake')}/cases/{cid}", headers=LEAD)).json()
    assert detail["judge_id"] == case["judge_id"] and detail["track"] == "ordinary"
