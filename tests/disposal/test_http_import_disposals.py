"""disposal's POST /admin/imports with a record's ``disposals[]`` (docs/import.md §2d): an imported
disposal over HTTP, read back as a live one; a wrong one refused whole; a rerun unchanged."""

from __future__ import annotations

import copy
import random
from typing import Any

import httpx

from deploy.system import System
from shared.importing import case_id_for, item_id
from tests.conftest import auth
from tests.import_records import DISPOSAL, ndjson, zhongben_record
from tests.waits import poll

NDJSON = {"Content-Type": "application/x-ndjson"}
ADMIN = auth("imp-admin-dd", "admin")
STAFF = auth("qz-dsp-09", "disposal_officer")


async def _post(http: httpx.AsyncClient, url: str, body: bytes, **params: Any) -> dict[str, Any]:
    r = await http.post(f"{url}/admin/imports", content=body, headers={**ADMIN, **NDJSON}, params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_an_imported_disposal_reads_as_a_live_one(system: System, http: httpx.AsyncClient) -> None:
    seq = random.randint(100_000, 9_999_999)
    number = f"（2025）黔01执{seq}号"
    rec = zhongben_record(seq, disposals=[copy.deepcopy(DISPOSAL)])
    wrong = zhongben_record(seq + 1, disposals=[{**copy.deepcopy(DISPOSAL), "control": 0}])  # a frozen account
    intake, disposal = system.url("intake"), system.url("disposal")
    first = await _post(http, intake, ndjson([rec, wrong]))
    assert [r["status"] for r in first["records"]] == ["imported", "refused"], first
    assert {(e["field"], e["code"]) for e in first["records"][1]["errors"]} == {
        ("disposals.0.control", "not_disposable")}

    report = await _post(http, disposal, ndjson([rec, wrong]), batch="dd-import")
    assert [r["status"] for r in report["records"]] == ["imported", "refused"], report
    case_id = case_id_for("黔01", number)
    disposal_id = item_id("disposal", "黔01", number, "0")

    async def listed() -> list[dict[str, Any]]:
        r = await http.get(f"{disposal}/cases/{case_id}/disposals", headers=STAFF)
        return list(r.json()["disposals"]) if r.status_code == 200 else []

    [row] = await poll(listed, "the imported disposal listed", until=bool)
    assert (row["disposal_id"], row["status"], row["outcome"]) == (disposal_id, "concluded", "released")
    one = await http.get(f"{disposal}/disposals/{disposal_id}", headers=STAFF)
    assert one.status_code == 200, one.text
    view = one.json()
    assert (view["judge_id"], view["asset_class"], view["outcome"]) == ("qz-j-201", "real_estate_or_rights", "released")
    assert view["reference_price"]["amount_fen"] == 80_000_000
    assert view["reference_price"]["determined_on"] == "2025-06-10"
    assert [(a["round"], a["starting_price_fen"], a["result"]) for a in view["auctions"]] == [
        (1, 60_000_000, "unsold"), (2, 48_000_000, "unsold")]
    # nothing of the refused record went in
    none = await http.get(f"{disposal}/cases/{case_id_for('黔01', wrong['case_number'])}/disposals", headers=STAFF)
    assert none.status_code == 404 or none.json()["disposals"] == []

    again = await _post(http, disposal, ndjson([rec]))
    assert again["records"][0]["status"] == "unchanged"
    changed = zhongben_record(seq, disposals=[{**copy.deepcopy(DISPOSAL), "decided_on": "2025-05-21"}])
    conflict = (await _post(http, disposal, ndjson([changed])))["records"][0]
    assert conflict["status"] == "conflict" and conflict["errors"][0]["code"] == "content_differs"
