"""Writing the audit trail. ``append_batch`` appends events to their cases' trails and moves the
heads in one statement each (``insert_sql``; ``heads_upsert_sql`` and the jsonb codecs that COPY
needs are the rebuild's too). The live reaction (services/supervision/consumer.py) and the rebuild
write the same rows (``chain.trail_row``), so the two can be compared row for row. Every live write
first takes the projection lock (``PROJECTION_LOCK``) in shared mode: a rebuild's swap takes it
exclusively, so no live transaction straddles the swap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg
import orjson

from services.supervision.trail.chain import GENESIS, TRAIL_COLUMNS, trail_row
from services.supervision.trail.event import Event

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
    " SELECT * FROM unnest(${a}::text[], ${b}::int[], ${c}::bytea[])"
    " ON CONFLICT (case_id) DO UPDATE SET last_seq = EXCLUDED.last_seq, last_hash = EXCLUDED.last_hash"
)


def heads_upsert_sql(schema: str, first: int = 1) -> str:
    """Move many heads in one statement: $1 case ids, $2 last seqs, $3 last hashes (numbered from
    ``first`` when the statement follows other parameters)."""
    return _HEADS_UPSERT.format(schema=schema, a=first, b=first + 1, c=first + 2)


_TRAIL_TYPES = (
    "text", "int", "uuid", "text", "int", "text", "text", "int", "text", "text", "text", "text", "text", "text",
    "timestamptz", "timestamptz", "text", "text", "text", "text", "int", "bigint", "bool", "bytea", "bytea",
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
    # One round trip: the batch's events already in the trail, and its cases' heads (locked).
    found = await conn.fetch(
        f"WITH h AS (SELECT case_id, last_seq, last_hash FROM {schema}.case_heads WHERE case_id = ANY($2::text[])"
        " ORDER BY case_id FOR UPDATE)"
        f" SELECT event_id::text AS id, NULL::int AS last_seq, NULL::bytea AS last_hash"
        f" FROM {schema}.audit_trail WHERE event_id = ANY($1::uuid[])"
        " UNION ALL SELECT case_id, last_seq, last_hash FROM h",
        [ev.event_id for ev, _, _ in items],
        sorted({ev.case_id for ev, _, _ in items}),
    )
    known = {r["id"] for r in found if r["last_hash"] is None}
    heads: dict[str, tuple[int, bytes]] = {
        r["id"]: (r["last_seq"], bytes(r["last_hash"])) for r in found if r["last_hash"] is not None
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
        # One round trip: the rows, then the heads they moved (the upsert's $n follow the rows').
        moved = sorted({row[0] for row in rows})
        upsert = heads_upsert_sql(schema, first=len(_TRAIL_TYPES) + 1)
        await conn.execute(
            f"WITH trail AS ({insert_sql(schema)}) {upsert}",
            *insert_args(rows), moved, [heads[c][0] for c in moved], [heads[c][1] for c in moved],
        )
    return seqs
