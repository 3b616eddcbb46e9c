"""The steps the demo's case lives (deploy/demo_lives.py) are made of: filing and registering a case,
notices, waiting for the online search, the account (ledger, payouts), closure, field work.

Every step is a public HTTP request; a service refusing one raises StepRefused (deploy/demo.py).
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
SIMULATOR_OPERATOR = ("qz-admin-01", ("admin",))  # the simulator's control endpoints take an administrator's token
H = "0123456789abcdef" * 4


@dataclass
class Case:
    case_id: str
    judge: str
    track: str | None


def refused() -> type[Exception]:
    """deploy.demo's StepRefused (imported late: deploy.demo imports the lives)."""
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
        demo.url("simulator", "/knobs"),
        json={"agency_id": "*", "case_id": case_id, "knobs": knobs},
        headers=officer(demo, SIMULATOR_OPERATOR),
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
    """The judge proposes (retrying while another service's facts are still on their way), the chief
    approves. In a demo year (``demo.deferred`` set) the closure waits: a fast-track case closes 15–75
    days on, an ordinary one 30–170 days on, when the drill clock gets there."""
    if demo.deferred is not None:
        days = demo.rng.randint(15, 75) if case.track == "fast" else demo.rng.randint(30, 170)
        demo.deferred.append((demo.today + timedelta(days=days), lambda: close_now(demo, case, closure_type, reason)))
        return
    await close_now(demo, case, closure_type, reason)


async def close_now(demo: Demo, case: Case, closure_type: str, reason: str) -> None:

    async def propose() -> dict[str, Any]:
        return await demo.post(
            "intake",
            f"/cases/{case.case_id}/closure",
            {"closure_type": closure_type, "reason": reason},
            judge(demo, case),
        )

    await demo.until(f"{closure_type}结案条件", propose, within=30)
    await demo.post("intake", f"/cases/{case.case_id}/closure/approve", None, officer(demo, CHIEF))


def at(day: date, hour: int = 10) -> str:
    return datetime.combine(day, time(hour, 0), SHANGHAI).isoformat()


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
                    "taken_at": at(demo.today, 9),
                    "place": "南明区某路1号",
                }
            ],
        },
        who,
    )

