"""The audit trail: a pure hash-chain step, the row of each event, and the live reaction.

The live reaction and the rebuild write the same rows (``trail_row``) and refresh the same
findings and deadline projections (``checks.refresh_case``), so the two can be compared row for
row. Every live write first takes the projection lock in shared mode: a rebuild's swap takes it
exclusively, so no live transaction straddles the swap.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from typing import Any

import asyncpg

from services.supervision.catalogue import summarize
from services.supervision.checks import load_context, refresh_case
from services.supervision.events import FindingRaised
from services.supervision.findings import Finding
from services.supervision.settings import SupervisionSettings
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


def chain_hash(prev_hash: bytes, envelope: Envelope) -> bytes:
    """sha256(previous hash ‖ canonical envelope): altering or dropping any event breaks the chain."""
    return hashlib.sha256(prev_hash + canonical_json(envelope)).digest()


def trail_row(env: Envelope, seq: int, prev: bytes, partition: int, offset: int) -> tuple[Any, ...]:
    """The stored row of an event at position ``seq`` of its case's trail (values in TRAIL_COLUMNS order)."""
    a = env.actor
    return (
        env.case_id,
        seq,
        env.event_id,
        env.event_type,
        env.schema_version,
        env.producer,
        env.stream_id,
        env.stream_version,
        a.kind,
        a.id,
        a.name,
        a.role,
        a.court,
        env.court,
        env.occurred_at,
        env.recorded_at,
        env.correlation_id,
        env.causation_id,
        summarize(env),
        env.payload,
        partition,
        offset,
        prev,
        chain_hash(prev, env),
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


def insert_sql(schema: str) -> str:
    cols = ", ".join(TRAIL_COLUMNS)
    params = ", ".join(f"${i}" for i in range(1, len(TRAIL_COLUMNS) + 1))
    return f"INSERT INTO {schema}.audit_trail ({cols}) VALUES ({params})"


async def append_batch(
    conn: asyncpg.Connection, schema: str, items: Sequence[tuple[Envelope, int, int]]
) -> list[int]:
    """Append events (envelope, partition, offset; in log order) to their cases' trails and move
    the heads, inside a transaction. Returns the seq each appended event got, or 0 for an event
    already in the trail (a rebuild may have recorded it first), which is left alone."""
    if not items:
        return []
    known = {
        str(r["event_id"])
        for r in await conn.fetch(
            f"SELECT event_id FROM {schema}.audit_trail WHERE event_id = ANY($1::uuid[])",
            [env.event_id for env, _, _ in items],
        )
    }
    heads: dict[str, tuple[int, bytes]] = {
        r["case_id"]: (r["last_seq"], bytes(r["last_hash"]))
        for r in await conn.fetch(
            f"SELECT case_id, last_seq, last_hash FROM {schema}.case_heads WHERE case_id = ANY($1::text[])"
            " ORDER BY case_id FOR UPDATE",
            sorted({env.case_id for env, _, _ in items}),
        )
    }
    rows: list[tuple[Any, ...]] = []
    seqs: list[int] = []
    for env, partition, offset in items:
        if str(env.event_id) in known:
            seqs.append(0)
            continue
        known.add(str(env.event_id))
        last_seq, prev = heads.get(env.case_id, (0, GENESIS))
        row = trail_row(env, last_seq + 1, prev, partition, offset)
        rows.append(row)
        heads[env.case_id] = (last_seq + 1, row[-1])
        seqs.append(last_seq + 1)
    if rows:
        await conn.executemany(insert_sql(schema), rows)
        moved = {row[0] for row in rows}
        await conn.executemany(
            f"INSERT INTO {schema}.case_heads (case_id, last_seq, last_hash) VALUES ($1, $2, $3)"
            " ON CONFLICT (case_id) DO UPDATE SET last_seq = EXCLUDED.last_seq, last_hash = EXCLUDED.last_hash",
            [(case_id, *heads[case_id]) for case_id in sorted(moved)],
        )
    return seqs


reactions = Reactions()
_settings = functools.cache(SupervisionSettings)


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
    seqs = await append_batch(conn, "public", [(c.envelope, c.partition, c.offset) for c in contexts])
    appended = [(c, seq) for c, seq in zip(contexts, seqs, strict=True) if seq]
    if not appended:
        return
    settings = _settings()
    checks_ctx = await load_context(conn, settings.deadlines)
    by_case: dict[str, list[tuple[ReactionContext, int]]] = {}
    for c, seq in appended:
        by_case.setdefault(c.envelope.case_id, []).append((c, seq))
    for case_id, triggers in by_case.items():
        fresh = await refresh_case(conn, "public", case_id, checks_ctx)
        if fresh and settings.publish_findings:
            await _publish(fresh, triggers)


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
