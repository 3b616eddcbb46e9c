"""The replay's fast reading of an event gives exactly what the pydantic envelope gives."""

from __future__ import annotations

import string
import uuid
from typing import Any

import orjson
import pytest

from services.supervision.trail import event as trail_event
from services.supervision.trail.catalogue import SUMMARIES, _text, _Tolerant, summary_of
from services.supervision.trail.chain import (
    GENESIS,
    TRAIL_COLUMNS,
    canonical_of_row,
    chain_hash,
    envelope_from_row,
    trail_row,
)
from services.supervision.trail.event import event_from_envelope, parse_event
from shared.envelope import Envelope, canonical_json

pytestmark = pytest.mark.unit


def published(**changes: Any) -> dict[str, Any]:
    """An envelope as the services publish it (model_dump in JSON mode), with changes."""
    env = {
        "event_id": str(uuid.uuid4()),
        "event_type": "intake.case_registered",
        "schema_version": 1,
        "case_id": "case-1",
        "stream_id": "intake.case:case-1",
        "stream_version": 2,
        "occurred_at": "2026-11-23T21:43:49.007481+08:00",
        "recorded_at": "2026-11-23T21:43:49.013503+08:00",
        "producer": "intake",
        "actor": {"kind": "officer", "id": "clerk-1", "name": "书记员", "role": "intake_clerk", "court": "黔01"},
        "court": "黔01",
        "correlation_id": "corr-1",
        "causation_id": None,
        "payload": {
            "case_number": "（2026）黔01执1号",
            "claim_amount_fen": 39353265,
            "basis": {"kind": "judgment", "z": [1, 2.5, None, True], "a": {"y": "中", "b": ""}},
            "limitation_warning": False,
        },
    }
    for key, value in changes.items():
        if value is _DROP:
            env.pop(key, None)
        else:
            env[key] = value
    return env


_DROP = object()


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"causation_id": str(uuid.uuid4())},
        {"occurred_at": "2026-11-23T13:43:49Z", "recorded_at": "2026-11-23T13:43:49.1-02:30"},
        {"actor": {"kind": "system", "id": "intake"}},  # name, role and court filled in by the model
        {"causation_id": _DROP, "extra": "ignored by the model"},
        {"payload": {}},
        # Forms the model coerces or reads its own way: pydantic decides, the result is the same.
        {"event_id": str(uuid.uuid4()).upper()},
        {"event_id": uuid.uuid4().hex},
        {"schema_version": "1", "stream_version": 2.0},
        {"occurred_at": "2026-11-23 21:43:49+08:00"},
        {"occurred_at": "2026-11-23T21:43:49.1234567+08:00"},
        {"occurred_at": 1795442602.5},
        {"actor": {"kind": "officer", "id": "clerk-1", "role": None, "extra": 1}},
    ],
)
def test_a_record_reads_as_its_envelope(changes: dict[str, Any]) -> None:
    raw = orjson.dumps(published(**changes))
    env = Envelope.from_bytes(raw)
    event = parse_event(raw)
    assert event == event_from_envelope(env)
    assert event.canonical == canonical_json(env)
    assert orjson.loads(event.payload_json) == env.payload


def test_what_the_services_publish_takes_the_fast_path() -> None:
    assert trail_event._fast_event(published()) is not None
    assert trail_event._fast_event(published(schema_version="1")) is None


@pytest.mark.parametrize(
    "changes",
    [
        {"schema_version": 0},
        {"actor": {"kind": "robot", "id": "x"}},
        {"actor": {"kind": ["officer"], "id": "x"}},
        {"payload": [1, 2]},
        {"event_id": "not-a-uuid"},
        {"court": None},
        {"occurred_at": "yesterday"},
    ],
)
def test_what_the_model_refuses_is_refused(changes: dict[str, Any]) -> None:
    raw = orjson.dumps(published(**changes))
    with pytest.raises(ValueError):
        Envelope.from_bytes(raw)
    with pytest.raises(ValueError):
        parse_event(raw)


def test_a_stored_row_gives_back_the_canonical_bytes_it_was_hashed_from() -> None:
    env = Envelope.from_bytes(orjson.dumps(published(causation_id="c-0")))
    row = list(trail_row(parse_event(env.to_bytes()), 3, GENESIS, 7, 42))
    row[TRAIL_COLUMNS.index("payload")] = orjson.loads(row[TRAIL_COLUMNS.index("payload")])  # as read back
    by_name = dict(zip(TRAIL_COLUMNS, row, strict=True))
    assert canonical_of_row(row) == canonical_json(envelope_from_row(by_name)) == canonical_json(env)
    assert row[-1] == chain_hash(GENESIS, env)


@pytest.mark.parametrize("event_type", sorted(SUMMARIES))
def test_the_compiled_summaries_read_as_the_templates_do(event_type: str) -> None:
    fields = [name for _, name, _, _ in string.Formatter().parse(SUMMARIES[event_type]) if name]
    values: list[Any] = ["甲", 12, None, ["a", "b"], {"k": 1}, "", 0.5]
    payload = {name: values[i % len(values)] for i, name in enumerate(fields[1:])}  # the first one missing
    expected = string.Formatter().vformat(
        SUMMARIES[event_type], (), _Tolerant({k: _text(v) for k, v in payload.items()})
    )
    assert summary_of(event_type, payload) == expected
    assert summary_of("unknown.type", payload) == "unknown.type"
