"""Projections of the checks: findings and deadline states of a case, refreshed from its trail.

Used by the live reaction (once per batch, for the cases it touched), by the rebuild (once per
case, streaming the whole trail) and when an administrator loads a holiday schedule (every case).
The same inputs give the same rows: ``check_trail`` is the one pure step all of them share.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import orjson

from services.supervision.domain.calendar import HolidayCalendar, YearSchedule
from services.supervision.domain.entries import ENTRY_COLUMNS, Entry, entry_from_row
from services.supervision.domain.ruleset import Context, Finding
from services.supervision.indicators import store as facts_store
from services.supervision.indicators.figures import case_facts
from services.supervision.settings import DeadlineSettings
from services.supervision.trail.integrity import check_all
from shared.calendar_topic import CalendarYear

FINDING_COLUMNS = (
    "finding_id",
    "rule_id",
    "rule_version",
    "case_id",
    "court",
    "people",
    "event_ids",
    "message",
    "raised_at",
)
DEADLINE_COLUMNS = (
    "case_id",
    "key",
    "node",
    "court",
    "judge_id",
    "team_id",
    "title",
    "source",
    "start_date",
    "start_event_id",
    "due",
    "completed_on",
    "completed_event_id",
    "explanation",
    "fallback_calendar",
    "paused",
)
# What the checks read of a trail: the entries and each event's court.
TRAIL_READ = f"SELECT {ENTRY_COLUMNS}, court FROM {{schema}}.audit_trail"

_INSERT_FINDINGS = """
INSERT INTO {schema}.findings (finding_id, rule_id, rule_version, case_id, court, people, event_ids, message,
                               raised_at)
SELECT f.id, f.rule_id, f.version, f.case_id, f.court, string_to_array(f.people, ','),
       string_to_array(f.events, ','), f.message, f.raised_at
FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
            $9::timestamptz[]) AS f(id, rule_id, version, case_id, court, people, events, message, raised_at)
ON CONFLICT (finding_id) DO NOTHING
RETURNING finding_id
"""

_DEADLINE_TYPES = ("text", "text", "text", "text", "text", "text", "text", "text", "date", "text", "date", "date",
                   "text", "text", "bool", "bool")
_DEADLINE_VALUES = ", ".join("explanation::jsonb" if c == "explanation" else c for c in DEADLINE_COLUMNS)
_DEADLINE_DATA = [c for c in DEADLINE_COLUMNS if c not in ("case_id", "key")]
# A refresh writes only what changed (one statement): rows new or different are upserted, rows of the
# refreshed cases whose key is gone are deleted, the others are left alone — a batch that moves one
# node of a case no longer rewrites its dozen rows (their index entries, their WAL). ``old`` is what
# the table held before the statement (every WITH part sees the same snapshot): the open nodes the
# next-node push compares with.
_WRITE_DEADLINES = (
    "WITH new AS (SELECT " + _DEADLINE_VALUES + " FROM unnest("
    + ", ".join(f"${i}::{t}[]" for i, t in enumerate(_DEADLINE_TYPES, 1)) + ") AS d("
    + ", ".join(DEADLINE_COLUMNS) + ")),"
    " old AS (SELECT {returning} FROM {schema}.deadlines WHERE case_id = ANY($17::text[])"
    " AND completed_on IS NULL AND due IS NOT NULL AND {wanted}),"
    " up AS (INSERT INTO {schema}.deadlines (" + ", ".join(DEADLINE_COLUMNS) + ") SELECT * FROM new"
    " ON CONFLICT (case_id, key) DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in _DEADLINE_DATA)
    + " WHERE (" + ", ".join(f"deadlines.{c}" for c in _DEADLINE_DATA) + ") IS DISTINCT FROM ("
    + ", ".join(f"EXCLUDED.{c}" for c in _DEADLINE_DATA) + ") RETURNING 1),"
    " gone AS (DELETE FROM {schema}.deadlines t WHERE t.case_id = ANY($17::text[])"
    " AND NOT EXISTS (SELECT 1 FROM new n WHERE n.case_id = t.case_id AND n.key = t.key) RETURNING 1)"
    " SELECT * FROM old"
)
_EXPLANATION = DEADLINE_COLUMNS.index("explanation")


@dataclass
class CaseChecks:
    """One case's findings (each id once, in check order) and rows for both projections."""

    findings: list[Finding]
    finding_rows: list[tuple[Any, ...]]  # FINDING_COLUMNS; people and event ids as lists
    deadline_rows: list[tuple[Any, ...]]  # DEADLINE_COLUMNS
    facts_rows: list[tuple[Any, ...]]  # indicator_facts (indicators/store.py COLUMNS): one, or none unregistered


KEY_MAX = 200  # characters of a deadline key kept as such (with the case id it is a B-tree key)


def indexable(key: str) -> str:
    """A deadline's key as stored: as it is, or — when an id in it is too long to index (a hostile
    payload) — its start and a digest of the whole, the same every time."""
    if len(key) <= KEY_MAX:
        return key
    return f"{key[:KEY_MAX - 34]}…#{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()[:32]}"


def _split(joined: str) -> list[str]:
    """``string_to_array(joined, ',')``: how the live projection has always stored the lists."""
    return joined.split(",") if joined else []


def trail_court(event_types: Sequence[str], courts: Sequence[str]) -> str:
    """The case's court: that of its registration, else that of its first event."""
    for event_type, court in zip(event_types, courts, strict=True):
        if event_type == "intake.case_registered":
            return court
    return courts[0]


def check_trail(case_id: str, court: str, entries: Sequence[Entry], ctx: Context) -> CaseChecks:
    """Findings (the 互相制约 rules' and the trail's own) and deadline states of a case from its
    whole trail (entries in log order). Pure."""
    checked, deadlines = check_all(entries, ctx)
    findings: list[Finding] = []
    seen: set[Any] = set()
    for f in checked:
        if f.finding_id not in seen:  # the projection keeps the first of an id
            seen.add(f.finding_id)
            findings.append(f)
    finding_rows: list[tuple[Any, ...]] = []
    if findings:
        when = {e.event_id: e.occurred_at for e in entries}
        finding_rows = [
            (
                f.finding_id,
                f.rule_id,
                f.rule_version,
                case_id,
                court,
                _split(",".join(f.people)),
                _split(",".join(f.event_ids)),
                f.message,
                max(when[i] for i in f.event_ids),
            )
            for f in findings
        ]
    judge = team = None
    for e in reversed(entries):
        if e.event_type == "intake.case_assigned":
            judge, team = e.text("judge_id"), e.text("team_id")
            break
    deadline_rows = [
        (
            case_id,
            indexable(d.key),
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
            d.explanation,
            d.fallback_calendar,
            d.paused,
        )
        for d in deadlines
    ]
    close_due = next((d.due for d in deadlines if d.key == "close"), None)
    facts = case_facts(entries, close_due, (f.rule_id for f in findings))
    facts_rows = [] if facts is None else [facts_store.row_of(court, facts)]
    return CaseChecks(findings, finding_rows, deadline_rows, facts_rows)


def check_rows(case_id: str, rows: Sequence[Any], ctx: Context) -> CaseChecks:
    """``check_trail`` over a case's rows as ``TRAIL_READ`` gives them (in seq order)."""
    court = trail_court([r["event_type"] for r in rows], [r["court"] for r in rows])
    return check_trail(case_id, court, [entry_from_row(r) for r in rows], ctx)


def by_case(rows: Sequence[Any]) -> Iterator[tuple[str, Sequence[Any]]]:
    """Consecutive rows of one case (rows in case order)."""
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i]["case_id"] != rows[start]["case_id"]:
            yield rows[start]["case_id"], rows[start:i]
            start = i


async def load_calendar(conn: asyncpg.Connection) -> HolidayCalendar:
    """The years loaded on the calendar topic (this table is supervision's copy of it, ``save_year``),
    the package otherwise: the court calendar every service counts with."""
    rows = await conn.fetch("SELECT year, holidays, workdays FROM public.holiday_years")
    return HolidayCalendar.with_years(
        YearSchedule(r["year"], frozenset(r["holidays"]), frozenset(r["workdays"])) for r in rows
    )


async def save_year(conn: asyncpg.Connection, year: CalendarYear) -> None:
    """A load from the calendar topic into ``holiday_years`` (every supervision process, at start-up
    and for each new load): the latest load of a year wins, an older replayed one changes nothing."""
    await conn.execute(
        "INSERT INTO public.holiday_years (year, holidays, workdays, loaded_by, loaded_at, source, reason, event_id)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (year) DO UPDATE SET holidays = EXCLUDED.holidays, workdays = EXCLUDED.workdays,"
        " loaded_by = EXCLUDED.loaded_by, loaded_at = EXCLUDED.loaded_at, source = EXCLUDED.source,"
        " reason = EXCLUDED.reason, event_id = EXCLUDED.event_id"
        " WHERE holiday_years.event_id IS DISTINCT FROM EXCLUDED.event_id"
        " AND holiday_years.loaded_at <= EXCLUDED.loaded_at",
        year.year, sorted(set(year.holidays)), sorted(set(year.workdays)), year.actor_id, year.recorded_at,
        year.source, year.reason, year.event_id,
    )


async def load_context(conn: asyncpg.Connection, deadlines: DeadlineSettings) -> Context:
    return Context(await load_calendar(conn), deadlines)


async def refresh_case(conn: asyncpg.Connection, schema: str, case_id: str, ctx: Context) -> list[Finding]:
    """Recompute a case's findings (kept: they only grow) and deadlines (replaced). Returns the
    findings not recorded before."""
    return (await refresh_cases(conn, schema, [case_id], ctx)).get(case_id, [])


# The open nodes of cases, by case and (key, due): what ``refresh_cases`` replaced and wrote.
OpenNodes = dict[str, dict[tuple[str, Any], Mapping[str, Any]]]
_OPEN_NODE_COLUMNS = ("case_id", "key", "node", "court", "judge_id", "team_id", "title", "due")


@dataclass
class NodeChange:
    """Filled by ``refresh_cases``: each case's open nodes (not completed, with a due date) before
    and after the refresh — taken from the rows it deletes and writes, no query of its own."""

    before: OpenNodes = field(default_factory=dict)
    after: OpenNodes = field(default_factory=dict)


def _open_node(nodes: OpenNodes, row: Mapping[str, Any]) -> None:
    if row["completed_on"] is None and row["due"] is not None:
        nodes.setdefault(row["case_id"], {})[(row["key"], row["due"])] = row


async def refresh_cases(
    conn: asyncpg.Connection, schema: str, case_ids: Iterable[str], ctx: Context, *,
    heads_locked: bool = False, nodes: NodeChange | None = None,
) -> dict[str, list[Finding]]:
    """``refresh_case`` for many cases in a few statements (inside the caller's transaction).
    Returns each case's findings not recorded before. ``heads_locked``: the caller holds the cases'
    head rows already (the live reaction's ``append_batch``); ``nodes``: filled with the open nodes
    before and after."""
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    # The head rows serialise refreshes of one case (live reaction, holiday reload); taken in
    # case order, so two refreshes of overlapping cases cannot deadlock.
    if not heads_locked:
        await conn.execute(
            f"SELECT 1 FROM {schema}.case_heads WHERE case_id = ANY($1::text[]) ORDER BY case_id FOR UPDATE", ids
        )
    rows = await conn.fetch(
        TRAIL_READ.format(schema=schema) + " WHERE case_id = ANY($1::text[]) ORDER BY case_id, seq", ids
    )
    checked = {case_id: check_rows(case_id, case_rows, ctx) for case_id, case_rows in by_case(rows)}
    if not checked:
        return {}
    findings = [r for c in checked.values() for r in c.finding_rows]
    new_ids: set[Any] = set()
    if findings:
        columns = [list(col) for col in zip(*findings, strict=True)]
        for i in (5, 6):  # people, event ids: joined as the statement splits them
            columns[i] = [",".join(v) for v in columns[i]]
        inserted = await conn.fetch(_INSERT_FINDINGS.format(schema=schema), *columns)
        new_ids = {r["finding_id"] for r in inserted}
    deadlines = [r for c in checked.values() for r in c.deadline_rows]
    columns = [list(col) for col in zip(*deadlines, strict=True)] if deadlines else [[] for _ in DEADLINE_COLUMNS]
    columns[_EXPLANATION] = [orjson.dumps(v).decode() for v in columns[_EXPLANATION]]
    # without ``nodes`` nobody reads the rows before: the statement returns none
    returning, wanted = ", ".join((*_OPEN_NODE_COLUMNS, "completed_on")), "true"
    if nodes is None:
        returning, wanted = "1", "false"
    sql = _WRITE_DEADLINES.format(schema=schema, returning=returning, wanted=wanted)
    before = await conn.fetch(sql, *columns, list(checked))
    if nodes is not None:
        for r in before:
            _open_node(nodes.before, r)
        for row in deadlines:
            _open_node(nodes.after, dict(zip(DEADLINE_COLUMNS, row, strict=True)))
    await facts_store.upsert(conn, schema, [r for c in checked.values() for r in c.facts_rows])
    return {case_id: [f for f in c.findings if f.finding_id in new_ids] for case_id, c in checked.items()}
