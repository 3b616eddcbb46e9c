"""联动单位答复用时 (the agencies' response times, docs/rules.md §8) from a court's trail. Pure: no I/O.

Each query's first dispatch is paired with its first answer (``query_pairs``; PostgreSQL pairs them
the same way for the API: indicators/store.py), then counted per agency (``agency_times``).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.supervision.domain.entries import Entry
from services.supervision.indicators.figures import Period
from shared.envelope import SHANGHAI

AGENCY_EVENTS = ("asset_search.query_dispatched", "asset_search.agency_answered")


def skipped_seconds(start: datetime, end: datetime, skipped: Sequence[tuple[datetime, datetime]]) -> float:
    """How much of the court time from ``start`` to ``end`` the drill clock skipped: the overlap with
    each move's (moved_from, moved_to). That time never passed for anyone, an agency included."""
    total = 0.0
    for moved_from, moved_to in skipped:
        lo, hi = max(start, moved_from), min(end, moved_to)
        if hi > lo:
            total += (hi - lo).total_seconds()
    return total


@dataclass(frozen=True)
class QueryPair:
    """A query's first dispatch and first answer (None: not answered yet), as the trail recorded them."""

    agency_id: str
    agency_kind: str | None
    dispatched_at: datetime
    answered_at: datetime | None = None
    late: bool = False
    answered_by_importer: bool = False  # an imported pair keeps its old system's days whole


def query_pairs(entries: Iterable[Entry]) -> list[QueryPair]:
    """Each query's first dispatch (in log order) with its first answer."""
    dispatched: dict[str, Entry] = {}
    answered: dict[str, Entry] = {}
    for e in entries:
        query = e.text("query_id")
        if query is None:
            continue
        if e.event_type == "asset_search.query_dispatched":
            dispatched.setdefault(query, e)
        elif e.event_type == "asset_search.agency_answered":
            answered.setdefault(query, e)
    out = []
    for query, d in dispatched.items():
        a = answered.get(query)
        out.append(QueryPair(d.text("agency_id") or "?", d.text("agency_kind"), d.occurred_at,
                             a.occurred_at if a else None, a is not None and a.payload.get("late") is True,
                             a is not None and a.actor_role == "importer"))
    return out


def agency_response_times(entries: Iterable[Entry], period: Period | None = None,
                          skipped: Sequence[tuple[datetime, datetime]] = ()) -> list[dict[str, Any]]:
    """Per agency: queries dispatched (in the period), answered, still waiting, late, and the time from
    dispatch to the first answer (seconds: mean, median, max), from the trail's own timestamps (business
    time), less the court time the drill clock ``skipped`` in between (its moves: (moved_from,
    moved_to)): a month skipped while the query waited is not a month the agency took. An imported
    pair (actor role importer) keeps its old system's days whole: it happened before any move."""
    return agency_times(query_pairs(entries), period, skipped)


def agency_times(pairs: Iterable[QueryPair], period: Period | None = None,
                 skipped: Sequence[tuple[datetime, datetime]] = ()) -> list[dict[str, Any]]:
    """``agency_response_times`` from the queries' pairs (in the order of their dispatches)."""
    per: dict[str, dict[str, Any]] = {}
    for p in pairs:
        if period is not None and p.dispatched_at.astimezone(SHANGHAI).date() not in period:
            continue
        row = per.setdefault(
            p.agency_id,
            {
                "agency_id": p.agency_id,
                "agency_kind": p.agency_kind,
                "dispatched": 0,
                "answered": 0,
                "late": 0,
                "_s": [],
            },
        )
        row["dispatched"] += 1
        if p.answered_at is None:
            continue
        row["answered"] += 1
        row["late"] += 1 if p.late else 0
        took = (p.answered_at - p.dispatched_at).total_seconds()
        if skipped and not p.answered_by_importer:
            took -= skipped_seconds(p.dispatched_at, p.answered_at, skipped)
        row["_s"].append(max(0.0, took))
    out = []
    for row in sorted(per.values(), key=lambda r: (r["agency_kind"] or "", r["agency_id"])):
        seconds: list[float] = row.pop("_s")
        row["waiting"] = row["dispatched"] - row["answered"]
        row["mean_seconds"] = round(statistics.fmean(seconds), 3) if seconds else None
        row["median_seconds"] = round(statistics.median(seconds), 3) if seconds else None
        row["max_seconds"] = round(max(seconds), 3) if seconds else None
        out.append(row)
    return out
