"""Fixtures for the shared machinery's tests: a private database and private topics per module."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from deploy import stack
from deploy._common import run_coro
from deploy.system import database_url
from shared import db


@pytest.fixture(scope="module")
def scratch_dsn(stack_parts: tuple[str, str], run_id: str) -> Iterator[str]:
    server_dsn, _ = stack_parts
    name = f"t{run_id}_scratch_{secrets.token_hex(3)}"
    run_coro(stack.create_databases(server_dsn, [name]))
    yield database_url(server_dsn, name)
    run_coro(stack.delete_databases(server_dsn, [name]))


@pytest.fixture(scope="module")
async def pool(scratch_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    p = await db.create_pool(scratch_dsn, min_size=2, max_size=40)
    await db.migrate(p, db.SHARED_MIGRATIONS)
    await p.execute("CREATE TABLE IF NOT EXISTS effects (event_id uuid NOT NULL, case_id text NOT NULL)")
    yield p
    await p.close()


def _private_topics(stack_parts: tuple[str, str], prefix: str) -> Iterator[tuple[str, str]]:
    """A topic and its dead-letter topic (4 partitions each), deleted afterwards."""
    _, bootstrap = stack_parts
    name = f"{prefix}-{secrets.token_hex(3)}"
    names = (name, f"{name}.dlt")
    run_coro(stack.create_topics(bootstrap, {names[0]: 4, names[1]: 4}))
    yield names
    run_coro(stack.delete_topics(bootstrap, list(names)))


@pytest.fixture(scope="module")
def topics(stack_parts: tuple[str, str], run_id: str) -> Iterator[tuple[str, str]]:
    yield from _private_topics(stack_parts, f"it-{run_id}")


@pytest.fixture
def own_topics(stack_parts: tuple[str, str], run_id: str) -> Iterator[tuple[str, str]]:
    """Topics of one test alone: for assertions about how records are grouped into batches, which
    other tests' records (a poison event, say) would change."""
    yield from _private_topics(stack_parts, f"it-{run_id}-own")
