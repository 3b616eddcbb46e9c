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


async def _set(conn: asyncpg.Connection, env: Envelope, **cols: Any) -> None:
    names = list(cols)
    assigns = "".join(f", {n} = ${i}" for i, n in enumerate(names, start=3))
    await conn.execute(
        f"UPDATE cases SET version = $2, updated_at = now(){assigns} WHERE case_id = $1",
        env.case_id, env.stream_version, *cols.values(),
    )


async def _actor(conn: asyncpg.Connection, case_id: str, officer_id: str | None, role: str | None, etype: str) -> None:
    if officer_id:
        await conn.execute(
            "INSERT INTO case_actors (case_id, officer_id, role, first_event_type) VALUES ($1,$2,$3,$4)"
            " ON CONFLICT DO NOTHING",
            case_id, officer_id, role, etype,
        )


async def project_one(conn: asyncpg.Connection, env: Envelope) -> None:
    p, t = env.payload, env.event_type
    if env.actor.kind == "officer":
        await _actor(conn, env.case_id, env.actor.id, env.actor.role, t)
    if t == "intake.application_received":
        await conn.execute(
            "INSERT INTO cases (case_id, court, case_type, status, applicant_name, applicant_id, respondent_name,"
            " respondent_id, claim_amount_fen, application_date, decide_by, missing, linked_case_id, version,"
            " updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10::text::date,$11::text::date,$12,$13,$14,now())",
            env.case_id, p["court"], p["case_type"], "awaiting_supplement" if p["missing"] else "applied",
            p["applicant"]["name"], p["applicant"]["id_number"], p["respondent"]["name"],
            p["respondent"]["id_number"], p["claim_amount_fen"], p["application_date"], p["decide_by"],
            p["missing"], p.get("linked_case_id"), env.stream_version,
        )
    elif t == "intake.supplement_requested":
        await _set(conn, env, supplement_deadline=_date(p["deadline"]))
    elif t == "intake.materials_supplemented":
        await _set(conn, env, missing=p["still_missing"],
                   status="awaiting_supplement" if p["still_missing"] else "applied")
    elif t == "intake.case_registered":
        await _set(conn, env, case_number=p["case_number"], status="registered", registered_at=env.occurred_at,
                   registered_by=p["registered_by"], limitation_warning=p["limitation_warning"],
                   registered_on=_date(p.get("registered_on")) or env.occurred_at.date())
    elif t == "intake.application_refused":
        await _set(conn, env, status="refused")
    elif t == "intake.case_triaged":
        await _set(conn, env, track=p["track"])
    elif t == "intake.case_assigned":
        await _actor(conn, env.case_id, p["judge_id"], "judge", t)
        await conn.execute(
            "UPDATE cases SET judge_id = $2, team_id = $3, track = $4, version = $5, updated_at = now(),"
            " status = CASE WHEN status = 'registered' THEN 'in_progress' ELSE status END WHERE case_id = $1",
            env.case_id, p["judge_id"], p["team_id"], p["track"], env.stream_version,
        )
    elif t in ("intake.case_suspended", "intake.case_postponed"):
        await _set(conn, env, status="suspended" if t == "intake.case_suspended" else "postponed")
    elif t in ("intake.suspension_lifted", "intake.postponement_lifted", "intake.closure_rejected"):
        await _set(conn, env, status="in_progress")
    elif t == "intake.closure_proposed":
        await _set(conn, env, status="closure_proposed")
    elif t == "intake.case_closed":
        await _set(conn, env, status="closed", closure_type=p["closure_type"],
                   closed_on=_date(p.get("closed_on")) or env.occurred_at.date())
    elif t == "intake.case_resumed":
        await _set(conn, env, resumed_as=p["new_case_id"])
    else:
        await _set(conn, env)


def _date(value: Any) -> Any:
    from datetime import date

    return date.fromisoformat(value) if isinstance(value, str) else value


async def project(conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None:
    for env in envelopes:
        await project_one(conn, env)
