"""The trail's own checks, pure: the escaped flag and 轨迹-1, checks that cannot break (轨迹-2), keys
and identifiers short enough to index, and where a dead letter came from."""

from __future__ import annotations

import random
import string
import uuid
from datetime import datetime, timedelta
from typing import Any

import orjson
import pytest

from services.supervision.domain.calendar import HolidayCalendar
from services.supervision.domain.entries import Entry
from services.supervision.domain.findings import Context
from services.supervision.settings import DeadlineSettings
from services.supervision.trail.catalogue import SUMMARIES
from services.supervision.trail.chain import TRAIL_COLUMNS, escape, escape_payload, trail_row
from services.supervision.trail.checks import KEY_MAX, check_trail, indexable
from services.supervision.trail.dead_letters import case_of
from services.supervision.trail.event import parse_event
from services.supervision.trail.integrity import DEADLINE_CHECK, check_all, shown, total
from shared.envelope import ID_MAX, SHANGHAI, Envelope

CTX = Context(HolidayCalendar.with_years([]), DeadlineSettings())
T0 = datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)
ESCAPED = TRAIL_COLUMNS.index("escaped")


def published(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "event_type": "disposal.funds_received",
        "schema_version": 1,
        "case_id": "case-i1",
        "stream_id": "disposal.ledger:case-i1",
        "stream_version": 1,
        "occurred_at": "2026-03-02T09:00:00+08:00",
        "recorded_at": "2026-03-02T09:00:00+08:00",
        "producer": "disposal",
        "actor": {"kind": "officer", "id": "fin-1", "name": "fin-1", "role": "finance_officer", "court": "黔01"},
        "court": "黔01",
        "correlation_id": "c-1",
        "causation_id": None,
        "payload": {"entry_id": "e-1", "amount_fen": 100, "payer": "王某"},
    }
    for key, value in changes.items():
        if key.startswith("actor_"):
            data["actor"] = {**data["actor"], key[6:]: value}
        else:
            data[key] = value
    return data


def row_of(**changes: Any) -> tuple[Any, ...]:
    return trail_row(parse_event(orjson.dumps(published(**changes))), 1, b"\x00" * 32, 3, 7)


def entry(seq: int, event_type: str, escaped: bool = False, **payload: Any) -> Entry:
    return Entry(seq, str(uuid.uuid4()), event_type, T0 + timedelta(days=seq), "officer", "officer-1", "judge",
                 payload, None, "case-i1", 4, 100 + seq, escaped)


# --- the escaped flag --------------------------------------------------------------------------


def test_a_row_is_flagged_escaped_exactly_when_a_value_had_to_be_escaped() -> None:
    assert row_of()[ESCAPED] is False
    assert row_of(payload={"payer": "\u202e王某\u200b" + "长" * 10_000})[ESCAPED] is False  # storable as it is
    assert row_of(payload={"payer": "王\x00某"})[ESCAPED] is True
    assert row_of(payload={"王\x00": 1})[ESCAPED] is True  # in a key
    assert row_of(payload={"note": "\ue000"})[ESCAPED] is True  # the escape character itself
    assert row_of(payload={"note": "a literal \\u0000, not a NUL"})[ESCAPED] is False
    assert row_of(actor_name="名\x00")[ESCAPED] is True  # in the envelope, not only the payload
    assert row_of(correlation_id="c\x00")[ESCAPED] is True


def test_a_payload_that_needs_no_escape_is_stored_as_the_same_bytes() -> None:
    raw = orjson.dumps({"a": "a literal \\u0000"}, option=orjson.OPT_SORT_KEYS)
    assert escape_payload(raw) == raw
    assert escape("x") == "x"


# --- 轨迹-1 and 轨迹-2 -----------------------------------------------------------------------------


def test_an_escaped_event_raises_a_trail_finding_naming_the_event_its_type_and_its_offset() -> None:
    entries = [entry(1, "intake.case_registered"), entry(2, escape("hostile.x\x00y"), escaped=True)]
    findings, _ = check_all(entries, CTX)
    [f] = [f for f in findings if f.rule_id == "轨迹-1"]
    assert f.event_ids == (entries[1].event_id,) and f.people == ()
    assert "hostile.x\\u0000y" in f.message and "分区 4 偏移 102" in f.message and "轨迹第 2 条" in f.message
    assert "无法原样保存" in f.message and "escaped" in f.message
    assert not [f for f in check_all(entries[:1], CTX)[0] if f.rule_id.startswith("轨迹")]


def test_the_trail_finding_of_a_prefix_is_that_of_the_whole_trail() -> None:
    entries = [entry(1, "intake.case_registered"), entry(2, "x.y", escaped=True), entry(3, "x.z")]
    ids = [{f.finding_id for f in check_trail("case-i1", "黔01", entries[:n], CTX).findings} for n in (2, 3)]
    assert ids[0] and ids[0] <= ids[1]


def test_shown_makes_what_cannot_be_seen_visible_and_keeps_it_short() -> None:
    assert shown(escape("a\x00b\ue000\u202e\u200b王")) == "a\\u0000b\\ue000\\u202e\\u200b王"
    assert shown("长" * 200) == "长" * 80 + "…"


def test_a_check_that_cannot_read_an_event_skips_it_and_says_so() -> None:
    entries = [
        entry(1, "intake.case_registered", case_id="case-i1", application_date="2026-03-02", registered_by="c-1"),
        entry(2, "intake.objection_registered", objection_case_id="o-1", reviewers=5),  # not a list
        entry(3, "asset_search.control_confirmed", control_id="c-1", asset_id="a-1", measure="seize",
              effective_date="9999-12-30", expiry_date="9999-12-31"),  # past the calendar
        entry(4, "intake.objection_registered", objection_case_id="o-2", reviewers=["r-1"]),
    ]
    checks = check_trail("case-i1", "黔01", entries, CTX)  # does not raise
    unreadable = {f.event_ids[0]: f.message for f in checks.findings if f.rule_id == "轨迹-2"}
    assert set(unreadable) == {entries[1].event_id, entries[2].event_id}
    assert "互相制约-8" in unreadable[entries[1].event_id]
    assert DEADLINE_CHECK in unreadable[entries[2].event_id] and "偏移 103" in unreadable[entries[2].event_id]
    assert any(d[1] == "objection:o-2" for d in checks.deadline_rows)  # the readable events still count


def test_total_leaves_out_exactly_the_events_that_make_a_check_raise() -> None:
    entries = [entry(i, "x.y", bad=(i in (2, 5))) for i in range(1, 7)]

    def count(es: list[Entry]) -> int:
        if any(e.payload["bad"] for e in es):
            raise ValueError("cannot read")
        return len(es)

    assert total(count, entries[:1], -1) == (1, [])
    assert total(count, entries, -1) == (4, [entries[1], entries[4]])
    assert total(count, [entries[1]], -1) == (-1, [entries[1]])


VALUES: list[Any] = [None, "", "x", "\ue0000", "长" * 5000, 0, -1, 2**64 - 1, 1.5, True, [], [1, "a", None], {},
                     {"k": [1]}, "2026-02-30", "2026-03-01", "2026-03-01T10:00:00+08:00", "9999-12-31", ["2026-01-01"]]
FIELDS = ["judge_id", "team_id", "track", "control_id", "asset_id", "query_id", "agency_id", "lead_id", "disposal_id",
          "auction_id", "entry_id", "amount_fen", "closure_type", "closed_on", "approved_by", "expiry_date",
          "effective_date", "deadline", "application_date", "registered_by", "measure", "controlled_by", "outcome",
          "items", "round", "reviewers", "objection_case_id", "claim_amount_fen", "basis", "urgent"]


def test_no_payload_can_make_the_checks_raise() -> None:
    """Fuzzed: every known event type with fields of every unexpected type and value."""
    rnd = random.Random(13)
    types = sorted(SUMMARIES)
    for _ in range(400):
        entries = []
        for seq in range(1, rnd.randint(2, 10)):
            event_type = rnd.choice(types)
            named = [n for _, n, _, _ in string.Formatter().parse(SUMMARIES[event_type]) if n]
            payload = {f: rnd.choice(VALUES) for f in {*named, *rnd.sample(FIELDS, 6)}}
            entries.append(entry(seq, event_type, **payload))
        entries.insert(0, entry(0, "intake.case_registered", application_date="2026-03-02"))
        checks = check_trail("case-i1", "黔01", entries, CTX)
        assert all(len(row[1]) <= KEY_MAX for row in checks.deadline_rows)


# --- what can be indexed ---------------------------------------------------------------------------


def test_a_deadline_key_too_long_to_index_is_cut_with_a_digest_the_same_every_time() -> None:
    assert indexable("verify_lead:l-1") == "verify_lead:l-1"
    long = "verify_lead:" + "长" * 5000
    assert len(indexable(long)) == KEY_MAX and indexable(long) == indexable(long)
    assert indexable(long) != indexable(long + "x") and indexable(long).startswith("verify_lead:长")


@pytest.mark.parametrize(
    "changes",
    [{"case_id": "c" * (ID_MAX + 1)}, {"event_type": "x." + "长" * ID_MAX}, {"actor_id": "o" * (ID_MAX + 1)},
     {"court": "院" * (ID_MAX + 1)}, {"stream_id": "s" * (ID_MAX + 1)}, {"causation_id": "c" * (ID_MAX + 1)}],
)
def test_an_identifier_longer_than_any_consumer_can_index_is_not_an_envelope(changes: dict[str, Any]) -> None:
    raw = orjson.dumps(published(**changes))
    with pytest.raises(ValueError):
        Envelope.from_bytes(raw)
    with pytest.raises(ValueError):
        parse_event(raw)  # the rebuild judges it as the live consumer does


def test_free_text_of_any_length_is_part_of_an_envelope() -> None:
    raw = orjson.dumps(published(actor_name="名" * 50_000, payload={"note": "长" * 200_000}))
    assert parse_event(raw).canonical == parse_event(orjson.dumps(orjson.loads(raw))).canonical
    assert Envelope.from_bytes(raw).actor.name == "名" * 50_000


# --- where a dead letter came from ---------------------------------------------------------------


def test_a_dead_letters_case_is_its_envelopes_else_its_key_when_that_is_text() -> None:
    assert case_of({"case_id": "case-1", "kafka_key": b"other"}) == "case-1"
    assert case_of({"case_id": None, "kafka_key": b"case-2"}) == "case-2"
    assert case_of({"case_id": None, "kafka_key": None}) is None
    assert case_of({"case_id": None, "kafka_key": b"\xff\xfe"}) is None
    assert case_of({"case_id": None, "kafka_key": ("长" * 300).encode()}) == "长" * 200 + "…"
