"""What the field centre knows of an approved detention (fo_measures, from intake's measure events)."""

from __future__ import annotations

from datetime import date

import asyncpg

from services.field_ops.domain.detention import DetentionFacts


async def detention_facts(conn: asyncpg.Connection, case_id: str, proposal_id: str | None) -> DetentionFacts | None:
    """The decision behind a ``detain`` proposal of this case, or None (no such proposal or decision)."""
    if proposal_id is None:
        return None
    row = await conn.fetchrow(
        "SELECT m.* FROM fo_proposals p JOIN fo_measures m USING (measure_id)"
        " WHERE p.proposal_id = $1 AND p.case_id = $2 AND p.kind = 'detain'", proposal_id, case_id)
    if row is None:
        return None
    return DetentionFacts(measure_id=row["measure_id"], decision_number=row["decision_number"],
                          detention_days=row["detention_days"], judge_id=row["judge_id"],
                          approved_by=row["approved_by"], revoked=row["revoked"])


async def current_detention(conn: asyncpg.Connection, measure_id: str | None) -> tuple[int | None, bool]:
    """The decision's days as they stand now (a reconsideration may change them) and whether it was revoked."""
    if measure_id is None:
        return None, False
    row = await conn.fetchrow("SELECT detention_days, revoked FROM fo_measures WHERE measure_id = $1", measure_id)
    return (row["detention_days"], row["revoked"]) if row else (None, False)


async def early_release_approval(conn: asyncpg.Connection, measure_id: str | None) -> date | None:
    """The day the president approved an early release of this detention (民诉法解释 art. 182), if any."""
    if measure_id is None:
        return None
    day: date | None = await conn.fetchval(
        "SELECT early_release_approved_on FROM fo_measures WHERE measure_id = $1", measure_id)
    return day
