"""`make demo` against a private copy of the whole system: a few cases through their lives."""

from __future__ import annotations

import random

import httpx

from deploy import demo as demo_cli
from deploy.system import SERVICES, System
from tests.supervision.helpers import SUPERVISOR


async def test_the_demo_drives_cases_through_the_public_apis_and_supervision_sees_them(system: System) -> None:
    if len(system.processes) < len(SERVICES):
        import pytest

        pytest.skip("the demo needs every service and the simulator (unset TEST_SERVICES)")
    async with httpx.AsyncClient(timeout=30) as http:
        d = demo_cli.Demo("127.0.0.1", system.port_offset, "黔01", random.Random(3), http)
        await demo_cli.drive(d, cases=len(demo_cli.PLAN), concurrency=4)
        await demo_cli.summary(d)
        done = {k: v for k, v in d.outcomes.items() if k.endswith("完成")}
        assert sum(done.values()) == len(demo_cli.PLAN), d.outcomes
        assert any("终本" in s and "立案未满" in s for s in d.skipped), d.skipped
        base = system.url("supervision")
        totals = (await http.get(f"{base}/indicators", headers=SUPERVISOR)).json()["totals"]
        assert totals["closed"] >= 5 and totals["closed_by_type"].get("执行完毕", 0) >= 4
        assert totals["执行到位率"]["numerator"] > 0
        rules = {f["rule_id"] for f in (await http.get(f"{base}/findings", headers=SUPERVISOR)).json()["findings"]}
        assert "互相制约-1" in rules
        overdue = (await http.get(f"{base}/indicators/overdue", headers=SUPERVISOR)).json()
        assert overdue["cases"] >= 1
        agencies = (await http.get(f"{base}/indicators/agencies", headers=SUPERVISOR)).json()["agencies"]
        assert agencies and all(a["answered"] > 0 for a in agencies)
