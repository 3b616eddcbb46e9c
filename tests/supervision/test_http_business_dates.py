"""Supervision dates a node from the business date on the event, not from the day it was entered
(issue 14): a receipt booked today with ``received_on`` 40 days back is already overdue on the
payout node, the late entry is shown, and paying it out is a 互相制约-9 finding — over HTTP, disposal's
ledger → Kafka → supervision."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx

from deploy.system import System
from shared import clock
from tests.conftest import auth
from tests.disposal.helpers import known_to_disposal, publish, registered_and_assigned
from tests.waits import poll

JUDGE = auth("judge-101", "judge")
FIN_MAKER = auth("fin-301", "finance_officer")
FIN_CHECKER = auth("fin-302", "finance_officer")
SUPERVISOR = auth("sup-001", "supervisor")


async def test_a_receipt_booked_40_days_late_is_overdue_from_its_received_on_and_its_payout_is_found_late(
    system: System, http: httpx.AsyncClient
) -> None:
    case_id = str(uuid.uuid4())
    await publish(system, *registered_and_assigned(case_id, "judge-101"))
    await known_to_disposal(http, system, case_id, JUDGE, judge="judge-101")
    today = clock.today()
    received_on = today - timedelta(days=40)
    ledger = f"{system.url('disposal')}/cases/{case_id}/ledger"
    r = await http.post(f"{ledger}/receipts", headers=FIN_MAKER, json={
        "source": "voluntary_payment", "amount_fen": 500_000, "received_on": received_on.isoformat(),
        "payer": "被执行人王某"})
    assert r.status_code == 201, r.text
    entry = r.json()
    [limit] = entry["payout_limits"]
    assert limit["overdue"] is True  # disposal's ledger: pay_by is behind us

    async def payout_node() -> dict[str, Any] | None:
        r = await http.get(f"{system.url('supervision')}/cases/{case_id}/deadlines", headers=SUPERVISOR)
        if r.status_code != 200:
            return None
        return next((d for d in r.json()["deadlines"] if d["key"] == f"payout:{entry['entry_id']}"), None)

    node = await poll(payout_node, "supervision's payout node")
    assert node["start_date"] == received_on.isoformat()
    assert node["due"] == limit["pay_by"]  # one count: disposal's pay_by and supervision's node agree
    assert node["status"] == "overdue"
    assert any(f"业务日期 {received_on.isoformat()}（received_on），录入于 {today.isoformat()}（迟 40 日录入）" in s
               for s in node["explanation"]), node["explanation"]

    proposed = await http.post(f"{ledger}/payouts", headers=FIN_MAKER, json={"amount_fen": 500_000})
    assert proposed.status_code == 201, proposed.text
    approved = await http.post(f"{ledger}/payouts/{proposed.json()['payout_id']}/approval", headers=FIN_CHECKER)
    assert approved.status_code == 200, approved.text

    async def late_finding() -> list[dict[str, Any]]:
        r = await http.get(f"{system.url('supervision')}/findings", headers=SUPERVISOR,
                           params={"case_id": case_id, "rule_id": "互相制约-9"})
        return list(r.json()["findings"]) if r.status_code == 200 else []

    [finding] = await poll(late_finding, "the 互相制约-9 finding of the payout 40 days after receipt")
    assert finding["message"].startswith(f"执行款于 {received_on.isoformat()} 到账，应于 {limit['pay_by']} 前发放")
    assert set(finding["people"]) == {"fin-301", "fin-302"}
