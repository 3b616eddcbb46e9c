"""`make demo` against a private copy of the whole system: a few cases through their lives.

The demo files in 黔01 (a court with a roster: intake must route its cases), which other tests use
too, so everything is asserted as a difference: what the court shows after the demo against what it
showed just before, with the source of each figure (intake's own counts) as the reference.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from typing import Any

import httpx
import pytest

from deploy import demo as demo_cli
from deploy.system import SERVICES, System
from shared import clock
from tests.intake.conftest import CLERK
from tests.supervision.helpers import SUPERVISOR
from tests.waits import drained, poll

AGENCIES = sorted(
    [
        "bank-network",
        "housing-fund-center",
        "maritime-registry",
        "market-regulation",
        "online-payment",
        "real-estate-center",
        "securities-depository",
        "vehicle-admin",
    ]
)


async def court(http: httpx.AsyncClient, system: System, period: dict[str, str]) -> dict[str, Any]:
    """What the court's watchers and its intake show, at once."""
    base = system.url("supervision")

    async def get(url: str, headers: dict[str, str], **params: Any) -> Any:
        r = await http.get(url, headers=headers, params=params)
        assert r.status_code == 200, (url, r.text)
        return r.json()

    judges = (await get(f"{system.url('intake')}/workload/judges", CLERK))["judges"]
    return {
        "totals": (await get(f"{base}/indicators", SUPERVISOR, **period))["totals"],
        "findings": (await get(f"{base}/findings", SUPERVISOR))["findings"],
        "overdue": await get(f"{base}/indicators/overdue", SUPERVISOR),
        "cases": {c["case_id"] for c in (await get(f"{base}/indicators/cases", SUPERVISOR, **period))["cases"]},
        "intake_open": sum(j["open"] for j in judges),
        "intake_closed": sum(j["closed"] for j in judges),
    }


async def test_the_demo_drives_cases_through_the_public_apis_and_supervision_sees_them(system: System) -> None:
    if len(system.processes) < len(SERVICES):
        pytest.skip("the demo needs every service and the simulator (unset TEST_SERVICES)")
    today = clock.today()
    period = {"from": (today - timedelta(days=400)).isoformat(), "to": (today + timedelta(days=2)).isoformat()}
    async with httpx.AsyncClient(timeout=30) as http:
        await drained(http, system)
        before = await court(http, system, period)
        d = demo_cli.Demo("127.0.0.1", system.port_offset, "黔01", random.Random(3), http)
        await demo_cli.drive(d, cases=len(demo_cli.PLAN), concurrency=4)
        await demo_cli.summary(d)
        done = {k: v for k, v in d.outcomes.items() if k.endswith("完成")}
        assert sum(done.values()) == len(demo_cli.PLAN), d.outcomes
        assert any("终本" in s and "立案未满" in s for s in d.skipped), d.skipped
        await drained(http, system)  # supervision has everything the demo's services published
        after = await court(http, system, period)

    t, t0 = after["totals"], before["totals"]
    cases = len(demo_cli.PLAN)
    # Every case registered; closed as often as intake itself closed one; the 终结 once, the rest paid.
    closed = after["intake_closed"] - before["intake_closed"]
    assert closed + after["intake_open"] - before["intake_open"] == cases
    assert (t["received"] - t0["received"], t["closed"] - t0["closed"], t["pending"] - t0["pending"]) == (
        cases,
        closed,
        cases - closed,
    )
    by_type = Counter(t["closed_by_type"])
    by_type.subtract(Counter(t0["closed_by_type"]))
    assert +by_type == Counter({"执行完毕": closed - 1, "终结执行": 1})
    assert t["执行到位率"]["numerator"] > t0["执行到位率"]["numerator"]  # money reached the applicants
    # The two deliberate rule breaks (立案人 handles the money; 立案人 does the field work), nothing else.
    new = [f for f in after["findings"] if f not in before["findings"]]
    assert sorted(f["rule_id"] for f in new) == ["互相制约-1", "互相制约-1"], new
    # One case more is overdue: the one filed weeks ago whose notices never went out.
    assert after["overdue"]["cases"] - before["overdue"]["cases"] == 1
    nodes = Counter({n["node"]: n["cases"] for n in after["overdue"]["by_node"]})
    nodes.subtract({n["node"]: n["cases"] for n in before["overdue"]["by_node"]})
    assert +nodes == Counter({"notice": 1})
    # The demo's own cases, found as the court's new ones: each one's first search went to the eight
    # agencies and each answered once (the simulator answers after a delay: poll, per case).
    demo_cases = after["cases"] - before["cases"]
    assert len(demo_cases) == cases
    async with httpx.AsyncClient(timeout=30) as http:
        for case_id in sorted(demo_cases):

            async def answers(case_id: str = case_id) -> list[dict[str, Any]]:
                r = await http.get(
                    f"{system.url('supervision')}/cases/{case_id}/trail",
                    headers=SUPERVISOR,
                    params={"event_type": "asset_search.agency_answered"},
                )
                assert r.status_code == 200, r.text
                return list(r.json()["events"])

            got = await poll(answers, f"8 agency answers in case {case_id}'s trail", until=lambda a: len(a) >= 8)
            assert sorted(e["payload"]["agency_id"] for e in got) == AGENCIES, case_id
