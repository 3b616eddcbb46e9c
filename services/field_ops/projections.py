"""field_ops's read models of its own events, updated inline with each append (same transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from shared.envelope import Envelope


async def project(conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None:
    issued: dict[str, dict[str, Any]] = {}
    for env in envelopes:
        p = env.payload
        t = env.event_type
        if t == "field_ops.instruction_issued":
            # Registration and routing are appended together: the row is written on the routing.
            issued[p["instruction_id"]] = p
            if p.get("proposal_id"):
                await conn.execute(
                    "UPDATE fo_proposals SET status = 'instructed', instruction_id = $2"
                    " WHERE proposal_id = $1",
                    p["proposal_id"], p["instruction_id"],
                )
        elif t == "field_ops.task_routed":
            i = issued[p["instruction_id"]]
            await conn.execute(
                "INSERT INTO fo_tasks (task_id, instruction_id, case_id, court, kind, target, region,"
                " region_name, deadline, notes, judge_id, proposal_id, team_id, team_name, status,"
                " issued_at, updated_at, version)"
                " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9::text::date,$10,$11,$12,$13,$14,'routed',$15,$15,$16)",
                p["task_id"], p["instruction_id"], env.case_id, env.court, i["kind"], i["target"],
                i["region"], i["region_name"], i["deadline"], i.get("notes"), i["judge_id"],
                i.get("proposal_id"), p["team_id"], p["team_name"], env.occurred_at, env.stream_version,
            )
        elif t == "field_ops.task_rerouted":
            await _update(conn, env, "team_id = $4, team_name = $5, status = 'routed', assignee = NULL",
                          p["team_id"], p["team_name"])
        elif t == "field_ops.task_accepted":
            await _update(conn, env, "status = 'accepted', assignee = $4", p["officer_id"])
        elif t == "field_ops.attempt_recorded":
            await _update(conn, env, "attempts = $4", p["attempt_no"])
        elif t == "field_ops.task_reported":
            await _update(conn, env, "status = 'reported', outcome = $4, late = $5", p["outcome"], p["late"])
        elif t == "field_ops.detention_instructed":
            await conn.execute("UPDATE fo_tasks SET measure_id = $2 WHERE task_id = $1", p["task_id"], p["measure_id"])
        elif t == "field_ops.task_returned":
            await _update(conn, env, "status = 'returned', return_reason = $4", p["reason"])


async def _update(conn: asyncpg.Connection, env: Envelope, assignments: str, *values: Any) -> None:
    await conn.execute(
        f"UPDATE fo_tasks SET {assignments}, updated_at = $2, version = $3 WHERE task_id = $1",
        env.payload["task_id"], env.occurred_at, env.stream_version, *values,
    )
