"""The ``indicator_facts`` table (migration 0008): each case's indicator inputs (figures.CaseFacts), kept
as the trail is written, and the 质效指标 counted from it by PostgreSQL.

Written by ``trail/checks.py`` with the case's findings and deadlines — the live reaction per batch
(``upsert``), the rebuild's checks pass (COPY of ``row_of``) — and once from the trail for a database
that had a trail before the table (``backfill``). Read by the indicator routes: ``tallies`` counts a
court's figures per track, group and closure type (``figures.Tally``: the same sums as
``figures.tally`` over the same facts, tests/supervision/test_http_indicator_store.py), ``load`` gives the
facts themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg
import orjson
import structlog

from services.supervision.domain.deadlines import escalation_level
from services.supervision.domain.entries import Entry
from services.supervision.indicators import figures as ind
from services.supervision.indicators.agencies import QueryPair
from services.supervision.indicators.figures import CaseFacts, Period, Tally

COLUMNS = (
    "case_id",
    "court",
    "case_type",
    "track",
    "team_id",
    "judge_id",
    "registered_on",
    "claim_fen",
    "recovered_fen",
    "settlement_performed",
    "closure_type",
    "closed_on",
    "approved_by",
    "conditions",
    "close_due",
    "zhongben_finding",
)
_CONDITIONS = COLUMNS.index("conditions")
_TYPES = ("text", "text", "text", "text", "text", "text", "date", "numeric", "numeric", "bool", "text", "date",
          "text", "text", "date", "bool")
_UPDATED = [c for c in COLUMNS if c != "case_id"]

# Findings only grow (the live projection keeps every finding ever raised), so a case once found
# against 互相制约-6 stays so here too, as it does in ``findings``.
_UPSERT = (
    "INSERT INTO {schema}.indicator_facts (" + ", ".join(COLUMNS) + ") SELECT "
    + ", ".join(f"{c}::jsonb" if c == "conditions" else c for c in COLUMNS)
    + " FROM unnest(" + ", ".join(f"${i}::{t}[]" for i, t in enumerate(_TYPES, 1)) + ") AS f("
    + ", ".join(COLUMNS) + ") ON CONFLICT (case_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in _UPDATED if c != "zhongben_finding")
    + ", zhongben_finding = indicator_facts.zhongben_finding OR EXCLUDED.zhongben_finding"
    + " WHERE (" + ", ".join(f"indicator_facts.{c}" for c in _UPDATED) + ") IS DISTINCT FROM ("
    + ", ".join(f"EXCLUDED.{c}" for c in _UPDATED) + ")"
)


def row_of(court: str, facts: CaseFacts) -> tuple[Any, ...]:
    """The table's row of a case's facts (``COLUMNS``)."""
    return (facts.case_id, court, facts.case_type, facts.track, facts.team_id, facts.judge_id, facts.registered_on,
            facts.claim_fen, facts.recovered_fen, facts.settlement_performed, facts.closure_type, facts.closed_on,
            facts.approved_by, facts.conditions, facts.close_due, facts.zhongben_finding)


def facts_of(row: Any) -> CaseFacts:
    """A row of the table (all its columns or some: the others at their defaults) as the facts it holds."""
    fields = dict(row)
    fields.pop("court", None)
    for money in ("claim_fen", "recovered_fen"):
        if money in fields:
            fields[money] = _int(fields[money])
    if "conditions" in fields:
        fields["conditions"] = list(fields["conditions"]) if isinstance(fields["conditions"], list) else []
    return CaseFacts(**fields)


def _int(value: Decimal | int | None) -> int:
    return int(value or 0)


async def upsert(conn: asyncpg.Connection, schema: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """The rows written where they changed (inside the caller's transaction)."""
    if not rows:
        return
    columns = [list(col) for col in zip(*rows, strict=True)]
    columns[_CONDITIONS] = [orjson.dumps(v).decode() for v in columns[_CONDITIONS]]
    await conn.execute(_UPSERT.format(schema=schema), *columns)


async def load(conn: asyncpg.Connection, court: str, *, period: Period | None = None,
               closed_only: bool = False, columns: Sequence[str] = COLUMNS) -> list[CaseFacts]:
    """The court's facts in case order; with ``period``, only the cases closed in it or (unless
    ``closed_only``) registered by its end; with ``columns``, only those fields read (the others
    left at their defaults)."""
    assert set(columns) <= set(COLUMNS)
    sql = f"SELECT {', '.join(columns)} FROM indicator_facts WHERE court = $1"
    args: list[Any] = [court]
    if period is not None:
        args += [period.start, period.end]
        closed = "closed_on BETWEEN $2 AND $3"
        sql += f" AND ({closed})" if closed_only else f" AND ({closed} OR registered_on <= $3)"
    return [facts_of(r) for r in await conn.fetch(sql + " ORDER BY case_id", *args)]


# One row per (enforcement or not, track, group key, closure type) with every sum of ``figures.Tally``;
# ``c``: closed in the period. The same definitions as ``figures.tally`` (tested side by side).
_IMPLEMENTATION = ", ".join(f"'{t}'" for t in sorted(ind.IMPLEMENTATION_TYPES))
_NOT_ENFORCEMENT = ", ".join(f"'{t}'" for t in sorted(ind.NOT_ENFORCEMENT))
_TALLIES = f"""
SELECT enforcement, track, {{key}} AS key, closure_type,
  count(*) FILTER (WHERE registered_on < $2 AND (closed_on IS NULL OR closed_on >= $2)) AS received_old,
  count(*) FILTER (WHERE registered_on BETWEEN $2 AND $3) AS received_new,
  count(*) FILTER (WHERE c) AS closed,
  count(*) FILTER (WHERE registered_on <= $3 AND (closed_on IS NULL OR closed_on > $3)) AS pending,
  coalesce(sum(claim_fen) FILTER (WHERE c), 0) AS claimed_fen,
  coalesce(sum(least(recovered_fen, claim_fen)) FILTER (WHERE c), 0) AS recovered_fen,
  count(*) FILTER (WHERE c AND case_type IN ({_IMPLEMENTATION})) AS implementation_closed,
  count(*) FILTER (WHERE c AND case_type IN ({_IMPLEMENTATION}) AND closure_type = '{ind.PAID}')
    AS implementation_paid,
  count(*) FILTER (WHERE c AND (closure_type = '{ind.PAID}' OR (closure_type = '{ind.TERMINATED}'
    AND (settlement_performed OR recovered_fen > 0)))) AS actually_executed,
  coalesce(sum(closed_on - registered_on) FILTER (WHERE c AND registered_on IS NOT NULL), 0) AS days_total,
  count(*) FILTER (WHERE c AND registered_on IS NOT NULL) AS days_cases,
  count(*) FILTER (WHERE c AND (close_due IS NULL OR closed_on <= close_due)) AS within_limit,
  count(*) FILTER (WHERE c AND closure_type = '{ind.ZHONGBEN}') AS zhongben,
  count(*) FILTER (WHERE c AND closure_type = '{ind.ZHONGBEN}' AND NOT zhongben_finding) AS zhongben_qualified
FROM (SELECT *, closed_on BETWEEN $2 AND $3 AS c,
             case_type IS NULL OR case_type NOT IN ({_NOT_ENFORCEMENT}) AS enforcement
      FROM indicator_facts WHERE court = $1{{where}}) f
GROUP BY 1, 2, 3, 4
"""
_FILTERS = ("track", "team_id", "judge_id")


async def tallies(conn: asyncpg.Connection | asyncpg.Pool, court: str, period: Period, *,
                  group_by: str | None = None, **filters: str | None) -> list[tuple[str | None, str | None, Tally]]:
    """(track, group key, tally) of the court's cases matching ``filters`` (track, team_id, judge_id),
    per track and — with ``group_by`` (track, team, judge) — per group; a group of objection cases only
    comes with an empty tally (it is listed, as ``figures.grouped`` lists it)."""
    args: list[Any] = [court, period.start, period.end]
    where = ""
    for name in _FILTERS:
        value = filters.get(name)
        if value:
            args.append(value)
            where += f" AND {name} = ${len(args)}"
    key = ind.GROUPS[group_by] if group_by else "NULL::text"
    out = []
    for r in await conn.fetch(_TALLIES.format(key=key, where=where), *args):
        t = Tally()
        if r["enforcement"]:
            for name in ind.TALLY_SUMS:
                setattr(t, name, int(r[name]))
            if r["closed"]:
                t.closed_by_type = {r["closure_type"] or "未知": int(r["closed"])}
        out.append((r["track"], r["key"], t))
    return out


def assemble(rows: Iterable[tuple[str | None, str | None, Tally]], group_by: str | None
             ) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]] | None]:
    """Totals, tracks and (with ``group_by``) groups of /indicators from ``tallies``' rows: the same as
    ``figures.indicators``, ``figures.tracks`` and ``figures.grouped`` over the same facts."""
    total = Tally()
    by_track = {t: Tally() for t in ind.TRACKS}
    groups: dict[str, Tally] = {}
    for track, key, t in rows:
        total += t
        by_track[ind.bucket(track)] += t
        if group_by:
            groups.setdefault(key or "未分配", Tally())
            groups[key or "未分配"] += t
    listed = [{group_by: k, **ind.figures_of(groups[k])} for k in sorted(groups)] if group_by else None
    return ind.figures_of(total), ind.track_figures(by_track, total.closed), listed


async def backfill_facts(rt: Any) -> None:
    """Start-up hook: ``backfill`` when migration 0008 left it pending (one process does it)."""
    async with rt.pool.acquire() as conn:
        cases = await backfill(conn)
    if cases:
        structlog.get_logger("supervision").info("indicator_facts_backfilled", cases=cases)


async def backfill(conn: asyncpg.Connection) -> int:
    """Once (migration 0008's pending row): every case's facts folded from the trail as it stands,
    with its close-by date and 互相制约-6 findings, for a database whose trail predates the table.
    Holds the projection lock exclusively meanwhile (the live reaction waits); the number of cases."""
    from services.supervision.trail.record import PROJECTION_LOCK

    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", PROJECTION_LOCK)
        if await conn.fetchval("DELETE FROM pending_backfills WHERE name = 'indicator_facts' RETURNING 1") is None:
            return 0
        closing = await conn.fetch("SELECT case_id, due FROM deadlines WHERE key = 'close'")
        due = {r["case_id"]: r["due"] for r in closing}
        rules: dict[str, list[str]] = {}
        for r in await conn.fetch("SELECT DISTINCT case_id, rule_id FROM findings"):
            rules.setdefault(r["case_id"], []).append(r["rule_id"])
        rows: list[tuple[Any, ...]] = []
        count = 0
        case: list[Any] = []
        court = ""

        async def flush() -> None:
            nonlocal rows
            await upsert(conn, "public", rows)
            rows = []

        def fold() -> None:
            nonlocal count
            f = ind.case_facts(case, due.get(case[0].case_id), rules.get(case[0].case_id, ()))
            if f is not None:
                rows.append(row_of(court, f))
                count += 1

        cursor = await conn.cursor(
            "SELECT case_id, seq, event_type, occurred_at, payload, court FROM audit_trail"
            f" WHERE event_type IN ({', '.join(repr(t) for t in ind.FACT_EVENTS)}) ORDER BY case_id, seq"
        )
        while chunk := await cursor.fetch(5000):
            for r in chunk:
                entry = Entry(r[1], "", r[2], r[3], "", "", None, r[4], None, r[0])
                if case and case[-1].case_id != entry.case_id:
                    fold()
                    case = []
                if not case or entry.event_type == "intake.case_registered":
                    court = r[5]
                case.append(entry)
            if len(rows) >= 5000:
                await flush()
        if case:
            fold()
        await flush()
        return count


# The open deadlines past due (``figures.overdue``'s input, as the route selects it) counted by
# PostgreSQL in one scan: distinct cases per node, team and judge, and each case's most days overdue
# (grouping sets per case; GROUPING(node, team, judge) is 3, 5, 6 and 7 for the four). 1.3 s over
# 400,000 open overdue rows vs 1.7 s for count(DISTINCT) per dimension (a synthetic 1 M-row table).
_OVERDUE = """
WITH g AS (
  SELECT GROUPING(node, team, judge) AS gs, node, team, judge, max(days) AS days, min(title) AS title
  FROM (SELECT case_id, node, coalesce(nullif(title, ''), node) AS title,
               coalesce(nullif(team_id, ''), '未分配') AS team, coalesce(nullif(judge_id, ''), '未分配') AS judge,
               $2::date - due AS days
        FROM deadlines WHERE court = $1 AND due < $2 AND {where}) o
  GROUP BY GROUPING SETS ((case_id, node), (case_id, team), (case_id, judge), (case_id)))
SELECT CASE gs WHEN 3 THEN 'node' WHEN 5 THEN 'team' WHEN 6 THEN 'judge' ELSE 'days' END AS dim,
       CASE gs WHEN 3 THEN node WHEN 5 THEN team WHEN 6 THEN judge ELSE days::text END AS key,
       min(title) AS title, count(*) AS n
FROM g GROUP BY 1, 2
"""


async def overdue(conn: asyncpg.Connection | asyncpg.Pool, court: str, today: date, open_on: Sequence[str],
                  thresholds: Sequence[int], **filters: str | None) -> dict[str, Any]:
    """``figures.overdue`` of the court's deadlines past due on ``today`` that ``open_on`` (SQL
    conditions on ``$2``, today) selects, with the filters of /indicators (track: as ``indicator_facts``
    records the case's)."""
    args: list[Any] = [court, today]
    where = list(open_on)
    for name in ("team_id", "judge_id"):
        if filters.get(name):
            args.append(filters[name])
            where.append(f"{name} = ${len(args)}")
    if filters.get("track"):
        args.append(filters["track"])
        where.append(f"case_id IN (SELECT case_id FROM indicator_facts WHERE court = $1 AND track = ${len(args)})")
    nodes: list[dict[str, Any]] = []
    teams: list[dict[str, Any]] = []
    judges: list[dict[str, Any]] = []
    by_level = {str(level): 0 for level in range(1, len(thresholds) + 1)}
    cases = 0
    for r in await conn.fetch(_OVERDUE.format(where=" AND ".join(where)), *args):
        if r["dim"] == "node":
            nodes.append({"node": r["key"], "cases": r["n"], "title": r["title"]})
        elif r["dim"] == "team":
            teams.append({"team_id": r["key"], "cases": r["n"]})
        elif r["dim"] == "judge":
            judges.append({"judge_id": r["key"], "cases": r["n"]})
        else:
            level = str(escalation_level(int(r["key"]), thresholds))
            by_level[level] = by_level.get(level, 0) + r["n"]
            cases += r["n"]
    return {
        "as_of": today.isoformat(),
        "cases": cases,
        "by_node": sorted(nodes, key=lambda i: (-i["cases"], i["node"])),
        "by_team": sorted(teams, key=lambda i: (-i["cases"], i["team_id"])),
        "by_judge": sorted(judges, key=lambda i: (-i["cases"], i["judge_id"])),
        "by_level": by_level,
    }


# Each query's first dispatch and first answer of the court (``agencies.query_pairs``: a query id as
# ``Entry.text`` reads it, first in log order), the dispatches on days of the period only, in log order.
_QUERY_PAIRS = """
WITH d AS (
  SELECT DISTINCT ON (q) q, agency, kind, occurred_at, case_id, seq
  FROM (SELECT nullif(payload->>'query_id', '') AS q, coalesce(nullif(payload->>'agency_id', ''), '?') AS agency,
               nullif(payload->>'agency_kind', '') AS kind, occurred_at, case_id, seq
        FROM audit_trail WHERE court = $1 AND event_type = 'asset_search.query_dispatched') x
  WHERE q IS NOT NULL ORDER BY q, case_id, seq),
a AS (
  SELECT DISTINCT ON (q) q, occurred_at, late, importer
  FROM (SELECT nullif(payload->>'query_id', '') AS q, occurred_at, payload->'late' = 'true'::jsonb AS late,
               actor_role = 'importer' AS importer, case_id, seq
        FROM audit_trail WHERE court = $1 AND event_type = 'asset_search.agency_answered') y
  WHERE q IS NOT NULL ORDER BY q, case_id, seq)
SELECT d.agency, d.kind, d.occurred_at AS dispatched_at, a.occurred_at AS answered_at,
       coalesce(a.late, false) AS late, coalesce(a.importer, false) AS importer
FROM d LEFT JOIN a USING (q)
WHERE (d.occurred_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN $2 AND $3
ORDER BY d.case_id, d.seq
"""


async def query_pairs(conn: asyncpg.Connection | asyncpg.Pool, court: str, period: Period) -> list[QueryPair]:
    """The court's queries dispatched on a day of ``period``, each with its first answer."""
    return [QueryPair(r[0], r[1], r[2], r[3], r[4], r[5])
            for r in await conn.fetch(_QUERY_PAIRS, court, period.start, period.end)]
