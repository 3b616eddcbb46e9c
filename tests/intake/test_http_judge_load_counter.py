"""The per-judge open-case counter (migration 0003) always equals counting the court's open cases
per judge, which least-loaded assignment used to do on every registration."""

from __future__ import annotations

import uuid

import asyncpg
import httpx

from deploy.system import System
from services.intake.reads import OPEN_STATUSES
from tests.conftest import auth
from tests.intake.conftest import register

LEAD = auth("qz-lead-02", "team_lead")


async def _counted(conn: asyncpg.Connection) -> dict[tuple[str, str], int]:
    rows = await conn.fetch(
        "SELECT court, judge_id, count(*) AS n FROM cases WHERE judge_id IS NOT NULL"
        " AND status = ANY($1::text[]) GROUP BY court, judge_id", list(OPEN_STATUSES),
    )
    return {(r["court"], r["judge_id"]): int(r["n"]) for r in rows}


async def _kept(conn: asyncpg.Connection) -> dict[tuple[str, str], int]:
    rows = await conn.fetch("SELECT court, judge_id, open_cases FROM judge_open_cases WHERE open_cases <> 0")
    return {(r["court"], r["judge_id"]): int(r["open_cases"]) for r in rows}


async def test_the_counter_follows_registrations_reassignments_and_every_status_change(
    system: System, http: httpx.AsyncClient
) -> None:
    cases = [await register(http, system) for _ in range(3)]
    target = "qz-j-201" if cases[0]["judge_id"] != "qz-j-201" else "qz-j-202"
    r = await http.post(f"{system.url('intake')}/cases/{cases[0]['case_id']}/assignment",
                        json={"judge_id": target, "reason": "工作调整"}, headers=LEAD)
    assert r.status_code == 200, r.text

    conn = await asyncpg.connect(system.dsn("intake"))
    try:
        assert await _kept(conn) == await _counted(conn) and await _counted(conn)
        case_id = f"t-{uuid.uuid4().hex[:8]}"
        await conn.execute(
            "INSERT INTO cases (case_id, court, case_type, status, applicant_name, respondent_name,"
            " respondent_id, claim_amount_fen, application_date, version)"
            " VALUES ($1, '黔01', '执', 'applied', 'a', 'b', 'c', 1, current_date, 1)", case_id,
        )
        steps = [
            "judge_id = 'qz-j-901'",                      # assigned before registration: not open yet
            "status = 'registered'",                      # now open
            "status = 'in_progress', judge_id = 'qz-j-902'",  # moved between judges
            "status = 'suspended'",                       # still open
            "court = '赣0502'",                           # moved between courts
            "status = 'closed'",                          # no longer open
            "status = 'in_progress'",                     # resumed in place
            "judge_id = NULL",                            # unassigned
        ]
        for step in steps:
            await conn.execute(f"UPDATE cases SET {step} WHERE case_id = $1", case_id)
            assert await _kept(conn) == await _counted(conn), step
    finally:
        await conn.close()
