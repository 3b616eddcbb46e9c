"""Periodic duties: overdue queries, lapsed controls, re-search after 终本, old rate windows.

Every duty is a command on the case's search file whose decision is idempotent, so several
instances running the sweep at once change nothing twice.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime
from functools import partial
from typing import Any

import structlog

from services.asset_search import events as ev
from services.asset_search.consumer import targets
from services.asset_search.domain.commands import DispatchSearch, LapseControl, MarkOverdue
from services.asset_search.execution import SYSTEM, execute, registry_of
from services.asset_search.settings import Settings
from shared.app import Runtime
from shared.envelope import now_shanghai

log = structlog.get_logger("asset_search.housekeeping")


async def housekeeping(rt: Runtime) -> None:
    """Background job: run the sweep every ``sweep_interval_s`` until cancelled."""
    settings: Settings = rt.settings  # type: ignore[assignment]
    while True:
        try:
            await sweep(rt, now_shanghai())
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("sweep_failed", error=repr(exc))
        await asyncio.sleep(settings.sweep_interval_s)


async def sweep(rt: Runtime, now: datetime) -> None:
    today = now.date()
    for row in await rt.pool.fetch(
        "SELECT q.query_id, q.case_id, coalesce(c.court, '') AS court FROM queries q"
        " LEFT JOIN case_facts c USING (case_id)"
        " WHERE q.status <> 'answered' AND NOT q.overdue AND q.due_at < $1 ORDER BY q.due_at LIMIT 200", now,
    ):
        await execute(rt, case_id=row["case_id"], court=row["court"], actor=SYSTEM,
                      build=partial(_overdue, row["query_id"]))
    for row in await rt.pool.fetch(
        "SELECT k.control_id, k.case_id, coalesce(c.court, '') AS court FROM controls k"
        " LEFT JOIN case_facts c USING (case_id)"
        " WHERE k.status = 'effective' AND k.expiry_date < $1 LIMIT 200", today,
    ):
        await execute(rt, case_id=row["case_id"], court=row["court"], actor=SYSTEM,
                      build=partial(_lapse, row["control_id"]))
    await _research(rt, today)
    await rt.pool.execute("DELETE FROM agency_rate WHERE window_start < $1", int(now.timestamp()) // 60 - 1440)


def _overdue(query_id: str, now: datetime) -> object:
    return MarkOverdue(query_id=query_id, now=now)


def _lapse(control_id: str, now: datetime) -> object:
    return LapseControl(control_id=control_id, today=now.date())


async def _research(rt: Runtime, today: date) -> None:
    """终本规定 art. 9: the debtor is searched again on every due date of the schedule."""
    rows = await rt.pool.fetch(
        "SELECT s.case_id, s.base_round, s.next_index, c.court, c.case_number, c.respondent"
        " FROM research_schedule s JOIN case_facts c USING (case_id)"
        " WHERE NOT s.stopped AND s.next_index < cardinality(s.due_dates) AND s.due_dates[s.next_index + 1] <= $1",
        today,
    )
    agencies = targets(registry_of(rt))
    for row in rows:
        respondent = row["respondent"] or {}
        round_ = row["base_round"] + row["next_index"] + 1
        seed = f"{row['case_id']}:{round_}"
        def build(now: datetime, r: Any = row, rnd: int = round_, sd: str = seed, resp: Any = respondent) -> object:
            return DispatchSearch(
                query_ids=tuple(str(uuid.uuid5(uuid.NAMESPACE_URL, f"{sd}:{i}")) for i in range(len(agencies))),
                agencies=agencies,
                subject=ev.Subject(kind=resp.get("kind", "person"), name=resp.get("name", ""),
                                   id_number=resp.get("id_number", "")),
                case_number=r["case_number"], reason="after_closure", now=now, round=rnd,
            )

        await execute(rt, case_id=row["case_id"], court=row["court"] or "", actor=SYSTEM, build=build)
        await rt.pool.execute("UPDATE research_schedule SET next_index = next_index + 1 WHERE case_id = $1",
                              row["case_id"])
