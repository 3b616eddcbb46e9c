"""互相制约-8 over the whole review (issue 14): a panel member who records a lead on the case as search
officer (asset_search) may not then decide the objection in intake, and supervision finds the act —
over HTTP with the real intake, asset_search and supervision."""

from __future__ import annotations

from typing import Any

import httpx

from deploy.system import System
from tests.conftest import auth
from tests.intake.conftest import CLERK, SUPERVISOR, register
from tests.waits import poll

OBJECTOR = {"kind": "person", "name": "案外人钱某", "id_number": "11010519491231002X"}
PANEL = ["qz-rev-01", "qz-rev-02", "qz-x-8"]


async def test_a_reviewer_who_records_a_lead_cannot_decide_and_supervision_finds_it(
    system: System, http: httpx.AsyncClient
) -> None:
    case = await register(http, system)
    cid = case["case_id"]
    r = await http.post(f"{system.url('intake')}/cases/{cid}/objections", headers=CLERK, json={
        "objector": OBJECTOR, "grounds": "被查封房产属于案外人", "reviewers": PANEL, "asset_ids": []})
    assert r.status_code == 201, r.text
    objection_id = r.json()["new_case"]["case_id"]

    # qz-rev-01, on the panel, records the applicant's lead as a search officer in asset_search.
    async def known_to_asset_search() -> bool:
        got = await http.get(f"{system.url('asset_search')}/cases/{cid}/search",
                             headers=auth("qz-rev-01", "search_officer"))
        return got.status_code == 200

    await poll(known_to_asset_search, "the case in asset_search")
    lead = await http.post(f"{system.url('asset_search')}/cases/{cid}/leads",
                           headers=auth("qz-rev-01", "search_officer"),
                           json={"description": "被执行人在某银行开有账户", "target": "某银行账户"})
    assert lead.status_code == 201, lead.text

    # intake learns the lead and who recorded it in one reaction (its case facts show the lead)
    async def intake_knows() -> bool:
        got = await http.get(f"{system.url('intake')}/cases/{cid}", headers=CLERK)
        return lead.json()["lead_id"] in got.json()["facts"]["unverified_leads"]

    await poll(intake_knows, "intake to learn the lead")
    url = f"{system.url('intake')}/cases/{cid}/objections/{objection_id}/decision"
    decision = {"outcome": "rejected", "reason": "房产登记在被执行人名下，异议不成立"}
    refused = await http.post(url, headers=auth("qz-rev-01", "reviewer"), json=decision)
    assert refused.status_code == 422, refused.text
    assert (refused.json()["code"], refused.json()["rule"]) == ("reviewer_handled_case", "互相制约-8")
    ok = await http.post(url, headers=auth("qz-rev-02", "reviewer"), json=decision)
    assert ok.status_code == 200, ok.text  # another member of the panel decides

    async def finding() -> list[dict[str, Any]]:
        got = await http.get(f"{system.url('supervision')}/findings", headers=SUPERVISOR,
                             params={"case_id": cid, "rule_id": "互相制约-8"})
        return list(got.json()["findings"]) if got.status_code == 200 else []

    [found] = await poll(finding, "supervision's 互相制约-8 finding of the reviewer's act")
    assert found["people"] == ["qz-rev-01"] and "asset_search.lead_recorded" in found["message"]
