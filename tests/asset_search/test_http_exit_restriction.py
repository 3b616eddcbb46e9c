"""Exit restriction (限制出境) over HTTP, real intake, asset_search, simulator and supervision: the judge's
decision in intake goes to the border authority through the linkage-agency channel (agency kind
``border``), only the addressed authority confirms it, once; the lifting is answered by the simulated
authority by itself; supervision's trail shows each step."""

from __future__ import annotations

from typing import Any

import httpx

from deploy.system import System
from shared import clock
from tests.asset_search.helpers import agency_post, eventually, set_knobs
from tests.conftest import auth
from tests.intake.conftest import judge, register
from tests.waits import poll
from tests.worklists import of_case

PERSON = {"kind": "person", "name": "王某", "id_number": "11010519491231002X"}
SUPERVISOR = auth("sup-exit", "supervisor")


async def _trail(http: httpx.AsyncClient, system: System, case_id: str, event_type: str, n: int
                 ) -> list[dict[str, Any]]:
    async def probe() -> list[dict[str, Any]] | None:
        r = await http.get(f"{system.url('supervision')}/cases/{case_id}/trail", headers=SUPERVISOR,
                           params={"event_type": event_type})
        events = r.json()["events"] if r.status_code == 200 else []
        return events if len(events) >= n else None

    return await eventually(probe, 60, f"{n} × {event_type} of {case_id}")


async def test_an_exit_restriction_reaches_the_border_authority_and_is_confirmed_and_lifted(
    system: System, http: httpx.AsyncClient
) -> None:
    case = await register(http, system)
    await set_knobs(http, system, case_id=case["case_id"], agency_id="border-control", late_s=3600)
    r = await http.post(f"{system.url('intake')}/cases/{case['case_id']}/exit-restrictions",
                        headers=judge(case["judge_id"]), json={"subject": PERSON, "reason": "拒不履行，有出境可能"})
    assert r.status_code == 201, r.text
    restriction_id = r.json()["id"]

    [requested] = await _trail(http, system, case["case_id"], "asset_search.exit_restriction_requested", 1)
    p = requested["payload"]
    assert (p["restriction_id"], p["action"], p["agency_id"]) == (restriction_id, "restrict", "border-control")
    path = f"/agency/exit-restrictions/{p['request_id']}/confirmation"
    receipt = {"outcome": "effective", "effective_date": clock.today().isoformat()}
    elsewhere = await agency_post(http, system, "bank-network", path, receipt)
    assert elsewhere.status_code == 404 and elsewhere.json()["code"] == "exit_restriction_not_found"
    ok = await agency_post(http, system, "border-control", path, receipt)
    assert ok.status_code == 200 and ok.json()["events"] == ["asset_search.exit_restriction_confirmed"], ok.text
    again = await agency_post(http, system, "border-control", path, receipt)
    assert again.status_code == 409, again.text

    await set_knobs(http, system, case_id=case["case_id"], agency_id="border-control", delay_s=0.1)
    r = await http.post(
        f"{system.url('intake')}/cases/{case['case_id']}/exit-restrictions/{restriction_id}/lift",
        headers=judge(case["judge_id"]), json={"reason": "被执行人已履行全部义务"})
    assert r.status_code == 200, r.text
    confirmed = await _trail(http, system, case["case_id"], "asset_search.exit_restriction_confirmed", 2)
    assert [e["payload"]["action"] for e in confirmed] == ["restrict", "lift"]
    assert "边控机关回执：解除限制出境已生效" in confirmed[-1]["summary"]
    # the border authority is no searchable agency: the case's first search went to the others only
    r = await http.get(f"{system.url('asset_search')}/cases/{case['case_id']}/search", headers=judge(case["judge_id"]))
    queries = r.json()["queries"]
    assert queries and "border" not in {q["agency_kind"] for q in queries}


async def test_a_refused_receipt_shows_the_restriction_refused_and_puts_it_on_the_judges_worklist(
    system: System, http: httpx.AsyncClient
) -> None:
    """asset_search's read model of a case's exit restrictions (GET /cases/{id}/exit-restrictions, court staff):
    the request awaiting its receipt, a refused receipt showing the restriction refused and on the case judge's
    我的待办 (shared/worklist.py) until a later request supersedes it; the lifting answered and the item gone."""
    case = await register(http, system)
    cid, base = case["case_id"], system.url("asset_search")
    me, searcher = judge(case["judge_id"]), auth("search-exit", "search_officer")
    await set_knobs(http, system, case_id=cid, agency_id="border-control", late_s=3600)
    r = await http.post(f"{system.url('intake')}/cases/{cid}/exit-restrictions", headers=me,
                        json={"subject": PERSON, "reason": "拒不履行，有出境可能"})
    assert r.status_code == 201, r.text
    restriction_id = r.json()["id"]

    async def read(headers: dict[str, str] = me) -> dict[str, Any]:
        r = await http.get(f"{base}/cases/{cid}/exit-restrictions", headers=headers)
        return dict(r.json()) if r.status_code == 200 else {}

    shown = await poll(read, "asset_search to record the request to the border authority", timeout=60,
                       until=lambda b: bool(b.get("restrictions")))
    [restriction] = shown["restrictions"]
    assert (restriction["restriction_id"], restriction["status"], restriction["subject_name"]) == (
        restriction_id, "requested", "王某")
    [request] = restriction["requests"]
    assert (request["action"], request["agency_id"], request["outcome"]) == ("restrict", "border-control", None)
    assert (await read(searcher))["restrictions"][0]["status"] == "requested"  # any staff of the court reads it
    other_court = await http.get(f"{base}/cases/{cid}/exit-restrictions", headers=auth("j-x", "judge", court="赣0502"))
    assert other_court.status_code == 404

    receipt = {"outcome": "refused", "reason": "被限制人证件信息与出入境记录不符"}
    refused = await agency_post(http, system, "border-control",
                                f"/agency/exit-restrictions/{request['request_id']}/confirmation", receipt)
    assert refused.status_code == 200, refused.text
    [restriction] = (await read())["restrictions"]
    assert (restriction["status"], restriction["needs_action"]) == ("refused", True)
    assert restriction["requests"][0]["reason"] == "被限制人证件信息与出入境记录不符"

    async def refused_items(headers: dict[str, str] = me) -> list[dict[str, Any]]:
        return [i for i in await of_case(http, base, headers, cid) if i["kind"] == "exit_restriction_refused"]

    [item] = await poll(refused_items, "the refused receipt on the judge's worklist", until=bool)
    assert item["title"] == "边控机关未能办理限制出境：王某（被限制人证件信息与出入境记录不符），请核实后处理"
    assert item["action"]["path"] == f"/cases/{cid}/exit-restrictions" and item["role"] == "judge"
    assert await refused_items(judge("judge-someone-else")) == [] and await refused_items(searcher) == []

    await set_knobs(http, system, case_id=cid, agency_id="border-control", delay_s=0.1)
    r = await http.post(f"{system.url('intake')}/cases/{cid}/exit-restrictions/{restriction_id}/lift", headers=me,
                        json={"reason": "被执行人已履行全部义务"})
    assert r.status_code == 200, r.text
    lifted = await poll(read, "the lifting answered by the border authority", timeout=60,
                        until=lambda b: bool(b.get("restrictions")) and b["restrictions"][0]["status"] == "lifted")
    assert [q["action"] for q in lifted["restrictions"][0]["requests"]] == ["restrict", "lift"]
    assert lifted["restrictions"][0]["needs_action"] is False
    assert await refused_items() == []
