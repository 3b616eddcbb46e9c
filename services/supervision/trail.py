"""The audit trail: a pure hash-chain step plus the projection that records each event."""

from __future__ import annotations

import hashlib

from shared.consumer import ReactionContext, Reactions
from shared.envelope import Envelope, canonical_json
from services.supervision.catalogue import SUMMARIES

GENESIS = b"\x00" * 32


def chain_hash(prev_hash: bytes, envelope: Envelope) -> bytes:
    """sha256(previous hash ‖ canonical envelope): altering or dropping any event breaks the chain."""
    return hashlib.sha256(prev_hash + canonical_json(envelope)).digest()


def summarize(envelope: Envelope) -> str:
    """A readable Chinese line for an event (falls back to its type for unknown ones)."""
    template = SUMMARIES.get(envelope.event_type)
    if template is None:
        return envelope.event_type
    try:
        return template.format(**envelope.payload)
    except (KeyError, IndexError, ValueError, AttributeError):
        return template


reactions = Reactions()


@reactions.on_any
async def record(ctx: ReactionContext) -> None:
    env = ctx.envelope
    head = await ctx.conn.fetchrow(
        "SELECT last_seq, last_hash FROM case_heads WHERE case_id = $1 FOR UPDATE", env.case_id
    )
    seq, prev = (head["last_seq"] + 1, bytes(head["last_hash"])) if head else (1, GENESIS)
    digest = chain_hash(prev, env)
    await ctx.conn.execute(
        "INSERT INTO audit_trail (case_id, seq, event_id, event_type, schema_version, producer, stream_id,"
        " stream_version, actor_kind, actor_id, actor_name, actor_role, court, occurred_at, recorded_at,"
        " correlation_id, causation_id, summary, payload, kafka_partition, kafka_offset, prev_hash, hash)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23)",
        env.case_id, seq, env.event_id, env.event_type, env.schema_version, env.producer, env.stream_id,
        env.stream_version, env.actor.kind, env.actor.id, env.actor.name, env.actor.role, env.court,
        env.occurred_at, env.recorded_at, env.correlation_id, env.causation_id, summarize(env),
        env.payload, ctx.partition, ctx.offset, prev, digest,
    )
    await ctx.conn.execute(
        "INSERT INTO case_heads (case_id, last_seq, last_hash) VALUES ($1, $2, $3)"
        " ON CONFLICT (case_id) DO UPDATE SET last_seq = EXCLUDED.last_seq, last_hash = EXCLUDED.last_hash",
        env.case_id, seq, digest,
    )
