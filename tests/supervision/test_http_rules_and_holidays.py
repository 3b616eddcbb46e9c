"""What supervision publishes about its own checks: the rule set with each rule's version, and the
holiday schedules its deadlines are counted on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import asyncpg
import httpx
import pytest

from deploy.system import System
from services.supervision.domain.ruleset import RULES
from tests.conftest import auth
from tests.supervision.helpers import ADMIN, SUPERVISOR

# A year no holiday package covers and no other test loads (tests/supervision/test_http_checks.py
# loads 2094): only this test writes it, straight into the table the route reads, and takes it out again.
YEAR = 2093


async def test_the_rule_set_lists_the_fourteen_mutual_check_rules_with_their_versions(
    system: System, http: httpx.AsyncClient
) -> None:
    r = await http.get(f"{system.url('supervision')}/rules", headers=SUPERVISOR)
    assert r.status_code == 200, r.text
    body = r.json()
    mutual = {x["rule_id"]: x for x in body["rules"] if x["rule_id"].startswith("互相制约-")}
    assert sorted(mutual, key=lambda rule_id: int(rule_id.split("-")[1])) == [f"互相制约-{n}" for n in range(1, 16)]
    # as the code declares them (services/supervision/domain/rules_*.py): rule 4 is at version 4
    # (v3 checked every disposal step; v4 judges an imported step on its own day)
    assert {k: (x["version"], x["title"], x["source"]) for k, x in mutual.items()} == {
        r.rule_id: (r.version, r.title, r.source) for r in RULES}
    assert mutual["互相制约-4"]["version"] == 4
    published = [p for p in body["ruleset_version"].split(";") if p.startswith("互相制约-")]
    assert sorted(published) == sorted(f"{k}@{x['version']}" for k, x in mutual.items())
    assert (await http.get(f"{system.url('supervision')}/rules", headers=auth("clerk-r1", "intake_clerk"))
            ).status_code == 403
    assert (await http.get(f"{system.url('supervision')}/rules")).status_code == 401


@pytest.fixture
async def loaded_year(system: System) -> AsyncIterator[dict[str, object]]:
    """``YEAR``'s schedule as an administrator loaded it (removed again afterwards)."""
    row = {"year": YEAR, "holidays": [date(YEAR, 10, d) for d in range(1, 8)], "workdays": [date(YEAR, 9, 29)],
           "loaded_by": "admin-h01"}
    conn = await asyncpg.connect(system.dsn("supervision"))
    try:
        await conn.execute("DELETE FROM holiday_years WHERE year = $1", YEAR)
        await conn.execute("INSERT INTO holiday_years (year, holidays, workdays, loaded_by) VALUES ($1, $2, $3, $4)",
                           YEAR, row["holidays"], row["workdays"], row["loaded_by"])
        yield row
    finally:
        await conn.execute("DELETE FROM holiday_years WHERE year = $1", YEAR)
        await conn.close()


async def test_the_loaded_holiday_schedules_are_listed_to_an_administrator(
    system: System, http: httpx.AsyncClient, loaded_year: dict[str, object]
) -> None:
    url = f"{system.url('supervision')}/admin/holidays"
    r = await http.get(url, headers=ADMIN)
    assert r.status_code == 200, r.text
    [mine] = [y for y in r.json()["years"] if y["year"] == YEAR]
    assert (mine["holidays"], mine["workdays"], mine["loaded_by"]) == (
        [f"{YEAR}-10-0{d}" for d in range(1, 8)], [f"{YEAR}-09-29"], "admin-h01")
    years = [y["year"] for y in r.json()["years"]]
    assert years == sorted(years)
    assert (await http.get(url, headers=SUPERVISOR)).status_code == 403
