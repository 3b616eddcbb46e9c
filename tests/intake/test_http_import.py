"""Importing a court's existing cases (docs/import.md) over HTTP, and what supervision makes of them.

Each test uses data of its own: the example file (court 黔01, past years: a rerun on kept data finds
it "unchanged"), or court 黔0103 (no other test's court) with a uuid in the officers' ids and a
random high sequence in the case numbers.
"""

from __future__ import annotations

import json
import random
import re
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx

from deploy.system import System
from services.intake.importing.records import case_id_for
from shared import clock
from shared.clock import SHANGHAI
from tests.conftest import auth, case_applied_on
from tests.waits import drained, poll

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "import-example.jsonl"
NDJSON = {"Content-Type": "application/x-ndjson"}
COURT = "黔0103"  # a court no other test uses (no roster: the records name the judges' teams)
ADMIN = auth("imp-admin-01", "admin")
ADMIN_HERE = auth("imp-admin-02", "admin", court=COURT)
CLERK_HERE = auth("imp-clerk-01", "intake_clerk", court=COURT)
WATCHER_HERE = auth("imp-sup-01", "supervisor", court=COURT)
READER = auth("imp-reader-01", "intake_clerk")


def _ndjson(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


async def _import(http: httpx.AsyncClient, system: System, body: bytes, headers: dict[str, str],
                  **params: Any) -> dict[str, Any]:
    r = await http.post(f"{system.url('intake')}/admin/imports", content=body, headers={**headers, **NDJSON},
                        params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


def _record(number: str, judge: str, *, registered: date, assigned: date | None = None,
            closed: date | None = None, **extra: Any) -> dict[str, Any]:
    """A case of court 黔0103 applied for two days before registration."""
    rec: dict[str, Any] = {
        "court": COURT, "case_number": number,
        "application": {
            "applicant": {"kind": "organisation", "name": "贵州某某建材有限公司", "id_number": "91520100MA6DL12349"},
            "respondent": {"kind": "person", "name": "王某", "id_number": "520111198005123011"},
            "basis": {"kind": "judgment", "issuing_body": "贵阳市云岩区人民法院",
                      "document_number": f"（{registered.year}）黔0103民初{random.randint(1, 9999)}号",
                      "effective_date": (registered - timedelta(days=40)).isoformat()},
            "claim_amount_fen": 5_000_000, "application_date": (registered - timedelta(days=2)).isoformat(),
        },
        "registration": {"date": registered.isoformat(), "by": "yy-clerk-01"},
        "triage": {"track": "ordinary"},
    }
    if assigned is not None:
        rec["assignment"] = {"judge_id": judge, "team_id": "黔0103-普执组", "date": assigned.isoformat()}
    if closed is not None:
        rec["closure"] = {"type": "执行完毕", "date": closed.isoformat(), "approved_by": "yy-chief-01",
                          "reason": "被执行人已履行完毕"}
    rec.update(extra)
    return rec


def _unique_seq() -> int:
    return random.randint(100_000, 9_999_999)


async def test_the_example_file_imports_and_a_rerun_changes_nothing(system: System, http: httpx.AsyncClient) -> None:
    body = EXAMPLE.read_bytes()
    first = await _import(http, system, body, ADMIN, batch=f"example-{uuid.uuid4().hex[:6]}")
    records = first["records"]
    assert first["totals"]["total"] == len(records) == len(body.splitlines())
    # a rerun on kept data finds them there already
    assert {r["status"] for r in records} <= {"imported", "unchanged"}, records
    assert [r["line"] for r in records] == list(range(1, len(records) + 1))
    again = await _import(http, system, body, ADMIN)
    assert {r["status"] for r in again["records"]} == {"unchanged"}, again
    assert again["totals"] == {"total": len(records), "imported": 0, "unchanged": len(records), "refused": 0,
                               "conflict": 0}
    assert [r["case_id"] for r in again["records"]] == [r["case_id"] for r in records]

    # the 终本 case: its original number, dates and history
    zhongben = next(r for r in records if r["case_number"] == "（2024）黔01执2230号")
    case = (await http.get(f"{system.url('intake')}/cases/{zhongben['case_id']}", headers=READER)).json()
    assert case["case_number"] == "（2024）黔01执2230号" and case["status"] == "closed"
    assert (case["registered_on"], case["closed_on"], case["closure_type"]) == ("2024-06-03", "2024-10-28", "终本")
    assert (case["application_date"], case["track"], case["judge_id"]) == ("2024-05-29", "ordinary", "qz-j-202")
    assert case["registered_by"] == "qz-clerk-01" and case["version"] == 12
    assert [n["kind"] for n in case["notices"]] == ["enforcement_notice", "consumption_restriction", "blacklisting"]
    assert all(n["signed_by"] == "qz-j-202" for n in case["notices"]) and case["interviewed"]
    history = {h["event_type"]: h for h in case["history"]}
    assert history["intake.case_assigned"]["occurred_at"].startswith("2024-06-05T09:00:00")
    assert history["intake.case_closed"]["occurred_at"] == "2024-10-28T09:00:00+08:00"
    assert {h["actor_role"] for h in case["history"]} == {"importer"}
    by_number = await http.get(f"{system.url('intake')}/cases/by-number/(2024)黔01执2230号", headers=READER)
    assert by_number.status_code == 200 and by_number.json()["case_id"] == zhongben["case_id"]

    # the open case with a postponement that ended: in progress again; the unassigned one waits
    postponed = next(r for r in records if r["case_number"] == "（2025）黔01执1908号")
    row = (await http.get(f"{system.url('intake')}/cases/{postponed['case_id']}", headers=READER)).json()
    assert row["status"] == "in_progress" and row["judge_id"] == "qz-j-102" and row["closed_on"] is None
    waiting = next(r for r in records if r["case_number"] == "（2025）黔01执2117号")
    row = (await http.get(f"{system.url('intake')}/cases/{waiting['case_id']}", headers=READER)).json()
    assert row["status"] == "registered" and row["judge_id"] is None


async def test_a_wrong_record_is_refused_whole_with_every_error_and_the_others_go_in(
    system: System, http: httpx.AsyncClient
) -> None:
    today, seq = clock.today(), _unique_seq()
    year = today.year - 3
    good = _record(f"（{year}）{COURT}执{seq}号", f"yy-j-{uuid.uuid4().hex[:6]}", registered=date(year, 3, 4),
                   assigned=date(year, 3, 6))
    # every field readable, but out of order: registered before the application, assigned before
    # registration, a notice before the assignment, and closed in the future
    bad = _record(f"（{year}）{COURT}执{seq + 1}号", "yy-j-x", registered=date(year, 3, 4),
                  assigned=date(year, 3, 1), closed=today + timedelta(days=3),
                  notices=[{"kind": "enforcement_notice", "signed_on": date(year, 2, 27).isoformat()}])
    bad["application"]["application_date"] = date(year, 3, 10).isoformat()
    unreadable = _record(f"（{year}）{COURT}执{seq + 2}号", "yy-j-y", registered=date(year, 3, 4))
    unreadable["application"]["respondent"]["id_number"] = "520111198005123012"  # wrong check digit
    unreadable["application"]["claim_amount_fen"] = 12.5
    body = _ndjson([good, bad]) + b"\n{not json\n" + _ndjson([unreadable])
    report = await _import(http, system, body, ADMIN_HERE, first_line=101)

    by_line = {r["line"]: r for r in report["records"]}
    assert report["totals"] == {"total": 4, "imported": 1, "unchanged": 0, "refused": 3, "conflict": 0}
    assert by_line[101]["status"] == "imported"
    refused = by_line[102]
    assert refused["status"] == "refused" and refused["case_number"] == bad["case_number"]
    fields = {(e["field"], e["code"]) for e in refused["errors"]}
    assert {("registration.date", "before_application"), ("assignment.date", "before_triage"),
            ("closure.date", "future_date"), ("notices.0.signed_on", "before_assignment")} <= fields, refused
    assert all(re.search(r"[\u4e00-\u9fff]", e["message"]) for e in refused["errors"])
    assert by_line[104]["status"] == "refused" and by_line[104]["errors"][0]["code"] == "json_invalid"  # blank 103
    assert {e["field"] for e in by_line[105]["errors"]} == {"application.respondent.id_number",
                                                            "application.claim_amount_fen"}
    assert "校验位" in next(e["message"] for e in by_line[105]["errors"] if e["field"].endswith("id_number"))

    intake = system.url("intake")
    for rec in (bad, unreadable):  # nothing of a refused record exists
        case_id = case_id_for(COURT, rec["case_number"])
        assert (await http.get(f"{intake}/cases/{case_id}", headers=CLERK_HERE)).status_code == 404
        assert (await http.get(f"{intake}/cases/by-number/{rec['case_number']}", headers=CLERK_HERE)).status_code == 404
    assert (await http.get(f"{intake}/cases/{by_line[101]['case_id']}", headers=CLERK_HERE)).status_code == 200

    # the request itself: an administrator's, of a known kind, within the bounds
    url = f"{intake}/admin/imports"
    assert (await http.post(url, content=body, headers={**CLERK_HERE, **NDJSON})).status_code == 403
    wrong = await http.post(url, content=body, headers={**ADMIN_HERE, "Content-Type": "text/csv"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "unsupported_media_type"
    too_many = await http.post(url, json=[good] * 2001, headers=ADMIN_HERE)
    assert too_many.status_code in (413, 422) and too_many.headers["content-type"] == "application/problem+json"
    as_array = await http.post(url, json=[good], headers=ADMIN_HERE)
    assert as_array.status_code == 200 and as_array.json()["records"][0]["status"] == "unchanged"
    other_court = await _import(http, system, _ndjson([good]), ADMIN)
    assert other_court["records"][0]["errors"][0]["code"] == "court_mismatch"


async def test_the_same_number_with_other_content_is_a_conflict_and_changes_nothing(
    system: System, http: httpx.AsyncClient
) -> None:
    year, seq = clock.today().year - 4, _unique_seq()
    rec = _record(f"（{year}）{COURT}执{seq}号", "yy-j-c1", registered=date(year, 5, 6), assigned=date(year, 5, 7))
    first = await _import(http, system, _ndjson([rec]), ADMIN_HERE, batch="conflict-a")
    assert first["records"][0]["status"] == "imported" and first["correlation_id"] == "import:conflict-a"
    changed = json.loads(json.dumps(rec))
    changed["application"]["claim_amount_fen"] = 9_999_999
    # formatting is not content: same record with other spacing and key order is unchanged
    reordered = {k: rec[k] for k in reversed(list(rec))}
    reordered["application"]["respondent"] = {**rec["application"]["respondent"], "name": " 王某 "}
    report = await _import(http, system, _ndjson([changed, reordered]), ADMIN_HERE)
    conflict, same = report["records"]
    assert conflict["status"] == "conflict" and conflict["case_id"] == first["records"][0]["case_id"]
    assert conflict["errors"][0]["field"] == "case_number" and conflict["errors"][0]["code"] == "content_differs"
    assert "conflict-a" in conflict["errors"][0]["message"]
    assert same["status"] == "unchanged"
    case = (await http.get(f"{system.url('intake')}/cases/{conflict['case_id']}", headers=CLERK_HERE)).json()
    assert case["claim_amount_fen"] == 5_000_000 and case["version"] == 4


async def test_supervision_sees_the_original_dates_a_late_assignment_and_the_closure(
    system: System, http: httpx.AsyncClient
) -> None:
    year, seq, judge = 2019, _unique_seq(), f"yy-j-{uuid.uuid4().hex[:8]}"
    # registered Monday 4 March 2019; assigned six weeks later (the limit is 7 days); closed in August
    rec = _record(f"（{year}）{COURT}执{seq}号", judge, registered=date(2019, 3, 4), assigned=date(2019, 4, 15),
                  closed=date(2019, 8, 20),
                  notices=[{"kind": "enforcement_notice", "signed_on": "2019-04-16", "prepared_by": "yy-aff-01"}])
    batch = f"t-{uuid.uuid4().hex[:8]}"
    report = await _import(http, system, _ndjson([rec]), ADMIN_HERE, batch=batch)
    case_id = report["records"][0]["case_id"]
    assert report["records"][0]["status"] == "imported" and case_id == case_id_for(COURT, rec["case_number"])

    sup = system.url("supervision")

    async def trail() -> list[dict[str, Any]]:
        r = await http.get(f"{sup}/cases/{case_id}/trail", headers=WATCHER_HERE)
        return list(r.json()["events"]) if r.status_code == 200 else []

    events = await poll(trail, "the imported case's trail in supervision",
                        until=lambda es: any(e["event_type"] == "intake.case_closed" for e in es))
    # Every event of the case is intake's: an imported assignment starts no search in asset_search
    # (its searches happened in the old system), checked once asset_search has read it all.
    for _ in range(2):  # asset_search has read the case; then supervision has read what it answered
        await drained(http, system, ("asset_search", "supervision"), case_ids=[case_id])
    events = await trail()
    assert {e["producer"] for e in events} == {"intake"}, {e["event_type"] for e in events}
    intake_events = [e for e in events if e["producer"] == "intake"]
    assert [e["event_type"].split(".")[1] for e in intake_events] == [
        "application_received", "case_registered", "case_triaged", "case_assigned", "notice_prepared",
        "notice_issued", "case_closed"]
    days = ["2019-03-02", "2019-03-04", "2019-03-04", "2019-04-15", "2019-04-16", "2019-04-16", "2019-08-20"]
    for e, day in zip(intake_events, days, strict=True):  # the original day, 09:00 in Shanghai; recorded now
        assert datetime.fromisoformat(e["occurred_at"]) == datetime.combine(date.fromisoformat(day), time(9), SHANGHAI)
        assert abs(datetime.fromisoformat(e["recorded_at"]) - clock.now()) < timedelta(hours=1), e["recorded_at"]
        assert (e["actor_id"], e["actor_role"], e["correlation_id"]) == ("imp-admin-02", "importer", f"import:{batch}")

    async def deadlines() -> dict[str, dict[str, Any]]:
        r = await http.get(f"{sup}/cases/{case_id}/deadlines", headers=WATCHER_HERE)
        return {d["node"]: d for d in r.json()["deadlines"]} if r.status_code == 200 else {}

    nodes = await poll(deadlines, "the imported case's deadlines", until=lambda d: "close" in d and "assign" in d)
    assign = nodes["assign"]
    assert assign["status"] == "late" and assign["completed_on"] == "2019-04-15", assign
    assert assign["start_date"] == "2019-03-04" and assign["due"] < "2019-04-15"
    assert nodes["close"]["status"] == "met" and nodes["close"]["completed_on"] == "2019-08-20"

    async def figures() -> dict[str, Any]:
        r = await http.get(f"{sup}/indicators", headers=WATCHER_HERE,
                           params={"from": "2019-08-01", "to": "2019-08-31", "judge_id": judge})
        assert r.status_code == 200, r.text
        return dict(r.json()["totals"])

    totals = await poll(figures, "the imported closure in August 2019's indicators", until=lambda t: t["closed"])
    assert totals["closed"] == 1 and totals["closed_by_type"] == {"执行完毕": 1} and totals["received_old"] == 1


async def test_live_numbering_continues_after_an_imported_number(system: System, http: httpx.AsyncClient) -> None:
    intake = system.url("intake")

    async def register() -> tuple[int, int]:
        r = await http.post(f"{intake}/cases", json=case_applied_on(clock.today(), court=COURT), headers=CLERK_HERE)
        assert r.status_code == 201, r.text
        m = re.fullmatch(rf"（(\d{{4}})）{COURT}执(\d+)号", r.json()["case_number"])
        assert m, r.json()
        return int(m[1]), int(m[2])

    year, live = await register()
    jump = random.randint(300, 900)
    day = min(clock.today(), date(year, 12, 31))
    imported = _record(f"（{year}）{COURT}执{live + jump}号", "yy-j-n1", registered=day)
    imported["application"]["basis"]["effective_date"] = (day - timedelta(days=40)).isoformat()
    imported["application"]["application_date"] = day.isoformat()
    taken = _record(f"（{year}）{COURT}执{live}号", "yy-j-n1", registered=day)  # the live case's number
    taken["application"]["application_date"] = day.isoformat()
    report = await _import(http, system, _ndjson([imported, taken]), ADMIN_HERE)
    assert [r["status"] for r in report["records"]] == ["imported", "conflict"], report
    assert report["records"][1]["errors"][0]["code"] == "case_number_taken"

    next_year, following = await register()
    if next_year == year:
        assert following == live + jump + 1
    else:  # the court year turned between the two registrations: a new year's sequence starts at 1
        assert next_year == year + 1 and following >= 1
