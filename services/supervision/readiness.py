"""Supervision's readiness includes the trail: a dead letter nobody has acknowledged means the trail
may have a hole, and then ``/readyz`` answers 503 with a ``trail`` check naming each one's partition,
offset and case (trail/dead_letters.py), and the status ``degraded`` (when every other check holds:
the service runs and serves, so that the dead letters can be looked into and acknowledged) or
``not_ready``.

The generic ``/readyz`` (database, Kafka, relay, consumer) is the app factory's (shared/app.py); this
middleware adds the ``trail`` check to its answer, since the factory has no hook for a service's
own readiness checks.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import orjson
import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.supervision.trail.dead_letters import listed, open_count, where

log = structlog.get_logger("readiness")

SHOWN = 5  # dead letters named in the answer (the count says how many there are)


async def trail_check(pool: asyncpg.Pool) -> tuple[bool, dict[str, Any]]:
    """Whether the trail can be trusted to be whole, and what readiness says about it."""
    try:
        async with asyncio.timeout(2):
            count = await open_count(pool)
            rows = await listed(pool, limit=SHOWN) if count else []
    except Exception as exc:
        log.warning("readiness_trail_unavailable", error=repr(exc))
        return False, {"state": "unavailable"}
    if not count:
        return True, {"state": "ok", "unacknowledged_dead_letters": 0}
    return False, {
        "state": "dead_letters",
        "unacknowledged_dead_letters": count,
        "dead_letters": [where(r) for r in rows],
        "detail": f"审计轨迹可能有缺口：{count} 条消息未能记入轨迹，已转入死信主题；"
        "核查后由监管人员或管理员确认（POST /admin/dead-letters/{id}/acknowledgement）",
    }


class TrailReadiness:
    """Adds the ``trail`` check to ``GET /readyz`` (and makes it 503 when the trail may have a hole)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") != "/readyz" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, keep)
        start = next((m for m in messages if m["type"] == "http.response.start"), None)
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        try:
            answer = orjson.loads(body)
        except orjson.JSONDecodeError:
            answer = None
        checks = answer.get("checks") if isinstance(answer, dict) else None
        if start is None or not isinstance(answer, dict) or not isinstance(checks, dict):
            for message in messages:  # not the answer this expects: passed on as it is
                await send(message)
            return
        ok, checks["trail"] = await trail_check(scope["app"].state.runtime.pool)
        status = start["status"]
        if not ok:  # degraded: everything else is fine, the service runs and serves, yet a person must look
            answer["status"], status = ("degraded" if status == 200 else "not_ready"), 503
        out = orjson.dumps(answer)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        await send({**start, "status": status, "headers": [*headers, (b"content-length", str(len(out)).encode())]})
        await send({"type": "http.response.body", "body": out})
