"""Intake's read models of its own events, updated inline with each append (same transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from services.intake.petition_projections import is_petition_or_aid, project_petitions
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


async def allocate_number_and_loads(
    conn: asyncpg.Connection, court: str, case_type: str, year: int
) -> tuple[int, dict[str, int]]:
    """``allocate_case_number`` and the court's open cases per judge (``reads.judge_loads``), in one
    statement: a registration's two reads before it decides."""
    row = await conn.fetchrow(
        "WITH n AS (INSERT INTO case_number_sequences (court, case_type, year, last_seq) VALUES ($1, $2, $3, 1)"
        " ON CONFLICT (court, case_type, year)"
        " DO UPDATE SET last_seq = case_number_sequences.last_seq + 1 RETURNING last_seq)"
        " SELECT (SELECT last_seq FROM n) AS seq, array_agg(judge_id) AS judges, array_agg(open_cases) AS loads"
        " FROM judge_open_cases WHERE court = $1 AND open_cases > 0",
        court, case_type, year,
    )
    assert row is not None
    return int(row["seq"]), dict(zip(row["judges"] or [], map(int, row["loads"] or []), strict=True))


_RECEIVED = "intake.application_received"
_ASSIGNED = "intake.case_assigned"


def _changes(env: Envelope) -> dict[str, Any]:
    """The ``cases`` columns an event sets (besides ``version``); received and assigned aside."""
    p, t = env.payload, env.event_type
    if t == "intake.supplement_requested":
        return {"supplement_deadline": _date(p["deadline"])}
    if t == "intake.materials_supplemented":
        done = {"missing": p["still_missing"], "status": "awaiting_supplement" if p["still_missing"] else "applied"}
        # 登记立案规定 art. 7: the supplement that completes the materials restarts the 7 days
        return done | ({"decide_by": _date(p["decide_by"])} if p.get("decide_by") else {})
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


Actors = dict[str, tuple[str | None, str]]  # officer id → (role, first event type)


def _fold(envelopes: Sequence[Envelope]) -> tuple[dict[str, Any] | None, dict[str, Any], bool, Actors]:
    """What one case's run of events does to its ``cases`` row: the row inserted (received), the
    columns set afterwards, whether an assignment promotes a row whose status is not known here, and
    the actors first seen."""
    actors: Actors = {}
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
    return inserted, cols, promote, actors


async def _project_case(conn: asyncpg.Connection, case_id: str, envelopes: Sequence[Envelope]) -> None:
    """All events one command appended to one case, in one statement: the actors first seen (as
    ``ON CONFLICT DO NOTHING`` kept the first), and the ``cases`` row with its final values."""
    inserted, cols, promote, actors = _fold(envelopes)
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
    """The inline projector: each run of one case's events in one statement. Only the case's own
    stream feeds the ``cases`` row (a coercive measure's stream ``intake.measure:…`` has its own
    versions and is read from the store)."""
    own = [env for env in envelopes if is_petition_or_aid(env)]
    if own:  # petitions and judicial aid: their own read models (petition_projections.py)
        await project_petitions(conn, own)
    run: list[Envelope] = []
    for env in envelopes:
        if not env.stream_id.startswith("intake.case:"):
            continue
        if run and run[0].case_id != env.case_id:
            await _project_case(conn, run[0].case_id, run)
            run = []
        run.append(env)
    if run:
        await _project_case(conn, run[0].case_id, run)


async def project_new_cases(
    conn: asyncpg.Connection, cases: Sequence[Sequence[Envelope]], people: Sequence[tuple[str, str, str | None, str]]
) -> None:
    """Cases written whole at once (an import batch): every ``cases`` row in one statement, every actor
    in another. Each run is one new case's complete history from its first event. ``people`` adds
    (case, officer, role, event type) rows for officers the events name but who did not record them
    (the old system's registrar, judge, approver: they acted on the case)."""
    rows: list[dict[str, Any]] = []
    actors: list[tuple[str, str, str | None, str]] = []
    for envelopes in cases:
        inserted, cols, promote, seen = _fold(envelopes)
        if inserted is None or promote:
            raise ValueError(f"case {envelopes[0].case_id}: not a whole history from its application")
        rows.append({**inserted, **cols})
        actors += [(envelopes[0].case_id, officer, role, etype) for officer, (role, etype) in seen.items()]
    if not rows:
        return
    columns = list(dict.fromkeys(c for row in rows for c in row))
    names = ", ".join(columns)
    await conn.execute(
        f"INSERT INTO cases ({names}, updated_at) SELECT {names}, now()"
        " FROM json_populate_recordset(NULL::cases, $1::json)",
        rows,
    )
    actors += people
    await conn.execute(
        "INSERT INTO case_actors (case_id, officer_id, role, first_event_type)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING",
        [a[0] for a in actors], [a[1] for a in actors], [a[2] for a in actors], [a[3] for a in actors],
    )
