"""我的待办 in asset_search over HTTP (issue 18): the search officers' leads to verify and queries still
waiting for an agency; the case's judge sees the leads of their own cases. Each item appears when the
work is due, disappears when done, and never shows to another officer or another court."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from deploy.system import System
from services.asset_search.domain.rules import lead_due
from shared import clock
from tests.asset_search.helpers import SEARCHER, judge, open_case, set_knobs, wait_search
from tests.asset_search.test_http_controls import _control, _order
from tests.conftest import auth
from tests.waits import poll
from tests.worklists import of_case

OTHER_COURT_SEARCHER = auth("search-001", "search_officer", court="粤0304")


async def test_a_lead_waits_for_verification_and_a_silent_agency_shows_as_a_query_due(
    system: System, http: httpx.AsyncClient, producer: AIOKafkaProducer
) -> None:
    base = system.url("asset_search")
    case_id, judge_id = str(uuid.uuid4()), f"judge-{uuid.uuid4().hex[:6]}"
    await set_knobs(http, system, case_id=case_id, agency_id="bank-network", silent=True)
    await open_case(producer, system, judge_id, case_id=case_id)

    # The bank never answers: the case stays on the search officers' list, naming the agency kind.
    async def waiting() -> list[dict[str, Any]]:
        return [i for i in await of_case(http, base, SEARCHER, case_id) if i["kind"] == "queries_due"]

    [item] = await poll(waiting, "the case's unanswered bank query on the worklist", timeout=60,
                        until=lambda items: bool(items) and "银行存款" in items[0]["title"])
    assert item["title"].startswith("跟进协助单位答复：") and item["case_number"].startswith("（")
    assert item["action"] == {"service": "asset_search", "method": "GET", "path": f"/cases/{case_id}/search",
                              "label": "查看查控进度"}
    assert await of_case(http, base, OTHER_COURT_SEARCHER, case_id) == []
    assert await of_case(http, base, judge(judge_id), case_id) == []  # queries are the search centre's

    r = await http.post(f"{base}/cases/{case_id}/leads", headers=SEARCHER,
                        json={"description": "申请人称被执行人在某银行有存款", "target": "账户 6222…", "urgent": True})
    assert r.status_code == 201, r.text
    lead_id = r.json()["lead_id"]
    due = lead_due(clock.today(), urgent=True).isoformat()
    for who, role in ((SEARCHER, "search_officer"), (judge(judge_id), "judge")):
        [lead] = [i for i in await of_case(http, base, who, case_id) if i["kind"] == "lead_verify"]
        assert (lead["role"], lead["ref"], lead["due"]) == (role, lead_id, due)
        assert lead["title"] == "核查申请人提供的财产线索（紧急）：申请人称被执行人在某银行有存款"
        assert lead["action"]["path"] == f"/cases/{case_id}/leads/{lead_id}/verification"
    assert await of_case(http, base, judge("judge-someone-else"), case_id) == []
    assert await of_case(http, base, OTHER_COURT_SEARCHER, case_id) == []

    done = await http.post(f"{base}/cases/{case_id}/leads/{lead_id}/verification", headers=SEARCHER,
                           json={"outcome": "not_found", "note": "银行回复无此账户"})
    assert done.status_code == 200, done.text
    assert [i for i in await of_case(http, base, SEARCHER, case_id) if i["kind"] == "lead_verify"] == []
    assert await of_case(http, base, judge(judge_id), case_id) == []
    await set_knobs(http, system, case_id=case_id, agency_id="bank-network")


async def test_a_control_near_its_expiry_is_on_the_judges_worklist_until_renewed(
    system: System, http: httpx.AsyncClient, producer: AIOKafkaProducer
) -> None:
    base, case_id, judge_id = system.url("asset_search"), str(uuid.uuid4()), f"judge-{uuid.uuid4().hex[:6]}"
    await open_case(producer, system, judge_id, case_id=case_id)
    found = await wait_search(http, system, case_id, lambda f: any(a["asset_kind"] == "vehicle" for a in f["assets"]),
                              timeout=90, what="the simulator's vehicle")  # only the vehicle is needed here
    found_case = {"case_id": case_id, "judge_id": judge_id,
                  "assets": {a["asset_kind"]: a for a in found["assets"]}}
    expiry = clock.today() + timedelta(days=20)
    await set_knobs(http, system, case_id=case_id, agency_id="vehicle-admin", control_expiry_date=expiry.isoformat())
    ordered = await _order(http, system, found_case, "vehicle", "impound")
    assert ordered.status_code in (200, 201), ordered.text
    control_id = ordered.json()["control_id"]
    await _control(http, system, case_id, control_id, "effective")

    [item] = [i for i in await of_case(http, base, judge(judge_id), case_id) if i["kind"] == "control_renew"]
    assert (item["ref"], item["due"], item["role"]) == (control_id, expiry.isoformat(), "judge")
    assert item["title"].startswith("续行扣押（车辆，财产 ")
    assert item["action"]["path"] == f"/cases/{case_id}/controls/{control_id}/renewal"
    assert [i for i in await of_case(http, base, judge("judge-someone-else"), case_id)
            if i["kind"] == "control_renew"] == []
    assert [i for i in await of_case(http, base, SEARCHER, case_id) if i["kind"] == "control_renew"] == []

    renewed = await http.post(f"{base}{item['action']['path']}", json={"ruling_number": "续封裁定1"},
                              headers=judge(judge_id))
    assert renewed.status_code == 200, renewed.text

    async def renew_items() -> list[dict[str, Any]]:
        return [i for i in await of_case(http, base, judge(judge_id), case_id) if i["kind"] == "control_renew"]

    await poll(renew_items, "the renewed control off the judge's list", until=lambda items: items == [])
