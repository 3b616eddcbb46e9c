"""End to end on the real stack: a petition leads to judicial aid; the aid paid through the case account
shows in disposal's ledger apart from the enforcement money (never 执行到位, the amount due unchanged),
and in supervision's trail (sentences), deadlines (the petition's nodes) and indicators (petitions,
案访比, 息访率, aid cases and amounts), while the case's money recovered counts only enforcement money."""

from __future__ import annotations

from typing import Any

import httpx

from deploy.system import System
from shared import clock
from tests.conftest import auth
from tests.intake.conftest import CLERK, judge, register
from tests.waits import poll

CHIEF = auth("qz-chief-01", "bureau_chief")
FIN = auth("fin-001", "finance_officer")
SUPERVISOR = auth("sup-001", "supervisor")
AID_FEN = 2_000_000
PAID_FEN = 150_000


async def _ok(r: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert r.status_code == status, r.text
    return dict(r.json())


async def test_aid_paid_is_kept_apart_in_the_ledger_and_counted_by_supervision(system: System,
                                                                              http: httpx.AsyncClient) -> None:
    intake, today = system.url("intake"), clock.today().isoformat()
    case = await register(http, system)
    cid, jid = case["case_id"], case["judge_id"]
    petition = await _ok(await http.post(f"{intake}/petitions", headers=CLERK, json={
        "case_id": cid, "petitioner": {"name": "张某", "role": "applicant"}, "request": "生活困难，要求执行",
        "channel": "letter", "received_on": today}), 201)
    pid = petition["petition_id"]
    await _ok(await http.post(f"{intake}/petitions/{pid}/acknowledgement", headers=judge(jid),
                              json={"acknowledged_on": today}))
    aid = await _ok(await http.post(f"{intake}/cases/{cid}/judicial-aid", headers=CLERK, json={
        "applicant": {"name": "张某"}, "amount_requested_fen": AID_FEN, "grounds": "重病，无收入",
        "applied_on": today, "petition_id": pid}), 201)
    base = f"{intake}/judicial-aid/{aid['aid_id']}"
    await _ok(await http.post(f"{base}/examination", headers=judge(jid), json={
        "case_unenforceable": True, "hardship_grounds": ["重病"], "findings": "被执行人下落不明、无财产"}))
    await _ok(await http.post(f"{base}/decision", headers=auth("qz-rev-01", "reviewer"), json={
        "granted": True, "amount_fen": AID_FEN, "panel": ["qz-rev-01", "qz-rev-02", "qz-rev-03"], "reason": "符合"}))
    await _ok(await http.post(f"{base}/funds-request", headers=CHIEF, json={}))
    await _ok(await http.post(f"{intake}/petitions/{pid}/closure", headers=judge(jid), json={
        "outcome": "judicial_aid", "petition_stopped": True, "details": "发放救助金", "closed_on": today,
        "aid_id": aid["aid_id"]}))

    # disposal: enforcement money and aid money on the same case account, apart
    ledger_url = f"{system.url('disposal')}/cases/{cid}/ledger"
    await _ok(await http.post(f"{ledger_url}/receipts", headers=FIN, json={
        "source": "voluntary_payment", "amount_fen": PAID_FEN, "received_on": today}), 201)

    async def pay() -> httpx.Response:
        return await http.post(f"{ledger_url}/aid-payments", headers=FIN,
                               json={"aid_id": aid["aid_id"], "amount_fen": AID_FEN, "paid_on": today})

    proposed = await poll(pay, "disposal to learn the grant and its report", until=lambda r: r.status_code == 201)
    assert proposed.json()["judicial_aid"]["paid_fen"] == 0  # a proposal pays nothing (互相制约-9: two officers)
    paid = await http.post(f"{ledger_url}/aid-payments/{proposed.json()['payment_id']}/approval",
                           headers=auth("fin-002", "finance_officer"), json={})
    assert paid.status_code == 200 and paid.json()["judicial_aid"]["paid_fen"] == AID_FEN, paid.text
    ledger = await _ok(await http.get(ledger_url, headers=FIN))
    assert (ledger["received_fen"], ledger["balance_fen"], ledger["paid_to_applicant_fen"]) == (PAID_FEN, PAID_FEN, 0)
    assert ledger["judicial_aid"]["paid_fen"] == AID_FEN and ledger["paid_in_full"] is False
    due = ledger["amount_due"]
    assert due["outstanding_fen"] == due["total_fen"]  # aid never reduces what the debtor owes

    # supervision: the indicators, the case's inputs, the trail and the petition's nodes
    sup = system.url("supervision")
    period = {"from": today, "to": today}

    async def figures() -> dict[str, Any]:
        r = await http.get(f"{sup}/indicators/petitions", headers=SUPERVISOR, params={**period, "group_by": "judge"})
        return dict(r.json()) if r.status_code == 200 else {}

    got = await poll(figures, "supervision to count the aid paid",
                     until=lambda b: b.get("totals", {}).get("judicial_aid", {}).get("paid_fen", 0) >= AID_FEN)
    mine = next(g for g in got["groups"] if g["key"] == jid)
    assert mine["petitions"] >= 1 and mine["stop_rate"]["numerator"] >= 1
    assert mine["judicial_aid"]["granted_fen"] >= AID_FEN and mine["judicial_aid"]["paid_fen"] >= AID_FEN
    assert got["totals"]["case_petition_ratio"]["denominator"] >= 1

    inputs = await _ok(await http.get(f"{sup}/indicators/cases", headers=SUPERVISOR, params=period))
    [facts] = [c for c in inputs["cases"] if c["case_id"] == cid]
    assert facts["recovered_fen"] == PAID_FEN  # 执行到位: the enforcement money only, never the aid

    trail = await _ok(await http.get(f"{sup}/cases/{cid}/trail", headers=SUPERVISOR))
    lines = [e.get("summary", "") for e in trail["events"]]
    assert any("司法救助金" in s and "不计入执行到位" in s for s in lines), lines
    assert any(s.startswith("登记涉执信访") for s in lines), lines
    # the panel and the two finance officers kept the rules: no 互相制约-15 (aid panel) or -9 finding for the case
    for rule_id in ("互相制约-15", "互相制约-9"):
        found = await _ok(await http.get(f"{sup}/findings", headers=SUPERVISOR,
                                         params={"case_id": cid, "rule_id": rule_id}))
        assert found["findings"] == [], found
    nodes = await _ok(await http.get(f"{sup}/cases/{cid}/deadlines", headers=SUPERVISOR))
    by_key = {d["key"]: d for d in nodes["deadlines"]}
    assert by_key[f"petition_accept:{pid}"]["status"] == "met"
    assert by_key[f"petition_conclude:{pid}"]["status"] == "met"
