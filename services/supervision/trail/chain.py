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
    "prev_hash",
    "hash",
)

_SORTED = orjson.OPT_SORT_KEYS


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
        row[_EVENT_TYPE],
        row[_SCHEMA_VERSION],
        row[_CASE_ID],
        row[_STREAM_ID],
        row[_STREAM_VERSION],
        row[_OCCURRED_AT],
        row[_RECORDED_AT],
        row[_PRODUCER],
        {
            "kind": row[_ACTOR_KIND],
            "id": row[_ACTOR_ID],
            "name": row[_ACTOR_NAME],
            "role": row[_ACTOR_ROLE],
            "court": row[_ACTOR_COURT],
        },
        row[_COURT],
        row[_CORRELATION_ID],
        row[_CAUSATION_ID],
        orjson.dumps(row[_PAYLOAD], option=_SORTED),
    )


def trail_row(ev: Event, seq: int, prev: bytes, partition: int, offset: int) -> tuple[Any, ...]:
    """The stored row of an event at position ``seq`` of its case's trail (values in TRAIL_COLUMNS order)."""
    return (
        ev.case_id,
        seq,
        ev.event_id,
        ev.event_type,
        ev.schema_version,
        ev.producer,
        ev.stream_id,
        ev.stream_version,
        ev.actor_kind,
        ev.actor_id,
        ev.actor_name,
        ev.actor_role,
        ev.actor_court,
        ev.court,
        ev.occurred_at,
        ev.recorded_at,
        ev.correlation_id,
        ev.causation_id,
        ev.summary,
        ev.payload_json,
        partition,
        offset,
        prev,
        hashlib.sha256(prev + ev.canonical).digest(),
    )


def envelope_from_row(row: Any) -> Envelope:
    """The envelope a trail row recorded (to re-check its hash)."""
    return Envelope.model_validate(
        {
            "event_id": row["event_id"],
            "event_type": row["event_type"],
            "schema_version": row["schema_version"],
            "case_id": row["case_id"],
            "stream_id": row["stream_id"],
            "stream_version": row["stream_version"],
            "occurred_at": row["occurred_at"],
            "recorded_at": row["recorded_at"],
            "producer": row["producer"],
            "actor": {
                "kind": row["actor_kind"],
                "id": row["actor_id"],
                "name": row["actor_name"],
                "role": row["actor_role"],
                "court": row["actor_court"],
            },
            "court": row["court"],
            "correlation_id": row["correlation_id"],
            "causation_id": row["causation_id"],
            "payload": row["payload"],
        }
    )
