"""Verify a trail projection: streams contiguous, hash chains intact, and one digest of it all.

Everything is read through server-side cursors, so memory stays flat however long the history.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import orjson

from services.supervision.trail import GENESIS, TRAIL_COLUMNS, chain_hash, envelope_from_row

MAX_LISTED = 50


@dataclass
class Report:
    events: int = 0
    cases: int = 0
    broken_streams: list[dict[str, Any]] = field(default_factory=list)
    broken_chains: list[dict[str, Any]] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.broken_streams and not self.broken_chains

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events": self.events,
            "cases": self.cases,
            "broken_streams": self.broken_streams,
            "broken_chains": self.broken_chains,
            "digests": self.digests,
        }


async def check_streams(conn: asyncpg.Connection, schema: str) -> list[dict[str, Any]]:
    """Streams whose versions in the trail are not exactly 1..n."""
    rows = await conn.fetch(
        f"SELECT stream_id, min(stream_version) AS first, max(stream_version) AS last, count(*) AS events,"
        f" count(DISTINCT stream_version) AS distinct_versions FROM {schema}.audit_trail GROUP BY stream_id"
        f" HAVING min(stream_version) <> 1 OR max(stream_version) <> count(*)"
        f" OR count(DISTINCT stream_version) <> count(*) ORDER BY stream_id LIMIT {MAX_LISTED}"
    )
    return [dict(r) for r in rows]


async def _rows(conn: asyncpg.Connection, sql: str, prefetch: int = 1000) -> AsyncIterator[asyncpg.Record]:
    """Rows through a server-side cursor (in the caller's transaction, or a read-only one)."""
    if conn.is_in_transaction():
        async for row in conn.cursor(sql, prefetch=prefetch):
            yield row
        return
    async with conn.transaction(readonly=True):
        async for row in conn.cursor(sql, prefetch=prefetch):
            yield row


async def check_chains(conn: asyncpg.Connection, schema: str, report: Report) -> None:
    """Recompute every case's chain from its recorded envelopes; compare with the stored hashes."""
    case: str | None = None
    prev, seq, head = GENESIS, 0, (0, b"")

    def close_case() -> None:
        if case is not None and head != (seq, prev):
            _broken(report, case, seq, "案件头部与轨迹末尾不一致")

    sql = (
        f"SELECT t.*, h.last_seq AS head_seq, h.last_hash AS head_hash FROM {schema}.audit_trail t"
        f" LEFT JOIN {schema}.case_heads h USING (case_id) ORDER BY t.case_id, t.seq"
    )
    async for row in _rows(conn, sql):
        if row["case_id"] != case:
            close_case()
            case, prev, seq = row["case_id"], GENESIS, 0
            head = (row["head_seq"] or 0, bytes(row["head_hash"] or b""))
            report.cases += 1
        report.events += 1
        seq += 1
        stored_prev, stored = bytes(row["prev_hash"]), bytes(row["hash"])
        if row["seq"] != seq:
            _broken(report, case, row["seq"], f"序号不连续（应为 {seq}）")
            seq = row["seq"]
        if stored_prev != prev or chain_hash(prev, envelope_from_row(row)) != stored:
            _broken(report, case, row["seq"], "哈希链断裂：事件内容或顺序被改动")
        prev = stored
    close_case()
    orphans = await conn.fetch(
        f"SELECT case_id FROM {schema}.case_heads h WHERE NOT EXISTS"
        f" (SELECT 1 FROM {schema}.audit_trail t WHERE t.case_id = h.case_id) LIMIT {MAX_LISTED}"
    )
    for r in orphans:
        _broken(report, r["case_id"], 0, "案件头部存在但轨迹为空")


def _broken(report: Report, case_id: str | None, seq: int, reason: str) -> None:
    if len(report.broken_chains) < MAX_LISTED:
        report.broken_chains.append({"case_id": case_id, "seq": seq, "reason": reason})


DIGEST_QUERIES = {
    "trail": f"SELECT {', '.join(TRAIL_COLUMNS)} FROM {{schema}}.audit_trail ORDER BY case_id, seq",
    "findings": "SELECT finding_id::text, rule_id, rule_version, case_id, court, people, event_ids, message,"
    " raised_at FROM {schema}.findings ORDER BY finding_id",
    "deadlines": "SELECT case_id, key, node, court, judge_id, team_id, title, source, start_date, start_event_id,"
    " due, completed_on, completed_event_id, explanation, fallback_calendar, paused"
    " FROM {schema}.deadlines ORDER BY case_id, key",
}


async def digest(conn: asyncpg.Connection, schema: str) -> dict[str, str]:
    """sha256 of the trail, the findings and the deadline states (each, and all three together)."""
    out: dict[str, str] = {}
    total = hashlib.sha256()
    for part, sql in DIGEST_QUERIES.items():
        h = hashlib.sha256()
        async for row in _rows(conn, sql.format(schema=schema), prefetch=2000):
            h.update(orjson.dumps(list(row.values()), default=str))
            h.update(b"\n")
        out[part] = h.hexdigest()
        total.update(out[part].encode())
    out["all"] = total.hexdigest()
    return out


async def verify(conn: asyncpg.Connection, schema: str = "public") -> Report:
    report = Report()
    report.broken_streams = await check_streams(conn, schema)
    await check_chains(conn, schema, report)
    report.digests = await digest(conn, schema)
    return report
