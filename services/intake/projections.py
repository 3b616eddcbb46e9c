"""Intake's read models, updated inline with each append (same transaction)."""

from __future__ import annotations

from collections.abc import Sequence

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


async def project(conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None:
    for env in envelopes:
        if env.event_type == "intake.case_registered":
            p = env.payload
            await conn.execute(
                "INSERT INTO cases (case_id, case_number, court, case_type, status, applicant_name,"
                " respondent_name, respondent_id, claim_amount_fen, application_date, registered_at,"
                " registered_by, limitation_warning, version)"
                " VALUES ($1,$2,$3,$4,'registered',$5,$6,$7,$8,$9::text::date,$10,$11,$12,$13)",
                env.case_id, p["case_number"], p["court"], p["case_type"], p["applicant"]["name"],
                p["respondent"]["name"], p["respondent"]["id_number"], p["claim_amount_fen"],
                p["application_date"], env.occurred_at, p["registered_by"], p["limitation_warning"],
                env.stream_version,
            )
