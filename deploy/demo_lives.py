"""The lives of the demo's cases (see deploy/demo.py): each one a sequence of public HTTP requests.

Each life returns (case_id, judge_id) or raises StepRefused when a service refuses a step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from shared.envelope import SHANGHAI

if TYPE_CHECKING:
    from deploy.demo import Demo

CLERK = ("qz-clerk-01", ("intake_clerk",))
AFFAIRS = ("qz-affairs-01", ("affairs_clerk",))
CHIEF = ("qz-chief-01", ("bureau_chief",))
FIN_MAKER = ("qz-fin-01", ("finance_officer",))
FIN_CHECKER = ("qz-fin-02", ("finance_officer",))
DISPOSAL = ("qz-dp-01", ("disposal_officer",))
H = "0123456789abcdef" * 4


@dataclass
class Case:
    case_id: str
    judge: str
    track: str | None


def _err() -> type[Exception]:
    from deploy.demo import StepRefused

    return StepRefused


async def file_case(
    demo: Demo,
    *,
    claim: int,
    fast: bool,
    days_ago: int = 0,
    knobs: dict[str, Any] | None = None,
    clerk: tuple[str, tuple[str, ...]] = CLERK,
) -> Case:
    from deploy.demo import application

    who = demo.auth(clerk[0], *clerk[1])
    applied = await demo.post(
        "intake", "/applications", application(demo, claim_fen=claim, fast=fast, days_ago=days_ago), who
    )
    case_id = applied["case_id"]
    # The simulated agencies' behaviour for this case (answer delay, nothing found): set before the search starts.
    knobs = {"delay_s": round(demo.rng.uniform(0.1, 2.5), 2), **(knobs or {})}
    r = await demo.http.put(
        demo.url("simulator", "/knobs"), json={"agency_id": "*", "case_id": case_id, "knobs": knobs}
    )
    r.raise_for_status()
    registered = await demo.post("intake", f"/applications/{case_id}/register", None, who)
    return Case(case_id, registered["judge_id"], registered.get("track"))


def officer(demo: Demo, who: tuple[str, tuple[str, ...]]) -> dict[str, str]:
    return demo.auth(who[0], *who[1])


def judge(demo: Demo, case: Case) -> dict[str, str]:
    return demo.auth(case.judge, "judge")


async def notices(
    demo: Demo, case: Case, kinds: tuple[str, ...] = ("enforcement_notice", "consumption_restriction")
) -> None:
    for kind in kinds:
        prepared = await demo.post(
            "intake",
            f"/cases/{case.case_id}/notices",
            {"notice_kind": kind, "document_hash": H},
            officer(demo, AFFAIRS),
        )
        await demo.post("intake", f"{prepared['_location']}/sign", None, judge(demo, case))


async def searched(demo: Demo, case: Case) -> dict[str, Any]:
    """The case's search file once the first round is answered by every agency."""
    who = demo.auth("qz-search-01", "search_officer")

    async def probe() -> dict[str, Any] | None:
        file = await demo.get("asset_search", f"/cases/{case.case_id}/search", who)
        rounds = file.get("rounds") or []
        return file if rounds and rounds[0]["complete"] else None

    found: dict[str, Any] = await demo.until("网络查控全部答复", probe, within=90)
    return found


async def ledger(demo: Demo, case: Case) -> dict[str, Any]:
    return await demo.get("disposal", f"/cases/{case.case_id}/ledger", officer(demo, FIN_MAKER))


async def pay_out(demo: Demo, case: Case) -> None:
    """Pay the court fee and the applicant what is due (maker ≠ checker), from what is on the account."""
    maker, checker = officer(demo, FIN_MAKER), officer(demo, FIN_CHECKER)
    account = await ledger(demo, case)
    due = account["amount_due"]
    available = account["available_fen"]
    fee = min(due["fee_fen"] - account["paid_fee_fen"], available)
    for recipient, amount in (("court_fee", fee), ("applicant", min(due["outstanding_fen"] - fee, available - fee))):
        if amount <= 0:
            continue
        p = await demo.post(
            "disposal", f"/cases/{case.case_id}/ledger/payouts", {"amount_fen": amount, "recipient": recipient}, maker
        )
        await demo.post("disposal", f"/cases/{case.case_id}/ledger/payouts/{p['payout_id']}/approval", {}, checker)


async def close(demo: Demo, case: Case, closure_type: str, reason: str) -> None:
    """The judge proposes (retrying while another service's facts are still on their way), the chief approves."""

    async def propose() -> dict[str, Any]:
        return await demo.post(
            "intake",
            f"/cases/{case.case_id}/closure",
            {"closure_type": closure_type, "reason": reason},
            judge(demo, case),
        )

    await demo.until(f"{closure_type}结案条件", propose, within=30)
    await demo.post("intake", f"/cases/{case.case_id}/closure/approve", None, officer(demo, CHIEF))


async def voluntary(demo: Demo, i: int) -> tuple[str, str]:
    case = await file_case(
        demo,
        claim=demo.rng.randrange(20, 95) * 100_000,
        fast=True,
        days_ago=demo.rng.choice([0, 1, 2, 5, 12]),
        knobs={"nothing_found": True},
    )
    await notices(demo, case)
    await searched(demo, case)
    await demo.until("执行款台账", lambda: ledger(demo, case))
    account = await ledger(demo, case)
    await demo.post(
        "disposal",
        f"/cases/{case.case_id}/ledger/receipts",
        {
            "source": "voluntary_payment",
            "amount_fen": account["amount_due"]["total_fen"],
            "received_on": demo.today.isoformat(),
            "payer": "被执行人",
        },
        officer(demo, FIN_MAKER),
    )
    await pay_out(demo, case)
    await close(demo, case, "执行完毕", "被执行人自动履行完毕")
    return case.case_id, case.judge


async def deduction(demo: Demo, i: int) -> tuple[str, str]:
    case = await file_case(demo, claim=demo.rng.randrange(8, 18) * 100_000, fast=True, days_ago=demo.rng.choice([1, 3]))
    await notices(demo, case)
    file = await searched(demo, case)
    deposits = sorted((a for a in file["assets"] if a["asset_kind"] == "bank_deposit"), key=lambda a: -a["value_fen"])
    if not deposits:
        raise _err()("未查到存款")
    account = await demo.until("执行款台账", lambda: ledger(demo, case))
    amount = min(account["amount_due"]["total_fen"], deposits[0]["value_fen"])
    await demo.post(
        "asset_search",
        f"/cases/{case.case_id}/controls",
        {
            "asset_id": deposits[0]["asset_id"],
            "measure": "deduct",
            "over_control_reason": "账户余额不可分割冻结，扣划以应付金额为限",
            "amount_limit_fen": amount,
            "ruling_number": f"（{demo.today.year}）黔01执{1000 + i}号之一",
        },
        judge(demo, case),
    )

    async def arrived() -> bool:
        return bool((await ledger(demo, case))["received_fen"] > 0)

    await demo.until("扣划款到账", arrived)
    await pay_out(demo, case)
    if (await ledger(demo, case))["paid_in_full"]:
        await close(demo, case, "执行完毕", "扣划存款，执行款已足额发放")
    return case.case_id, case.judge


def _at(day: date, hour: int = 10) -> str:
    return datetime.combine(day, time(hour, 0), SHANGHAI).isoformat()


async def auction(demo: Demo, i: int) -> tuple[str, str]:
    """A vehicle: seized, reference price by online enquiry, first auction unsold, second sold (20 % cut),
    sale ruling, proceeds, payouts, 执行完毕. Business dates lie in the past (the clock cannot be moved)."""
    case = await file_case(demo, claim=demo.rng.randrange(20, 36) * 100_000, fast=False, days_ago=2)
    await notices(demo, case)
    file = await searched(demo, case)
    vehicle = next((a for a in file["assets"] if a["asset_kind"] == "vehicle"), None)
    if vehicle is None:
        raise _err()("未查到车辆")
    await demo.post(
        "asset_search",
        f"/cases/{case.case_id}/controls",
        {
            "asset_id": vehicle["asset_id"],
            "measure": "seize",
            "over_control_reason": "车辆为不可分物（查扣冻规定第19条）",
            "ruling_number": f"（{demo.today.year}）黔01执{2000 + i}号之一",
        },
        judge(demo, case),
    )
    centre = officer(demo, DISPOSAL)

    async def controlled() -> bool:
        rows = (await demo.get("disposal", f"/cases/{case.case_id}/controls", centre))["controls"]
        return any(r.get("asset_id") == vehicle["asset_id"] and r.get("status") == "active" for r in rows)

    await demo.until("查封生效（处置中心可见）", controlled)
    decided = await demo.post(
        "disposal", f"/cases/{case.case_id}/disposals", {"asset_id": vehicle["asset_id"]}, judge(demo, case)
    )
    d = f"/disposals/{decided['disposal_id']}"
    base = demo.today - timedelta(days=56)

    def on(n: int) -> str:
        return (base + timedelta(days=n)).isoformat()

    value = vehicle["value_fen"] or 8_000_000
    for party in ("applicant", "respondent"):
        await demo.post(
            "disposal", f"{d}/notices", {"notice_kind": "auction_notice", "party": party, "served_on": on(9)}, centre
        )
    await demo.post(
        "disposal", f"{d}/price/unavailable", {"method": "agreement", "reason": "双方未在期限内议价"}, centre
    )
    await demo.post(
        "disposal", f"{d}/price/unavailable", {"method": "targeted_enquiry", "reason": "车辆无计税基准价"}, centre
    )
    await demo.post(
        "disposal",
        f"{d}/price/procedure",
        {"method": "online_enquiry", "providers": ["平台甲", "平台乙"], "started_on": on(0)},
        centre,
    )
    await demo.post(
        "disposal",
        f"{d}/price",
        {
            "method": "online_enquiry",
            "platform_results_fen": [value - 200_000, value + 200_000],
            "determined_on": on(2),
            "received_on": on(3),
        },
        centre,
    )
    start1 = value * 70 // 100
    start2 = start1 * 80 // 100
    rounds = [
        (start1, on(14), base + timedelta(days=31), "unsold"),
        (start2, on(40), base + timedelta(days=50), "sold"),
    ]
    price = start2 + 500_000
    for n, (start, announced, bidding, result) in enumerate(rounds, 1):
        await demo.post(
            "disposal",
            f"{d}/auction-terms",
            {"starting_price_fen": start, "deposit_fen": start // 10, "increment_fen": 50_000},
            judge(demo, case),
        )
        await demo.post(
            "disposal",
            f"{d}/auctions",
            {
                "platform": "平台甲",
                "announcement_start": announced,
                "bidding_start": _at(bidding),
                "bidding_end": _at(bidding + timedelta(days=1)),
            },
            centre,
        )
        body: dict[str, Any] = {"result": result, "ended_at": _at(bidding + timedelta(days=1))}
        if result == "sold":
            body |= {"price_fen": price, "buyer": "买受人甲"}
        await demo.post("disposal", f"{d}/auctions/{n}/result", body, centre)
    await demo.post("disposal", f"{d}/sale-ruling", {"signed_on": on(55)}, judge(demo, case))
    await demo.post(
        "disposal",
        f"/cases/{case.case_id}/ledger/receipts",
        {
            "source": "auction_proceeds",
            "amount_fen": price,
            "received_on": on(54),
            "disposal_id": decided["disposal_id"],
        },
        officer(demo, FIN_MAKER),
    )
    await pay_out(demo, case)
    if (await ledger(demo, case))["paid_in_full"]:
        await close(demo, case, "执行完毕", "拍卖车辆，执行款已足额发放")
    return case.case_id, case.judge


async def settlement(demo: Demo, i: int) -> tuple[str, str]:
    case = await file_case(demo, claim=demo.rng.randrange(30, 300) * 100_000, fast=False, days_ago=3)
    await notices(demo, case)
    await demo.post(
        "intake", f"/cases/{case.case_id}/settlement", {"performed": True, "agreement_hash": H}, judge(demo, case)
    )
    await close(demo, case, "执行完毕", "执行和解协议已履行完毕")
    return case.case_id, case.judge


async def terminated(demo: Demo, i: int) -> tuple[str, str]:
    case = await file_case(
        demo, claim=demo.rng.randrange(30, 300) * 100_000, fast=False, days_ago=4, knobs={"nothing_found": True}
    )
    await notices(demo, case, ("enforcement_notice",))
    await close(demo, case, "终结执行", "申请执行人撤回执行申请")
    return case.case_id, case.judge


async def field_work(demo: Demo, case: Case, officer: str, team_lead: bool = False) -> None:
    """The judge instructs an investigation in 南明区 (routed to 外勤一组), a member accepts and reports."""
    issued = await demo.post(
        "field_ops",
        f"/cases/{case.case_id}/instructions",
        {
            "kind": "investigate",
            "target": {"kind": "address", "description": "被执行人住所", "address": "南明区某路1号"},
            "region": "520102",
            "deadline": (demo.today + timedelta(days=15)).isoformat(),
        },
        judge(demo, case),
    )
    who = demo.auth(officer, "field_officer")
    await demo.post("field_ops", f"/tasks/{issued['task_id']}/accept", None, who)
    await demo.post(
        "field_ops",
        f"/tasks/{issued['task_id']}/report",
        {
            "outcome": "not_found",
            "details": "现场调查：被执行人住所无可供执行财产",
            "evidence": [
                {
                    "content_hash": H,
                    "media_type": "image/jpeg",
                    "taken_at": _at(demo.today, 9),
                    "place": "南明区某路1号",
                }
            ],
        },
        who,
    )


async def field(demo: Demo, i: int) -> tuple[str, str]:
    case = await file_case(
        demo, claim=demo.rng.randrange(50, 500) * 100_000, fast=False, days_ago=6, knobs={"nothing_found": True}
    )
    await notices(demo, case)
    await searched(demo, case)
    await field_work(demo, case, "fo-1a")
    await demo.post(
        "intake",
        f"/cases/{case.case_id}/interview",
        {"summary_hash": H, "interviewed_on": demo.today.isoformat()},
        judge(demo, case),
    )
    return case.case_id, case.judge


async def late(demo: Demo, i: int) -> tuple[str, str]:
    """Filed weeks ago, registered only now, the notices never sent: overdue, escalated by how late."""
    case = await file_case(
        demo, claim=demo.rng.randrange(50, 500) * 100_000, fast=False, days_ago=demo.rng.choice([12, 20, 28, 45, 60])
    )
    return case.case_id, case.judge


async def break_finance(demo: Demo, i: int) -> tuple[str, str]:
    """互相制约-1: the clerk who registered the case also books the money on its account."""
    dual = ("qz-clerk-09", ("intake_clerk", "finance_officer"))
    case = await file_case(
        demo, claim=demo.rng.randrange(20, 90) * 100_000, fast=True, clerk=dual, knobs={"nothing_found": True}
    )
    await notices(demo, case)
    account = await demo.until("执行款台账", lambda: ledger(demo, case))
    await demo.post(
        "disposal",
        f"/cases/{case.case_id}/ledger/receipts",
        {
            "source": "voluntary_payment",
            "amount_fen": account["amount_due"]["total_fen"],
            "received_on": demo.today.isoformat(),
        },
        demo.auth(dual[0], "finance_officer"),
    )
    await pay_out(demo, case)
    await close(demo, case, "执行完毕", "被执行人自动履行完毕")
    return case.case_id, case.judge


async def break_field(demo: Demo, i: int) -> tuple[str, str]:
    """互相制约-1: a field officer registered the case at the counter and then carries out its field task."""
    dual = ("fo-1b", ("intake_clerk", "field_officer"))
    case = await file_case(
        demo, claim=demo.rng.randrange(50, 500) * 100_000, fast=False, clerk=dual, knobs={"nothing_found": True}
    )
    await notices(demo, case)
    await field_work(demo, case, "fo-1b")
    return case.case_id, case.judge


async def try_zhongben(demo: Demo, case_id: str, judge_id: str) -> None:
    """终本 needs 3 months since registration: show intake's refusal (every unmet condition) and move on."""
    r = await demo.http.post(
        demo.url("intake", f"/cases/{case_id}/closure"),
        json={"closure_type": "终本", "reason": "穷尽财产调查措施，未发现可供执行的财产"},
        headers=demo.auth(judge_id, "judge"),
    )
    if r.status_code == 200:
        demo.say(f"终本：案件 {case_id} 已提请终本")
        return
    unmet = [e.get("message") for e in r.json().get("errors", [])]
    demo.skipped.append(f"终本（案件 {case_id}）：时钟不允许，intake 拒绝并列明未满足的条件：{'；'.join(unmet)}")
