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
    # A made-up case in two courts of its own (no roster, no other test's cases), taken out again.
    case_id, here, there = f"t-{uuid.uuid4().hex[:8]}", "浙01", "苏05"
    try:
        assert await _kept(conn) == await _counted(conn) and await _counted(conn)
        await conn.execute(
            "INSERT INTO cases (case_id, court, case_type, status, applicant_name, respondent_name,"
            " respondent_id, claim_amount_fen, application_date, version)"
            " VALUES ($1, $2, '执', 'applied', 'a', 'b', 'c', 1, current_date, 1)", case_id, here,
        )
        steps = [
            ("judge_id = 'qz-j-901'", {}),                                   # assigned before registration
            ("status = 'registered'", {(here, "qz-j-901"): 1}),              # now open
            ("status = 'in_progress', judge_id = 'qz-j-902'", {(here, "qz-j-902"): 1}),  # moved between judges
            ("status = 'suspended'", {(here, "qz-j-902"): 1}),               # still open
            (f"court = '{there}'", {(there, "qz-j-902"): 1}),                # moved between courts
            ("status = 'closed'", {}),                                       # no longer open
            ("status = 'in_progress'", {(there, "qz-j-902"): 1}),            # resumed in place
            ("judge_id = NULL", {}),                                         # unassigned
        ]
        for step, open_here in steps:
            await conn.execute(f"UPDATE cases SET {step} WHERE case_id = $1", case_id)
            kept = await _kept(conn)
            assert kept == await _counted(conn), step
            assert {k: v for k, v in kept.items() if k[0] in (here, there)} == open_here, step
    finally:
        await conn.execute("DELETE FROM cases WHERE case_id = $1", case_id)
        await conn.execute("DELETE FROM judge_open_cases WHERE court = ANY($1::text[])", [here, there])
        try:
            assert await _kept(conn) == await _counted(conn)
        finally:
            await conn.close()
