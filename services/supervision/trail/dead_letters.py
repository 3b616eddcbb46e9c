"""The trail's possible holes, said out loud: supervision's dead letters and their acknowledgements.

The trail records every envelope it receives (a value it cannot store as such is kept escaped and
raises 轨迹-1, trail/integrity.py), so only bytes that are not an envelope at all go to the
dead-letter topic (or, rarely, an envelope that kept failing for another reason). Each one means
the trail may miss an event: until someone has investigated and acknowledged it (who, in which
roles, why), supervision's ``/readyz`` says not ready (readiness.py), ``POST /admin/verify`` says
``ok: false`` and the dashboard shows a banner, each naming the partition and offset, and the case
when the message's key (the case id, by the log's contract) or its envelope gives it. A dead letter
whose case the trail knows is acknowledged in that case's court (another court gets 404, as
everywhere); one whose case is unknown, in any.

Neither table is a projection of the log: a rebuild leaves both alone.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from services.supervision.trail.chain import escape
from shared.auth import Principal
from shared.envelope import ID_MAX, SHANGHAI
from shared.errors import Conflict, NotFound, in_court

MAX_LISTED = 50
_CASE_ID_MAX = 200  # characters of a key shown as the case id

_SELECT = """
SELECT d.id, d.topic, d.partition, d.kafka_offset, d.event_id::text AS event_id, d.event_type, d.case_id,
       d.kafka_key, d.error, d.attempts, d.created_at,
       a.officer_id, a.officer_name, a.officer_roles, a.court AS officer_court, a.reason, a.acknowledged_at
FROM dead_letters d LEFT JOIN dead_letter_acknowledgements a ON a.dead_letter_id = d.id
"""
_OPEN = "a.dead_letter_id IS NULL"


def case_of(row: Any) -> str | None:
    """The case a dead letter belongs to: its envelope's case id, else its Kafka key (the case id,
    by the log's contract) when that is text, else None."""
    if row["case_id"]:
        return str(row["case_id"])
    key = row["kafka_key"]
    if not key:
        return None
    try:
        text = bytes(key).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if len(text) <= _CASE_ID_MAX else text[:_CASE_ID_MAX] + "…"


def where(row: Any) -> dict[str, Any]:
    """Where a dead letter was in the log, and which case's trail may miss it: what readiness shows."""
    return {
        "id": row["id"],
        "topic": row["topic"],
        "partition": row["partition"],
        "offset": row["kafka_offset"],
        "case_id": case_of(row),
    }


def described(row: Any) -> dict[str, Any]:
    """A dead letter as watchers and administrators read it: where, what, why, and its acknowledgement."""
    out = where(row)
    out.update(
        kind="envelope" if row["event_id"] else "not_an_envelope",
        what="事件未能记入轨迹" if row["event_id"] else "不是符合约定的事件信封，未能记入轨迹",
        event_id=row["event_id"],
        event_type=row["event_type"],
        error=(row["error"] or "")[:500],
        attempts=row["attempts"],
        dead_lettered_at=row["created_at"],
        acknowledgement=None,
    )
    if row["acknowledged_at"] is not None:
        out["acknowledgement"] = {
            "officer_id": row["officer_id"],
            "officer_name": row["officer_name"],
            "roles": list(row["officer_roles"]),
            "court": row["officer_court"],
            "reason": row["reason"],
            "acknowledged_at": row["acknowledged_at"],
        }
    return out


async def open_count(conn: asyncpg.Connection | asyncpg.Pool) -> int:
    """How many dead letters nobody has acknowledged yet."""
    count = await conn.fetchval(
        "SELECT count(*) FROM dead_letters d WHERE NOT EXISTS"
        " (SELECT 1 FROM dead_letter_acknowledgements a WHERE a.dead_letter_id = d.id)"
    )
    return int(count or 0)


async def listed(
    conn: asyncpg.Connection | asyncpg.Pool, *, state: str = "open", limit: int = MAX_LISTED
) -> list[Any]:
    """Dead letters in the order they came (``state``: open, acknowledged or all), as rows."""
    condition = {"open": f" WHERE {_OPEN}", "acknowledged": f" WHERE NOT ({_OPEN})", "all": ""}[state]
    return list(await conn.fetch(f"{_SELECT}{condition} ORDER BY d.id LIMIT {int(limit)}"))


async def court_of(conn: asyncpg.Connection, row: Any) -> str | None:
    """The court of a dead letter's case when the trail knows the case (that of its registration,
    else of its first event), else None."""
    case_id = row["case_id"]
    if not case_id and row["kafka_key"]:
        case_id = bytes(row["kafka_key"]).decode("utf-8", "replace")
    if not case_id or len(case_id) > ID_MAX:
        return None
    court: str | None = await conn.fetchval(
        "SELECT court FROM audit_trail WHERE case_id = $1"
        " ORDER BY (event_type = 'intake.case_registered') DESC, seq LIMIT 1",
        escape(case_id),
    )
    return court


async def acknowledge(pool: asyncpg.Pool, dead_letter_id: int, officer: Principal, reason: str) -> dict[str, Any]:
    """Record that ``officer`` investigated a dead letter, and why it may be set aside; once. One of
    a case in another court's trail is answered as one that does not exist."""
    async with pool.acquire() as conn, conn.transaction():
        found = await conn.fetchrow(
            "SELECT case_id, kafka_key FROM dead_letters WHERE id = $1 FOR UPDATE", dead_letter_id
        )
        if found is None or not in_court(officer.court, await court_of(conn, found)):
            raise NotFound("没有该死信", code="dead_letter_not_found")
        recorded = await conn.fetchval(
            "INSERT INTO dead_letter_acknowledgements (dead_letter_id, officer_id, officer_name, officer_roles, court,"
            " reason) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dead_letter_id) DO NOTHING RETURNING true",
            dead_letter_id,
            officer.officer_id,
            officer.name,
            sorted(officer.roles),
            officer.court,
            reason,
        )
        row = await conn.fetchrow(f"{_SELECT} WHERE d.id = $1", dead_letter_id)
    out = described(row)
    if not recorded:
        ack = out["acknowledgement"]
        when = ack["acknowledged_at"].astimezone(SHANGHAI)
        raise Conflict(
            f"该死信已于 {when:%Y-%m-%d %H:%M} 由 {ack['officer_name']}（{ack['officer_id']}）确认",
            code="dead_letter_already_acknowledged",
        )
    return out
