"""The swap's locked part, inside the caller's transaction: the projection lock taken exclusively
(live writers take it shared, so none is in flight after it) and the offsets the live consumer has
applied (``lock_live``); then, once the rebuilt side has caught up with those, the live side verified
and digested, the two compared, and the shadow tables moved into ``public`` in place of the live
ones, which are dropped (``swap_in``). Nothing is notified or published.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from services.supervision.rebuild.pipeline import SHADOW, RebuildAborted
from services.supervision.rebuild.verify import Report, verify
from services.supervision.trail.record import PROJECTION_LOCK

RETIRED = "supervision_retired"
TABLES = ("audit_trail", "case_heads", "findings", "deadlines", "indicator_facts")


async def lock_live(conn: asyncpg.Connection, topic: str, partitions: Sequence[int]) -> dict[int, int]:
    """The projection lock, exclusively, and the offset of the last event the live consumer applied
    in each partition (-1: none yet)."""
    await conn.execute("SET LOCAL lock_timeout = '30s'")
    await conn.execute("SELECT pg_advisory_xact_lock($1)", PROJECTION_LOCK)
    live: dict[int, int] = {}
    for partition in partitions:
        last = await conn.fetchval(
            "SELECT max(kafka_offset) FROM inbox WHERE topic = $1 AND partition = $2", topic, partition
        )
        live[partition] = -1 if last is None else last
    return live


async def swap_in(conn: asyncpg.Connection, rebuilt: Report, require_identical: bool) -> dict[str, Any]:
    """The rebuilt tables in place of the live ones, given ``rebuilt``, the rebuilt side's report as
    it stands; the report of both sides. Raises RebuildAborted (nothing moved) when the rebuilt side
    failed its checks, or, with ``require_identical``, its digests differ from the live side's."""
    current = await verify(conn, "public")
    identical = rebuilt.digests == current.digests
    report = {
        "events": rebuilt.events,
        "cases": rebuilt.cases,
        "rebuilt": rebuilt.to_json(),
        "live": current.to_json(),
        "identical": identical,
    }
    if not rebuilt.ok:
        raise RebuildAborted(f"重建结果校验失败：{rebuilt.to_json()}")
    if require_identical and not identical:
        raise RebuildAborted(
            f"重建结果与实时投影不一致：{rebuilt.digests} ≠ {current.digests}；{await differing_findings(conn)}")
    await conn.execute(f"DROP SCHEMA IF EXISTS {RETIRED} CASCADE")
    await conn.execute(f"CREATE SCHEMA {RETIRED}")
    for table in TABLES:
        await conn.execute(f"ALTER TABLE public.{table} SET SCHEMA {RETIRED}")
        await conn.execute(f"ALTER TABLE {SHADOW}.{table} SET SCHEMA public")
    await conn.execute(f"DROP SCHEMA {RETIRED} CASCADE")
    return report


async def differing_findings(conn: asyncpg.Connection, limit: int = 5) -> str:
    """Which findings the two sides disagree on (the first few), so that an operator sees why."""
    columns = "finding_id, rule_id, rule_version, case_id, message"
    only = "(SELECT {side} AS side, {c} FROM {a}.findings EXCEPT SELECT {side}, {c} FROM {b}.findings)"
    rows = await conn.fetch(
        only.format(side="'仅重建'", c=columns, a=SHADOW, b="public") + " UNION ALL "
        + only.format(side="'仅实时'", c=columns, a="public", b=SHADOW)
        + f" ORDER BY side, finding_id LIMIT {int(limit)}"
    )
    if not rows:
        return "检查发现相同"
    return "检查发现不同：" + "; ".join(
        f"{r['side']} {r['rule_id']}@{r['rule_version']} 案件 {r['case_id']}：{r['message'][:120]}" for r in rows)
