"""The drill clock, end to end over HTTP on a system of its own (its own databases, topics and
processes, ``COURT_CLOCK_DRILL=1``): an administrator moves the court clock forward on supervision,
and all five services and the simulator live on the new day — months pass in seconds.

A case registered today cannot be closed as 终本 (three months since registration, 终本规定 art. 1);
three months later, on the moved clock, it can, approved by someone other than its judge; a
designated reviewer then resumes it (执恢) and the new case goes to another judge. Supervision
dates everything by the business time the events carry, and its scanner records the steps that
became due at once, not at its next hourly pass.

The session's shared system has a real clock: there the move is refused.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from deploy import stack
from deploy._common import run_coro
from deploy.system import SERVICES, System
from shared.clock import SHANGHAI
from shared.holidays import HolidayCalendar
from tests.asset_search.helpers import months_after, search_file, wait_search
from tests.conftest import OTHER_SYSTEMS, PORT_OFFSET, RUN_ID, auth, case_applied_on
from tests.intake.conftest import AFFAIRS, CLERK, MATERIALS, H, judge
from tests.waits import poll

ADMIN = auth("clock-admin-01", "admin")
CHIEF = auth("qz-chief-01", "bureau_chief")
REVIEWER = auth("qz-rev-01", "reviewer")
FIELD_1A = auth("fo-1a", "field_officer")  # 外勤一组 (南明、云岩): investigations in 520102
SUPERVISOR = auth("sup-d01", "supervisor")
ORDINARY_JUDGES = {"qz-j-201", "qz-j-202", "qz-j-203"}  # 黔01 普执一团队 (services/intake/config.json)
KINDS = {"bank_deposit", "real_estate", "vehicle", "securities", "equity", "housing_fund", "online_payment", "vessel"}
APPS = [s.name for s in SERVICES]  # the five services and the simulator


@pytest.fixture(scope="module")
def drill(stack_parts: tuple[str, str]) -> Iterator[System]:
    server_dsn, bootstrap = stack_parts
    sys_ = System(server_dsn, bootstrap, f"d{RUN_ID}_", f"case-events-d{RUN_ID}", f"case-events-d{RUN_ID}.dlt",
                  port_offset=PORT_OFFSET + 600, extra_env={"COURT_CLOCK_DRILL": "1"})
    run_coro(sys_.prepare(partitions=3))
    OTHER_SYSTEMS.append(sys_)  # its calls count for the route coverage
    for name in APPS:
        sys_.start(name)
    try:
        sys_.wait_ready(timeout=120)
        yield sys_
    finally:
        sys_.stop_all()
        if not os.environ.get("KEEP_TEST_DATA"):
            run_coro(stack.delete_topics(bootstrap, sys_.topics))
            run_coro(stack.delete_databases(server_dsn, [sys_.db_name(s.name) for s in SERVICES]))


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


async def post(http: httpx.AsyncClient, url: str, headers: dict[str, str], body: dict[str, Any] | None = None,
               expect: int = 200) -> dict[str, Any]:
    r = await http.post(url, json=body, headers=headers)
    assert r.status_code == expect, r.text
    out: dict[str, Any] = r.json()
    return out


async def court_today(http: httpx.AsyncClient, system: System) -> date:
    r = await http.get(f"{system.url('supervision')}/admin/clock", headers=ADMIN)
    assert r.status_code == 200, r.text
    return date.fromisoformat(r.json()["today"])


async def every_service_on(http: httpx.AsyncClient, system: System, day: date) -> None:
    """Every process of the system reads ``day`` on its court clock (its /readyz)."""
    async def agreed() -> bool:
        for name in APPS:
            r = await http.get(f"{system.url(name)}/readyz")
            shown = r.json().get("checks", {}).get("court_clock", {})
            if not shown.get("now") or datetime.fromisoformat(shown["now"]).astimezone(SHANGHAI).date() != day:
                return False
        return True

    await poll(agreed, f"every service's court clock on {day}", timeout=15)


async def move(http: httpx.AsyncClient, system: System, days: int) -> date:
    before = await court_today(http, system)
    body = await post(http, f"{system.url('supervision')}/admin/clock", ADMIN,
                      {"days": days, "reason": "演练：期间经过"})
    after = date.fromisoformat(body["today"])
    assert after == before + timedelta(days=days) or after == before + timedelta(days=days + 1)  # across midnight
    await every_service_on(http, system, after)
    return after


async def test_the_session_system_keeps_the_real_clock(system: System, http: httpx.AsyncClient) -> None:
    url = f"{system.url('supervision')}/admin/clock"
    r = await http.post(url, json={"days": 30, "reason": "试图拨动真实时钟"}, headers=ADMIN)
    assert r.status_code == 409 and r.json()["code"] == "clock_not_movable", r.text
    state = (await http.get(url, headers=ADMIN)).json()
    assert (state["drill"], state["moves"]) == (False, [])


async def test_the_drill_clock_moves_every_service_forward_together_and_never_back(
    drill: System, http: httpx.AsyncClient
) -> None:
    url = f"{drill.url('supervision')}/admin/clock"
    today = await court_today(http, drill)
    moves_before = len((await http.get(url, headers=ADMIN)).json()["moves"])
    assert (await http.post(url, json={"days": 3, "reason": "非管理员"}, headers=SUPERVISOR)).status_code == 403
    for wrong, field in (({"days": 0, "reason": "零天"}, "days"), ({"reason": "两者皆无"}, "body"),
                         ({"days": 2, "to": "2099-01-01T00:00:00+08:00", "reason": "两者皆有"}, "body")):
        r = await http.post(url, json=wrong, headers=ADMIN)
        assert r.status_code == 422, r.text
        assert any(field in e["field"] for e in r.json()["errors"]), r.json()
    back = await http.post(url, json={"to": f"{today - timedelta(days=1)}T09:00:00", "reason": "往回拨"}, headers=ADMIN)
    assert back.status_code == 422 and back.json()["code"] == "clock_backwards", back.text

    later = await move(http, drill, 40)
    state = (await http.get(url, headers=ADMIN)).json()
    assert state["drill"] is True and state["moved"] is True and len(state["moves"]) == moves_before + 1
    last = state["moves"][-1]
    assert (last["actor_id"], last["reason"]) == ("clock-admin-01", "演练：期间经过")
    assert datetime.fromisoformat(last["moved_to"]).astimezone(SHANGHAI).date() == later

    # A process started after the move serves on the moved clock from its first answer.
    drill.stop("intake")
    drill.start("intake")
    drill.wait_ready(["intake"], timeout=60)
    shown = (await http.get(f"{drill.url('intake')}/readyz")).json()["checks"]["court_clock"]
    assert datetime.fromisoformat(shown["now"]).astimezone(SHANGHAI).date() == later and shown["caught_up"] is True


async def test_zhongben_three_months_later_on_the_drill_clock_then_resumed_by_a_reviewer(
    drill: System, http: httpx.AsyncClient
) -> None:
    intake, fo, sv = drill.url("intake"), drill.url("field_ops"), drill.url("supervision")
    registered_on = await court_today(http, drill)
    applied = await post(http, f"{intake}/applications", CLERK,
                         case_applied_on(registered_on, materials=MATERIALS), 201)
    cid = applied["case_id"]
    r = await http.put(f"{drill.url('simulator')}/knobs", headers=ADMIN,
                       json={"case_id": cid, "agency_id": "*", "knobs": {"nothing_found": True}})
    assert r.status_code == 200, r.text
    case = await post(http, f"{intake}/applications/{cid}/register", CLERK, None, 201)
    url, j = f"{intake}/cases/{cid}", judge(case["judge_id"])
    assert case["judge_id"] in ORDINARY_JUDGES

    # The work 终本 needs: two notices, the field investigation, the interview (the search runs itself).
    for kind in ("enforcement_notice", "consumption_restriction"):
        prepared = await http.post(f"{url}/notices", json={"notice_kind": kind, "document_hash": H}, headers=AFFAIRS)
        assert prepared.status_code == 201, prepared.text
        await post(http, f"{intake}{prepared.headers['location']}/sign", j)

    async def field_ops_knows_the_judge() -> bool:
        r = await http.get(f"{fo}/cases/{cid}/field-history", headers=SUPERVISOR)
        return r.status_code == 200 and r.json()["judge_id"] == case["judge_id"]

    await poll(field_ops_knows_the_judge, "field_ops to learn the case's judge")
    issued = await post(http, f"{fo}/cases/{cid}/instructions", j, {
        "kind": "investigate", "region": "520102", "deadline": (registered_on + timedelta(days=14)).isoformat(),
        "target": {"kind": "person", "description": "被执行人王某", "address": "贵阳市南明区某路 1 号"}}, 201)
    await post(http, f"{fo}/tasks/{issued['task_id']}/accept", FIELD_1A)
    await post(http, f"{fo}/tasks/{issued['task_id']}/report", FIELD_1A,
               {"outcome": "not_found", "details": "被执行人住所无可供执行财产"})
    await post(http, f"{url}/interview", j, {"summary_hash": H, "interviewed_on": registered_on.isoformat()})

    zhongben = {"closure_type": "终本", "reason": "穷尽财产调查措施，未发现可供执行的财产"}

    async def only_time_missing() -> bool:
        r = await http.post(f"{url}/closure", json=zhongben, headers=j)
        return r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["three_months"]

    await poll(only_time_missing, "every 终本 condition met but the three months")

    # Three months and a day later, on the moved clock: the same request is accepted.
    closed_on = await move(http, drill, 93)
    proposed = await post(http, f"{url}/closure", j, zhongben)
    assert proposed["status"] == "closure_proposed"
    own = await http.post(f"{url}/closure/approve", headers=auth(case["judge_id"], "bureau_chief"))
    assert own.status_code == 422 and own.json()["rule"] == "互相制约-6"
    closed = await post(http, f"{url}/closure/approve", CHIEF)
    assert closed["status"] == "closed"
    detail = (await http.get(url, headers=CLERK)).json()
    assert (detail["registered_on"], detail["closed_on"], detail["closure_type"]) == (
        registered_on.isoformat(), closed_on.isoformat(), "终本")

    # Six months after the 终本 closure asset_search searches the debtor again by itself (终本规定
    # art. 9): this time the agencies find something, and the new finds are reported.
    r = await http.put(f"{drill.url('simulator')}/knobs", headers=ADMIN,
                       json={"case_id": cid, "agency_id": "*", "knobs": {"nothing_found": False}})
    assert r.status_code == 200, r.text
    researched_on = await move(http, drill, 184)

    async def found_again() -> list[dict[str, Any]]:
        r = await http.get(f"{sv}/cases/{cid}/trail", headers=SUPERVISOR,
                           params={"event_type": "asset_search.assets_found_after_closure"})
        return list(r.json()["events"]) if r.status_code == 200 else []

    finds = (await poll(found_again, "the re-search's new finds in supervision's trail", timeout=60))[0]
    assert datetime.fromisoformat(finds["occurred_at"]).astimezone(SHANGHAI).date() == researched_on

    resumed = await http.post(f"{url}/resumption", headers=REVIEWER,
                              json={"ground": "applicant_new_lead", "reason": "申请执行人提供被执行人新的银行账户"})
    assert resumed.status_code == 201, resumed.text
    new = resumed.json()["new_case"]
    assert (new["case_type"], new["linked_case_id"]) == ("执恢", cid)
    assert new["judge_id"] != case["judge_id"]  # never the judge who closed it (互相制约-7)
    linked = (await http.get(f"{intake}/cases/{new['case_id']}", headers=CLERK)).json()
    assert linked["registered_on"] == researched_on.isoformat()

    # Supervision dates by business time: the closure is 93 days after the registration, so no
    # 互相制约-6 finding ("终本 before three months"); the trail carries the moved dates.
    async def closure_in_trail() -> list[dict[str, Any]]:
        r = await http.get(f"{sv}/cases/{cid}/trail", headers=SUPERVISOR, params={"event_type": "intake.case_closed"})
        return list(r.json()["events"]) if r.status_code == 200 else []

    [closure] = await poll(closure_in_trail, "the closure in supervision's trail")
    assert datetime.fromisoformat(closure["occurred_at"]).astimezone(SHANGHAI).date() == closed_on
    found = (await http.get(f"{sv}/findings", params={"case_id": cid}, headers=SUPERVISOR)).json()["findings"]
    assert [f for f in found if f["rule_id"] == "互相制约-6"] == [], found

    # The scanner ran on the new day at once: the steps that became due are recorded already.
    async def stepped() -> list[dict[str, Any]]:
        r = await http.get(f"{sv}/deadline-steps", params={"case_id": new["case_id"]}, headers=SUPERVISOR)
        return list(r.json()["steps"]) if r.status_code == 200 else []

    await move(http, drill, 20)  # the 执恢 case's first nodes (assign + 3 days, first search) are past due
    steps = await poll(stepped, "the scanner's steps for the 执恢 case", timeout=20)
    assert {s["step"] for s in steps} & {"overdue", "level_1", "level_2", "level_3", "level_4"}


async def test_a_deadline_goes_warning_overdue_and_up_every_escalation_level_over_weeks_with_notifications(
    drill: System, http: httpx.AsyncClient
) -> None:
    """Nobody sends the notices of a case (期限规定第4条: 3 days after the assignment). Moving the
    clock day by day, then week by week: the warning before the due date, overdue the day after,
    and each escalation level at its threshold (escalation_days 0/7/15/30: 团队长, 执行局长, 分管副院长,
    院长), each recorded by the scanner at once and sent to its recipient."""
    intake, sv = drill.url("intake"), drill.url("supervision")
    today = await court_today(http, drill)
    case = await post(http, f"{intake}/cases", CLERK, case_applied_on(today, materials=MATERIALS), 201)
    cid = case["case_id"]

    async def notice_node() -> dict[str, Any] | None:
        r = await http.get(f"{sv}/cases/{cid}/deadlines", headers=SUPERVISOR)
        nodes = {d["key"]: d for d in r.json()["deadlines"]} if r.status_code == 200 else {}
        return nodes.get("notice")

    due = date.fromisoformat((await poll(notice_node, "the notice node of the new case"))["due"])

    async def steps_of_notice(wanted: str) -> set[str]:
        async def seen() -> set[str] | None:
            r = await http.get(f"{sv}/deadline-steps", params={"case_id": cid}, headers=SUPERVISOR)
            steps = {s["step"] for s in r.json()["steps"] if s["key"] == "notice"}
            return steps if wanted in steps else None
        found: set[str] = await poll(seen, f"the step {wanted} of the notice node", timeout=20)
        return found

    async def move_to(day: date) -> None:
        now = await court_today(http, drill)
        if day > now:
            await move(http, drill, (day - now).days)

    await move_to(due - timedelta(days=1))
    assert await steps_of_notice("warning") == {"warning"}
    await move_to(due + timedelta(days=1))  # one day overdue: overdue, and level 1 (team lead)
    assert await steps_of_notice("level_1") == {"warning", "overdue", "level_1"}
    for level, days_late in ((2, 8), (3, 16), (4, 31)):
        await move_to(due + timedelta(days=days_late))
        assert await steps_of_notice(f"level_{level}") == {"warning", "overdue", *(f"level_{n}" for n in
                                                                                   range(1, level + 1))}
    node = await notice_node()
    assert node is not None and (node["status"], node["days_overdue"], node["escalation_level"]) == (
        "overdue", 31, 4)

    r = await http.get(f"{sv}/notifications", params={"case_id": cid}, headers=SUPERVISOR)
    sent = [(n["step"], n["recipient_role"]) for n in r.json()["notifications"] if n["key"] == "notice"]
    for step, role in (("level_1", "team_lead"), ("level_2", "bureau_chief"), ("level_3", "vice_president"),
                       ("level_4", "president")):
        assert (step, role) in sent, sent
    assert any(step == "overdue" and role == "judge" for step, role in sent), sent


async def test_a_control_is_warned_before_expiry_renewed_in_time_and_an_unrenewed_one_lapses(
    drill: System, http: httpx.AsyncClient
) -> None:
    """Two controls of one case: a bank freeze (one year) nobody renews, and a vehicle impound (two
    years, 民诉法解释 art. 485) the judge renews ten days before it expires. Supervision warns of both
    renewals 15 days ahead; asset_search lapses the freeze the day after its expiry."""
    intake, base, sv = drill.url("intake"), drill.url("asset_search"), drill.url("supervision")
    today = await court_today(http, drill)
    case = await post(http, f"{intake}/cases", CLERK, case_applied_on(today, materials=MATERIALS), 201)
    cid, j = case["case_id"], judge(case["judge_id"])
    f = await wait_search(http, drill, cid, lambda f: {"bank_deposit", "vehicle"} <= {a["asset_kind"] for a in
                                                                                   f["assets"]},
                          what="a bank account and a vehicle found", timeout=60)
    assets = {a["asset_kind"]: a["asset_id"] for a in f["assets"]}
    ordered = {}
    for kind, measure, extra in (("bank_deposit", "freeze", {"amount_limit_fen": 1_000_000}),
                                 ("vehicle", "impound", {})):
        r = await http.post(f"{base}/cases/{cid}/controls", headers=j, json={
            "asset_id": assets[kind], "measure": measure, "ruling_number": f"（{today.year}）黔01执9号之{kind}",
            **extra})
        assert r.status_code in (200, 201, 202), r.text
        ordered[kind] = r.json()["control_id"]

    async def controls() -> dict[str, dict[str, Any]]:
        f = await search_file(http, drill, cid)
        return {c["control_id"]: c for c in (f or {}).get("controls", [])}

    async def effective() -> dict[str, dict[str, Any]] | None:
        found = await controls()
        return found if all(found.get(c, {}).get("status") == "effective" for c in ordered.values()) else None

    found = await poll(effective, "both controls in effect")
    freeze_ends = date.fromisoformat(found[ordered["bank_deposit"]]["expiry_date"])
    impound_ends = date.fromisoformat(found[ordered["vehicle"]]["expiry_date"])
    assert today < freeze_ends < impound_ends

    async def renew_steps(control_id: str, wanted: str) -> None:
        async def seen() -> bool:
            r = await http.get(f"{sv}/deadline-steps", params={"case_id": cid}, headers=SUPERVISOR)
            return any(s["key"].startswith(f"renew:{control_id}:") and s["step"] == wanted for s in r.json()["steps"])
        await poll(seen, f"the renewal node of {control_id}: {wanted}", timeout=20)

    await move(http, drill, (freeze_ends - today).days - 10)
    await renew_steps(ordered["bank_deposit"], "warning")
    await move(http, drill, 11)  # the day after the freeze's expiry: nobody renewed it

    async def lapsed() -> bool:
        return (await controls())[ordered["bank_deposit"]]["status"] == "lapsed"

    await poll(lapsed, "the unrenewed freeze lapsed by asset_search")

    now = await court_today(http, drill)
    await move(http, drill, (impound_ends - now).days - 10)
    await renew_steps(ordered["vehicle"], "warning")
    renew = await http.post(f"{base}/cases/{cid}/controls/{ordered['vehicle']}/renewal",
                            json={"ruling_number": "续行查封裁定"}, headers=j)
    assert renew.status_code == 200, renew.text

    async def renewed() -> dict[str, Any] | None:
        c = (await controls())[ordered["vehicle"]]
        return c if c["expiry_date"] != impound_ends.isoformat() else None

    c = await poll(renewed, "the impound renewed")
    assert (c["status"], c["expiry_date"]) == ("effective", months_after(impound_ends, 24).isoformat())

    async def renewal_met() -> bool:
        r = await http.get(f"{sv}/cases/{cid}/deadlines", headers=SUPERVISOR)
        nodes = [d for d in r.json()["deadlines"] if d["key"] == f"renew:{ordered['vehicle']}:{impound_ends}"]
        return bool(nodes) and nodes[0]["status"] == "met"

    await poll(renewal_met, "supervision's renewal node met")


FIN_MAKER = auth("fin-d01", "finance_officer")
FIN_CHECKER = auth("fin-d02", "finance_officer")


async def test_money_paid_out_after_thirty_days_is_overdue_in_disposal_and_a_finding_in_supervision(
    drill: System, http: httpx.AsyncClient
) -> None:
    """执行款到账后30日内发放 (执行款物管理规定): a payment received today and paid out 35 days later
    is overdue in disposal's ledger and on supervision's payout node, and the late payout is a
    互相制约-9 finding; the maker may not approve their own payout."""
    intake, dp, sv = drill.url("intake"), drill.url("disposal"), drill.url("supervision")
    received_on = await court_today(http, drill)
    case = await post(http, f"{intake}/cases", CLERK, case_applied_on(received_on, materials=MATERIALS), 201)
    cid = case["case_id"]
    ledger = f"{dp}/cases/{cid}/ledger"

    async def known() -> bool:
        return (await http.get(ledger, headers=FIN_MAKER)).status_code == 200

    await poll(known, "the case in disposal's ledger")
    entry = await post(http, f"{ledger}/receipts", FIN_MAKER, {
        "source": "voluntary_payment", "amount_fen": 1_000_000, "received_on": received_on.isoformat(),
        "payer": "被执行人王某"}, 201)
    [limit] = entry["payout_limits"]
    pay_by = date.fromisoformat(limit["pay_by"])
    assert limit["overdue"] is False and (pay_by - received_on).days >= 30

    async def payout_node() -> dict[str, Any] | None:
        r = await http.get(f"{sv}/cases/{cid}/deadlines", headers=SUPERVISOR)
        return next((d for d in r.json()["deadlines"] if d["key"] == f"payout:{entry['entry_id']}"), None)

    node = await poll(payout_node, "supervision's payout node")
    assert node["start_date"] == received_on.isoformat()

    await move(http, drill, (pay_by - received_on).days + 5)
    [limit] = (await http.get(ledger, headers=FIN_MAKER)).json()["payout_limits"]
    assert limit["overdue"] is True

    async def overdue() -> dict[str, Any] | None:
        found = await payout_node()
        return found if found and found["status"] == "overdue" else None

    assert (await poll(overdue, "the payout node overdue"))["days_overdue"] == 5

    proposed = await post(http, f"{ledger}/payouts", FIN_MAKER, {"amount_fen": 1_000_000}, 201)
    own = await http.post(f"{ledger}/payouts/{proposed['payout_id']}/approval", headers=FIN_MAKER)
    assert own.status_code == 403 and own.json()["rule"] == "互相制约-9"
    await post(http, f"{ledger}/payouts/{proposed['payout_id']}/approval", FIN_CHECKER, {})

    async def late_finding() -> list[dict[str, Any]]:
        r = await http.get(f"{sv}/findings", params={"case_id": cid, "rule_id": "互相制约-9"}, headers=SUPERVISOR)
        return list(r.json()["findings"]) if r.status_code == 200 else []

    [finding] = await poll(late_finding, "the 互相制约-9 finding of the late payout")
    paid_on = pay_by + timedelta(days=5)
    assert finding["message"] == (
        f"执行款于 {received_on.isoformat()} 到账，应于 {pay_by.isoformat()} 前发放，{paid_on.isoformat()} 才发放"
    ), finding
    assert set(finding["people"]) == {"fin-d01", "fin-d02"}
    assert (await payout_node() or {}).get("status") == "late"


async def test_suspension_and_postponement_pause_the_six_month_limit_over_weeks(
    drill: System, http: httpx.AsyncClient
) -> None:
    """严格审限规定 art. 5: the time a case is suspended (中止) or postponed (暂缓) does not count toward
    its six months. Suspended for 30 days, then postponed for 20: the close-by date moves 50 days, in
    intake and in supervision (which may roll it further over a rest day), and while paused
    supervision shows the node paused, not running."""
    intake, sv = drill.url("intake"), drill.url("supervision")
    registered_on = await court_today(http, drill)
    case = await post(http, f"{intake}/cases", CLERK, case_applied_on(registered_on, materials=MATERIALS), 201)
    cid, j = case["case_id"], judge(case["judge_id"])
    url = f"{intake}/cases/{cid}"

    async def close_node(status: str) -> dict[str, Any] | None:
        r = await http.get(f"{sv}/cases/{cid}/deadlines", headers=SUPERVISOR)
        node = next((d for d in r.json()["deadlines"] if d["key"] == "close"), None) if r.status_code == 200 else None
        return node if node and node["status"] == status else None

    unpaused = await poll(lambda: close_node("open"), "the close node running")
    assert unpaused["due"] >= months_after(registered_on, 6).isoformat()

    await post(http, f"{url}/suspension", j, {"reason": "被执行人死亡，等待确定继承人"})
    await poll(lambda: close_node("paused"), "the close node paused while suspended")
    await move(http, drill, 30)
    await post(http, f"{url}/suspension/lift", j, {"reason": "已确定继承人"})
    lifted_on = await court_today(http, drill)
    await post(http, f"{url}/postponement", j, {"reason": "被执行人提供担保",
                                                "until": (lifted_on + timedelta(days=20)).isoformat()})
    await move(http, drill, 20)
    await post(http, f"{url}/postponement/lift", j, {"reason": "暂缓期满"})

    expected = months_after(registered_on, 6) + timedelta(days=50)
    detail = (await http.get(url, headers=CLERK)).json()
    # intake counts as supervision does (shared.periods.close_by): rolled over a rest day too
    assert detail["closure_due"] == HolidayCalendar().roll_forward(expected)[0].isoformat()

    async def extended() -> dict[str, Any] | None:
        node = await close_node("open") or await close_node("warning")
        return node if node and node["due"] >= expected.isoformat() else None

    node = await poll(extended, "supervision's close node moved by both pauses")
    assert node["due"] == detail["closure_due"]  # one close-by date in intake and supervision
    explained = " ".join(node["explanation"])
    assert "中止执行" in explained and "暂缓执行" in explained, node["explanation"]


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM} (deploy/setup.sh)")
async def test_the_dashboard_says_it_runs_on_the_drill_clock(drill: System, http: httpx.AsyncClient) -> None:
    """The figures of a drill are of the court's (moved) time: the dashboard's header says so."""
    from playwright.async_api import async_playwright

    chromium = CHROMIUM
    today = await move(http, drill, 1)  # ahead of the real time however the module's tests ran
    watcher = SUPERVISOR["Authorization"].removeprefix("Bearer ")
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, headless=True,
                                          args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = await browser.new_page()
            await page.goto(f"{drill.url('supervision')}/dashboard/?token={watcher}")
            await page.wait_for_selector("#clock:not([hidden])", timeout=20_000)
            shown = await page.inner_text("#clock")
        finally:
            await browser.close()
    assert shown.startswith(f"演练时钟 {today.isoformat()}") and "比实际时间快" in shown, shown


async def test_an_agency_answer_across_a_move_is_timed_without_the_skipped_month(
    drill: System, http: httpx.AsyncClient
) -> None:
    """/indicators/agencies (the dashboard's 协助单位 平均用时 / 最长) leaves out the court time a move of the
    drill clock skipped while the agencies were answering: not 744 hours for a month skipped (docs/import.md §6)."""
    intake, sv = drill.url("intake"), drill.url("supervision")
    dispatched_on = await court_today(http, drill)
    applied = await post(http, f"{intake}/applications", CLERK,
                         case_applied_on(dispatched_on, materials=MATERIALS), 201)
    cid = applied["case_id"]
    r = await http.put(f"{drill.url('simulator')}/knobs", headers=ADMIN,
                       json={"case_id": cid, "agency_id": "*", "knobs": {"delay_s": 20}})
    assert r.status_code == 200, r.text
    await post(http, f"{intake}/applications/{cid}/register", CLERK, None, 201)
    await wait_search(http, drill, cid, lambda f: bool(f.get("rounds")), what="round 1 dispatched")
    moved_to = await move(http, drill, 31)  # while every agency is still on it

    period = {"from": dispatched_on.isoformat(), "to": dispatched_on.isoformat()}

    async def answered() -> list[dict[str, Any]]:
        r = await http.get(f"{sv}/indicators/agencies", headers=SUPERVISOR, params=period)
        rows = list(r.json()["agencies"]) if r.status_code == 200 else []
        return rows if sum(a["answered"] for a in rows) >= len(KINDS) else []

    rows = await poll(answered, "the agencies' answers on the trail", timeout=90)
    trail = (await http.get(f"{sv}/cases/{cid}/trail", headers=SUPERVISOR)).json()["events"]
    answers = [e for e in trail if e["event_type"] == "asset_search.agency_answered"]
    assert answers and all(datetime.fromisoformat(e["occurred_at"]).astimezone(SHANGHAI).date() >= moved_to
                           for e in answers), answers  # answered on the moved clock: 31 days after dispatch
    longest = max(a["max_seconds"] for a in rows if a["max_seconds"] is not None)
    assert 0 < longest < 3600, rows  # the agencies' 20-odd seconds, not 31 days (2,678,400 s)
