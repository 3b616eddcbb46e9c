"""我的待办 in disposal over HTTP (issue 18): the finance officers' payouts (to propose; to approve,
never one's own — 互相制约-9), the disposal centre's queue and the judge's steps of a disposal. Each
item appears when the work is due, disappears when done, and never shows to another officer or court."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx

from deploy.system import System
from services.disposal.domain.rules import statutory_deadline
from shared import clock
from tests.conftest import auth
from tests.disposal.helpers import controlled_on_site, known_to_disposal, publish, registered_and_assigned
from tests.disposal.test_http_flow import post
from tests.worklists import kinds, of_case

JUDGE = auth("judge-101", "judge")
OTHER_JUDGE = auth("judge-102", "judge")
OFFICER = auth("disp-wl-1", "disposal_officer")
FIN_MAKER = auth("fin-wl-1", "finance_officer")
FIN_CHECKER = auth("fin-wl-2", "finance_officer")
OTHER_COURT_FIN = auth("fin-wl-2", "finance_officer", court="粤0304")
OTHER_COURT_OFFICER = auth("disp-wl-1", "disposal_officer", court="粤0304")


async def test_a_payout_waits_for_another_finance_officer_and_leaves_the_list_when_approved(
    system: System, http: httpx.AsyncClient
) -> None:
    base = system.url("disposal")
    case_id = str(uuid.uuid4())
    envelopes = registered_and_assigned(case_id, "judge-101")
    number = envelopes[1].payload["case_number"]
    await publish(system, *envelopes)
    await known_to_disposal(http, system, case_id, JUDGE, judge="judge-101")
    assert await of_case(http, base, FIN_CHECKER, case_id) == []

    received_on = clock.today() - timedelta(days=1)
    await post(http, system, f"/cases/{case_id}/ledger/receipts",
               {"source": "voluntary_payment", "amount_fen": 1_000_000, "received_on": received_on.isoformat()},
               FIN_MAKER, 201)
    pay_by = statutory_deadline(received_on, 30).isoformat()
    for officer in (FIN_MAKER, FIN_CHECKER):  # the arrival is to be paid out by either
        [item] = await of_case(http, base, officer, case_id)
        assert (item["kind"], item["case_number"], item["due"]) == ("payout_propose", number, pay_by)
        assert item["title"] == "发放已到账执行款 10,000.00 元（到账后30日内）"
        assert item["action"]["path"] == f"/cases/{case_id}/ledger/payouts"
    assert await of_case(http, base, OTHER_COURT_FIN, case_id) == []

    proposed = await post(http, system, f"/cases/{case_id}/ledger/payouts", {"amount_fen": 1_000_000}, FIN_MAKER, 201)
    pid = proposed["payout_id"]
    assert await of_case(http, base, FIN_MAKER, case_id) == []  # 互相制约-9: not the proposer's to approve
    [item] = await of_case(http, base, FIN_CHECKER, case_id)
    assert (item["kind"], item["role"], item["ref"], item["due"]) == ("payout_approval", "finance_officer", pid,
                                                                     pay_by)
    assert "10,000.00 元" in item["title"] and "申请执行人" in item["title"] and "fin-wl-1" in item["title"]
    assert item["action"] == {"service": "disposal", "method": "POST", "label": "审批发放",
                              "path": f"/cases/{case_id}/ledger/payouts/{pid}/approval"}
    assert await of_case(http, base, OTHER_COURT_FIN, case_id) == []
    assert await of_case(http, base, OFFICER, case_id) == []  # not a disposal officer's work

    await post(http, system, item["action"]["path"], {}, FIN_CHECKER)
    assert await of_case(http, base, FIN_CHECKER, case_id) == []
    assert await of_case(http, base, FIN_MAKER, case_id) == []


async def test_the_disposal_centres_queue_and_the_judges_step(system: System, http: httpx.AsyncClient) -> None:
    base = system.url("disposal")
    case_id, asset_id = str(uuid.uuid4()), f"asset-{uuid.uuid4().hex[:8]}"
    await publish(system, *registered_and_assigned(case_id, "judge-101"),
                  *controlled_on_site(case_id, asset_id, "search-401"))
    await known_to_disposal(http, system, case_id, JUDGE, controls=1, judge="judge-101")
    decided = await post(http, system, f"/cases/{case_id}/disposals", {"asset_id": asset_id}, JUDGE, 201)
    d = f"/disposals/{decided['disposal_id']}"

    [item] = await of_case(http, base, OFFICER, case_id)
    assert (item["kind"], item["ref"], item["action"]["path"]) == ("price_start", decided["disposal_id"],
                                                                   f"{d}/price/procedure")
    assert await of_case(http, base, OTHER_COURT_OFFICER, case_id) == []
    assert await of_case(http, base, JUDGE, case_id) == []  # nothing of the judge's yet

    for method, reason in (("agreement", "双方未在期限内议价"), ("targeted_enquiry", "车辆无计税基准价")):
        await post(http, system, f"{d}/price/unavailable", {"method": method, "reason": reason}, OFFICER)
    started = clock.today() - timedelta(days=1)
    await post(http, system, f"{d}/price/procedure", {"method": "online_enquiry", "providers": ["平台甲", "平台乙"],
                                                      "started_on": started.isoformat()}, OFFICER)
    [item] = await of_case(http, base, OFFICER, case_id)
    assert item["kind"] == "price_fix" and item["title"].startswith("确定参考价（网络询价")
    assert item["due"] == statutory_deadline(started, 3).isoformat()  # 参考价规定 art. 11: 3 days

    await post(http, system, f"{d}/price", {"method": "online_enquiry",
                                             "platform_results_fen": [29_000_000, 31_000_000],
                                             "determined_on": clock.today().isoformat(),
                                             "received_on": clock.today().isoformat()}, OFFICER)
    assert await of_case(http, base, OFFICER, case_id) == []  # the next step is the judge's
    [terms] = await of_case(http, base, JUDGE, case_id)
    assert (terms["kind"], terms["role"], terms["action"]["path"]) == ("auction_terms", "judge", f"{d}/auction-terms")
    assert await of_case(http, base, OTHER_JUDGE, case_id) == []
    await post(http, system, f"{d}/auction-terms", {"starting_price_fen": 21_000_000, "deposit_fen": 2_100_000,
                                                    "increment_fen": 100_000}, JUDGE)
    assert await of_case(http, base, JUDGE, case_id) == []
    assert kinds(await of_case(http, base, OFFICER, case_id)) == ["auction_schedule"]
