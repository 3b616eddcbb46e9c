"""The lives of the demo's cases (see deploy/demo.py): each one a sequence of public HTTP requests.

Each life returns (case_id, judge_id) or raises StepRefused when a service refuses a step. deploy/demo.py
looks a life up here by name; the steps they share are in deploy/demo_steps.py, the auction life in
deploy/demo_auction.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deploy.demo_auction import auction
from deploy.demo_steps import (
    FIN_MAKER,
    H,
    close,
    field_work,
    file_case,
    judge,
    ledger,
    notices,
    officer,
    pay_out,
    refused,
    searched,
)

if TYPE_CHECKING:
    from deploy.demo import Demo

__all__ = [
    "auction",
    "break_field",
    "break_finance",
    "deduction",
    "field",
    "late",
    "settlement",
    "terminated",
    "try_zhongben",
    "voluntary",
]


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
        raise refused()("未查到存款")
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


async def zhongben(demo: Demo, case_id: str, judge_id: str) -> bool:
    """终本 for a case whose search and field work found nothing, three months on (终本规定 art. 1):
    proposed by its judge, approved by the bureau chief (互相制约-6: never the judge). False when
    intake refuses (the conditions it lists are logged)."""
    r = await demo.http.post(
        demo.url("intake", f"/cases/{case_id}/closure"),
        json={"closure_type": "终本", "reason": "穷尽财产调查措施，未发现可供执行的财产"},
        headers=demo.auth(judge_id, "judge"),
    )
    if r.status_code != 200:
        unmet = "；".join(str(e.get("message")) for e in r.json().get("errors", []))
        demo.say(f"终本（案件 {case_id}）未获准：{unmet or r.text[:200]}")
        return False
    await demo.post("intake", f"/cases/{case_id}/closure/approve", None, demo.auth("qz-chief-01", "bureau_chief"))
    return True
