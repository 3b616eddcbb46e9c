"""The audit trail: a pure hash-chain step, the row of each event, and the live reaction.

The live reaction and the rebuild write the same rows (``trail_row`` of an ``Event``) and compute
the same findings and deadline states (``checks.check_trail``), so the two can be compared row for
row. The live side makes its ``Event`` from the consumer's ``Envelope``; the rebuild reads the
Kafka record straight into one (``parse_event``: no pydantic model for what is already canonical),
with the same values and canonical bytes. Every live write first takes the projection lock in
shared mode: a rebuild's swap takes it exclusively, so no live transaction straddles the swap.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

import asyncpg
import orjson

from services.supervision.domain.findings import Finding
from services.supervision.events import FindingRaised
from services.supervision.settings import Settings
from services.supervision.trail.catalogue import summarize, summary_of
from services.supervision.trail.checks import load_context, refresh_cases
from shared.consumer import ReactionContext, Reactions
from shared.envelope import Envelope, canonical_json

GENESIS = b"\x00" * 32
PROJECTION_LOCK = 0x5EB5_0007

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


def chain_hash(prev_hash: bytes, envelope: Envelope) -> bytes:
    """sha256(previous hash ‖ canonical envelope): altering or dropping any event breaks the chain."""
    return hashlib.sha256(prev_hash + canonical_json(envelope)).digest()


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


def _canonical(
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


def _instant(value: Any) -> datetime | None:
    """An ISO 8601 instant in the one form both parsers read alike (else None: let pydantic judge)."""
    if type(value) is not str or _INSTANT(value) is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


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
        and type(event_type) is str
        and type(case_id) is str
        and type(stream_id) is str
        and type(producer) is str
        and type(court) is str
        and type(correlation_id) is str
        and (causation is None or type(causation) is str)
    ):
        return None
    kind, actor_id = actor.get("kind"), actor.get("id")
    name, role, actor_court = actor.get("name"), actor.get("role"), actor.get("court")
    if not (
        type(kind) is str
        and kind in _ACTOR_KINDS
        and type(actor_id) is str
        and (name is None or type(name) is str)
        and (role is None or type(role) is str)
        and (actor_court is None or type(actor_court) is str)
    ):
        return None
    occurred, recorded = _instant(get("occurred_at")), _instant(get("recorded_at"))
    if occurred is None or recorded is None:
        return None
    payload_json = bytes(memoryview(orjson.dumps(payload, option=_SORTED)))  # exact size, as above
    canonical = _canonical(
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
    return _canonical(
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


async def use_binary_jsonb(conn: asyncpg.Connection) -> None:
    """jsonb in binary format (version byte + the same orjson text), which COPY needs; the values
    read and written are those of the pool's text codec, and bytes are taken as JSON already."""
    await conn.set_type_codec(
        "jsonb",
        encoder=lambda v: b"\x01" + (v if type(v) is bytes else orjson.dumps(v)),
        decoder=lambda b: orjson.loads(memoryview(b)[1:]),
        schema="pg_catalog",
        format="binary",
    )


async def use_text_jsonb(conn: asyncpg.Connection) -> None:
    """Back to the pool's codec (shared.db) before a connection returns to it."""
    await conn.set_type_codec(
        "jsonb", encoder=lambda v: orjson.dumps(v).decode(), decoder=orjson.loads, schema="pg_catalog"
    )


_HEADS_UPSERT = (
    "INSERT INTO {schema}.case_heads (case_id, last_seq, last_hash)"
    " SELECT * FROM unnest($1::text[], $2::int[], $3::bytea[])"
    " ON CONFLICT (case_id) DO UPDATE SET last_seq = EXCLUDED.last_seq, last_hash = EXCLUDED.last_hash"
)


def heads_upsert_sql(schema: str) -> str:
    """Move many heads in one statement: $1 case ids, $2 last seqs, $3 last hashes."""
    return _HEADS_UPSERT.format(schema=schema)


_TRAIL_TYPES = (
    "text", "int", "uuid", "text", "int", "text", "text", "int", "text", "text", "text", "text", "text", "text",
    "timestamptz", "timestamptz", "text", "text", "text", "text", "int", "bigint", "bytea", "bytea",
)  # fmt: skip


def insert_sql(schema: str) -> str:
    """One statement inserting many trail rows, given column by column (payload as JSON text)."""
    cols = ", ".join(TRAIL_COLUMNS)
    arrays = ", ".join(f"${i}::{t}[]" for i, t in enumerate(_TRAIL_TYPES, start=1))
    select = ", ".join(f"{c}::jsonb" if c == "payload" else c for c in TRAIL_COLUMNS)
    return f"INSERT INTO {schema}.audit_trail ({cols}) SELECT {select} FROM unnest({arrays}) AS r({cols})"


def insert_args(rows: Sequence[tuple[Any, ...]]) -> list[list[Any]]:
    """``insert_sql``'s arguments for these rows."""
    columns = [list(c) for c in zip(*rows, strict=True)]
    columns[_PAYLOAD] = [p.decode() for p in columns[_PAYLOAD]]
    return columns


async def append_batch(conn: asyncpg.Connection, schema: str, items: Sequence[tuple[Event, int, int]]) -> list[int]:
    """Append events (event, partition, offset; in log order) to their cases' trails and move
    the heads, inside a transaction. Returns the seq each appended event got, or 0 for an event
    already in the trail (a rebuild may have recorded it first), which is left alone."""
    if not items:
        return []
    known = {
        str(r["event_id"])
        for r in await conn.fetch(
            f"SELECT event_id FROM {schema}.audit_trail WHERE event_id = ANY($1::uuid[])",
            [ev.event_id for ev, _, _ in items],
        )
    }
    heads: dict[str, tuple[int, bytes]] = {
        r["case_id"]: (r["last_seq"], bytes(r["last_hash"]))
        for r in await conn.fetch(
            f"SELECT case_id, last_seq, last_hash FROM {schema}.case_heads WHERE case_id = ANY($1::text[])"
            " ORDER BY case_id FOR UPDATE",
            sorted({ev.case_id for ev, _, _ in items}),
        )
    }
    rows: list[tuple[Any, ...]] = []
    seqs: list[int] = []
    for ev, partition, offset in items:
        if ev.event_id in known:
            seqs.append(0)
            continue
        known.add(ev.event_id)
        last_seq, prev = heads.get(ev.case_id, (0, GENESIS))
        row = trail_row(ev, last_seq + 1, prev, partition, offset)
        rows.append(row)
        heads[ev.case_id] = (last_seq + 1, row[-1])
        seqs.append(last_seq + 1)
    if rows:
        await conn.execute(insert_sql(schema), *insert_args(rows))
        moved = sorted({row[0] for row in rows})
        await conn.execute(heads_upsert_sql(schema), moved, [heads[c][0] for c in moved], [heads[c][1] for c in moved])
    return seqs


reactions = Reactions()
_settings = functools.cache(Settings)


@reactions.on_any
async def record(ctx: ReactionContext) -> None:
    """Every event is taken; the work is done once per consumer batch, in ``record_batch``."""


@reactions.after_batch
async def record_batch(conn: asyncpg.Connection, contexts: Sequence[ReactionContext]) -> None:
    """Live: record the batch's events, re-check each case touched once, and publish each new
    finding once, caused by the event that completed it.

    The same as doing it event by event: a finding appears with the last event it names and the
    findings of a trail contain those of every prefix (findings.py), so a finding first found
    after event k of the trail is raised by the first event of the batch at or after it.
    """
    await conn.execute("SELECT pg_advisory_xact_lock_shared($1)", PROJECTION_LOCK)
    items = [(event_from_envelope(c.envelope), c.partition, c.offset) for c in contexts]
    seqs = await append_batch(conn, "public", items)
    appended = [(c, seq) for c, seq in zip(contexts, seqs, strict=True) if seq]
    if not appended:
        return
    settings = _settings()
    checks_ctx = await load_context(conn, settings.deadlines)
    by_case: dict[str, list[tuple[ReactionContext, int]]] = {}
    for c, seq in appended:
        by_case.setdefault(c.envelope.case_id, []).append((c, seq))
    fresh = await refresh_cases(conn, "public", list(by_case), checks_ctx)
    if settings.publish_findings:
        for case_id, triggers in by_case.items():
            if fresh.get(case_id):
                await _publish(fresh[case_id], triggers)


async def _publish(fresh: Sequence[Finding], triggers: Sequence[tuple[ReactionContext, int]]) -> None:
    """Each new finding of a case, raised by the first of its new events at or after the last
    event the finding names (an older event: the first new one), in check order."""
    seq_of = {str(c.envelope.event_id): seq for c, seq in triggers}
    pending = list(fresh)
    for c, seq in triggers:
        due = [f for f in pending if max((seq_of.get(i, 0) for i in f.event_ids), default=0) <= seq]
        if not due:
            continue
        pending = [f for f in pending if f not in due]
        await c.emit(
            f"supervision.findings:{c.envelope.case_id}",
            [
                FindingRaised(
                    finding_id=str(f.finding_id),
                    rule_id=f.rule_id,
                    rule_version=f.rule_version,
                    people=list(f.people),
                    event_ids=list(f.event_ids),
                    message=f.message,
                )
                for f in due
            ],
        )
