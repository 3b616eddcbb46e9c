"""Verify a trail projection: streams contiguous, hash chains intact, and one digest of it all; for
the live one, also the dead letters nobody has acknowledged (each a possible hole in the trail).

Everything is read through server-side cursors or COPY, so memory stays flat however long the
history. ``ChainCheck`` takes the trail's rows in case order and checks the chains and heads (the
rebuild feeds it from the pass that also re-checks each case). The digests are of PostgreSQL's own
text form of each table's rows in a fixed order (COPY, with the output settings pinned): those
bytes are only hashed, never made into Python objects, and the server can write them while the
chains are checked on another connection.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from services.supervision.indicators.store import COLUMNS as FACT_COLUMNS
from services.supervision.trail.chain import GENESIS, TRAIL_COLUMNS, canonical_of_row
from services.supervision.trail.dead_letters import described, listed

MAX_LISTED = 50


@dataclass
class Report:
    events: int = 0
    cases: int = 0
    broken_streams: list[dict[str, Any]] = field(default_factory=list)
    broken_chains: list[dict[str, Any]] = field(default_factory=list)
    # Messages the live consumer could not record and nobody has acknowledged: the trail may miss them.
    dead_letters: list[dict[str, Any]] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.broken_streams and not self.broken_chains and not self.dead_letters

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events": self.events,
            "cases": self.cases,
            "broken_streams": self.broken_streams,
            "broken_chains": self.broken_chains,
            "dead_letters": self.dead_letters,
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


def trail_query(schema: str, where: str = "") -> str:
    """Every trail row (TRAIL_COLUMNS, then its case's head seq and hash) in case order; ``where``:
    a condition on ``t``, the trail."""
    columns = ", ".join(f"t.{c}" for c in TRAIL_COLUMNS)
    return (
        f"SELECT {columns}, h.last_seq AS head_seq, h.last_hash AS head_hash FROM {schema}.audit_trail t"
        f" LEFT JOIN {schema}.case_heads h ON h.case_id = t.case_id{f' WHERE {where}' if where else ''}"
        " ORDER BY t.case_id, t.seq"
    )


_N = len(TRAIL_COLUMNS)
_CASE, _SEQ, _PREV, _HASH = (TRAIL_COLUMNS.index(c) for c in ("case_id", "seq", "prev_hash", "hash"))


class ChainCheck:
    """Walks ``trail_query`` rows: each case's chain recomputed from its recorded envelopes and
    compared with the stored hashes and head, and counted."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.case: str | None = None
        self.prev = GENESIS
        self.seq = 0
        self.head: tuple[int, bytes] = (0, b"")

    def rows(self, rows: Sequence[Any]) -> None:
        report = self.report
        for row in rows:
            if row[_CASE] != self.case:
                self._close_case()
                self.case, self.prev, self.seq = row[_CASE], GENESIS, 0
                self.head = (row[_N] or 0, bytes(row[_N + 1] or b""))
                report.cases += 1
            report.events += 1
            self.seq += 1
            stored_prev, stored = bytes(row[_PREV]), bytes(row[_HASH])
            if row[_SEQ] != self.seq:
                _broken(report, self.case, row[_SEQ], f"序号不连续（应为 {self.seq}）")
                self.seq = row[_SEQ]
            if stored_prev != self.prev or hashlib.sha256(self.prev + canonical_of_row(row)).digest() != stored:
                _broken(report, self.case, row[_SEQ], "哈希链断裂：事件内容或顺序被改动")
            self.prev = stored

    def _close_case(self) -> None:
        if self.case is not None and self.head != (self.seq, self.prev):
            _broken(self.report, self.case, self.seq, "案件头部与轨迹末尾不一致")

    def finish(self) -> None:
        """After the last row."""
        self._close_case()
        self.case = None


async def check_orphans(conn: asyncpg.Connection, schema: str, report: Report) -> None:
    """Heads without any trail row."""
    orphans = await conn.fetch(
        f"SELECT case_id FROM {schema}.case_heads h WHERE NOT EXISTS"
        f" (SELECT 1 FROM {schema}.audit_trail t WHERE t.case_id = h.case_id) LIMIT {MAX_LISTED}"
    )
    for r in orphans:
        _broken(report, r["case_id"], 0, "案件头部存在但轨迹为空")


async def check_chains(conn: asyncpg.Connection, schema: str, report: Report) -> None:
    """Recompute every case's chain from its recorded envelopes; compare with the stored hashes
    (inside the caller's transaction)."""
    check = ChainCheck(report)
    cursor = conn.cursor(trail_query(schema), prefetch=2000)
    batch: list[Any] = []
    async for row in cursor:
        batch.append(row)
        if len(batch) == 2000:
            check.rows(batch)
            batch.clear()
    check.rows(batch)
    check.finish()
    await check_orphans(conn, schema, report)


def _broken(report: Report, case_id: str | None, seq: int, reason: str) -> None:
    if len(report.broken_chains) < MAX_LISTED:
        report.broken_chains.append({"case_id": case_id, "seq": seq, "reason": reason})


# Every column: a row altered without fixing its hash must change the digest too.
DIGEST_QUERIES = {
    "trail": f"SELECT {', '.join(TRAIL_COLUMNS)} FROM {{schema}}.audit_trail ORDER BY case_id, seq",
    "findings": "SELECT finding_id, rule_id, rule_version, case_id, court, people, event_ids, message,"
    " raised_at FROM {schema}.findings ORDER BY finding_id",
    "deadlines": "SELECT case_id, key, node, court, judge_id, team_id, title, source, start_date, start_event_id,"
    " due, completed_on, completed_event_id, explanation, fallback_calendar, paused"
    " FROM {schema}.deadlines ORDER BY case_id, key",
    "facts": f"SELECT {', '.join(FACT_COLUMNS)} FROM {{schema}}.indicator_facts ORDER BY case_id",
}
# PostgreSQL's text output depends on these: pinned, so a digest does not depend on the session.
_OUTPUT_SETTINGS = (
    "SET LOCAL DateStyle = 'ISO, YMD'",
    "SET LOCAL TimeZone = 'UTC'",
    "SET LOCAL extra_float_digits = 1",
)


async def digest_table(conn: asyncpg.Connection, sql: str) -> str:
    """sha256 (hex) of a query's rows in COPY text form (inside the caller's transaction)."""
    for setting in _OUTPUT_SETTINGS:
        await conn.execute(setting)
    h = hashlib.sha256()

    async def sink(data: bytes) -> None:
        h.update(data)

    await conn.copy_from_query(sql, output=sink)
    return h.hexdigest()


async def digests(
    conn: asyncpg.Connection, schema: str, parts: Sequence[str] = tuple(DIGEST_QUERIES)
) -> dict[str, str]:
    """sha256 of each table's rows (inside the caller's transaction)."""
    return {part: await digest_table(conn, DIGEST_QUERIES[part].format(schema=schema)) for part in parts}


def with_total(parts: dict[str, str]) -> dict[str, str]:
    """The digests of the trail, the findings, the deadline states and the indicator facts, and one of all."""
    total = hashlib.sha256()
    for part in DIGEST_QUERIES:
        total.update(parts[part].encode())
    return {**{part: parts[part] for part in DIGEST_QUERIES}, "all": total.hexdigest()}


async def digest(conn: asyncpg.Connection, schema: str) -> dict[str, str]:
    """sha256 of the trail, the findings, the deadline states and the indicator facts (each, and all together)."""
    async with _transaction(conn):
        return with_total(await digests(conn, schema))


async def verify(conn: asyncpg.Connection, schema: str = "public", *, dead_letters: bool = False) -> Report:
    """Streams, chains and digests of a projection; with ``dead_letters`` (the live one, as an
    administrator asks), also every dead letter nobody has acknowledged: a possible hole."""
    async with _transaction(conn):
        report = Report()
        if dead_letters:
            report.dead_letters = [described(r) for r in await listed(conn, limit=MAX_LISTED)]
        report.broken_streams = await check_streams(conn, schema)
        await check_chains(conn, schema, report)
        report.digests = with_total(await digests(conn, schema))
        return report


def _transaction(conn: asyncpg.Connection) -> contextlib.AbstractAsyncContextManager[Any]:
    """The caller's transaction, or a read-only one (cursors and SET LOCAL need one)."""
    return contextlib.nullcontext() if conn.is_in_transaction() else conn.transaction(readonly=True)
