"""asset_search's part of an import record (docs/import.md §2b), pure: the events, their order, ids and checks."""

from __future__ import annotations

from datetime import date

import pytest

from services.asset_search.domain.decider import given
from services.asset_search.importing import legacy_agency, plan
from shared.importing import RecordRefused, case_id_for
from tests.import_records import with_sections
from tests.intake.test_import_records import record

TODAY = date(2026, 12, 4)


def _plan(rec: object) -> object:
    return plan(rec, "黔01", TODAY, "imp-1")


def test_the_search_and_controls_become_the_events_of_a_live_search_file() -> None:
    p = plan(with_sections(record()), "黔01", TODAY, "imp-1")
    assert p.case_id == case_id_for("黔01", "（2025）黔01执1234号")
    assert p.stream_id == f"asset_search.case:{p.case_id}"
    kinds = [e.event_type.split(".")[1] for _, _, e in p.events]
    assert kinds[:8] == ["query_dispatched"] * 8 and kinds.count("agency_answered") == 8
    assert kinds.count("asset_found") == 2 and "search_completed" in kinds
    steps = [(step, day.isoformat()) for step, day, _ in p.events if step.startswith("control")]
    assert steps == [
        ("control:0:ordered", "2025-03-31"), ("control:0:confirmed", "2025-04-01"),
        ("control:2:ordered", "2025-04-02"), ("control:2:confirmed", "2025-04-03"),
        ("control:1:ordered", "2025-04-10"), ("control:1:confirmed", "2025-04-11"),
        ("control:1:deducted", "2025-04-11"), ("control:2:released", "2025-08-25"),
        ("control:0:lapsed", "2026-04-02"),  # expired on 2026-04-01 without renewal: lapsed the day after
    ]
    # the events fold as a live search file: round 1 answered in full, the controls where they ended
    state = given(*(e for _, _, e in p.events))
    assert state.completed_rounds == {1} and all(q.status == "answered" for q in state.queries.values())
    assert sorted(c.status for c in state.controls.values()) == ["effective", "lapsed", "released"]
    ordered = next(e for _, _, e in p.events if e.event_type == "asset_search.control_ordered")
    assert (ordered.judge_id, ordered.requested_by, ordered.agency_id) == ("qz-j-201", "qz-j-201",
                                                                           legacy_agency("bank_deposit"))
    answered = next(e for _, _, e in p.events if e.event_type == "asset_search.agency_answered")
    assert answered.outcome == "found" and answered.late is False and answered.response_seconds == 7 * 86400


def test_ids_never_change_and_a_record_without_the_sections_has_nothing_here() -> None:
    a, b = _plan(with_sections(record())), _plan(with_sections(record()))
    assert [e.model_dump() for _, _, e in a.events] == [e.model_dump() for _, _, e in b.events]  # type: ignore[attr-defined]
    assert a.record_hash == b.record_hash  # type: ignore[attr-defined]
    assert _plan(record()).events == []  # type: ignore[attr-defined]
    renewed = with_sections(record())
    renewed["controls"][0]["renewals"] = [{"date": "2026-03-20", "expiry_date": "2027-03-20"}]
    p = _plan(renewed)
    steps = [s for s, _, _ in p.events]  # type: ignore[attr-defined]
    assert "control:0:renewal:0:renewed" in steps and "control:0:lapsed" not in steps
    assert p.record_hash != a.record_hash  # type: ignore[attr-defined]


@pytest.mark.parametrize(("change", "expected"), [
    ({"search": None}, {("controls.0", "no_search"), ("controls.1", "no_search"), ("controls.2", "no_search")}),
    ({"search": {"date": "2025-03-21", "answered_on": "2025-03-28", "agency_kinds": ["vehicle"]}},
     {("controls.0.asset.kind", "not_searched"), ("controls.1.asset.kind", "not_searched"),
      ("controls.2.asset.kind", "not_searched")}),
    ({"search": {"date": "2025-03-21", "answered_on": "2025-09-05"}},
     {("search.answered_on", "after_closure"), ("controls.0.ordered_on", "before_search"),
      ("controls.1.ordered_on", "before_search"), ("controls.2.ordered_on", "before_search")}),
    ({"search": {"date": "2025-03-01", "answered_on": "2025-03-28"}}, {("search.date", "before_registration")}),
])
def test_a_wrong_section_is_refused_with_every_error(change: dict[str, object], expected: set[tuple[str, str]]) -> None:
    with pytest.raises(RecordRefused) as refused:
        _plan(with_sections(record(), **change))
    assert {(e["field"], e["code"]) for e in refused.value.errors} == expected


def test_a_control_out_of_order_or_of_another_court_is_refused() -> None:
    rec = with_sections(record())
    rec["controls"][0]["effective_date"] = "2025-03-30"
    rec["controls"][1]["expiry_date"] = "2026-01-01"
    rec["controls"][2]["released"]["date"] = "2025-04-01"
    rec["controls"][2]["asset"]["kind"] = "vehicle"
    with pytest.raises(RecordRefused) as refused:
        _plan(rec)
    assert {(e["field"], e["code"]) for e in refused.value.errors} == {
        ("controls.0.effective_date", "before_ruling"), ("controls.1", "not_applicable"),
        ("controls.2.released.date", "out_of_order")}
    with pytest.raises(RecordRefused) as other:
        plan(with_sections(record()), "黔02", TODAY, "imp-1")
    assert other.value.errors[0]["code"] == "court_mismatch"
    with pytest.raises(RecordRefused) as future:
        plan(with_sections(record()), "黔01", date(2025, 4, 5), "imp-1")
    assert ("controls.1.ordered_on", "future_date") in {(e["field"], e["code"]) for e in future.value.errors}


def test_the_batch_projection_leaves_the_rows_the_events_would() -> None:
    from services.asset_search.import_projection import rows
    from shared.clock import now
    from shared.envelope import Actor

    actor = Actor(kind="officer", id="imp-1", name="导入员", role="importer", court="黔01")
    p = plan(with_sections(record()), "黔01", TODAY, "imp-1")
    queries, assets, controls = rows(p.envelopes("asset_search", actor, "import:b", now()))
    assert len(queries) == 8 and {(q["status"], q["answers"], q["late"]) for q in queries} == {("answered", 1, False)}
    assert all(q["completed_at"] == q["first_answer_at"] for q in queries)
    assert len(assets) == 2 and {a["asset_kind"] for a in assets} == {"bank_deposit", "real_estate"}
    by_measure = {c["measure"]: c for c in controls}
    assert {m: c["status"] for m, c in by_measure.items()} == {"freeze": "lapsed", "deduct": "effective",
                                                               "seize": "released"}
    freeze = by_measure["freeze"]
    assert (freeze["effective_date"], freeze["expiry_date"], freeze["controlled_by"], freeze["requested_by"]) == (
        "2025-04-01", "2026-04-01", "legacy-bank_deposit", "qz-j-201")


def test_a_number_of_another_court_is_refused() -> None:
    with pytest.raises(RecordRefused) as refused:
        _plan(with_sections(record(case_number="（2025）黔0103执1234号")))
    assert refused.value.errors[0]["code"] == "court_mismatch"
