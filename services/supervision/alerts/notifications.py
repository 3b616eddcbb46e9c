"""The notification outbox: written with the step it announces, sent to the gateway with retries.

A row is written in the same transaction as its deadline step (``scanner``), under a unique id, so
a step has its notifications exactly once. The dispatcher locks a batch of due rows
(``FOR UPDATE SKIP LOCKED``: several instances share the work), sends each, and marks it sent, or
schedules the next attempt with exponential backoff until ``max_attempts`` (then ``failed``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import asyncpg
import structlog

from services.supervision.alerts.gateway import Gateway, GatewayError, build_gateway
from services.supervision.settings import NotificationSettings, Settings
from shared.app import Runtime

log = structlog.get_logger("notifications")

_ENQUEUE = """
INSERT INTO notification_outbox (notification_id, step_id, case_id, court, recipient_role, recipient_id, message)
SELECT n.id, $1, $2, $3, n.role, n.recipient, n.message
FROM unnest($4::uuid[], $5::text[], $6::text[], $7::jsonb[]) AS n(id, role, recipient, message)
ON CONFLICT (notification_id) DO NOTHING
"""


async def enqueue(
    conn: asyncpg.Connection, step_id: Any, case_id: str, court: str, messages: Sequence[Mapping[str, Any]]
) -> None:
    """Queue the notifications of a step (inside the step's transaction)."""
    if not messages:
        return
    await conn.execute(
        _ENQUEUE,
        step_id,
        case_id,
        court,
        [m["notification_id"] for m in messages],
        [m["recipient"]["role"] for m in messages],
        [m["recipient"].get("id") for m in messages],
        [dict(m) for m in messages],
    )
    await conn.execute("SELECT pg_notify('notifications', '')")


_ENQUEUE_MANY = """
INSERT INTO notification_outbox (notification_id, step_id, case_id, court, recipient_role, recipient_id, message)
SELECT n.id, NULL, n.case_id, n.court, n.role, n.recipient, n.message
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
     AS n(id, case_id, court, role, recipient, message)
ON CONFLICT (notification_id) DO NOTHING
"""


async def enqueue_many(conn: asyncpg.Connection, batch: Sequence[tuple[str, str, Mapping[str, Any]]]) -> None:
    """Queue notifications of several cases that belong to no step — (case id, court, message) —
    in one statement and one wake-up of the dispatcher (a consumer batch's next-node pushes)."""
    if not batch:
        return
    await conn.execute(
        _ENQUEUE_MANY,
        [m["notification_id"] for _, _, m in batch],
        [case_id for case_id, _, _ in batch],
        [court for _, court, _ in batch],
        [m["recipient"]["role"] for _, _, m in batch],
        [m["recipient"].get("id") for _, _, m in batch],
        [dict(m) for _, _, m in batch],
    )
    await conn.execute("SELECT pg_notify('notifications', '')")


def backoff(attempts: int, cfg: NotificationSettings) -> timedelta:
    """Wait before the next attempt after ``attempts`` failed ones: base · 2^(n−1), capped."""
    return timedelta(seconds=min(cfg.backoff_s * 2 ** max(attempts - 1, 0), cfg.backoff_max_s))


async def dispatch_once(pool: asyncpg.Pool, gateway: Gateway, cfg: NotificationSettings) -> int:
    """Send one batch of due notifications. Returns how many rows were handled."""
    async with pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(
            "SELECT id, message, attempts FROM notification_outbox"
            " WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
            cfg.batch_size,
        )
        for row in rows:
            attempts = row["attempts"] + 1
            try:
                await gateway.send(row["message"])
            except GatewayError as exc:
                failed = exc.permanent or attempts >= cfg.max_attempts
                await conn.execute(
                    "UPDATE notification_outbox SET attempts = $2, last_error = $3, status = $4,"
                    " next_attempt_at = now() + $5::interval WHERE id = $1",
                    row["id"],
                    attempts,
                    str(exc)[:500],
                    "failed" if failed else "pending",
                    backoff(attempts, cfg),
                )
                log.warning("notification_failed", id=row["id"], attempts=attempts, error=str(exc), final=failed)
                continue
            await conn.execute(
                "UPDATE notification_outbox SET attempts = $2, status = 'sent', sent_at = now(), last_error = NULL"
                " WHERE id = $1",
                row["id"],
                attempts,
            )
            if (row["message"] or {}).get("kind") == "lookup_code":  # a sent code is not kept (lookup.py)
                await conn.execute(
                    "UPDATE notification_outbox SET message = jsonb_set(jsonb_set(message, '{params,code}',"
                    " '\"******\"'), '{message}', to_jsonb(replace(message->>'message', message#>>'{params,code}',"
                    " '******'))) WHERE id = $1",
                    row["id"],
                )
    return len(rows)


async def dispatch_job(rt: Runtime) -> None:
    """Background: drain the outbox; woken by ``pg_notify('notifications')`` or every poll interval."""
    settings: Settings = rt.settings  # type: ignore[assignment]
    cfg = settings.notifications
    gateway = build_gateway(cfg)
    wake = asyncio.Event()
    listener: asyncpg.Connection | None = None
    try:
        try:
            listener = await asyncpg.connect(settings.database_url)
            await listener.add_listener("notifications", lambda *_: wake.set())
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("notification_listen_failed", error=repr(exc))
        while True:
            handled = 0
            try:
                handled = await dispatch_once(rt.pool, gateway, cfg)
            except Exception as exc:  # the job must outlive a bad row or a database hiccup
                log.error("notification_dispatch_error", error=repr(exc))
            if handled >= cfg.batch_size:
                continue
            wake.clear()
            try:
                await asyncio.wait_for(wake.wait(), cfg.poll_interval_s)
            except TimeoutError:
                pass
    finally:
        await gateway.close()
        if listener is not None:
            await listener.close()
