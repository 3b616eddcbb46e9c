"""Intake's read models of its own events, updated inline with each append (same transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from shared.envelope import Envelope


async def allocate_case_number(conn: asyncpg.Connection, court: str, case_type: str, year: int) -> int:
    """Next sequence for (court, type, year): consecutive from 1, no gaps, no duplicates.

    The row lock taken by the upsert serialises concurrent registrations; a rolled-back
    registration rolls its number back too, so the sequence never skips.
    """
    return int(
        await conn.fetchval(
            "INSERT INTO case_number_sequences (court, case_type, year, last_seq) VALUES ($1, $2, $3, 1)"
            " ON CONFLICT (court, case_type, year)"
            " DO UPDATE SET last_seq = case_number_sequences.last_seq + 1 RETURNING last_seq",
            court, case_type, year,
        )
    )


_RECEIVED = "intake.application_received"
_ASSIGNED = "intake.case_assigned"


def _changes(env: Envelope) -> dict[str, Any]:
    """The ``cases`` columns an event sets (besides ``version``); received and assigned aside."""
    p, t = env.payload, env.event_type
    if t == "intake.supplement_requested":
        return {"supplement_deadline": _date(p["deadline"])}
    if t == "intake.materials_supplemented":
        return {"missing": p["still_missing"], "status": "awaiting_supplement" if p["still_missing"] else "applied"}
    if t == "intake.case_registered":
        return {"case_number": p["case_number"], "status": "registered", "registered_at": env.occurred_at,
                "registered_by": p["registered_by"], "limitation_warning": p["limitation_warning"],
                "registered_on": _date(p.get("registered_on")) or env.occurred_at.date()}
    if t == "intake.application_refused":
        return {"status": "refused"}
    if t == "intake.case_triaged":
        return {"track": p["track"]}
    if t in ("intake.case_suspended", "intake.case_postponed"):
        return {"status": "suspended" if t == "intake.case_suspended" else "postponed"}
    if t in ("intake.suspension_lifted", "intake.postponement_lifted", "intake.closure_rejected"):
        return {"status": "in_progress"}
    if t == "intake.closure_proposed":
        return {"status": "closure_proposed"}
    if t == "intake.case_closed":
        return {"status": "closed", "closure_type": p["closure_type"],
                "closed_on": _date(p.get("closed_on")) or env.occurred_at.date()}
    if t == "intake.case_resumed":
        return {"resumed_as": p["new_case_id"]}
    return {}


def _received(env: Envelope) -> dict[str, Any]:
    p = env.payload
    return {
        "case_id": env.case_id, "court": p["court"], "case_type": p["case_type"],
        "status": "awaiting_supplement" if p["missing"] else "applied",
        "applicant_name": p["applicant"]["name"], "applicant_id": p["applicant"]["id_number"],
        "respondent_name": p["respondent"]["name"], "respondent_id": p["respondent"]["id_number"],
        "claim_amount_fen": p["claim_amount_fen"], "application_date": _date(p["application_date"]),
        "decide_by": _date(p["decide_by"]), "missing": p["missing"], "linked_case_id": p.get("linked_case_id"),
    }


async def _project_case(conn: asyncpg.Connection, case_id: str, envelopes: Sequence[Envelope]) -> None:
    """All events one command appended to one case, in one statement: the actors first seen (as
    ``ON CONFLICT DO NOTHING`` kept the first), and the ``cases`` row with its final values."""
    actors: dict[str, tuple[str | None, str]] = {}
    inserted: dict[str, Any] | None = None
    cols: dict[str, Any] = {}
    promote = False  # assigned while the row's status is unknown here: registered → in_progress in SQL
    for env in envelopes:
        p, t = env.payload, env.event_type
        if env.actor.kind == "officer" and env.actor.id:
            actors.setdefault(env.actor.id, (env.actor.role, t))
        if t == _RECEIVED:
            inserted, cols, promote = _received(env), {}, False
        elif t == _ASSIGNED:
            if p["judge_id"]:
                actors.setdefault(p["judge_id"], ("judge", t))
            cols.update(judge_id=p["judge_id"], team_id=p["team_id"], track=p["track"])
            status = cols.get("status", inserted.get("status") if inserted else None)
            if status is None:
                promote = True
            elif status == "registered":
                cols["status"] = "in_progress"
        else:
            changes = _changes(env)
            if "status" in changes:
                promote = False
            cols.update(changes)
        cols["version"] = env.stream_version
    args: list[Any] = []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    if inserted is not None:
        row = {**inserted, **cols}
        names = ", ".join(row)
        values = ", ".join(arg(v) for v in row.values())
        write = f"INSERT INTO cases ({names}, updated_at) VALUES ({values}, now())"
    else:
        where = arg(case_id)
        sets = "".join(f", {n} = {arg(v)}" for n, v in cols.items())
        if promote:
            sets += ", status = CASE WHEN status = 'registered' THEN 'in_progress' ELSE status END"
        write = f"UPDATE cases SET updated_at = now(){sets} WHERE case_id = {where}"
    if actors:
        ids = list(actors)
        add = (
            "INSERT INTO case_actors (case_id, officer_id, role, first_event_type)"
            f" SELECT {arg(case_id)}, a.id, a.role, a.etype FROM unnest({arg(ids)}::text[], "
            f"{arg([actors[i][0] for i in ids])}::text[], {arg([actors[i][1] for i in ids])}::text[])"
            " AS a(id, role, etype) ON CONFLICT DO NOTHING"
        )
        write = f"WITH actors AS ({add}) {write}"
    await conn.execute(write, *args)


def _date(value: Any) -> Any:
    from datetime import date

    return date.fromisoformat(value) if isinstance(value, str) else value


async def project(conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None:
    """The inline projector: each run of one case's events in one statement."""
    run: list[Envelope] = []
    for env in envelopes:
        if run and run[0].case_id != env.case_id:
            await _project_case(conn, run[0].case_id, run)
            run = []
        run.append(env)
    if run:
        await _project_case(conn, run[0].case_id, run)
