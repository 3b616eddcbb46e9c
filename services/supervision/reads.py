"""Read side of the trail: filtered timelines, an officer's actions, streamed CSV/JSON exports."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
import orjson

from services.supervision.trail.chain import TRAIL_COLUMNS, unescape, unescape_payload

# What a reader sees of a trail row: every stored column but the Kafka position.
TRAIL_FIELDS = tuple(c for c in TRAIL_COLUMNS if c not in ("kafka_partition", "kafka_offset"))
_SELECT = (
    "SELECT case_id, seq, event_id::text AS event_id, event_type, schema_version, producer, stream_id,"
    " stream_version, actor_kind, actor_id, actor_name, actor_role, actor_court, court, occurred_at, recorded_at,"
    " correlation_id, causation_id, summary, payload, escaped, encode(prev_hash, 'hex') AS prev_hash,"
    " encode(hash, 'hex') AS hash FROM audit_trail"
)


@dataclass
class TrailFilter:
    """Who may see what (court) and what was asked for (officer, role, service, types, time)."""

    court: str
    case_id: str | None = None
    officer: str | None = None
    role: str | None = None
    producers: list[str] = field(default_factory=list)
    event_types: list[str] = field(default_factory=list)
    since: datetime | None = None
    until: datetime | None = None
    after_seq: int | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = ["court = $1"]
        args: list[Any] = [self.court]
        for column, value in (("case_id", self.case_id), ("actor_id", self.officer), ("actor_role", self.role)):
            if value:
                args.append(value)
                clauses.append(f"{column} = ${len(args)}")
        if self.producers:
            args.append(self.producers)
            clauses.append(f"producer = ANY(${len(args)}::text[])")
        if self.event_types:
            args.append(self.event_types)
            clauses.append(f"event_type = ANY(${len(args)}::text[])")
        if self.since:
            args.append(self.since)
            clauses.append(f"occurred_at >= ${len(args)}")
        if self.until:
            args.append(self.until)
            clauses.append(f"occurred_at < ${len(args)}")
        if self.after_seq is not None:
            args.append(self.after_seq)
            clauses.append(f"seq > ${len(args)}")
        return " AND ".join(clauses), args

    @property
    def order(self) -> str:
        return "case_id, seq" if self.case_id else "occurred_at, case_id, seq"


async def case_exists(pool: asyncpg.Pool, case_id: str, court: str) -> bool:
    return bool(
        await pool.fetchval("SELECT true FROM audit_trail WHERE case_id = $1 AND court = $2 LIMIT 1", case_id, court)
    )


async def fetch(pool: asyncpg.Pool, flt: TrailFilter, limit: int) -> list[dict[str, Any]]:
    where, args = flt.where()
    rows = await pool.fetch(f"{_SELECT} WHERE {where} ORDER BY {flt.order} LIMIT {int(limit)}", *args)
    return [as_published(r) for r in rows]


def as_published(row: Any) -> dict[str, Any]:
    """A trail row with its values as the producer published them (a value the database could not
    hold as such, e.g. one with NUL, is stored escaped: see trail/chain.py), flagged ``escaped``."""
    out = dict(row)
    escaped = bool(out.pop("escaped", False))
    for key, value in out.items():
        if isinstance(value, str):
            original = unescape(value)
            escaped = escaped or original != value
            out[key] = original
    payload = unescape_payload(out.get("payload"))
    escaped = escaped or payload != out.get("payload")
    out["payload"] = payload
    if escaped:
        out["escaped"] = True
    return out


async def stream(pool: asyncpg.Pool, flt: TrailFilter, fmt: str) -> AsyncIterator[bytes]:
    """The matching rows as CSV (UTF-8 with BOM, for spreadsheet users) or a JSON array, read with
    a server-side cursor so memory stays flat however long the trail is."""
    where, args = flt.where()
    sql = f"{_SELECT} WHERE {where} ORDER BY {flt.order}"
    async with pool.acquire() as conn, conn.transaction(readonly=True):
        if fmt == "csv":
            yield "\ufeff".encode() + _csv_line(TRAIL_FIELDS)
        else:
            yield b"["
        first = True
        chunk: list[bytes] = []
        async for row in conn.cursor(sql, *args, prefetch=500):
            if fmt == "csv":
                chunk.append(_csv_line([_cell(row[f]) for f in TRAIL_FIELDS]))
            else:
                chunk.append((b"" if first else b",") + orjson.dumps(as_published(row)))
            first = False
            if len(chunk) >= 500:
                yield b"".join(chunk)
                chunk.clear()
        if chunk:
            yield b"".join(chunk)
        if fmt != "csv":
            yield b"]"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return str(value)


def _csv_line(values: Any) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(values)
    return buf.getvalue().encode()
