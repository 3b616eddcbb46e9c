"""Projections of the checks: findings and deadline states of a case, refreshed from its trail.

Used by the live reaction (after each event), by the rebuild (once per case) and when an
administrator loads a holiday schedule (every case). The same inputs give the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
import orjson

from services.supervision.calendar import HolidayCalendar, YearSchedule
from services.supervision.deadlines import compute
from services.supervision.entries import ENTRY_COLUMNS, Entry, entry_from_row
from services.supervision.ruleset import Context, Finding, check_case
from services.supervision.settings import DeadlineSettings

_INSERT_FINDINGS = """
INSERT INTO {schema}.findings (finding_id, rule_id, rule_version, case_id, court, people, event_ids, message,
                               raised_at)
SELECT f.id, f.rule_id, f.version, $4, $5, string_to_array(f.people, ','), string_to_array(f.events, ','),
       f.message, f.raised_at
FROM unnest($1::uuid[], $2::text[], $3::int[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])
     AS f(id, rule_id, version, people, events, message, raised_at)
ON CONFLICT (finding_id) DO NOTHING
RETURNING finding_id
"""

_INSERT_DEADLINES = """
INSERT INTO {schema}.deadlines (case_id, key, node, court, judge_id, team_id, title, source, start_date,
    start_event_id, due, completed_on, completed_event_id, explanation, fallback_calendar, paused)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
"""


async def load_calendar(conn: asyncpg.Connection) -> HolidayCalendar:
    rows = await conn.fetch("SELECT year, holidays, workdays FROM public.holiday_years")
    return HolidayCalendar.with_years(
        YearSchedule(r["year"], frozenset(r["holidays"]), frozenset(r["workdays"])) for r in rows
    )


async def load_context(conn: asyncpg.Connection, deadlines: DeadlineSettings) -> Context:
    return Context(await load_calendar(conn), deadlines)


async def refresh_case(conn: asyncpg.Connection, schema: str, case_id: str, ctx: Context) -> list[Finding]:
    """Recompute a case's findings (kept: they only grow) and deadlines (replaced). Returns the
    findings not recorded before."""
    # The head row serialises refreshes of one case (live reaction, holiday reload).
    await conn.execute(f"SELECT 1 FROM {schema}.case_heads WHERE case_id = $1 FOR UPDATE", case_id)
    rows = await conn.fetch(
        f"SELECT {ENTRY_COLUMNS}, court FROM {schema}.audit_trail WHERE case_id = $1 ORDER BY seq", case_id
    )
    if not rows:
        return []
    entries = [entry_from_row(r) for r in rows]
    court = next((r["court"] for r in rows if r["event_type"] == "intake.case_registered"), rows[0]["court"])
    findings = check_case(entries, ctx)
    fresh: list[Finding] = []
    if findings:
        when = {e.event_id: e.occurred_at for e in entries}
        inserted = await conn.fetch(
            _INSERT_FINDINGS.format(schema=schema),
            [f.finding_id for f in findings],
            [f.rule_id for f in findings],
            [f.rule_version for f in findings],
            case_id,
            court,
            [",".join(f.people) for f in findings],
            [",".join(f.event_ids) for f in findings],
            [f.message for f in findings],
            [max(when[i] for i in f.event_ids) for f in findings],
        )
        new_ids = {r["finding_id"] for r in inserted}
        fresh = [f for f in findings if f.finding_id in new_ids]
    await _write_deadlines(conn, schema, case_id, court, entries, ctx)
    return fresh


async def _write_deadlines(
    conn: asyncpg.Connection, schema: str, case_id: str, court: str, trail: Sequence[Entry], ctx: Context
) -> None:
    assigned = [e for e in trail if e.event_type == "intake.case_assigned"]
    judge = assigned[-1].text("judge_id") if assigned else None
    team = assigned[-1].text("team_id") if assigned else None
    await conn.execute(f"DELETE FROM {schema}.deadlines WHERE case_id = $1", case_id)
    rows = [
        (
            case_id,
            d.key,
            d.node,
            court,
            judge,
            team,
            d.title,
            d.source,
            d.start,
            d.start_event_id,
            d.due,
            d.completed_on,
            d.completed_event_id,
            orjson.loads(orjson.dumps(d.explanation)),
            d.fallback_calendar,
            d.paused,
        )
        for d in compute(trail, ctx.deadlines, ctx.calendar)
    ]
    if rows:
        await conn.executemany(_INSERT_DEADLINES.format(schema=schema), rows)
