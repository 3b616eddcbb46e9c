"""The command runner's unit of work against the real PostgreSQL: what it holds is let go only
after the transaction has ended, whether it committed or rolled back."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from shared.commands import CommandMeta, CommandRunner, current_unit_of_work
from shared.envelope import Actor, now_shanghai
from shared.eventstore import EventStore


def meta() -> CommandMeta:
    return CommandMeta(actor=Actor(kind="officer", id="o-1", role="judge"), court="黔01", now=now_shanghai(),
                       correlation_id=str(uuid.uuid4()))


async def test_a_held_resource_is_released_after_the_commit_and_the_commit_is_visible_by_then(
    pool: asyncpg.Pool,
) -> None:
    runner = CommandRunner("test", pool, EventStore())
    key = f"k-{uuid.uuid4()}"
    seen_at_release: list[int] = []

    @asynccontextmanager
    async def resource() -> AsyncIterator[None]:
        yield
        # Released: the transaction's row must be committed (visible to another connection).
        seen_at_release.append(int(await pool.fetchval("SELECT count(*) FROM effects WHERE case_id = $1", key)))

    async with runner.unit_of_work(meta()) as uow:
        assert current_unit_of_work() is uow
        await uow.hold(resource())
        await uow.conn.execute("INSERT INTO effects (event_id, case_id) VALUES ($1, $2)", uuid.uuid4(), key)
        assert seen_at_release == []
    assert seen_at_release == [1]


async def test_a_held_lock_is_released_when_the_transaction_rolls_back(pool: asyncpg.Pool) -> None:
    runner = CommandRunner("test", pool, EventStore())
    lock = asyncio.Lock()
    with pytest.raises(RuntimeError, match="refused"):
        async with runner.unit_of_work(meta()) as uow:
            await uow.hold(lock)
            assert lock.locked()
            raise RuntimeError("refused")
    assert not lock.locked()
    with pytest.raises(RuntimeError, match="no command"):
        current_unit_of_work()
