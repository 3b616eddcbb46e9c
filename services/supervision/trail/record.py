"""Writing the audit trail, and the live reaction that does it. ``append_batch`` appends events to
their cases' trails and moves the heads in one statement each (``insert_sql``; ``heads_upsert_sql``
and the jsonb codecs that COPY needs are the rebuild's too). The live reaction (``record_batch``,
after each consumer batch) records the batch's events, re-checks each case touched once
(``checks.refresh_cases``) and publishes each new finding once. It writes the same rows
(``chain.trail_row``) and computes the same findings and deadline states as the rebuild, so the two
can be compared row for row. Every live write first takes the projection lock (``PROJECTION_LOCK``)
in shared mode: a rebuild's swap takes it exclusively, so no live transaction straddles the swap.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import asyncpg
import orjson

from services.supervision.domain.findings import Finding
from services.supervision.events import FindingRaised
from services.supervision.settings import Settings
from services.supervision.trail.chain import GENESIS, TRAIL_COLUMNS, trail_row
from services.supervision.trail.checks import load_context, refresh_cases
from services.supervision.trail.event import Event, event_from_envelope
from shared.reactions import ReactionContext, Reactions

PROJECTION_LOCK = 0x5EB5_0007
_PAYLOAD = TRAIL_COLUMNS.index("payload")


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
