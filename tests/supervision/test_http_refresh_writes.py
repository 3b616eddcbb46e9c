"""A refresh of a case's checks writes only what changed (trail/checks.py ``refresh_cases``): against
the run's real supervision database, in a transaction rolled back at the end."""

from __future__ import annotations

from typing import Any

from deploy.system import System
from services.supervision.settings import DeadlineSettings
from services.supervision.trail.checks import NodeChange, load_context, refresh_cases
from shared import db
from tests.supervision.helpers import publish, wait_trail
from tests.supervision.test_http_indicators import opened


async def test_a_refresh_with_nothing_new_rewrites_no_deadline_row_and_a_changed_one_only_that(
    system: System, http: Any
) -> None:
    s = opened("team-refresh", "judge-r", "fast")
    await publish(system, s.envelopes)
    await wait_trail(http, system, s.case_id, len(s.envelopes))
    conn = await db.connect(system.dsn("supervision"))
    rows = "SELECT key, xmin::text AS version, due FROM deadlines WHERE case_id = $1 ORDER BY key"
    try:
        tx = conn.transaction()
        await tx.start()
        try:
            ctx = await load_context(conn, DeadlineSettings())
            before = await conn.fetch(rows, s.case_id)
            assert len(before) >= 3
            nodes = NodeChange()
            await refresh_cases(conn, "public", [s.case_id], ctx, nodes=nodes)
            assert await conn.fetch(rows, s.case_id) == before  # same rows, same row versions
            # the open nodes (key, due) before and after: as they were
            assert {k: set(v) for k, v in nodes.before.items()} == {k: set(v) for k, v in nodes.after.items()}
            assert nodes.before[s.case_id]
            # one row altered behind the projection's back, one removed, one foreign: the refresh
            # puts back the first two and drops the third, and touches nothing else
            first, second = before[0]["key"], before[1]["key"]
            await conn.execute("UPDATE deadlines SET title = 'x' WHERE case_id = $1 AND key = $2", s.case_id, first)
            await conn.execute("DELETE FROM deadlines WHERE case_id = $1 AND key = $2", s.case_id, second)
            await conn.execute(
                "INSERT INTO deadlines SELECT case_id, 'stray', node, court, judge_id, team_id, title, source,"
                " start_date, start_event_id, due, completed_on, completed_event_id, explanation,"
                " fallback_calendar, paused FROM deadlines WHERE case_id = $1 AND key = $2", s.case_id, first)
            await refresh_cases(conn, "public", [s.case_id], ctx)
            after = await conn.fetch(rows, s.case_id)
            assert [(r["key"], r["due"]) for r in after] == [(r["key"], r["due"]) for r in before]
            changed = {r["key"] for r in after} - {(r["key"]) for r in after if (r["key"], r["version"]) in
                                                    {(b["key"], b["version"]) for b in before}}
            assert changed == {first, second}
        finally:
            await tx.rollback()
    finally:
        await conn.close()
