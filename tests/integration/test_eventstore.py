"""The event store against the real PostgreSQL: optimistic concurrency, ordering, outbox rows."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from shared.eventstore import ConcurrencyConflict, EventStore
from tests.integration.helpers import envelope

STORE = EventStore()


async def append_at(pool: asyncpg.Pool, case_id: str, expected: int) -> str:
    async with pool.acquire() as conn, conn.transaction():
        await STORE.append(conn, f"test:{case_id}", expected, [envelope(case_id, expected + 1)])
    return "ok"


async def test_concurrent_appends_at_the_same_version_let_exactly_one_win(pool: asyncpg.Pool) -> None:
    case_id = str(uuid.uuid4())
    await append_at(pool, case_id, 0)

    results = await asyncio.gather(*(append_at(pool, case_id, 1) for _ in range(20)), return_exceptions=True)

    winners = [r for r in results if r == "ok"]
    conflicts = [r for r in results if isinstance(r, ConcurrencyConflict)]
    assert len(winners) == 1
    assert len(conflicts) == 19
    async with pool.acquire() as conn:
        stored = await STORE.load(conn, f"test:{case_id}")
    assert [e.stream_version for e in stored] == [1, 2]


async def test_a_stale_expected_version_is_a_conflict_and_writes_nothing(pool: asyncpg.Pool) -> None:
    case_id = str(uuid.uuid4())
    await append_at(pool, case_id, 0)
    with pytest.raises(ConcurrencyConflict) as info:
        await append_at(pool, case_id, 0)
    assert info.value.actual == 1
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE case_id = $1", case_id) == 1


async def test_every_appended_event_has_an_outbox_row_in_the_same_transaction(pool: asyncpg.Pool) -> None:
    case_id = str(uuid.uuid4())
    envs = [envelope(case_id, v) for v in (1, 2, 3)]
    async with pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        await STORE.append(conn, f"test:{case_id}", 0, envs)
        await tx.rollback()
    assert await pool.fetchval("SELECT count(*) FROM events WHERE case_id = $1", case_id) == 0
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE case_id = $1", case_id) == 0

    async with pool.acquire() as conn, conn.transaction():
        await STORE.append(conn, f"test:{case_id}", 0, envs)
    ids = [
        r["event_id"] for r in await pool.fetch("SELECT event_id FROM outbox WHERE case_id = $1 ORDER BY id", case_id)
    ]
    assert ids == [e.event_id for e in envs]


async def test_versions_must_continue_the_stream(pool: asyncpg.Pool) -> None:
    case_id = str(uuid.uuid4())
    async with pool.acquire() as conn, conn.transaction():
        with pytest.raises(ValueError):
            await STORE.append(conn, f"test:{case_id}", 0, [envelope(case_id, 2)])
