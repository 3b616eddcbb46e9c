"""互相制约-10 v3 over imported history, through the import command (intake, then asset_search, then
disposal; docs/import.md §6): intake's imported 终结执行 reaches supervision's trail before the controls and the
disposal of its record, yet a control still in effect and a disposal still open on the closure's day in the
old system are found, by business dates; the same case closed after every release and the disposal's end is
not."""

from __future__ import annotations

import asyncio
import copy
import random
from pathlib import Path
from typing import Any

import httpx

from deploy.system import System
from shared.importing import case_id_for, item_id
from tests.e2e.test_http_import_history import WATCHER, _run_importer
from tests.import_records import DISPOSAL, ndjson, zhongben_record
from tests.waits import drained, poll


def terminated(seq: int, closed_on: str) -> dict[str, Any]:
    rec = zhongben_record(seq, disposals=[copy.deepcopy(DISPOSAL)])
    rec["closure"] = {"type": "终结执行", "date": closed_on, "approved_by": "qz-chief-01"}
    return rec


def moving_record(seq: int) -> dict[str, Any]:
    """Closed 2025-07-01 while the account's freeze (to 2026-04-01) and the flat's seizure (released
    2025-08-25) were in effect and the flat's disposal (decided, valued) open: the old system's steps end there."""
    rec = terminated(seq, "2025-07-01")
    rec.pop("interview", None)
    disposal = rec["disposals"][0]
    for later in ("auctions", "release"):
        disposal.pop(later)
    return rec


async def test_an_imported_termination_is_judged_by_the_old_system_s_dates(
    system: System, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    seq = random.randint(100_000, 9_999_999)
    moving = moving_record(seq)
    settled = terminated(seq + 1, "2025-09-01")
    settled["controls"][0]["released"] = {"date": "2025-08-30", "reason": "申请执行人放弃债权"}
    path = tmp_path / "cases.jsonl"
    path.write_bytes(ndjson([moving, settled]))
    done = await asyncio.to_thread(_run_importer, system, path)
    assert done.returncode == 0, (done.stdout, done.stderr)

    sup = system.url("supervision")
    ids = [case_id_for("黔01", r["case_number"]) for r in (moving, settled)]

    async def trail(case_id: str) -> list[dict[str, Any]]:
        r = await http.get(f"{sup}/cases/{case_id}/trail", headers=WATCHER)
        return list(r.json()["events"]) if r.status_code == 200 else []

    await poll(lambda: trail(ids[1]), "the settled case's trail from three services",
               until=lambda es: any(e["event_type"] == "disposal.disposal_concluded" for e in es))
    await poll(lambda: trail(ids[0]), "the moving case's trail from three services",
               until=lambda es: any(e["event_type"] == "disposal.reference_price_fixed" for e in es))
    await drained(http, system, ("asset_search", "disposal", "supervision"), case_ids=ids)

    async def rule_10(case_id: str) -> list[str]:
        r = await http.get(f"{sup}/findings", headers=WATCHER, params={"case_id": case_id})
        assert r.status_code == 200, r.text
        return sorted(f["message"] for f in r.json()["findings"] if f["rule_id"] == "互相制约-10")

    number = moving["case_number"]
    freeze, seizure = (item_id("control", "黔01", number, str(i)) for i in (0, 2))
    disposal = item_id("disposal", "黔01", number, "0")
    found = [m for m in await rule_10(ids[0]) if "结案时" in m]
    assert found == [
        f"终结执行结案时（2025-07-01）尚有 2 项查封、扣押、冻结措施未解除：{freeze}、{seizure}（应先裁定解除）；"
        f"尚有 1 项财产处置未结束：{disposal}（旧系统结案，按导入的记录判断）"], found
    assert [m for m in await rule_10(ids[1]) if "结案时" in m] == []
