"""The audit trail: a pure hash-chain step, the row of each event, and the live reaction.

The live reaction and the rebuild write the same rows (``trail_row``) and refresh the same
findings and deadline projections (``checks.refresh_case``), so the two can be compared row for
row. Every live write first takes the projection lock in shared mode: a rebuild's swap takes it
exclusively, so no live transaction straddles the swap.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

import asyncpg

from services.supervision.catalogue import summarize
from services.supervision.checks import load_context, refresh_case
from services.supervision.events import FindingRaised
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


async def append(conn: asyncpg.Connection, schema: str, env: Envelope, partition: int, offset: int) -> bool:
    """Append one event to its case's trail and move the case's head (inside a transaction).

    An event already in the trail is left alone (a rebuild may have recorded it first)."""
    if await conn.fetchval(f"SELECT true FROM {schema}.audit_trail WHERE event_id = $1", env.event_id):
        return False
    head = await conn.fetchrow(
        f"SELECT last_seq, last_hash FROM {schema}.case_heads WHERE case_id = $1 FOR UPDATE", env.case_id
    )
    seq, prev = (head["last_seq"] + 1, bytes(head["last_hash"])) if head else (1, GENESIS)
    row = trail_row(env, seq, prev, partition, offset)
    await conn.execute(insert_sql(schema), *row)
    await conn.execute(
        f"INSERT INTO {schema}.case_heads (case_id, last_seq, last_hash) VALUES ($1, $2, $3)"
        " ON CONFLICT (case_id) DO UPDATE SET last_seq = EXCLUDED.last_seq, last_hash = EXCLUDED.last_hash",
        env.case_id,
        seq,
        row[-1],
    )
    return True


reactions = Reactions()
_settings = functools.cache(SupervisionSettings)


@reactions.on_any
async def record(ctx: ReactionContext) -> None:
    """Live: record the event, re-check the case, and publish each new finding once."""
    await ctx.conn.execute("SELECT pg_advisory_xact_lock_shared($1)", PROJECTION_LOCK)
    if not await append(ctx.conn, "public", ctx.envelope, ctx.partition, ctx.offset):
        return
    settings = _settings()
    checks_ctx = await load_context(ctx.conn, settings.deadlines)
    fresh = await refresh_case(ctx.conn, "public", ctx.envelope.case_id, checks_ctx)
    if fresh and settings.publish_findings:
        await ctx.emit(
            f"supervision.findings:{ctx.envelope.case_id}",
            [
                FindingRaised(
                    finding_id=str(f.finding_id),
                    rule_id=f.rule_id,
                    rule_version=f.rule_version,
                    people=list(f.people),
                    event_ids=list(f.event_ids),
                    message=f.message,
                )
                for f in fresh
            ],
        )
