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


# What a supervisor reads in the trail, word for word, for a representative set of types: every
# centre, a list joined with 、, a number as published, a field left out ("？"), a template over
# two lines, a finding and an escalation, and a type supervision does not know (its name).
SENTENCES = [
    (
        "intake.case_registered",
        {"case_number": "（2026）黔01执12号", "claim_amount_fen": 12_345_600, "court": "黔01"},
        "立案登记，案号 （2026）黔01执12号，执行标的 12345600 分",
    ),
    (
        "intake.case_triaged",
        {"track": "fast", "rule_ids": ["TR-FAST-MEDIATION-SMALL", "TR-DEFAULT-ORDINARY"]},
        "繁简分流：fast（规则 TR-FAST-MEDIATION-SMALL、TR-DEFAULT-ORDINARY）",
    ),
    (
        "intake.case_assigned",
        {"judge_id": "qz-j-201", "team_id": "黔01-普执一组", "track": "ordinary"},
        "分案：承办法官 qz-j-201，团队 黔01-普执一组，ordinary",
    ),
    (
        "intake.case_closed",
        {"closure_type": "终本", "judge_id": "qz-j-201", "approved_by": "qz-chief-01"},
        "结案：终本，承办法官 qz-j-201，批准 qz-chief-01",
    ),
    (
        "intake.objection_registered",
        {"objection_case_id": "case-9", "reviewers": ["qz-rev-01", "qz-rev-02", "qz-rev-03"]},
        "执行异议立案 case-9，审查人 qz-rev-01、qz-rev-02、qz-rev-03",
    ),
    (
        "asset_search.query_dispatched",
        {"agency_kind": "bank_deposit", "agency_id": "bank-icbc"},
        "发起网络查控：bank_deposit（bank-icbc）",
    ),
    (
        "asset_search.agency_answered",
        {"agency_id": "bank-icbc", "outcome": "found"},  # item_count left out
        "协助单位 bank-icbc 反馈：found，？ 项",
    ),
    (
        "asset_search.control_confirmed",
        {"measure": "freeze", "asset_id": "a-1", "expiry_date": "2027-03-01"},
        "控制到位：freeze 财产 a-1，至 2027-03-01",
    ),
    (
        "field_ops.attempt_recorded",
        {"task_id": "t-7", "attempt_no": 2, "place": "南明区某路1号", "note": None},
        "外勤任务 t-7 第2次执行：南明区某路1号，？",
    ),
    (
        "disposal.auction_scheduled",
        {
            "round": 1,
            "starting_price_fen": 700_000,
            "deposit_fen": 70_000,
            "bidding_start": "2026-04-01T10:00:00+08:00",
            "bidding_end": "2026-04-02T10:00:00+08:00",
        },
        "第1次网络拍卖：起拍价 700000 分，保证金 70000 分，竞价 2026-04-01T10:00:00+08:00 至 2026-04-02T10:00:00+08:00",
    ),
    (
        "disposal.payout_approved",
        {"amount_fen": 5_000, "proposed_by": "fin-1", "approved_by": "fin-2"},
        "执行款发放 5000 分，制单 fin-1，复核 fin-2",
    ),
    (
        "supervision.finding_raised",
        {"rule_id": "互相制约-1", "message": "立案人 clerk-7 被分为本案承办法官"},
        "互相制约检查发现 互相制约-1：立案人 clerk-7 被分为本案承办法官",
    ),
    (
        "supervision.escalated",
        {"level": 2, "escalated_to": "执行局长", "node_name": "首次网络查控", "due": "2026-03-05"},
        "超期督办升级至第2级（执行局长）：首次网络查控，期限 2026-03-05",
    ),
    ("vendor.something_new", {"a": 1}, "vendor.something_new"),
]


@pytest.mark.parametrize(("event_type", "payload", "sentence"), SENTENCES, ids=[s[0] for s in SENTENCES])
def test_the_trail_reads_each_event_as_this_sentence(event_type: str, payload: dict[str, Any], sentence: str) -> None:
    assert summary_of(event_type, payload) == sentence
    # …and so does the replay's reading of the record as published.
    raw = orjson.dumps(published(event_type=event_type, payload=payload))
    assert parse_event(raw).summary == sentence
