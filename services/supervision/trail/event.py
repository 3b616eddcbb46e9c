"""An event as the trail records it (``Event``): the envelope's fields, its payload as JSON and its
canonical bytes. The live side makes one from the consumer's ``Envelope`` (``event_from_envelope``);
the rebuild reads the Kafka record straight into one (``parse_event``: no pydantic model for an
envelope already in canonical form, ``_fast_event``), with the same values and the same canonical
bytes (``canonical_bytes``) either way, so the same trail rows and hashes.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, NamedTuple, TypeGuard

import orjson

from services.supervision.trail.catalogue import summarize, summary_of
from shared.envelope import ID_MAX, Envelope, canonical_json


class Event(NamedTuple):
    """An event as the trail records it: the envelope's fields and its canonical bytes.

    Made from an ``Envelope`` (live) or straight from the Kafka record (``parse_event``, replay);
    both give the same values and the same ``canonical`` bytes, so the same rows and hashes. The
    payload is kept only as JSON (what the jsonb column takes) and the summary: a replay holds
    thousands of events at once, and their parsed payloads would be most of its memory. (A named
    tuple: a replay makes one per event, and it is the cheapest immutable record to build.)
    """

    event_id: str
    event_type: str
    schema_version: int
    case_id: str
    stream_id: str
    stream_version: int
    occurred_at: datetime
    recorded_at: datetime
    producer: str
    actor_kind: str
    actor_id: str
    actor_name: str | None
    actor_role: str | None
    actor_court: str | None
    court: str
    correlation_id: str
    causation_id: str | None
    payload_json: bytes  # the payload as JSON, keys sorted
    summary: str
    canonical: bytes


def event_from_envelope(env: Envelope) -> Event:
    a = env.actor
    return Event(
        str(env.event_id),
        env.event_type,
        env.schema_version,
        env.case_id,
        env.stream_id,
        env.stream_version,
        env.occurred_at,
        env.recorded_at,
        env.producer,
        a.kind,
        a.id,
        a.name,
        a.role,
        a.court,
        env.court,
        env.correlation_id,
        env.causation_id,
        orjson.dumps(env.payload, option=orjson.OPT_SORT_KEYS),
        summarize(env),
        canonical_json(env),
    )


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").fullmatch
_INSTANT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})"
).fullmatch
_ACTOR_KINDS = frozenset({"officer", "agency", "system"})
_SORTED = orjson.OPT_SORT_KEYS


def canonical_bytes(
    event_id: str,
    event_type: str,
    schema_version: int,
    case_id: str,
    stream_id: str,
    stream_version: int,
    occurred_at: datetime,
    recorded_at: datetime,
    producer: str,
    actor: dict[str, Any],
    court: str,
    correlation_id: str,
    causation_id: str | None,
    payload_json: bytes,
) -> bytes:
    """``canonical_json`` of an envelope with these (already valid) values, without building one
    (the payload's sorted JSON goes in as it is: a Fragment)."""
    canonical = orjson.dumps(
        {
            "event_id": event_id,
            "event_type": event_type,
            "schema_version": schema_version,
            "case_id": case_id,
            "stream_id": stream_id,
            "stream_version": stream_version,
            "occurred_at": occurred_at.timestamp(),
            "recorded_at": recorded_at.timestamp(),
            "producer": producer,
            "actor": actor,
            "court": court,
            "correlation_id": correlation_id,
            "causation_id": causation_id,
            "payload": orjson.Fragment(payload_json),
        },
        option=_SORTED,
    )
    # orjson's result keeps kilobytes of spare capacity; thousands of them held at once cost more
    # in fresh pages than the copy does.
    return bytes(memoryview(canonical))


def _ident(value: Any) -> TypeGuard[str]:
    """An identifier as the envelope model takes it (text of at most ID_MAX characters)."""
    return type(value) is str and len(value) <= ID_MAX


def _instant(value: Any) -> datetime | None:
    """An ISO 8601 instant in the one form both parsers read alike (else None: let pydantic judge)."""
    if type(value) is not str or _INSTANT(value) is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


# One straight pass (~80 lines) on purpose: it runs once per event of a replay, and split up it
# would only spread one check of one envelope over several functions (and calls).
def _fast_event(data: Any) -> Event | None:
    """The event of an envelope already in plain canonical form (JSON types exactly as the model
    declares them), or None when pydantic must decide (coercions, defaults it fills, errors)."""
    if type(data) is not dict:
        return None
    get = data.get
    actor, payload, event_id = get("actor"), get("payload"), get("event_id")
    schema_version, stream_version = get("schema_version"), get("stream_version")
    event_type, case_id, stream_id = get("event_type"), get("case_id"), get("stream_id")
    producer, court = get("producer"), get("court")
    correlation_id, causation = get("correlation_id"), get("causation_id")
    if not (
        type(actor) is dict
        and type(payload) is dict
        and type(event_id) is str
        and _UUID(event_id) is not None
        and type(schema_version) is int
        and schema_version >= 1
        and type(stream_version) is int
        and stream_version >= 1
        and _ident(event_type)
        and _ident(case_id)
        and _ident(stream_id)
        and _ident(producer)
        and _ident(court)
        and _ident(correlation_id)
        and (causation is None or _ident(causation))
    ):
        return None
    kind, actor_id = actor.get("kind"), actor.get("id")
    name, role, actor_court = actor.get("name"), actor.get("role"), actor.get("court")
    if not (
        type(kind) is str
        and kind in _ACTOR_KINDS
        and _ident(actor_id)
        and (name is None or type(name) is str)
        and (role is None or _ident(role))
        and (actor_court is None or _ident(actor_court))
    ):
        return None
    occurred, recorded = _instant(get("occurred_at")), _instant(get("recorded_at"))
    if occurred is None or recorded is None:
        return None
    payload_json = bytes(memoryview(orjson.dumps(payload, option=_SORTED)))  # exact size, as above
    canonical = canonical_bytes(
        event_id,
        event_type,
        schema_version,
        case_id,
        stream_id,
        stream_version,
        occurred,
        recorded,
        producer,
        {"kind": kind, "id": actor_id, "name": name, "role": role, "court": actor_court},
        court,
        correlation_id,
        causation,
        payload_json,
    )
    return Event(
        event_id,
        event_type,
        schema_version,
        case_id,
        stream_id,
        stream_version,
        occurred,
        recorded,
        producer,
        kind,
        actor_id,
        name,
        role,
        actor_court,
        court,
        correlation_id,
        causation,
        payload_json,
        summary_of(event_type, payload),
        canonical,
    )


def parse_event(raw: bytes | str) -> Event:
    """``event_from_envelope(Envelope.from_bytes(raw))``, without pydantic for an envelope already in
    canonical form (what the services publish); raises as ``Envelope.from_bytes`` does."""
    data = orjson.loads(raw)
    event = _fast_event(data)
    return event if event is not None else event_from_envelope(Envelope.model_validate(data))
