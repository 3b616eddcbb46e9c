"""PostgreSQL pool and schema migrations (plain SQL files, applied once, in order)."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import orjson

SHARED_MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 0x5EED_0001


async def _init_connection(conn: asyncpg.Connection) -> None:
    for typ in ("jsonb", "json"):
        await conn.set_type_codec(
            typ, encoder=lambda v: orjson.dumps(v).decode(), decoder=orjson.loads, schema="pg_catalog"
        )


async def create_pool(dsn: str, *, min_size: int = 2, max_size: int = 20) -> asyncpg.Pool:
    """A connection pool whose json/jsonb columns read and write Python objects via orjson."""
    pool = await asyncpg.create_pool(
        dsn, min_size=min_size, max_size=max_size, init=_init_connection, command_timeout=60
    )
    assert pool is not None
    return pool


async def connect(dsn: str) -> asyncpg.Connection:
    """A single connection with the same codecs as the pool (for listeners and leaders)."""
    conn = await asyncpg.connect(dsn)
    await _init_connection(conn)
    return conn


async def migrate(pool: asyncpg.Pool, *dirs: Path) -> list[str]:
    """Apply every ``*.sql`` file of ``dirs`` not applied yet; safe with concurrent instances."""
    async with pool.acquire() as conn:
        return await migrate_conn(conn, *dirs)


async def migrate_conn(conn: asyncpg.Connection, *dirs: Path) -> list[str]:
    """``migrate`` on one connection (its search_path decides the schema)."""
    applied: list[str] = []
    await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
        for directory in dirs:
            for path in sorted(directory.glob("*.sql")):
                name = f"{directory.parent.name}/{path.name}"
                if name in done:
                    continue
                async with conn.transaction():
                    await conn.execute(path.read_text(encoding="utf-8"))
                    await conn.execute("INSERT INTO schema_migrations(name) VALUES ($1)", name)
                applied.append(name)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
    return applied


# Errors that mean "the database cannot be reached right now" (a restart, a failover, a full
# connection table, a cancelled statement under overload), not "this request is wrong": answered
# 503 with Retry-After, retried by background loops, never a reason to dead-letter an event.
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,  # cannot connect now, admin/crash shutdown, cancelled
    asyncpg.exceptions.TooManyConnectionsError,
    ConnectionError,
    TimeoutError,
)


def unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what it was raised from) says the database is out of reach."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, _UNAVAILABLE):
            return True
        if isinstance(exc, OSError) and exc.errno is not None:  # refused, reset, unreachable
            return True
        if isinstance(exc, asyncpg.InterfaceError) and "connection" in str(exc).lower():
            return True  # "connection is closed", "connection was closed in the middle of operation"
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False
