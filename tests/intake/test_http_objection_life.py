"""An objection (执异) over HTTP, its own life (intake → supervision): received on a day the clerk
gives, heard by a member of its panel (执行异议复议规定 art. 12), decided — late when after the 15 days
of 民诉法 art. 236 counted from the receipt; supervision's /indicators/objections counts it, and the
执异 cases are in none of the enforcement figures of /indicators (结案率, received, pending); the ruling closes
the 执异 case itself on the decision's day (intake, /indicators/objections closed = decided, /indicators/cases)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from deploy.system import System
from shared import clock
from tests.conftest import auth
from tests.intake.conftest import CLERK, register
from tests.waits import poll

OBJECTOR = {"kind": "person", "name": "案外人赵某", "id_number": "11010519491231002X"}
PANEL = ["qz-rev-01", "qz-rev-02", "qz-x-9"]
MEMBER = auth("qz-rev-01", "reviewer")
SUPERVISOR = auth("sup-i09", "supervisor")


async def test_an_objection_is_received_heard_and_decided_and_counted_apart(
    system: System, http: httpx.AsyncClient
) -> None:
    case = await register(http, system)
    cid, intake = case["case_id"], system.url("intake")
    today = clock.today()
    received = today - timedelta(days=20)

    async def objection(received_on: str | None) -> str:
        body: dict[str, Any] = {"objector": OBJECTOR, "grounds": "被查封车辆属于案外人", "reviewers": PANEL}
        if received_on:
            body["received_on"] = received_on
        r = await http.post(f"{intake}/cases/{cid}/objections", headers=CLERK, json=body)
        assert r.status_code == 201, r.text
        return str(r.json()["new_case"]["case_id"])

    future = await http.post(f"{intake}/cases/{cid}/objections", headers=CLERK, json={
        "objector": OBJECTOR, "grounds": "异议", "reviewers": PANEL,
        "received_on": (today + timedelta(days=1)).isoformat()})
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "received_on", future.text
    late_one = await objection(received.isoformat())
    open_one = await objection(None)

    hearing = f"{intake}/cases/{cid}/objections/{late_one}/hearing"
    heard = {"held_on": (received + timedelta(days=5)).isoformat(), "notes": "异议人、申请执行人到庭陈述"}
    outsider = await http.post(hearing, headers=auth("qz-rev-03", "reviewer"), json=heard)
    assert outsider.status_code == 403, outsider.text
    assert (outsider.json()["rule"], outsider.json()["code"]) == ("执行异议复议规定-12", "not_objection_reviewer")
    early = await http.post(hearing, headers=MEMBER,
                            json={**heard, "held_on": (received - timedelta(days=1)).isoformat()})
    assert early.status_code == 422 and early.json()["errors"][0]["code"] == "before_receipt", early.text
    r = await http.post(hearing, headers=MEMBER, json=heard)
    assert r.status_code == 200 and r.json()["events"] == ["intake.objection_hearing_held"], r.text
    r = await http.post(f"{intake}/cases/{cid}/objections/{late_one}/decision", headers=MEMBER,
                        json={"outcome": "rejected", "reason": "车辆登记在被执行人名下，异议不成立"})
    assert r.status_code == 200, r.text
    after = await http.post(hearing, headers=MEMBER, json=heard)
    assert after.status_code == 409 and after.json()["code"] == "objection_already_decided"
    # The 执异 case's own end: closed by the ruling, on the decision's day, in the same transaction.
    r = await http.get(f"{intake}/cases/{late_one}", headers=MEMBER)
    assert r.status_code == 200, r.text
    own = r.json()
    assert (own["status"], own["closure_type"]) == ("closed", "裁定驳回异议"), own
    r = await http.get(f"{intake}/cases/{open_one}", headers=MEMBER)
    assert r.json()["status"] == "registered", r.text

    sup = system.url("supervision")
    period = {"from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat()}

    async def objections() -> dict[str, Any]:
        r = await http.get(f"{sup}/indicators/objections", params=period, headers=SUPERVISOR)
        assert r.status_code == 200, r.text
        totals: dict[str, Any] = r.json()["totals"]
        return totals

    # The deadline node (first: once supervision has this decision, the court-wide totals below include it;
    # other tests' objections count in them too)
    # The deadline node of the objection counts its 15 days from the receipt: decided late.
    async def node() -> dict[str, Any] | None:
        r = await http.get(f"{sup}/cases/{cid}/deadlines", headers=SUPERVISOR)
        if r.status_code != 200:
            return None
        found = [d for d in r.json()["deadlines"] if d["key"] == f"objection:{late_one}"]
        return found[0] if found and found[0].get("completed_on") else None

    done = await poll(node, "supervision's objection node done by the decision")
    assert done["start_date"] == received.isoformat() and done["status"] == "late", done

    totals = await poll(objections, "supervision to count both objections and the decision",
                        until=lambda t: t["received"] >= 2 and t["decided"] >= 1)
    assert totals["outcomes"]["rejected"] >= 1 and totals["pending"] >= 1
    assert totals["decided_in_time"]["numerator"] < totals["decided_in_time"]["denominator"]  # decided on day 20
    assert totals["hearing_rate"]["numerator"] >= 1
    # the court-wide totals also hold other tests' objections (some published by test producers without the
    # 执异 case's closure), so only "closed" is checked here; this case's own closure is checked below
    await poll(objections, "supervision to see a 执异 case closed by its ruling", until=lambda t: t["closed"] >= 1)

    # The 执异 cases are in no enforcement figure: /indicators counts what /indicators/cases lists minus them.
    async def consistent() -> bool:
        listed = (await http.get(f"{sup}/indicators/cases", params=period, headers=SUPERVISOR)).json()["cases"]
        kinds = {c["case_id"]: c.get("case_type") for c in listed}
        if not {late_one, open_one, cid} <= set(kinds):
            return False
        totals = (await http.get(f"{sup}/indicators", params=period, headers=SUPERVISOR)).json()["totals"]
        enforcement_new = sum(1 for c in listed if c.get("case_type") != "执异"
                              and c.get("registered_on") and c["registered_on"] >= period["from"])
        closure = {c["case_id"]: (c.get("closure_type"), c.get("closed_on")) for c in listed}
        return bool(kinds[late_one] == "执异" and totals["received_new"] == enforcement_new
                    and closure[late_one] == ("裁定驳回异议", today.isoformat()) and closure[open_one][0] is None)

    await poll(consistent, "/indicators to leave the 执异 cases out of the enforcement figures")
