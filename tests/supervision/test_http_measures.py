"""Coercive measures in supervision over HTTP (real supervision, events published as intake and
field_ops would): 互相制约-13 and -14 found over the trail when broken, and the measures indicator
counted per month and per judge for a period."""

from __future__ import annotations

from typing import Any

import httpx

from deploy.system import System
from tests.conftest import auth
from tests.supervision.helpers import Story, publish, wait_story
from tests.waits import poll

COURT = "黔03"  # a court of its own: the indicator counts the court's measures
WATCHER = auth("sup-m03", "supervisor", court=COURT)
PERSON = {"kind": "person", "name": "王某", "id_number": "11010519491231002X"}


def _story(approver: str, detainer: str) -> Story:
    s = Story(court=COURT).on("2026-05-06")
    s.registered()
    s.add("intake.case_assigned", "system", None, judge_id="j-m03", team_id="t-m03", track="ordinary",
          assigned_by="system")
    s.add("intake.measure_proposed", "j-m03", "judge", measure_id="m1", court=COURT, subject=PERSON, fine_fen=500_000,
          detention_days=7, proposed_by="j-m03", proposed_on="2026-05-06")
    s.on("2026-05-07").add("intake.measure_approved", approver, "president", measure_id="m1", subject=PERSON,
                           fine_fen=500_000, detention_days=7, measure_zh="罚款 5,000 元、拘留 7 日", judge_id="j-m03",
                           proposed_by="j-m03",
                           approved_by=approver, approved_on="2026-05-07")
    s.add("field_ops.custody_started", detainer, "field_officer", measure_id="m1", task_id="t1", officer_id=detainer,
          started_on="2026-05-08", started_at="2026-05-08T10:00:00+08:00", detention_days=7, release_by="2026-05-14")
    return s


async def _findings(http: httpx.AsyncClient, system: System, case_id: str, count: int) -> list[dict[str, Any]]:
    async def fetch() -> list[dict[str, Any]]:
        r = await http.get(f"{system.url('supervision')}/findings", headers=WATCHER, params={"case_id": case_id})
        return [f for f in r.json()["findings"] if f["rule_id"] in ("互相制约-13", "互相制约-14")] \
            if r.status_code == 200 else []

    return await poll(fetch, f"{count} measure findings of {case_id}", timeout=60, until=lambda f: len(f) >= count)


async def test_the_mutual_checks_of_measures_are_found_over_the_trail_and_counted(
    system: System, http: httpx.AsyncClient
) -> None:
    broken, kept = _story("j-m03", "j-m03"), _story("pres-m03", "fo-m03")
    await publish(system, broken.envelopes + kept.envelopes)
    await wait_story(http, system, broken, WATCHER)
    trail = await wait_story(http, system, kept, WATCHER)
    assert any("院长 pres-m03 批准强制措施：罚款 5,000 元、拘留 7 日" in e["summary"] for e in trail)

    found = await _findings(http, system, broken.case_id, 2)
    assert sorted(f["rule_id"] for f in found) == ["互相制约-13", "互相制约-14"]
    assert all(f["people"] == ["j-m03"] for f in found)
    assert await _findings(http, system, kept.case_id, 0) == []

    r = await http.get(f"{system.url('supervision')}/indicators/measures", headers=WATCHER,
                       params={"from": "2026-05-01", "to": "2026-05-31"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["totals"] == {"proposed": 2, "approved": 2, "rejected": 0, "fines": 2, "detentions": 2,
                              "fine_fen": 1_000_000, "reconsiderations_decided": 0, "custody_started": 2,
                              "released_early": 0, "referrals": 0, "private_prosecutions": 0, "rewards_granted": 0,
                              "exposures": 0}
    assert body["by_month"] == [{"month": "2026-05", "proposed": 2, "approved": 2, "fines": 2, "detentions": 2,
                                 "fine_fen": 1_000_000}]
    assert body["by_judge"] == [{"judge_id": "j-m03", "proposed": 2, "approved": 2, "detentions": 2, "fines": 2}]
    r = await http.get(f"{system.url('supervision')}/indicators/measures", headers=WATCHER,
                       params={"from": "2026-06-01", "to": "2026-05-31"})
    assert r.status_code == 422
    r = await http.get(f"{system.url('supervision')}/indicators/measures", headers=auth("clerk-m03", "intake_clerk"))
    assert r.status_code == 403
