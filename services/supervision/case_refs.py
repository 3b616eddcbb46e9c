"""How a person names a case on supervision's screens: by its case number (（2026）黔01执1号, full-width
or ASCII brackets) as well as by its id; and what the trail says of a case's number and judge.

Everything is read from the trail (intake's ``case_registered`` and ``case_assigned`` events), in the
caller's court only: another court's case is answered exactly as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable

import asyncpg

from shared.courts import parse_case_number

_NUMBER = "payload->>'case_number'"


def as_case_number(text: str) -> str | None:
    """The canonical case number when ``text`` is one (half-width brackets accepted), else None."""
    try:
        return str(parse_case_number(text))
    except ValueError:
        return None


async def resolve(pool: asyncpg.Pool, court: str, ref: str) -> str:
    """The case id ``ref`` names: a case number of the court is looked up in the trail; anything else
    is taken as the id itself (so an unknown number is answered as an unknown case)."""
    number = as_case_number(ref)
    if number is None:
        return ref
    found = await pool.fetchval(
        f"SELECT case_id FROM audit_trail WHERE court = $1 AND event_type = 'intake.case_registered'"
        f" AND {_NUMBER} = $2 LIMIT 1",
        court, number,
    )
    return str(found) if found is not None else ref


async def numbers(pool: asyncpg.Pool | asyncpg.Connection, court: str, case_ids: Iterable[str]) -> dict[str, str]:
    """Case id → case number for the given cases of the court (a case not yet registered is left out)."""
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    rows = await pool.fetch(
        f"SELECT case_id, {_NUMBER} AS number FROM audit_trail WHERE court = $1"
        " AND event_type = 'intake.case_registered' AND case_id = ANY($2::text[])",
        court, ids,
    )
    return {r["case_id"]: r["number"] for r in rows if r["number"]}


async def judge_of(pool: asyncpg.Pool, court: str, case_id: str) -> str | None:
    """The case's judge as the trail last recorded it (its latest assignment)."""
    judge = await pool.fetchval(
        "SELECT payload->>'judge_id' FROM audit_trail WHERE court = $1 AND case_id = $2"
        " AND event_type = 'intake.case_assigned' ORDER BY seq DESC LIMIT 1",
        court, case_id,
    )
    return str(judge) if judge else None


async def tracks(pool: asyncpg.Pool | asyncpg.Connection, court: str) -> dict[str, str]:
    """Case id → its track (fast / ordinary) as the trail last recorded it, the way the indicators
    fold it (triage, assignment, closure: the latest that names one)."""
    rows = await pool.fetch(
        "SELECT DISTINCT ON (case_id) case_id, payload->>'track' AS track FROM audit_trail WHERE court = $1"
        " AND event_type = ANY($2::text[]) AND payload->>'track' IS NOT NULL ORDER BY case_id, seq DESC",
        court, ["intake.case_triaged", "intake.case_assigned", "intake.case_closed"],
    )
    return {r["case_id"]: r["track"] for r in rows}
