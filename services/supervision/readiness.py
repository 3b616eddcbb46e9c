"""Supervision's readiness includes the trail: a dead letter nobody has acknowledged means the trail
may have a hole, and then ``/readyz`` answers 503 with a ``trail`` check naming each one's partition,
offset and case (trail/dead_letters.py), and the status ``degraded`` (when every other check holds:
the service runs and serves, so that the dead letters can be looked into and acknowledged) or
``not_ready``.

The generic ``/readyz`` (database, Kafka, relay, consumer, loops) is the app factory's
(shared/app.py); this is the service's own check, given to the factory as ``readiness``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import structlog

from services.supervision.trail.dead_letters import listed, open_count, where
from shared.app import Runtime

log = structlog.get_logger("readiness")

SHOWN = 5  # dead letters named in the answer (the count says how many there are)


async def trail_check(rt: Runtime) -> tuple[bool, dict[str, Any]]:
    """Whether the trail can be trusted to be whole, and what readiness says about it."""
    pool = rt.pool
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
