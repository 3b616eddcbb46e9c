"""asset_search's POST /admin/imports (docs/import.md §2b, §4): an imported search and controls over HTTP."""

from __future__ import annotations

import random
from typing import Any

import asyncpg
import httpx

from deploy.system import System
from shared.importing import case_id_for
from tests.conftest import auth
from tests.import_records import ndjson, zhongben_record
from tests.waits import poll

NDJSON = {"Content-Type": "application/x-ndjson"}
ADMIN = auth("imp-admin-as", "admin")
JUDGE = auth("qz-j-201", "judge")


async def _post(http: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str] = ADMIN,
                **params: Any) -> dict[str, Any]:
    r = await http.post(f"{url}/admin/imports", content=body, headers={**headers, **NDJSON}, params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_an_imported_search_and_controls_make_the_search_file_and_send_nothing(
    system: System, http: httpx.AsyncClient
) -> None:
    seq = random.randint(100_000, 9_999_999)
    rec = zhongben_record(seq)
    number = f"（2025）黔01执{seq}号"
    case_id = case_id_for("黔01", number)
    search = system.url("asset_search")
    # intake first (as the command does): the case and its facts
    intake = await _post(http, system.url("intake"), ndjson([rec]))
    assert intake["records"][0]["status"] == "imported", intake
    bad = zhongben_record(seq + 1)
    bad["controls"][0]["effective_date"] = "2025-03-01"
    report = await _post(http, search, ndjson([rec, bad]), batch="as-import", first_line=7)
    good, refused = report["records"]
    assert (good["line"], good["status"], good["case_id"], good["case_number"]) == (7, "imported", case_id, number)
    assert refused["status"] == "refused" and {(e["field"], e["code"]) for e in refused["errors"]} == {
        ("controls.0.effective_date", "before_registration"), ("controls.0.effective_date", "before_ruling")}
    assert report["correlation_id"] == "import:as-import"

    async def search_file() -> dict[str, Any]:
        r = await http.get(f"{search}/cases/{case_id}/search", headers=JUDGE)
        return dict(r.json()) if r.status_code == 200 else {}

    file = await poll(search_file, "the imported search file", until=lambda f: bool(f.get("controls")))
    assert [(r["round"], r["queries"], r["answered"], r["complete"]) for r in file["rounds"]] == [(1, 8, 8, True)]
    assert {q["agency_id"] for q in file["queries"]} == {f"legacy-{k}" for k in (
        "bank_deposit", "real_estate", "vehicle", "securities", "equity", "housing_fund", "online_payment", "vessel")}
    assert all(q["dispatched_at"].startswith("2025-03-21T") for q in file["queries"])
    assert sorted((c["measure"], c["status"]) for c in file["controls"]) == [
        ("deduct", "effective"), ("freeze", "lapsed"), ("seize", "released")]
    assert len(file["assets"]) == 2
    # nothing is sent to an agency for history: no delivery rows for the imported queries and controls
    conn = await asyncpg.connect(system.dsn("asset_search"))
    try:
        assert await conn.fetchval("SELECT count(*) FROM deliveries WHERE case_id = $1", case_id) == 0
    finally:
        await conn.close()

    # a rerun changes nothing; other content is a conflict; a non-admin is refused
    again = await _post(http, search, ndjson([rec]))
    assert again["records"][0]["status"] == "unchanged"
    changed = zhongben_record(seq)
    changed["controls"][0]["amount_fen"] = 200_000
    conflict = (await _post(http, search, ndjson([changed])))["records"][0]
    assert conflict["status"] == "conflict" and conflict["errors"][0]["code"] == "content_differs"
    assert "as-import" in conflict["errors"][0]["message"]
    denied = await http.post(f"{search}/admin/imports", content=ndjson([rec]), headers={**JUDGE, **NDJSON})
    assert denied.status_code == 403 and denied.json()["rule"]
    nothing = await _post(http, search, ndjson([{k: v for k, v in rec.items() if k not in ("search", "controls")}]))
    assert nothing["records"][0]["status"] == "unchanged"
