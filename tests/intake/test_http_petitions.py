"""Enforcement petitions (涉执信访) and judicial aid (国家司法救助) through intake's API on the real stack:
each step's passing case and every rule's refusal (the rule named), the petition assigned to the case's
judge and team, and a petition closed by the aid it led to."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from deploy.system import System
from services.intake.config import load_config
from shared import clock
from shared.holidays import COURT
from shared.periods import petition_accept_by, petition_conclude_by
from tests.conftest import auth
from tests.intake.conftest import CLERK, judge, register
from tests.waits import poll

CHIEF = auth("qz-chief-01", "bureau_chief")
PANEL = ["qz-rev-01", "qz-rev-02"]


def _refused(r: httpx.Response, status: int, rule: str, code: str | None = None) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["rule"] == rule, body
    if code is not None:
        assert body["code"] == code, body


async def _petition(http: httpx.AsyncClient, url: str, case: dict[str, Any], **over: Any) -> dict[str, Any]:
    body = {"case_number": case["case_number"], "petitioner": {"name": "张某", "role": "applicant",
                                                              "contact": "13800000000"},
            "request": "执行立案已久，要求尽快执行到位", "channel": "visit", "received_on": clock.today().isoformat(),
            **over}
    r = await http.post(f"{url}/petitions", headers=CLERK, json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_a_petition_is_assigned_to_the_cases_judge_escalated_discussed_extended_and_closed(
    system: System, http: httpx.AsyncClient
) -> None:
    url = system.url("intake")
    case = await register(http, system, claim_amount_fen=50_000_000)  # above the aid cap: the cap decides
    today = clock.today()

    r = await http.post(f"{url}/petitions", headers=judge(case["judge_id"]), json={
        "case_id": case["case_id"], "petitioner": {"name": "张某", "role": "applicant"}, "request": "要求执行",
        "channel": "phone", "received_on": today.isoformat()})
    _refused(r, 403, "权责清单", "role_not_allowed")
    r = await http.post(f"{url}/petitions", headers=CLERK, json={
        "case_number": "（2026）黔01执999999号", "petitioner": {"name": "张某", "role": "applicant"},
        "request": "要求执行", "channel": "phone", "received_on": today.isoformat()})
    assert r.status_code == 404 and r.json()["code"] == "case_not_found"

    p = await _petition(http, url, case)
    pid = p["petition_id"]
    assert (p["officer_id"], p["team_id"], p["status"]) == (case["judge_id"], case["team_id"], "registered")
    # 15 days, a last day on a rest day moved (shared/periods.py, as supervision's node counts)
    assert p["accept_by"] == str(petition_accept_by(today, COURT).due)

    ack = {"acknowledged_on": today.isoformat()}
    _refused(await http.post(f"{url}/petitions/{pid}/acknowledgement", headers=judge("qz-j-999"), json=ack),
             403, "信访-谁办理谁接待", "not_petition_handler")
    r = await http.post(f"{url}/petitions/{pid}/acknowledgement", headers=judge(case["judge_id"]), json=ack)
    assert r.status_code == 200, r.text
    assert r.json()["conclude_by"] == str(petition_conclude_by(today, 0, COURT).due)

    esc = {"instruction": "十日内约谈申请人并答复", "due_on": (today + timedelta(days=10)).isoformat()}
    _refused(await http.post(f"{url}/petitions/{pid}/escalation", headers=judge(case["judge_id"]), json=esc),
             403, "信访-督办", "role_not_allowed")
    r = await http.post(f"{url}/petitions/{pid}/escalation", headers=CHIEF, json=esc)
    assert r.status_code == 200 and r.json()["escalations"] == 1, r.text

    talk = {"participants": [case["judge_id"]], "conclusion": "启动司法救助", "discussed_on": today.isoformat()}
    _refused(await http.post(f"{url}/petitions/{pid}/discussions", headers=judge(case["judge_id"]), json=talk),
             422, "信访-会商", "too_few_participants")
    talk["participants"] = [case["judge_id"], "qz-chief-01", case["team_id"]]
    r = await http.post(f"{url}/petitions/{pid}/discussions", headers=judge(case["judge_id"]), json=talk)
    assert r.status_code == 200 and r.json()["discussions"] == 1, r.text

    _refused(await http.post(f"{url}/petitions/{pid}/extension", headers=judge(case["judge_id"]),
                             json={"days": 30, "reason": "情况复杂"}), 403, "信访工作条例-34", "role_not_allowed")
    _refused(await http.post(f"{url}/petitions/{pid}/extension", headers=CHIEF, json={"days": 31, "reason": "复杂"}),
             422, "信访工作条例-34", "extension_too_long")
    r = await http.post(f"{url}/petitions/{pid}/extension", headers=CHIEF, json={"days": 30, "reason": "情况复杂"})
    assert r.status_code == 200 and r.json()["conclude_by"] == str(petition_conclude_by(today, 30, COURT).due), r.text
    _refused(await http.post(f"{url}/petitions/{pid}/extension", headers=CHIEF, json={"days": 5, "reason": "复杂"}),
             422, "信访工作条例-34", "already_extended")

    close = {"outcome": "judicial_aid", "petition_stopped": True, "details": "发放司法救助金",
             "closed_on": today.isoformat()}
    _refused(await http.post(f"{url}/petitions/{pid}/closure", headers=judge(case["judge_id"]), json=close),
             422, "信访-司法救助", "aid_required")

    # judicial aid, from this petition
    aid_id = await _judicial_aid(http, url, case, pid)
    r = await http.post(f"{url}/petitions/{pid}/closure", headers=judge(case["judge_id"]),
                        json={**close, "aid_id": aid_id})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["outcome"], r.json()["petition_stopped"]) == ("closed", "judicial_aid", True)

    listed = await http.get(f"{url}/cases/{case['case_id']}/petitions", headers=CHIEF)
    assert [x["petition_id"] for x in listed.json()["petitions"]] == [pid]
    one = await http.get(f"{url}/petitions/{pid}", headers=CHIEF)
    assert one.json()["extended_days"] == 30 and one.json()["version"] == 6
    await _paid_through_the_case_account(http, system, case, aid_id)


async def _paid_through_the_case_account(http: httpx.AsyncClient, system: System, case: dict[str, Any],
                                         aid_id: str) -> None:
    """Disposal pays the aid once it has learnt the grant and its report; never above the grant."""
    fin = auth("fin-001", "finance_officer")
    url = f"{system.url('disposal')}/cases/{case['case_id']}/ledger"
    wage = load_config().aid_policy("黔01").wage_for(clock.today().year - 1) or 0
    pay = {"aid_id": aid_id, "amount_fen": 36 * wage + 1, "paid_on": clock.today().isoformat()}


    async def answer() -> dict[str, Any]:
        return dict((await http.post(f"{url}/aid-payments", headers=fin, json=pay)).json())

    # before disposal has learnt the grant and its report: aid_not_granted / aid_funds_not_requested
    refused = await poll(answer, "disposal to know the grant and its report (refusing one fen above it)",
                         until=lambda b: b.get("code") == "aid_payment_exceeds_grant")
    assert refused["rule"] == "司法救助-拨付"
    # two finance officers (互相制约-9): a proposal pays nothing; its maker never approves; another returns or pays
    checker = auth("fin-002", "finance_officer")
    r = await http.post(f"{url}/aid-payments", headers=fin, json={**pay, "amount_fen": 1})
    assert r.status_code == 201 and r.json()["judicial_aid"]["pending"][0]["proposed_by"] == "fin-001", r.text
    r = await http.post(f"{url}/aid-payments/{r.json()['payment_id']}/rejection", headers=checker,
                        json={"reason": "收款账户有误"})
    assert r.status_code == 200 and r.json()["judicial_aid"]["pending"] == [], r.text
    r = await http.post(f"{url}/aid-payments", headers=fin, json={**pay, "amount_fen": 36 * wage})
    assert r.status_code == 201 and r.json()["judicial_aid"]["paid_fen"] == 0, r.text
    approval = f"{url}/aid-payments/{r.json()['payment_id']}/approval"
    _refused(await http.post(approval, headers=fin, json={}), 403, "互相制约-9", "maker_is_checker")
    r = await http.post(approval, headers=checker, json={})
    assert r.status_code == 200, r.text
    paid = r.json()["judicial_aid"]["payments"][0]
    assert (paid["proposed_by"], paid["paid_by"]) == ("fin-001", "fin-002")
    ledger = (await http.get(url, headers=fin)).json()
    assert ledger["judicial_aid"]["paid_fen"] == 36 * wage
    assert (ledger["paid_to_applicant_fen"], ledger["balance_fen"], ledger["paid_in_full"]) == (0, 0, False)


async def _judicial_aid(http: httpx.AsyncClient, url: str, case: dict[str, Any], petition_id: str) -> str:
    wage = load_config().aid_policy("黔01").wage_for(clock.today().year - 1)
    assert wage is not None
    cap = 36 * wage
    r = await http.post(f"{url}/cases/{case['case_id']}/judicial-aid", headers=CLERK, json={
        "applicant": {"name": "张某"}, "amount_requested_fen": cap + 100, "grounds": "申请人丧失劳动能力，生活困难",
        "applied_on": clock.today().isoformat(), "petition_id": petition_id})
    assert r.status_code == 201, r.text
    aid_id = str(r.json()["aid_id"])
    base = f"{url}/judicial-aid/{aid_id}"

    exam = {"case_unenforceable": True, "hardship_grounds": ["丧失劳动能力"], "findings": "被执行人无财产可供执行"}
    _refused(await http.post(f"{base}/examination", headers=judge("qz-j-999"), json=exam), 403, "互相制约-2",
             "not_case_judge")
    r = await http.post(f"{base}/examination", headers=judge(case["judge_id"]), json=exam)
    assert r.status_code == 200 and r.json()["eligible"] is True, r.text

    rev = auth("qz-rev-01", "reviewer")
    decision = {"granted": True, "amount_fen": cap, "panel": PANEL, "reason": "符合救助条件"}
    _refused(await http.post(f"{base}/decision", headers=rev, json=decision), 403, "司法救助-合议", "panel_too_small")
    decision["panel"] = [*PANEL, case["judge_id"]]
    _refused(await http.post(f"{base}/decision", headers=auth(case["judge_id"], "reviewer"), json=decision),
             403, "司法救助-合议", "case_judge_decides")
    _refused(await http.post(f"{base}/decision", headers=rev, json={**decision, "amount_fen": cap + 1}),
             422, "司法救助意见-8", "aid_above_cap")
    r = await http.post(f"{base}/decision", headers=rev, json=decision)
    assert r.status_code == 200 and (r.json()["granted"], r.json()["amount_fen"]) == (True, cap), r.text

    _refused(await http.post(f"{base}/funds-request", headers=rev, json={}), 403, "司法救助-拨付", "role_not_allowed")
    r = await http.post(f"{base}/funds-request", headers=CHIEF, json={})
    assert r.status_code == 200 and r.json()["status"] == "reported", r.text

    listed = await http.get(f"{url}/cases/{case['case_id']}/judicial-aid", headers=CHIEF)
    assert [a["aid_id"] for a in listed.json()["applications"]] == [aid_id]
    assert (await http.get(base, headers=CHIEF)).json()["version"] == 4
    return aid_id


async def test_late_steps_are_refused_or_shown_late_and_ineligible_aid_is_only_refused(
    system: System, http: httpx.AsyncClient
) -> None:
    """A petition received 90 days ago and accepted 70 days ago: its 60 days have passed (even moved past a
    rest day), so no extension
    (信访工作条例-34 limit_passed); supervision shows the acceptance late. An application the judge finds
    ineligible cannot be granted (司法救助意见-3), only refused; nothing is reported or paid for it."""
    url, today = system.url("intake"), clock.today()
    case = await register(http, system)
    p = await _petition(http, url, case, received_on=(today - timedelta(days=90)).isoformat(), channel="online")
    pid = p["petition_id"]
    r = await http.post(f"{url}/petitions/{pid}/acknowledgement", headers=CHIEF,  # a leader may step in
                        json={"acknowledged_on": (today - timedelta(days=70)).isoformat()})
    limit = petition_conclude_by(today - timedelta(days=70), 0, COURT).due
    assert limit is not None and limit < today
    assert r.status_code == 200 and r.json()["conclude_by"] == limit.isoformat(), r.text
    _refused(await http.post(f"{url}/petitions/{pid}/extension", headers=CHIEF, json={"days": 30, "reason": "复杂"}),
             422, "信访工作条例-34", "limit_passed")

    async def accept_node() -> dict[str, Any]:
        r = await http.get(f"{system.url('supervision')}/cases/{case['case_id']}/deadlines", headers=CHIEF)
        nodes = {d["key"]: d for d in r.json().get("deadlines", [])} if r.status_code == 200 else {}
        return nodes.get(f"petition_accept:{pid}", {})

    node = await poll(accept_node, "supervision's petition_accept node", until=lambda d: d.get("status") == "late")
    assert node["due"] >= (today - timedelta(days=75)).isoformat()  # 15 days from receipt (a rest day moves it)
    assert node["due"] == p["accept_by"]  # intake and supervision count the same day (shared/periods.py)

    r = await http.post(f"{url}/cases/{case['case_id']}/judicial-aid", headers=CLERK, json={
        "applicant": {"name": "张某"}, "amount_requested_fen": 100_000, "grounds": "生活困难",
        "applied_on": today.isoformat()})
    base = f"{url}/judicial-aid/{r.json()['aid_id']}"
    r = await http.post(f"{base}/examination", headers=judge(case["judge_id"]), json={
        "case_unenforceable": False, "hardship_grounds": [], "findings": "被执行人有可供执行的存款"})
    assert r.status_code == 200 and r.json()["eligible"] is False, r.text
    rev = auth("qz-rev-01", "reviewer")
    panel = ["qz-rev-01", "qz-rev-02", "qz-rev-03"]
    grant = {"granted": True, "amount_fen": 100_000, "panel": panel, "reason": "救助"}
    _refused(await http.post(f"{base}/decision", headers=rev, json=grant), 422, "司法救助意见-3", "not_eligible")
    r = await http.post(f"{base}/decision", headers=rev, json={"granted": False, "panel": panel, "reason": "可执行"})
    assert r.status_code == 200 and r.json()["granted"] is False, r.text
    _refused(await http.post(f"{base}/funds-request", headers=CHIEF, json={}), 422, "司法救助-拨付", "aid_not_granted")
    r = await http.post(f"{system.url('disposal')}/cases/{case['case_id']}/ledger/aid-payments",
                        headers=auth("fin-001", "finance_officer"),
                        json={"aid_id": r.json()["aid_id"], "amount_fen": 1, "paid_on": today.isoformat()})
    _refused(r, 422, "司法救助-拨付", "aid_not_granted")
