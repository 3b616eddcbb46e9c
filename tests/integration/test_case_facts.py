"""The shared case-facts projection (shared/case_facts.py) on a real database: intake's events in any
order give the same facts, and a redelivery changes nothing."""

from __future__ import annotations

import itertools
import shutil
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import asyncpg

from shared import case_facts, db
from shared.envelope import SHANGHAI, Envelope
from shared.eventstore import EventStore
from shared.reactions import ReactionContext, Reactions
from tests.helpers import example, make_event

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


def envelope(case_id: str, event_type: str, version: int, **fields: object) -> Envelope:
    """intake's event as it publishes it (``tests.helpers.make_event``: validated by the registry)."""
    return make_event(event_type, case_id, stream_id=f"intake.case:{case_id}", version=version,
                      occurred_at=T0 + timedelta(days=version), correlation_id=case_id, **fields)


def intake_events(case_id: str) -> list[Envelope]:
    basis = {**example("intake.case_registered")["basis"], "performance_deadline": "2025-09-15",
             "effective_date": "2025-09-01"}
    return [
        envelope(case_id, "intake.case_registered", 1, court="黔01", case_number="（2026）黔01执7号", case_type="执",
                 claim_amount_fen=500_000, registered_by="clerk-1", registered_on="2026-03-03",
                 respondent={"kind": "person", "name": "王某", "id_number": "11010519491231002X"}, basis=basis),
        envelope(case_id, "intake.case_assigned", 2, judge_id="judge-1", team_id="team-1"),
        envelope(case_id, "intake.case_closed", 3, closure_type="终本", closed_on="2026-03-05"),
    ]


async def apply(pool: asyncpg.Pool, reactions: Reactions, env: Envelope) -> None:
    async with pool.acquire() as conn, conn.transaction():
        for handler in reactions.handlers_for(env.event_type):
            await handler(ReactionContext(conn, env, EventStore(), "test"))


async def test_intakes_events_in_any_order_and_redelivered_give_the_same_facts(pool: asyncpg.Pool) -> None:
    await db.migrate(pool, case_facts.MIGRATIONS)
    reactions = case_facts.add_to(Reactions())
    seen = set()
    for order in itertools.permutations(range(3)):
        case_id = f"case-{uuid.uuid4().hex[:8]}"
        events = intake_events(case_id)
        for i in (*order, order[0]):  # the first one delivered twice
            await apply(pool, reactions, events[i])
        row = await pool.fetchrow(f"SELECT {case_facts.COLUMNS} FROM case_facts WHERE case_id = $1", case_id)
        facts = dict(row) | {"case_id": None}
        seen.add(tuple(sorted((k, str(v)) for k, v in facts.items())))
        assert facts["court"] == "黔01" and facts["judge_id"] == "judge-1" and facts["team_id"] == "team-1"
        assert facts["claim_amount_fen"] == 500_000 and facts["registered_on"] == date(2026, 3, 3)
        assert facts["performance_deadline"] == date(2025, 9, 15) and facts["basis_effective_date"] == date(2025, 9, 1)
        assert facts["closure_type"] == "终本" and facts["closed"] and facts["closed_on"] == date(2026, 3, 5)
    assert len(seen) == 1  # every order, the same facts


SERVICES = Path(__file__).resolve().parents[2] / "services"


def _first_migrations(tmp_path: Path, svc: str, count: int) -> Path:
    """A copy of a service's first ``count`` migrations (its schema before the shared projection)."""
    before = tmp_path / svc / "migrations"
    before.mkdir(parents=True)
    for f in sorted((SERVICES / svc / "migrations").glob("*.sql"))[:count]:
        shutil.copy(f, before / f.name)
    return before


async def test_a_database_from_before_the_shared_projection_keeps_what_it_knew(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    """The upgrade path of a running court: old tables (search_cases, fo_cases, disposal's own
    case_facts with its deadline column) are carried into the shared table, then retired."""
    for svc, old in (("asset_search", 2), ("field_ops", 1), ("disposal", 2)):
        schema = f"up_{svc}"
        await pool.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
        before = _first_migrations(tmp_path, svc, old)
        async with pool.acquire() as conn:
            await conn.execute(f"SET search_path TO {schema}")
            await db.migrate_conn(conn, before)
            case = f"{svc}-case"
            if svc == "asset_search":
                await conn.execute(
                    "INSERT INTO search_cases (case_id, court, case_number, judge_id, team_id, closure_type, closed_on,"
                    " pending_assignment) VALUES ($1, '黔01', 'N1', 'j1', 't1', '终本', '2026-03-01', $2)",
                    case, {"event_id": "e-1"})
            elif svc == "field_ops":
                await conn.execute("INSERT INTO fo_cases (case_id, court, case_number, judge_id, judge_team_id, closed)"
                                   " VALUES ($1, '黔01', 'N1', 'j1', 't1', true)", case)
            else:
                await conn.execute("INSERT INTO case_facts (case_id, court, claim_amount_fen, deadline, judge_id)"
                                   " VALUES ($1, '黔01', 100, '2025-09-15', 'j1')", case)
            await db.migrate_conn(conn, case_facts.MIGRATIONS, SERVICES / svc / "migrations")
            row = await conn.fetchrow("SELECT * FROM case_facts WHERE case_id = $1", case)
            assert row["court"] == "黔01" and row["judge_id"] == "j1", dict(row)
            tables = {r["tablename"] for r in await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = $1", schema)}
            assert not tables & {"search_cases", "fo_cases"}
            if svc == "asset_search":
                assert row["team_id"] == "t1" and row["closed"] and row["closure_type"] == "终本"
                assert await conn.fetchval("SELECT assigned_event_id FROM search_pending WHERE case_id = $1",
                                           case) == "e-1"
            if svc == "field_ops":
                assert row["team_id"] == "t1" and row["closed"]
            if svc == "disposal":
                assert row["performance_deadline"] == date(2025, 9, 15) and "deadline" not in dict(row)
            await conn.execute("RESET search_path")
