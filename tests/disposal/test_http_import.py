"""disposal's POST /admin/imports (docs/import.md §2c, §4): an imported case account over HTTP."""

from __future__ import annotations

import random
from typing import Any

import httpx

from deploy.system import System
from shared.importing import case_id_for
from tests.conftest import auth
from tests.import_records import ndjson, zhongben_record
from tests.waits import poll

NDJSON = {"Content-Type": "application/x-ndjson"}
ADMIN = auth("imp-admin-dp", "admin")
FINANCE = auth("qz-fin-09", "finance_officer")


async def _post(http: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str] = ADMIN,
                **params: Any) -> dict[str, Any]:
    r = await http.post(f"{url}/admin/imports", content=body, headers={**headers, **NDJSON}, params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_imported_receipts_and_payouts_make_the_case_account(system: System, http: httpx.AsyncClient) -> None:
    seq = random.randint(100_000, 9_999_999)
    rec = zhongben_record(seq)
    case_id = case_id_for("黔01", f"（2025）黔01执{seq}号")
    disposal = system.url("disposal")
    assert (await _post(http, system.url("intake"), ndjson([rec])))["records"][0]["status"] == "imported"
    overdrawn = zhongben_record(seq + 1)
    overdrawn["payouts"][1]["amount_fen"] = 60_000
    report = await _post(http, disposal, ndjson([rec, overdrawn]), batch="dp-import")
    assert [r["status"] for r in report["records"]] == ["imported", "refused"], report
    assert report["records"][1]["errors"] == [{
        "field": "payouts.1.amount_fen", "code": "insufficient_balance",
        "message": "2025-06-10 发放后账户余额为负（-10000 分）：发放不能多于此前到账的现金"}]

    async def ledger() -> dict[str, Any]:
        r = await http.get(f"{disposal}/cases/{case_id}/ledger", headers=FINANCE)
        return dict(r.json()) if r.status_code == 200 else {}

    account = await poll(ledger, "the imported case account", until=lambda a: bool(a.get("receipts")))
    assert (account["balance_fen"], account["received_fen"], account["paid_to_applicant_fen"]) == (0, 350_000, 350_000)
    assert [(r["on"], r["amount_fen"]) for r in account["receipts"]] == [
        ("2025-04-11", 300_000), ("2025-06-02", 50_000)]
    # nothing of the refused record went in
    other = await http.get(f"{disposal}/cases/{case_id_for('黔01', overdrawn['case_number'])}/ledger", headers=FINANCE)
    assert other.status_code == 404 or not other.json().get("receipts")

    assert (await _post(http, disposal, ndjson([rec])))["records"][0]["status"] == "unchanged"
    changed = zhongben_record(seq)
    changed["receipts"][1]["payer"] = "李某"
    conflict = (await _post(http, disposal, ndjson([changed])))["records"][0]
    assert conflict["status"] == "conflict" and conflict["errors"][0]["code"] == "content_differs"
    denied = await http.post(f"{disposal}/admin/imports", content=ndjson([rec]), headers={**FINANCE, **NDJSON})
    assert denied.status_code == 403
