"""Generate an import file of made-up cases (docs/import.md), e.g. to measure an import:

    python -m tests.intake.import_sample 10000 /tmp/cases.jsonl --court 黔01 --year 2019

Every record is valid: a mix of closed cases (执行完毕, 终本, 终结执行) and open ones, fast and
ordinary, some assigned late, some with a suspension; numbers from ``--first`` on, one court year.
With ``--sections`` (the default) each case also carries the old system's online search, two in five a
frozen bank account (one in five of those deducted, the rest released at closure or lapsed), and each
执行完毕 case its money: the claim received and paid out (one payout in five later than 30 days).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
import typer

from services.intake.config import load_config

app = typer.Typer(add_completion=False)
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(rng: random.Random) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(20_000))
    body = f"520103{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _W, strict=True)) % 11]


def record(i: int, court: str, year: int, first: int, rng: random.Random, judges: list[tuple[str, str, str]]
           ) -> dict[str, Any]:
    registered = date(year, 1, 2) + timedelta(days=rng.randrange(300))
    track, judge, team = rng.choice(judges)
    late = rng.random() < 0.1
    assigned = registered + timedelta(days=rng.randrange(10, 40) if late else 0 if track == "fast" else 2)
    rec: dict[str, Any] = {
        "court": court, "case_number": f"（{year}）{court}执{first + i}号",
        "application": {
            "applicant": {"kind": "organisation", "name": "贵州某某建材有限公司", "id_number": "91520100MA6DL12349"},
            "respondent": {"kind": "person", "name": f"被执行人{i}", "id_number": resident_id(rng)},
            "basis": {"kind": "judgment", "issuing_body": "贵阳市南明区人民法院",
                      "document_number": f"（{year - 1}）黔0102民初{i + 1}号",
                      "effective_date": (registered - timedelta(days=60)).isoformat(),
                      "performance_deadline": (registered - timedelta(days=45)).isoformat()},
            "claim_amount_fen": rng.randrange(100_000, 500_000_000),
            "application_date": (registered - timedelta(days=rng.randrange(0, 5))).isoformat(),
        },
        "registration": {"date": registered.isoformat(), "by": "clerk-old-01"},
        "triage": {"track": track},
        "assignment": {"judge_id": judge, "team_id": team, "date": assigned.isoformat()},
        "notices": [{"kind": "enforcement_notice", "signed_on": (assigned + timedelta(days=1)).isoformat(),
                     "prepared_by": "affairs-old-01"},
                    {"kind": "consumption_restriction", "signed_on": (assigned + timedelta(days=1)).isoformat(),
                     "prepared_by": "affairs-old-01"}],
    }
    day = assigned + timedelta(days=2)
    if rng.random() < 0.2:
        rec["pauses"] = [{"kind": "suspension", "from": (day + timedelta(days=5)).isoformat(),
                          "to": (day + timedelta(days=40)).isoformat(), "reason": "被执行人进入破产程序"}]
        day += timedelta(days=41)
    fate = rng.random()
    if fate < 0.7:
        kind = "终本" if fate < 0.3 else "执行完毕" if fate < 0.6 else "终结执行"
        closed = day + timedelta(days=95 + rng.randrange(200))
        if kind == "终本":
            rec["interview"] = {"date": (closed - timedelta(days=3)).isoformat()}
        rec["closure"] = {"type": kind, "date": closed.isoformat(), "approved_by": "chief-old-01"}
    return rec


def add_sections(rec: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The old system's search, controls and money for ``rec`` (docs/import.md §1b)."""
    assigned = date.fromisoformat(rec["assignment"]["date"])
    closure = rec.get("closure")
    rec["search"] = {"date": (assigned + timedelta(days=1)).isoformat(),
                     "answered_on": (assigned + timedelta(days=8)).isoformat()}
    claim = rec["application"]["claim_amount_fen"]
    if rng.random() < 0.4:
        ordered = assigned + timedelta(days=10)
        deduct = rng.random() < 0.2
        control: dict[str, Any] = {
            "asset": {"kind": "bank_deposit", "identifier": f"6222{rng.randrange(10**12):012d}"},
            "measure": "deduct" if deduct else "freeze", "ruling_number": f"{rec['case_number']}之一",
            "ordered_on": ordered.isoformat(), "effective_date": (ordered + timedelta(days=1)).isoformat(),
            "amount_limit_fen": claim, "amount_fen": max(1, claim // 3)}
        if closure is not None and not deduct:
            control["released"] = {"date": closure["date"]}
        rec["controls"] = [control]
    if rng.random() < 0.15:
        add_disposal(rec, assigned, rng)
    if closure is not None and closure["type"] == "执行完毕":
        received = assigned + timedelta(days=30)
        paid = received + timedelta(days=rng.randrange(35, 60) if rng.random() < 0.2 else rng.randrange(1, 25))
        rec["receipts"] = [{"received_on": received.isoformat(), "amount_fen": claim, "source": "voluntary_payment"}]
        rec["payouts"] = [{"paid_on": min(paid, date.fromisoformat(closure["date"])).isoformat(), "amount_fen": claim,
                           "proposed_by": "fin-old-01", "approved_by": "fin-old-02"}]
    return rec


def add_disposal(rec: dict[str, Any], assigned: date, rng: random.Random) -> None:
    """A seized vehicle and its disposal (docs/import.md §1b ``disposals[]``): decided within 30 days of
    the seizure (one in six late), valued, one or two rounds (one in twenty starting under 70 % of the
    price), sold with its ruling or released. Only when it ends by the closure."""
    seized = assigned + timedelta(days=13)
    decided = seized + timedelta(days=rng.randrange(35, 50) if rng.random() < 1 / 6 else rng.randrange(5, 25))
    value = rng.randrange(2_000_000, 30_000_000)
    fixed = decided + timedelta(days=15)
    rounds: list[dict[str, Any]] = []
    start_price = value * (65 if rng.random() < 0.05 else 75) // 100
    announced = fixed + timedelta(days=5)
    for n in (1, 2):
        begin = announced + timedelta(days=16 if n == 1 else 8)
        sold = rng.random() < 0.6
        rounds.append({"platform": "淘宝网司法拍卖", "announced_on": announced.isoformat(),
                       "start_date": begin.isoformat(), "end_date": (begin + timedelta(days=1)).isoformat(),
                       "starting_price_fen": start_price, "deposit_fen": start_price // 10,
                       "result": "sold" if sold else "unsold",
                       **({"price_fen": start_price + 100_000, "buyer": "竞买人某某"} if sold else {})})
        end = begin + timedelta(days=1)
        if sold:
            break
        announced, start_price = end + timedelta(days=7), -(-start_price * 8 // 10)  # a cut of at most 20 %
    disposal: dict[str, Any] = {"control": len(rec.get("controls", [])), "decided_on": decided.isoformat(),
                                "price": {"method": "valuation", "fixed_on": fixed.isoformat(), "amount_fen": value},
                                "auctions": rounds}
    last = end + timedelta(days=3)
    if rounds[-1]["result"] == "sold":
        disposal["sale_ruling"] = {"signed_on": last.isoformat()}
    else:
        disposal["release"] = {"date": last.isoformat()}
    closure = rec.get("closure")
    if closure is not None and last > date.fromisoformat(closure["date"]):
        return
    control = {"asset": {"kind": "vehicle", "identifier": f"贵A{rng.randrange(10**5):05d}", "value_fen": value},
               "measure": "seize", "ruling_number": f"{rec['case_number']}之二", "ordered_on": (seized - timedelta(
                   days=1)).isoformat(), "effective_date": seized.isoformat()}
    if closure is not None:
        control["released"] = {"date": closure["date"]}
    rec["controls"] = [*rec.get("controls", []), control]
    rec["disposals"] = [disposal]


@app.command()
def main(count: int, out: Path, court: str = "黔01", year: int = 2019, first: int = 1, seed: int = 7,
         sections: bool = True) -> None:
    """Write COUNT made-up cases of COURT, registered in YEAR, to OUT (JSON Lines)."""
    rng = random.Random(seed)
    roster = load_config().roster(court)
    judges = [(t.track, j, t.team_id) for t in roster.teams for j in t.judges] or [
        ("ordinary", "judge-old-01", f"{court}-普执组"), ("fast", "judge-old-02", f"{court}-快执组")]
    with out.open("wb") as f:
        for i in range(count):
            rec = record(i, court, year, first, rng, judges)
            f.write(orjson.dumps(add_sections(rec, rng) if sections else rec) + b"\n")


if __name__ == "__main__":
    app()
