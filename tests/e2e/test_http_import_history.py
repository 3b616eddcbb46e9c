"""A court's existing case with its search, controls and money, imported through the command
(``services.intake.importer``: intake, then asset_search, then disposal), and what the system makes of
it: one trail from three services, deadlines and findings from the original dates (docs/import.md). The
case's seized flat was disposed of in the old system (decided late, valued, two unsold rounds, released):
its disposal's nodes and rules are judged on the imported dates and numbers."""

from __future__ import annotations

import asyncio
import copy
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import orjson

from deploy.system import System
from shared import clock
from shared.importing import case_id_for, item_id
from tests.conftest import auth, token
from tests.import_records import DISPOSAL, ndjson, zhongben_record
from tests.waits import drained, poll

WATCHER = auth("imp-sup-e2e", "supervisor")
FINANCE = auth("qz-fin-e2e", "finance_officer")
JUDGE = auth("qz-j-201", "judge")


def _run_importer(system: System, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.intake.importer", str(path), "--url", system.url("intake"),
         "--search-url", system.url("asset_search"), "--disposal-url", system.url("disposal"),
         "--token", token("imp-admin-e2e", ["admin"]), "--batch", "e2e-history"],
        capture_output=True, text=True, timeout=300, check=False,
    )


async def test_an_imported_case_with_controls_and_money_is_supervised_as_a_live_one(
    system: System, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    seq = random.randint(100_000, 9_999_999)
    number = f"（2025）黔01执{seq}号"
    case_id = case_id_for("黔01", number)
    bad = zhongben_record(seq + 1)
    bad["payouts"][0]["paid_on"] = "2025-04-01"  # before any money arrived: the whole record is refused
    path = tmp_path / "cases.jsonl"
    path.write_bytes(ndjson([zhongben_record(seq, disposals=[copy.deepcopy(DISPOSAL)]), bad]))

    done = await asyncio.to_thread(_run_importer, system, path)
    assert done.returncode == 1, done.stderr  # one record refused
    report = [orjson.loads(line) for line in (tmp_path / "cases.jsonl.report.jsonl").read_bytes().splitlines()]
    assert [(r["line"], r["status"]) for r in report] == [(1, "imported"), (2, "refused")], report
    assert report[1]["errors"][0]["field"] == "payouts.0.amount_fen"
    assert (await http.get(f"{system.url('intake')}/cases/{case_id_for('黔01', bad['case_number'])}",
                           headers=JUDGE)).status_code == 404

    sup = system.url("supervision")

    async def trail() -> list[dict[str, Any]]:
        r = await http.get(f"{sup}/cases/{case_id}/trail", headers=WATCHER)
        return list(r.json()["events"]) if r.status_code == 200 else []

    events = await poll(trail, "the imported case's trail from three services",
                        until=lambda es: {e["producer"] for e in es} >= {"intake", "asset_search", "disposal"}
                        and any(e["event_type"] == "disposal.payout_approved" for e in es)
                        and any(e["event_type"] == "disposal.disposal_concluded" for e in es))
    await drained(http, system, ("asset_search", "disposal", "supervision"), case_ids=[case_id])
    events = [e for e in await trail() if e["producer"] != "supervision"]  # its own: the findings raised
    assert {e["actor_role"] for e in events} == {"importer"}, [
        (e["event_type"], e["producer"], e["actor_id"]) for e in events if e["actor_role"] != "importer"]
    assert {e["correlation_id"] for e in events} == {"import:e2e-history"}
    assert {e["producer"] for e in events} == {"intake", "asset_search", "disposal"}  # no live reaction wrote any

    r = await http.get(f"{sup}/cases/{case_id}/deadlines", headers=WATCHER)
    nodes = {(d["node"], d["start_date"]): (d["status"], d["completed_on"]) for d in r.json()["deadlines"]}
    # a late step in the old system is late here: the first search 18 days after registration, the first
    # payout 39 days after its arrival, the seized flat's disposal decided 47 days after the seizure (30)
    assert nodes[("first_search", "2025-03-03")] == ("late", "2025-03-21"), nodes
    assert nodes[("investigation", "2025-03-03")] == ("met", "2025-03-28")
    assert nodes[("payout", "2025-04-11")] == ("late", "2025-05-20")
    assert nodes[("payout", "2025-06-02")] == ("met", "2025-06-10")
    assert nodes[("price_start", "2025-04-03")] == ("late", "2025-05-20")
    # …and its later steps in time: the first round announced 6 days after the price (10), the second 7
    # days after the first went unsold (30)
    assert nodes[("sale_start", "2025-06-10")] == ("met", "2025-06-16")
    assert nodes[("reauction", "2025-07-18")] == ("met", "2025-07-25")
    assert nodes[("close", "2025-03-03")] == ("met", "2025-09-01")
    # the 6-monthly re-search after 终本 counts from the old closure: overdue now
    assert nodes[("zhongben_search", "2025-09-01")] == ("overdue", None)

    r = await http.get(f"{sup}/findings", headers=WATCHER, params={"case_id": case_id})
    rules = {f["rule_id"] for f in r.json()["findings"]}
    assert "互相制约-6" not in rules, r.json()  # the old system's search is attested by the imported closure
    assert "互相制约-9" in rules  # the late payout
    # the imported rounds' numbers are lawful (75 % of the price, 10 % deposits, 31 and 16 days' notice, a 20 %
    # cut) and the flat was under seizure on each step's day, though its release reached the trail first
    assert not rules & {"互相制约-4", "互相制约-5"}, r.json()
    view = (await http.get(f"{system.url('disposal')}/disposals/{item_id('disposal', '黔01', number, '0')}",
                           headers=JUDGE)).json()
    assert (view["outcome"], [a["result"] for a in view["auctions"]]) == ("released", ["unsold", "unsold"]), view

    # asset_search: round 1 from the import, the re-search scheduled from the next round due after today
    file = (await http.get(f"{system.url('asset_search')}/cases/{case_id}/search", headers=JUDGE)).json()
    assert [r["round"] for r in file["rounds"]] == [1]
    schedule = file["research_schedule"]
    assert schedule["closed_on"] == "2025-09-01" and not schedule["stopped"]
    assert schedule["done"] == sum(1 for d in schedule["due_dates"] if d <= clock.today().isoformat())
    # disposal: the case account as the old system left it
    ledger = (await http.get(f"{system.url('disposal')}/cases/{case_id}/ledger", headers=FINANCE)).json()
    assert (ledger["received_fen"], ledger["paid_to_applicant_fen"], ledger["balance_fen"]) == (350_000, 350_000, 0)

    # indicators: the closure in September 2025, its money recovered (other tests' imported cases of the same
    # judge and month may add to the figures, never take from them)
    r = await http.get(f"{sup}/indicators", headers=WATCHER,
                       params={"from": "2025-09-01", "to": "2025-09-30", "judge_id": "qz-j-201"})
    assert r.status_code == 200, r.text
    totals = r.json()["totals"]
    assert totals["closed_by_type"].get("终本", 0) >= 1 and totals["recovered_fen"] >= 350_000, totals

    # a rerun changes nothing anywhere
    again = await asyncio.to_thread(_run_importer, system, path)
    assert again.returncode == 1
    rerun = [orjson.loads(line) for line in (tmp_path / "cases.jsonl.report.jsonl").read_bytes().splitlines()]
    assert [r["status"] for r in rerun] == ["unchanged", "refused"]
