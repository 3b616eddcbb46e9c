"""Import records (docs/import.md), pure: every check, the events a record becomes, and their ids."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.intake.importing.records import (
    IMPORTER_ROLE,
    Importer,
    RecordRefused,
    business_instant,
    case_id_for,
    plan,
)
from shared.envelope import Actor
from tests.intake.helpers import NOW, ROSTER

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "import-example.jsonl"
WHO = Importer(officer_id="imp-1", name="导入员", court="黔01", today=date(2026, 12, 4), roster=ROSTER)
ACTOR = Actor(kind="officer", id="imp-1", name="导入员", role=IMPORTER_ROLE, court="黔01")


def record(**overrides: Any) -> dict[str, Any]:
    """A closed 终本 case of 黔01: registered 3 March 2025, assigned on the 20th (late), suspended a month."""
    rec: dict[str, Any] = {
        "court": "黔01", "case_number": "(2025)黔01执1234号",
        "application": {
            "applicant": {"kind": "organisation", "name": "贵州某某建材有限公司", "id_number": "91520100MA6DL12349"},
            "respondent": {"kind": "person", "name": "王某", "id_number": "520111198005123011"},
            "basis": {"kind": "judgment", "issuing_body": "贵阳市南明区人民法院",
                      "document_number": "（2024）黔0102民初88号", "effective_date": "2024-12-01"},
            "claim_amount_fen": 1_000_000, "application_date": "2025-03-01",
        },
        "registration": {"date": "2025-03-03", "by": "qz-clerk-01"},
        "triage": {"track": "ordinary"},
        "assignment": {"judge_id": "qz-j-201", "date": "2025-03-20"},
        "notices": [{"kind": "enforcement_notice", "signed_on": "2025-03-21", "prepared_by": "qz-aff-01"}],
        "pauses": [{"kind": "suspension", "from": "2025-04-01", "to": "2025-05-01", "reason": "案外人提起异议之诉"}],
        "interview": {"date": "2025-08-20"},
        "closure": {"type": "终本", "date": "2025-09-01", "approved_by": "qz-chief-01"},
    }
    rec.update(overrides)
    return rec


def errors_of(rec: Any, who: Importer = WHO) -> set[tuple[str, str]]:
    with pytest.raises(RecordRefused) as refused:
        plan(rec, who)
    return {(e["field"], e["code"]) for e in refused.value.errors}


def test_a_record_becomes_the_events_of_a_live_case_dated_by_its_original_days() -> None:
    p = plan(record(), WHO)
    assert str(p.case_number) == "（2025）黔01执1234号" and p.case_id == case_id_for("黔01", "（2025）黔01执1234号")
    assert [(step, day.isoformat(), e.event_type) for step, day, e in p.events] == [
        ("application_received", "2025-03-01", "intake.application_received"),
        ("case_registered", "2025-03-03", "intake.case_registered"),
        ("case_triaged", "2025-03-03", "intake.case_triaged"),
        ("case_assigned", "2025-03-20", "intake.case_assigned"),
        ("notice:0:prepared", "2025-03-21", "intake.notice_prepared"),
        ("notice:0:issued", "2025-03-21", "intake.notice_issued"),
        ("pause:0:start", "2025-04-01", "intake.case_suspended"),
        ("pause:0:end", "2025-05-01", "intake.suspension_lifted"),
        ("interview", "2025-08-20", "intake.applicant_interviewed"),
        ("case_closed", "2025-09-01", "intake.case_closed"),
    ]
    payloads = {e.event_type: e for _, _, e in p.events}
    registered = payloads["intake.case_registered"]
    assert (registered.registered_on, registered.registered_by, registered.decided_within_limit) == (
        date(2025, 3, 3), "qz-clerk-01", True)
    assigned = payloads["intake.case_assigned"]
    assert (assigned.judge_id, assigned.team_id, assigned.assigned_by) == ("qz-j-201", "黔01-普执一组", "imp-1")
    closed = payloads["intake.case_closed"]
    assert (closed.judge_id, closed.approved_by, closed.closed_on, closed.registered_on, closed.track) == (
        "qz-j-201", "qz-chief-01", date(2025, 9, 1), date(2025, 3, 3), "ordinary")
    assert payloads["intake.notice_issued"].signed_by == "qz-j-201"  # the case's judge by default
    assert ("qz-chief-01", None, "intake.case_closed") in p.people


def test_envelopes_are_marked_as_imported_and_their_ids_never_change() -> None:
    envs = plan(record(), WHO).envelopes(ACTOR, "import:b1", NOW)
    again = plan(record(), WHO).envelopes(ACTOR, "import:b2", NOW)
    assert [e.event_id for e in envs] == [e.event_id for e in again]
    assert len({e.event_id for e in envs}) == len(envs)
    assert [e.stream_version for e in envs] == list(range(1, len(envs) + 1))
    first = envs[0]
    assert first.occurred_at == business_instant(date(2025, 3, 1)) and first.occurred_at.hour == 9
    assert str(first.occurred_at.tzinfo) == "Asia/Shanghai" and first.recorded_at == NOW
    assert (first.actor.role, first.correlation_id, first.producer) == ("importer", "import:b1", "intake")
    other = plan(record(case_number="（2025）黔01执1235号"), WHO).envelopes(ACTOR, "import:b1", NOW)
    assert not {e.event_id for e in envs} & {e.event_id for e in other}


def test_formatting_is_not_content_but_a_changed_value_is() -> None:
    base = plan(record(), WHO).record_hash
    spaced = record()
    spaced["application"]["respondent"]["name"] = "  王某 "
    reordered = dict(reversed(list(spaced.items())))
    assert plan(reordered, WHO).record_hash == base
    assert plan(record(triage={"track": "fast"}), WHO).record_hash != base


def test_every_field_error_is_listed_with_its_path() -> None:
    rec = record()
    rec["application"]["respondent"]["id_number"] = "520111198005123012"
    rec["application"]["claim_amount_fen"] = "12"
    rec["notices"][0]["kind"] = "summons"
    rec["closure"] = {"type": "结了", "date": "2025-09-01"}
    del rec["triage"]
    assert errors_of(rec) == {
        ("application.respondent.id_number", "value_error"), ("application.claim_amount_fen", "int_type"),
        ("notices.0.kind", "literal_error"), ("closure.type", "literal_error"), ("closure.approved_by", "missing"),
        ("triage", "missing"),
    }
    assert errors_of([1, 2]) == {("", "not_an_object")}


def test_every_order_and_identity_error_is_listed_at_once() -> None:
    rec = record(case_number="（2024）黔0102执1号", court="黔01")
    rec["registration"]["date"] = "2025-02-27"  # before the application
    rec["assignment"]["date"] = "2025-02-26"  # before registration
    rec["notices"][0]["signed_on"] = "2025-02-25"  # before the assignment
    rec["closure"]["date"] = "2027-01-01"  # in the future
    assert errors_of(rec) >= {
        ("case_number", "court_mismatch"), ("case_number", "year_mismatch"),
        ("registration.date", "before_application"), ("assignment.date", "before_triage"),
        ("notices.0.signed_on", "before_assignment"), ("closure.date", "future_date"),
    }


@pytest.mark.parametrize(("change", "expected"), [
    ({"court": "黔0102", "case_number": "（2025）黔0102执5号"}, {("court", "court_mismatch")}),
    ({"court": "火星01"}, {("court", "unknown_court")}),
    ({"case_number": "（2025）黔01执恢7号"}, {("case_number", "case_type_not_supported")}),
    ({"case_number": "2025-黔01-执-7"}, {("case_number", "invalid_case_number")}),
    ({"assignment": {"judge_id": "old-judge-9", "date": "2025-03-20"}}, {("assignment.team_id", "required")}),
    ({"assignment": None}, {("notices", "not_assigned")}),
    ({"pauses": [{"kind": "suspension", "from": "2025-04-01", "reason": "破产"}]}, {("closure", "paused")}),
    ({"pauses": [{"kind": "postponement", "from": "2025-04-01", "to": "2025-04-20", "reason": "和解"},
                 {"kind": "suspension", "from": "2025-04-10", "to": "2025-05-01", "reason": "异议"}]},
     {("pauses.0.until", "required"), ("pauses.1.from", "overlap")}),
    ({"interview": {"date": "2025-09-02"}}, {("interview.date", "after_closure")}),
    ({"interview": {"date": "2025-04-10"}}, {("interview.date", "while_paused")}),
])

def test_a_record_out_of_the_procedure_is_refused(change: dict[str, Any], expected: set[tuple[str, str]]) -> None:
    assert expected <= errors_of(record(**change))


def test_on_the_day_a_pause_ends_it_ends_first_and_on_the_day_one_starts_it_starts_last() -> None:
    rec = record(notices=[{"kind": "enforcement_notice", "signed_on": "2025-04-01"},
                          {"kind": "consumption_restriction", "signed_on": "2025-05-01"}])
    steps = [step for step, _, _ in plan(rec, WHO).events]
    assert steps[4:10] == ["notice:0:prepared", "notice:0:issued", "pause:0:start", "pause:0:end",
                           "notice:1:prepared", "notice:1:issued"]


def test_an_open_case_may_stop_anywhere_after_registration() -> None:
    open_case = record(closure=None, interview=None,
                       pauses=[{"kind": "suspension", "from": "2025-04-01", "reason": "破产"}])
    assert [e.event_type for _, _, e in plan(open_case, WHO).events][-1] == "intake.case_suspended"
    waiting = record(assignment=None, notices=[], pauses=[], interview=None, closure=None)
    assert len(plan(waiting, WHO).events) == 3


def test_the_example_file_is_valid() -> None:
    lines = [json.loads(line) for line in EXAMPLE.read_text(encoding="utf-8").splitlines()]
    assert 5 <= len(lines) <= 10
    plans = [plan(copy.deepcopy(rec), WHO) for rec in lines]
    closures = {p.events[-1][2].closure_type for p in plans if p.events[-1][2].event_type == "intake.case_closed"}
    assert {"执行完毕", "终本", "终结执行"} <= closures
    assert {p.events[2][2].track for p in plans} == {"fast", "ordinary"}


def test_the_other_services_sections_are_checked_here_and_left_out_of_intakes_fingerprint() -> None:
    from tests.import_records import with_sections

    plain, full = plan(record(), WHO), plan(with_sections(record()), WHO)
    assert [s for s, _, _ in plain.events] == [s for s, _, _ in full.events]
    assert plain.record_hash == full.record_hash  # asset_search and disposal fingerprint their own sections
    closed = full.events[-1][2]
    assert [c.code for c in closed.conditions] == ["online_search"] and closed.conditions[0].met  # type: ignore[attr-defined]
    assert plain.events[-1][2].conditions == []  # type: ignore[attr-defined]
    # a wrong section refuses the whole record here, before any service writes anything of it
    bad = with_sections(record())
    bad["payouts"][0]["amount_fen"] = 900_000
    bad["controls"][0]["asset"]["kind"] = "spaceship"
    # field errors first: the order of dates and money is checked once every field reads
    assert errors_of(bad) == {("controls.0.asset.kind", "literal_error")}
    bad["controls"][0]["asset"]["kind"] = "bank_deposit"
    assert errors_of(bad) == {("payouts.0.amount_fen", "insufficient_balance")}


def test_the_parties_mobile_numbers_and_opt_outs_are_recorded_with_the_application() -> None:
    rec = record()
    rec["application"]["applicant"] = {**rec["application"]["applicant"], "mobile": "+86 138 0000 0001"}
    rec["application"]["respondent"] = {**rec["application"]["respondent"], "mobile": "13900000002",
                                        "sms_opt_out": True}
    p = plan(rec, WHO)
    assert [(step, day.isoformat(), e.event_type) for step, day, e in p.events][:5] == [
        ("application_received", "2025-03-01", "intake.application_received"),
        ("contact:applicant:mobile", "2025-03-01", "intake.party_mobile_recorded"),
        ("contact:respondent:mobile", "2025-03-01", "intake.party_mobile_recorded"),
        ("contact:respondent:opt_out", "2025-03-01", "intake.party_sms_opt_out_changed"),
        ("case_registered", "2025-03-03", "intake.case_registered"),
    ]
    assert [e.mobile for _, _, e in p.events[1:3]] == ["13800000001", "13900000002"]  # type: ignore[attr-defined]
    rec["application"]["applicant"]["mobile"] = "12345"
    assert errors_of(rec) == {("application.applicant.mobile", "value_error")}
