"""Outbound delivery to push agencies: signed POSTs, retries with backoff, a circuit breaker per agency.

Rows of ``deliveries`` are claimed with a short lease (``FOR UPDATE SKIP LOCKED``), so several
instances share the work and a crashed one's claims expire. A paused agency or one whose breaker
is open is simply not selected: its requests wait, nothing is lost. After ``breaker_threshold``
consecutive failures the breaker opens for ``breaker_cooldown_s``; afterwards one request probes
(half-open) and its result closes or re-opens the breaker.
"""

from __future__ import annotations

import asyncio
import random
import time
from itertools import groupby
from typing import Any

import asyncpg
import httpx
import orjson
import structlog

from services.asset_search.agencies import signing
from services.asset_search.agencies.registry import AgencyConfig
from services.asset_search.domain.commands import RecordDelivery
from services.asset_search.execution import SYSTEM, execute, registry_of
from services.asset_search.settings import Settings
from shared.app import Runtime

log = structlog.get_logger("asset_search.delivery")

_CLAIM = """
UPDATE deliveries d SET lease_until = now() + make_interval(secs => $2)
FROM (
    SELECT d2.request_id FROM deliveries d2
    LEFT JOIN agency_state s ON s.agency_id = d2.agency_id
    WHERE d2.status = 'pending' AND d2.channel = 'push' AND d2.next_attempt_at <= now()
      AND (d2.lease_until IS NULL OR d2.lease_until < now())
      AND NOT (d2.agency_id = ANY($1::text[])) AND NOT coalesce(s.paused, false)
      AND (s.open_until IS NULL OR s.open_until <= now())
    ORDER BY d2.created_at LIMIT $3
    FOR UPDATE OF d2 SKIP LOCKED
) c
WHERE d.request_id = c.request_id
RETURNING d.request_id, d.case_id, d.agency_id, d.channel, d.request_kind, d.ref_id, d.body, d.attempts,
          d.created_at
"""

_FAILED = """
INSERT INTO agency_state (agency_id, consecutive_failures, last_error, last_failure_at, open_until)
VALUES ($1, 1, $2, now(), CASE WHEN 1 >= $3 THEN now() + make_interval(secs => $4) END)
ON CONFLICT (agency_id) DO UPDATE SET
    consecutive_failures = agency_state.consecutive_failures + 1,
    last_error = EXCLUDED.last_error, last_failure_at = now(),
    open_until = CASE WHEN agency_state.consecutive_failures + 1 >= $3
                      THEN now() + make_interval(secs => $4) ELSE agency_state.open_until END
RETURNING consecutive_failures, coalesce(open_until > now(), false) AS open
"""


def backoff_s(settings: Settings, attempts: int, retry_after: float | None = None) -> float:
    """Exponential backoff with ±20 % jitter, capped; an agency's Retry-After wins when longer."""
    base = min(settings.delivery_backoff_max_s, settings.delivery_backoff_base_s * 2 ** max(0, attempts - 1))
    delay = base * random.uniform(0.8, 1.2)
    return float(max(delay, retry_after or 0.0))


async def delivery_worker(rt: Runtime) -> None:
    """Background job: deliver due push requests until cancelled."""
    settings: Settings = rt.settings  # type: ignore[assignment]
    async with httpx.AsyncClient(timeout=settings.delivery_timeout_s) as client:
        while True:
            try:
                sent = await deliver_batch(rt, client)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("delivery_batch_failed", error=repr(exc))
                sent = 0
            if sent == 0:
                await asyncio.sleep(settings.delivery_poll_s)


async def deliver_batch(rt: Runtime, client: httpx.AsyncClient) -> int:
    """Claim due requests and push them: agencies side by side, up to ``delivery_per_agency``
    requests in flight to each, the requests about one query or control in their order."""
    settings: Settings = rt.settings  # type: ignore[assignment]
    registry = registry_of(rt)
    rows = await rt.pool.fetch(_CLAIM, registry.paused_ids, settings.delivery_lease_s, settings.delivery_batch)
    rows = sorted(rows, key=lambda r: (r["agency_id"], r["created_at"]))
    by_agency = [(agency_id, list(group)) for agency_id, group in groupby(rows, key=lambda r: r["agency_id"])]
    counts = await asyncio.gather(*(
        _deliver_to(rt, client, settings, registry.get(agency_id), pending) for agency_id, pending in by_agency
    ))
    return sum(counts)


async def _deliver_to(
    rt: Runtime, client: httpx.AsyncClient, settings: Settings, agency: AgencyConfig | None,
    pending: list[asyncpg.Record],
) -> int:
    """One agency's claimed requests; once its breaker opens, the rest are released unsent."""
    if agency is None or not agency.endpoint:
        await _release(rt.pool, pending)
        return 0
    lanes: dict[str, list[asyncpg.Record]] = {}
    for row in pending:  # one lane per query/control: its requests in order
        lanes.setdefault(row["ref_id"], []).append(row)
    gate = asyncio.Semaphore(max(1, settings.delivery_per_agency))
    opened = False
    handled = 0

    async def lane(rows: list[asyncpg.Record]) -> None:
        nonlocal opened, handled
        async with gate:
            for i, row in enumerate(rows):
                if opened:
                    await _release(rt.pool, rows[i:])
                    return
                ok, error, retry_after = await _push(client, agency, row)
                handled += 1
                if ok:
                    await _succeeded(rt, row)
                    continue
                opened = await _failed(rt.pool, settings, row, error, retry_after) or opened
                await _release(rt.pool, rows[i + 1:])  # a later request waits for this one's retry
                return

    await asyncio.gather(*(lane(rows) for rows in lanes.values()))
    return handled


async def _push(client: httpx.AsyncClient, agency: AgencyConfig, row: asyncpg.Record) -> tuple[bool, str, float | None]:
    body = orjson.dumps(row["body"])
    headers = signing.signed_headers(
        agency.id, agency.signing_secret, body, timestamp=int(time.time()), message_id=f"req_{row['request_id']}"
    )
    assert agency.endpoint is not None
    try:
        r = await client.post(agency.endpoint, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return False, f"transport: {exc!r}"[:500], None
    if 200 <= r.status_code < 300:
        return True, "", None
    retry_after = None
    if r.status_code == 429 and (r.headers.get("retry-after") or "").isdigit():
        retry_after = float(r.headers["retry-after"])
    return False, f"HTTP {r.status_code}: {r.text[:300]}", retry_after


async def _succeeded(rt: Runtime, row: asyncpg.Record) -> None:
    body: dict[str, Any] = row["body"]
    await execute(
        rt, case_id=row["case_id"], court=body.get("court") or "", actor=SYSTEM,
        build=lambda now: RecordDelivery(
            request_id=row["request_id"], request_kind=row["request_kind"], ref_id=row["ref_id"],
            agency_id=row["agency_id"], channel="push", attempts=row["attempts"] + 1,
        ),
    )
    await rt.pool.execute(
        "INSERT INTO agency_state (agency_id, last_success_at) VALUES ($1, now()) ON CONFLICT (agency_id)"
        " DO UPDATE SET consecutive_failures = 0, open_until = NULL, last_success_at = now()",
        row["agency_id"],
    )


async def _failed(
    pool: asyncpg.Pool, settings: Settings, row: asyncpg.Record, error: str, retry_after: float | None
) -> bool:
    """Record the failure; True when the agency's breaker is (now) open."""
    attempts = row["attempts"] + 1
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "UPDATE deliveries SET attempts = $2, next_attempt_at = now() + make_interval(secs => $3),"
            " lease_until = NULL, last_error = $4 WHERE request_id = $1",
            row["request_id"], attempts, backoff_s(settings, attempts, retry_after), error,
        )
        state = await conn.fetchrow(
            _FAILED, row["agency_id"], error, settings.breaker_threshold, settings.breaker_cooldown_s
        )
    log.info("delivery_failed", request_id=row["request_id"], agency_id=row["agency_id"], attempts=attempts,
             error=error, breaker_open=state["open"])
    return bool(state["open"])


async def _release(pool: asyncpg.Pool, rows: list[asyncpg.Record]) -> None:
    if rows:
        await pool.execute("UPDATE deliveries SET lease_until = NULL WHERE request_id = ANY($1::text[])",
                           [r["request_id"] for r in rows])
