"""Disposal over HTTP, the steps the main flow does not take: an online enquiry extended once, two
objections to the price and the judge's rulings on them; after two failed auctions a direct sale or
a release; the case's list of disposals; a payout sent back by the second finance officer.

Each test opens a case of its own (intake's and asset_search's own deciders publish the case and an
on-site seizure, ``tests/helpers.py``); every date is counted back from the court clock.
"""

from __future__ import annotations

import calendar
import uuid
from datetime import date, timedelta
from typing import Any

import chinese_calendar
import httpx

from deploy.system import System
from shared import clock
from tests.conftest import auth
from tests.disposal.helpers import known_to_disposal, publish, registered_and_assigned
from tests.helpers import seized_on_site_by

OFFICER = auth("disp-p01", "disposal_officer")
FIN_MAKER = auth("fin-p01", "finance_officer")
FIN_CHECKER = auth("fin-p02", "finance_officer")


async def controlled_case(http: httpx.AsyncClient, system: System, kind: str,
                          claim_fen: int = 12_345_600) -> tuple[str, dict[str, str], str]:
    """(case id, its judge's headers, asset id): a case of its own judge, an asset of ``kind`` sealed on
    site by a field officer, known to disposal."""
    case_id, judge_id, asset_id = str(uuid.uuid4()), f"judge-{uuid.uuid4().hex[:6]}", f"asset-{uuid.uuid4().hex[:8]}"
    await publish(system, *registered_and_assigned(case_id, judge_id, claim_fen),
                  *seized_on_site_by(case_id, asset_id, "fo-p01", judge_id=judge_id, asset_kind=kind))
    headers = auth(judge_id, "judge")
    await known_to_disposal(http, system, case_id, headers, controls=1, judge=judge_id)
    return case_id, headers, asset_id


async def post(http: httpx.AsyncClient, system: System, path: str, body: dict[str, Any] | None,
               headers: dict[str, str], expect: int = 200) -> dict[str, Any]:
    r = await http.post(f"{system.url('disposal')}{path}", json=body, headers=headers)
    assert r.status_code == expect, r.text
    out: dict[str, Any] = r.json()
    return out


async def get(http: httpx.AsyncClient, system: System, path: str, headers: dict[str, str]) -> dict[str, Any]:
    r = await http.get(f"{system.url('disposal')}{path}", headers=headers)
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def working(day: date) -> bool:
    """The State Council's schedule where the calendar package has the year; weekends otherwise."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def a_year_after(day: date) -> date:
    return date(day.year + 1, day.month, min(day.day, calendar.monthrange(day.year + 1, day.month)[1]))


def at(day: date, hour: int = 10) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00+08:00"


async def test_an_online_enquiry_extended_once_and_two_objections_ruled_on_by_the_judge(
    system: System, http: httpx.AsyncClient
) -> None:
    case_id, judge, asset_id = await controlled_case(http, system, "vehicle")
    decided = await post(http, system, f"/cases/{case_id}/disposals", {"asset_id": asset_id}, judge, 201)
    d = f"/disposals/{decided['disposal_id']}"
    # An enquiry started on a day whose 3rd, 6th and 7th days after are working days: its 3-day period
    # ends on the 3rd, once extended on the 6th, so a result on the 7th is late only after the extension.
    start = next(day for day in (clock.today() - timedelta(days=n) for n in range(12, 60))
                 if all(working(day + timedelta(days=k)) for k in (3, 6, 7)))
    on = {k: (start + timedelta(days=k)).isoformat() for k in range(10)}

    for method in ("agreement", "targeted_enquiry"):
        await post(http, system, f"{d}/price/unavailable", {"method": method, "reason": "不能适用"}, OFFICER)
    started = await post(http, system, f"{d}/price/procedure", {
        "method": "online_enquiry", "providers": ["平台甲", "平台乙"], "started_on": on[0]}, OFFICER)
    assert started["price_procedure"] == {"method": "online_enquiry", "started_on": on[0], "extensions": 0}
    extended = await post(http, system, f"{d}/price/procedure/extension", {"requested_on": on[2]}, OFFICER)
    assert extended["events"] == ["disposal.price_procedure_extended"]
    assert extended["price_procedure"] == {"method": "online_enquiry", "started_on": on[0], "extensions": 1}
    twice = await http.post(f"{system.url('disposal')}{d}/price/procedure/extension", json={"requested_on": on[3]},
                            headers=OFFICER)
    assert twice.status_code == 422 and (twice.json()["rule"], twice.json()["code"]) == (
        "参考价规定-11", "price_extension_limit")

    results = {"method": "online_enquiry", "platform_results_fen": [29_000_000, 31_000_001]}
    late = await http.post(f"{system.url('disposal')}{d}/price", headers=OFFICER,
                           json={**results, "determined_on": on[7], "received_on": on[7]})
    assert late.status_code == 422 and late.json()["code"] == "price_result_late", late.text
    assert late.json()["errors"][0]["message"] == f"网络询价结果晚于期限 {on[6]}，应改用下一种方式"
    priced = await post(http, system, f"{d}/price", {**results, "determined_on": on[6], "received_on": on[7]},
                        OFFICER)
    assert (priced["reference_price"]["amount_fen"], priced["reference_price"]["valid_until"]) == (
        30_000_001, a_year_after(start + timedelta(days=6)).isoformat())  # the mean, half a fen rounded up
    assert (priced["price_procedure"], priced["objection_pending"], priced["status"]) == (None, False, "priced")

    # The applicant objects; the judge (no one else) rejects the objection and the price stands.
    raised = await post(http, system, f"{d}/price/objections",
                        {"party": "applicant", "filed_on": on[8], "grounds": "询价结果明显偏低"}, OFFICER)
    assert (raised["events"], raised["objection_pending"]) == (["disposal.price_objection_raised"], True)
    terms = {"starting_price_fen": 21_000_001, "deposit_fen": 2_100_000, "increment_fen": 100_000}
    blocked = await http.post(f"{system.url('disposal')}{d}/auction-terms", json=terms, headers=judge)
    assert blocked.status_code == 409 and blocked.json()["code"] == "price_objection_pending"
    other = await http.post(f"{system.url('disposal')}{d}/price/objections/ruling", headers=auth("judge-x", "judge"),
                            json={"upheld": False, "reason": "异议不成立"})
    assert other.status_code == 403 and other.json()["rule"] == "互相制约-2"
    kept = await post(http, system, f"{d}/price/objections/ruling", {"upheld": False, "reason": "异议不成立"}, judge)
    assert (kept["events"], kept["objection_pending"], kept["reference_price"]["amount_fen"]) == (
        ["disposal.price_objection_ruled"], False, 30_000_001)
    nothing = await http.post(f"{system.url('disposal')}{d}/price/objections/ruling", headers=judge,
                              json={"upheld": True, "reason": "无异议可审"})
    assert nothing.status_code == 409 and nothing.json()["code"] == "no_pending_objection"

    # The respondent objects too; upheld, the price falls and no auction terms can be fixed on it.
    await post(http, system, f"{d}/price/objections",
               {"party": "respondent", "filed_on": on[9], "grounds": "平台未考虑车辆加装设备"}, OFFICER)
    upheld = await post(http, system, f"{d}/price/objections/ruling", {"upheld": True, "reason": "异议成立，重新询价"},
                        judge)
    assert (upheld["reference_price"], upheld["objection_pending"], upheld["status"]) == (None, False, "decided")
    no_price = await http.post(f"{system.url('disposal')}{d}/auction-terms", json=terms, headers=judge)
    assert no_price.status_code == 409 and (no_price.json()["code"], no_price.json()["rule"]) == (
        "no_price", "互相制约-5")
    shown = await get(http, system, d, judge)
    assert (shown["case_id"], shown["status"], shown["reference_price"], shown["price_procedure"]) == (
        case_id, "decided", None, None)
    assert shown["unavailable_methods"] == ["agreement", "targeted_enquiry"]
    listed = await get(http, system, f"/cases/{case_id}/disposals", judge)  # the case's list says the same
    assert [(x["disposal_id"], x["status"], x["outcome"]) for x in listed["disposals"]] == [
        (decided["disposal_id"], "decided", None)]


async def two_failed_auctions(http: httpx.AsyncClient, system: System, d: str, judge: dict[str, str],
                              base: date, then: Any = None) -> None:
    """Reference price 10,000,000 fen agreed on ``base``; two auctions of the movable, both unsold
    (start 7,000,000, then cut by the full 20 %). ``then(...)`` runs between the two rounds."""
    for party in ("applicant", "respondent"):
        await post(http, system, f"{d}/notices", {"notice_kind": "auction_notice", "party": party,
                                                  "served_on": base.isoformat()}, OFFICER)
    await post(http, system, f"{d}/price", {"method": "agreement", "amount_fen": 10_000_000,
                                            "determined_on": base.isoformat(), "received_on": base.isoformat()},
               OFFICER)
    for rnd, start, announced, bidding in ((1, 7_000_000, 3, 18), (2, 5_600_000, 21, 28)):
        await post(http, system, f"{d}/auction-terms", {"starting_price_fen": start, "deposit_fen": start // 10,
                                                        "increment_fen": 50_000}, judge)
        await post(http, system, f"{d}/auctions", {
            "platform": "平台甲", "announcement_start": (base + timedelta(days=announced)).isoformat(),
            "bidding_start": at(base + timedelta(days=bidding)), "bidding_end": at(base + timedelta(days=bidding + 1))},
            OFFICER)
        ended = await post(http, system, f"{d}/auctions/{rnd}/result",
                           {"result": "unsold", "ended_at": at(base + timedelta(days=bidding + 1))}, OFFICER)
        assert ended["status"] == "auction_unsold"
        if rnd == 1 and then is not None:
            await then()


async def test_after_two_failed_auctions_a_direct_sale_at_half_the_price_is_ruled_and_paid_in(
    system: System, http: httpx.AsyncClient
) -> None:
    case_id, judge, asset_id = await controlled_case(http, system, "vehicle")
    decided = await post(http, system, f"/cases/{case_id}/disposals", {"asset_id": asset_id}, judge, 201)
    disposal_id = decided["disposal_id"]
    d, base = f"/disposals/{disposal_id}", clock.today() - timedelta(days=60)
    sale = {"price_fen": 5_000_000, "buyer": "买受人乙", "sold_on": (base + timedelta(days=35)).isoformat()}

    async def too_early() -> None:
        r = await http.post(f"{system.url('disposal')}{d}/direct-sale", json=sale, headers=OFFICER)
        assert r.status_code == 422 and (r.json()["rule"], r.json()["code"]) == ("网拍规定-26", "not_failed_twice")

    await two_failed_auctions(http, system, d, judge, base, too_early)
    below_half = await http.post(f"{system.url('disposal')}{d}/direct-sale", json={**sale, "price_fen": 4_999_999},
                                 headers=OFFICER)
    assert below_half.status_code == 422 and below_half.json()["rule"] == "拍卖变卖规定-32"
    sold = await post(http, system, f"{d}/direct-sale", sale, OFFICER)
    assert (sold["events"], sold["status"], sold["sale"]) == (
        ["disposal.direct_sale_completed"], "sold", {"price_fen": 5_000_000, "buyer": "买受人乙", "via": "direct_sale"})
    ruled = await post(http, system, f"{d}/sale-ruling", {"signed_on": (base + timedelta(days=36)).isoformat()},
                       judge)
    assert (ruled["events"], ruled["outcome"], ruled["ruling_signed"], ruled["status"]) == (
        ["disposal.sale_ruling_signed", "disposal.disposal_concluded"], "direct_sale", True, "concluded")

    listed = await get(http, system, f"/cases/{case_id}/disposals", judge)
    assert listed["case_id"] == case_id
    assert [(x["disposal_id"], x["asset_id"], x["status"], x["outcome"], x["sale_price_fen"])
            for x in listed["disposals"]] == [(disposal_id, asset_id, "concluded", "direct_sale", 5_000_000)]
    shown = await get(http, system, d, judge)
    assert [(a["round"], a["starting_price_fen"], a["result"]) for a in shown["auctions"]] == [
        (1, 7_000_000, "unsold"), (2, 5_600_000, "unsold")]

    # The buyer's money is sale proceeds of this disposal, not auction proceeds, and at most the price.
    ledger = f"/cases/{case_id}/ledger"
    received = {"source": "sale_proceeds", "amount_fen": 5_000_000, "disposal_id": disposal_id,
                "received_on": (base + timedelta(days=37)).isoformat()}
    wrong = await http.post(f"{system.url('disposal')}{ledger}/receipts", headers=FIN_MAKER,
                            json={**received, "source": "auction_proceeds"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "disposal_not_sold"
    paid_in = await post(http, system, f"{ledger}/receipts", received, FIN_MAKER, 201)
    assert (paid_in["balance_fen"], paid_in["received_fen"]) == (5_000_000, 5_000_000)


async def test_after_two_failed_auctions_the_judge_releases_the_asset(system: System, http: httpx.AsyncClient) -> None:
    case_id, judge, asset_id = await controlled_case(http, system, "vessel")
    decided = await post(http, system, f"/cases/{case_id}/disposals", {"asset_id": asset_id}, judge, 201)
    disposal_id = decided["disposal_id"]
    d = f"/disposals/{disposal_id}"
    release = {"reason": "两次流拍，申请执行人不接受以物抵债"}

    async def too_early() -> None:
        r = await http.post(f"{system.url('disposal')}{d}/release", json=release, headers=judge)
        assert r.status_code == 422 and (r.json()["rule"], r.json()["code"]) == ("网拍规定-26", "not_failed_twice")

    await two_failed_auctions(http, system, d, judge, clock.today() - timedelta(days=60), too_early)
    by_officer = await http.post(f"{system.url('disposal')}{d}/release", json=release, headers=OFFICER)
    assert by_officer.status_code == 403
    released = await post(http, system, f"{d}/release", release, judge)
    assert (released["events"], released["outcome"], released["status"], released["sale"]) == (
        ["disposal.disposal_concluded"], "released", "concluded", None)
    again = await http.post(f"{system.url('disposal')}{d}/release", json=release, headers=judge)
    assert again.status_code == 409 and again.json()["code"] == "disposal_concluded"

    listed = await get(http, system, f"/cases/{case_id}/disposals", judge)
    assert [(x["disposal_id"], x["asset_id"], x["status"], x["outcome"], x["sale_price_fen"])
            for x in listed["disposals"]] == [(disposal_id, asset_id, "concluded", "released", None)]
    elsewhere = await http.get(f"{system.url('disposal')}/cases/{case_id}/disposals",
                               headers=auth("judge-y", "judge", court="赣0502"))
    assert elsewhere.status_code == 404 and elsewhere.json()["code"] == "case_not_found"


async def test_the_second_finance_officer_sends_a_payout_back_and_its_reservation_is_freed(
    system: System, http: httpx.AsyncClient
) -> None:
    case_id, judge_id = str(uuid.uuid4()), f"judge-{uuid.uuid4().hex[:6]}"
    await publish(system, *registered_and_assigned(case_id, judge_id))
    await known_to_disposal(http, system, case_id, FIN_MAKER, judge=judge_id)
    ledger = f"/cases/{case_id}/ledger"
    await post(http, system, f"{ledger}/receipts", {"source": "voluntary_payment", "amount_fen": 600_000,
                                                    "received_on": clock.today().isoformat()}, FIN_MAKER, 201)
    proposed = await post(http, system, f"{ledger}/payouts", {"amount_fen": 500_000}, FIN_MAKER, 201)
    payout_id = proposed["payout_id"]
    assert proposed["pending_payouts"] == [
        {"payout_id": payout_id, "amount_fen": 500_000, "recipient": "applicant", "proposed_by": "fin-p01"}]
    assert (proposed["balance_fen"], proposed["available_fen"]) == (600_000, 100_000)

    rejected = await post(http, system, f"{ledger}/payouts/{payout_id}/rejection", {"reason": "收款账户户名不符"},
                          FIN_CHECKER)
    assert (rejected["events"], rejected["payout_id"], rejected["pending_payouts"]) == (
        ["disposal.payout_rejected"], payout_id, [])
    assert (rejected["balance_fen"], rejected["available_fen"], rejected["paid_to_applicant_fen"]) == (
        600_000, 600_000, 0)
    for step in ("approval", "rejection"):
        closed = await http.post(f"{system.url('disposal')}{ledger}/payouts/{payout_id}/{step}",
                                 json={"reason": "再次处理"} if step == "rejection" else None, headers=FIN_CHECKER)
        assert closed.status_code == 409 and closed.json()["code"] == "payout_closed", step
    unknown = await http.post(f"{system.url('disposal')}{ledger}/payouts/{uuid.uuid4()}/rejection",
                              json={"reason": "无此申请"}, headers=FIN_CHECKER)
    assert unknown.status_code == 404 and unknown.json()["code"] == "payout_not_found"

    account = await get(http, system, ledger, FIN_CHECKER)
    assert (account["pending_payouts"], account["balance_fen"], account["available_fen"]) == ([], 600_000, 600_000)
    whole = await post(http, system, f"{ledger}/payouts", {"amount_fen": 600_000}, FIN_MAKER, 201)
    assert whole["available_fen"] == 0  # the rejected proposal no longer holds any of the balance
