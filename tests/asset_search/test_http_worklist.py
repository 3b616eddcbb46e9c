"""我的待办 in asset_search over HTTP (issue 18): the search officers' leads to verify and queries still
waiting for an agency; the case's judge sees the leads of their own cases. Each item appears when the
work is due, disappears when done, and never shows to another officer or another court."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from deploy.system import System
from services.asset_search.domain.rules import lead_due
from shared import clock
from tests.asset_search.helpers import SEARCHER, judge, open_case, set_knobs
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

    [item] = await poll(waiting, "the case's unanswered bank query on the worklist",
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
