"""The trail's hash chain and the stored row of an event: the chain's first link (``GENESIS``) and
its step (``chain_hash``: sha256 of the previous hash and the canonical envelope), the columns of an
``audit_trail`` row (``TRAIL_COLUMNS``), the row of an ``Event`` at its place in its case's trail
(``trail_row``, which takes that step), and, back from a stored row, the envelope it recorded
(``envelope_from_row``) and its canonical bytes (``canonical_of_row``), to re-check the hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import orjson

from services.supervision.trail.event import Event, canonical_bytes
from shared.envelope import Envelope, canonical_json

GENESIS = b"\x00" * 32

TRAIL_COLUMNS = (
    "case_id",
    "seq",
    "event_id",
    "event_type",
    "schema_version",
    "producer",
    "stream_id",
    "stream_version",
    "actor_kind",
    "actor_id",
    "actor_name",
    "actor_role",
    "actor_court",
    "court",
    "occurred_at",
    "recorded_at",
    "correlation_id",
    "causation_id",
    "summary",
    "payload",
    "kafka_partition",
    "kafka_offset",
    "escaped",
    "prev_hash",
    "hash",
)

_SORTED = orjson.OPT_SORT_KEYS

# No holes, ever: PostgreSQL cannot store NUL (U+0000) in text or jsonb, yet a producer may publish
# it. The row keeps such a value reversibly escaped — NUL as ESC "0", ESC itself doubled (ESC is
# U+E000, a private-use character) — and the canonical bytes (so the hash chain) are computed from
# the unescaped value, exactly as published. Values without NUL or ESC are stored unchanged. A row
# holding an escaped value says so (``escaped``), and the trail's check 轨迹-1 reports it.
_ESC = "\ue000"
_ESC_UTF8 = _ESC.encode()


def escape(value: Any) -> Any:
    """A string (or None) as it can be stored."""
    if type(value) is not str or ("\x00" not in value and _ESC not in value):
        return value
    return value.replace(_ESC, _ESC + _ESC).replace("\x00", _ESC + "0")


def unescape(value: Any) -> Any:
    """The string a stored value recorded."""
    if type(value) is not str or _ESC not in value:
        return value
    out, i, n = [], 0, len(value)
    while i < n:
        ch = value[i]
        if ch == _ESC and i + 1 < n:
            nxt = value[i + 1]
            out.append("\x00" if nxt == "0" else nxt)
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _walk(value: Any, fn: Any) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {fn(k): _walk(v, fn) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, fn) for v in value]
    return value


def escape_payload(payload_json: bytes) -> bytes:
    """Sorted payload JSON as it can be stored in jsonb (unchanged unless it holds NUL or ESC)."""
    if b"\\u0000" not in payload_json and _ESC_UTF8 not in payload_json:
        return payload_json
    return orjson.dumps(_walk(orjson.loads(payload_json), escape), option=_SORTED)


def unescape_payload(payload: Any) -> Any:
    """The payload a stored (possibly escaped) jsonb value recorded."""
    return _walk(payload, unescape)


def chain_hash(prev_hash: bytes, envelope: Envelope) -> bytes:
    """sha256(previous hash ‖ canonical envelope): altering or dropping any event breaks the chain."""
    return hashlib.sha256(prev_hash + canonical_json(envelope)).digest()


# The columns whose values make up an event's canonical bytes (what its hash covers).
CANONICAL_COLUMNS = (
    "event_id", "event_type", "schema_version", "case_id", "stream_id", "stream_version", "actor_kind",
    "actor_id", "actor_name", "actor_role", "actor_court", "court", "occurred_at", "recorded_at",
    "correlation_id", "causation_id", "payload", "producer",
)  # fmt: skip
(
    _EVENT_ID,
    _EVENT_TYPE,
    _SCHEMA_VERSION,
    _CASE_ID,
    _STREAM_ID,
    _STREAM_VERSION,
    _ACTOR_KIND,
    _ACTOR_ID,
    _ACTOR_NAME,
    _ACTOR_ROLE,
    _ACTOR_COURT,
    _COURT,
    _OCCURRED_AT,
    _RECORDED_AT,
    _CORRELATION_ID,
    _CAUSATION_ID,
    _PAYLOAD,
    _PRODUCER,
) = (TRAIL_COLUMNS.index(c) for c in CANONICAL_COLUMNS)


def canonical_of_row(row: Sequence[Any]) -> bytes:
    """The canonical bytes of the envelope a trail row recorded (``canonical_json(envelope_from_row(row))``);
    ``row`` has the values of TRAIL_COLUMNS first, in that order."""
    return canonical_bytes(
        str(row[_EVENT_ID]),
        unescape(row[_EVENT_TYPE]),
        row[_SCHEMA_VERSION],
        unescape(row[_CASE_ID]),
        unescape(row[_STREAM_ID]),
        row[_STREAM_VERSION],
        row[_OCCURRED_AT],
        row[_RECORDED_AT],
        unescape(row[_PRODUCER]),
        {
            "kind": unescape(row[_ACTOR_KIND]),
            "id": unescape(row[_ACTOR_ID]),
            "name": unescape(row[_ACTOR_NAME]),
            "role": unescape(row[_ACTOR_ROLE]),
            "court": unescape(row[_ACTOR_COURT]),
        },
        unescape(row[_COURT]),
        unescape(row[_CORRELATION_ID]),
        unescape(row[_CAUSATION_ID]),
        _payload_as_published(row[_PAYLOAD]),
    )


def _payload_as_published(stored: Any) -> bytes:
    payload_json = orjson.dumps(stored, option=_SORTED)
    if _ESC_UTF8 not in payload_json:
        return payload_json
    return orjson.dumps(unescape_payload(stored), option=_SORTED)


def _needs_escape(value: str | None) -> bool:
    return value is not None and ("\x00" in value or _ESC in value)


def trail_row(ev: Event, seq: int, prev: bytes, partition: int, offset: int) -> tuple[Any, ...]:
    """The stored row of an event at position ``seq`` of its case's trail (values in TRAIL_COLUMNS order);
    the hash covers the event as published, the row holds it escaped where it must be, and says so
    (``escaped``: what the trail's integrity check 轨迹-1 reports)."""
    payload = escape_payload(ev.payload_json)
    texts = (
        ev.case_id, ev.event_type, ev.producer, ev.stream_id, ev.actor_kind, ev.actor_id, ev.actor_name,
        ev.actor_role, ev.actor_court, ev.court, ev.correlation_id, ev.causation_id, ev.summary,
    )  # fmt: skip
    escaped = payload != ev.payload_json or any(_needs_escape(v) for v in texts)
    return (
        escape(ev.case_id),
        seq,
        ev.event_id,
        escape(ev.event_type),
        ev.schema_version,
        escape(ev.producer),
        escape(ev.stream_id),
        ev.stream_version,
        escape(ev.actor_kind),
        escape(ev.actor_id),
        escape(ev.actor_name),
        escape(ev.actor_role),
        escape(ev.actor_court),
        escape(ev.court),
        ev.occurred_at,
        ev.recorded_at,
        escape(ev.correlation_id),
        escape(ev.causation_id),
        escape(ev.summary),
        payload,
        partition,
        offset,
        escaped,
        prev,
        hashlib.sha256(prev + ev.canonical).digest(),
    )


def envelope_from_row(row: Any) -> Envelope:
    """The envelope a trail row recorded (to re-check its hash)."""
    return Envelope.model_validate(
        {
            "event_id": row["event_id"],
            "event_type": unescape(row["event_type"]),
            "schema_version": row["schema_version"],
            "case_id": unescape(row["case_id"]),
            "stream_id": unescape(row["stream_id"]),
            "stream_version": row["stream_version"],
            "occurred_at": row["occurred_at"],
            "recorded_at": row["recorded_at"],
            "producer": unescape(row["producer"]),
            "actor": {
                "kind": unescape(row["actor_kind"]),
                "id": unescape(row["actor_id"]),
                "name": unescape(row["actor_name"]),
                "role": unescape(row["actor_role"]),
                "court": unescape(row["actor_court"]),
            },
            "court": unescape(row["court"]),
            "correlation_id": unescape(row["correlation_id"]),
            "causation_id": unescape(row["causation_id"]),
            "payload": unescape_payload(row["payload"]),
        }
    )
