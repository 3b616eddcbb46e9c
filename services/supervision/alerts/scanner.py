"""The live deadline scanner: records each step of each open deadline once, with its notifications
and its event, in one transaction.

Only this job produces reminders, escalations and their ``supervision.*`` events. The consumer
and the rebuild (``rebuilder``) only recompute the deadlines projection; the steps and the
notification outbox are not projections of the log and a rebuild never touches them, so it sends
and publishes nothing. Steps are unique per (case, node, due date, step) and their events carry
deterministic ids, so several scanners, repeated scans and restarts record each step once.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg
import structlog

from services.supervision.alerts.escalation import (
    LEVELS,
    OVERDUE,
    OpenNode,
    Step,
    notification,
    pending_steps,
    recipients,
)
from services.supervision.alerts.notifications import enqueue
from services.supervision.alerts.parties import case_parties
from services.supervision.events import DeadlineOverdue, Escalated
from services.supervision.settings import Settings
from shared.app import Runtime
from shared.envelope import SHANGHAI, Actor, Envelope, now_shanghai
from shared.events import DomainEvent
from shared.eventstore import EventStore

log = structlog.get_logger("scanner")
SCAN_LOCK = 0x5EB5_0009

_OPEN = """
SELECT d.case_id, d.key, d.node, d.court, d.judge_id, d.team_id, d.title, d.due, d.start_event_id,
       EXISTS (SELECT 1 FROM deadlines c WHERE c.case_id = d.case_id AND c.key = 'close'
               AND c.completed_on IS NOT NULL) AS case_closed,
       coalesce((SELECT array_agg(s.step) FROM deadline_steps s
                 WHERE s.case_id = d.case_id AND s.key = d.key AND s.due = d.due), '{}') AS recorded
FROM deadlines d
WHERE d.completed_on IS NULL AND d.due IS NOT NULL AND d.due <= $1 AND (d.case_id, d.key) > ($2, $3)
ORDER BY d.case_id, d.key
LIMIT $4
"""


def scanner_today(settings: Settings) -> date:
    return settings.scanner.today or now_shanghai().date()


async def scan(pool: asyncpg.Pool, store: EventStore, settings: Settings, today: date) -> dict[str, Any]:
    """One pass over the open deadlines due by ``today`` + the longest warning period."""
    cfg = settings.deadlines
    horizon = today + timedelta(days=max([cfg.warning_days, *cfg.node_warning_days.values()]))
    scan_id = uuid.uuid4()
    counts: Counter[str] = Counter()
    checked = notified = 0
    after = ("", "")
    cases: dict[str, tuple[str | None, dict[str, Any] | None]] = {}
    while True:
        rows = await pool.fetch(_OPEN, horizon, after[0], after[1], settings.scanner.page_size)
        if not rows:
            break
        after = (rows[-1]["case_id"], rows[-1]["key"])
        for r in rows:
            checked += 1
            node = OpenNode(
                r["case_id"],
                r["key"],
                r["node"],
                r["court"],
                r["title"],
                r["due"],
                r["judge_id"],
                r["team_id"],
                r["start_event_id"],
                r["case_closed"],
            )
            for step in pending_steps(node, today, cfg, set(r["recorded"])):
                queued = await _record(pool, store, settings, node, step, today, scan_id, cases)
                if queued is not None:  # recorded now (its event is in the outbox): wake the relay
                    store.committed()
                    counts[step.name] += 1
                    notified += queued
    report = {
        "as_of": today.isoformat(),
        "scan_id": str(scan_id),
        "deadlines_checked": checked,
        "steps": dict(counts),
        "notifications": notified,
    }
    if counts:
        log.info("deadline_scan", **report)
    return report


async def _case_facts(
    conn: asyncpg.Connection, case_id: str, cache: dict[str, tuple[str | None, dict[str, Any] | None]]
) -> tuple[str | None, dict[str, Any] | None]:
    """The case number and applicant, from the case's registration in the trail (tolerant); no
    applicant when they opted out of SMS (intake.party_sms_opt_out_changed); their mobile number when
    intake recorded one."""
    if case_id not in cache:
        payload = await conn.fetchval(
            "SELECT payload FROM audit_trail WHERE case_id = $1 AND event_type = 'intake.case_registered'"
            " ORDER BY seq LIMIT 1",
            case_id,
        )
        payload = payload or {}
        applicant = payload.get("applicant")
        contact = (await case_parties(conn, case_id)).parties["applicant"]
        if contact.opted_out:  # declined SMS (intake)
            applicant = None
        elif contact.mobile and isinstance(applicant, dict):
            applicant = {**applicant, "mobile": contact.mobile}
        cache[case_id] = (payload.get("case_number"), applicant if isinstance(applicant, dict) else None)
    return cache[case_id]


async def _record(
    pool: asyncpg.Pool,
    store: EventStore,
    settings: Settings,
    node: OpenNode,
    step: Step,
    today: date,
    scan_id: uuid.UUID,
    cases: dict[str, tuple[str | None, dict[str, Any] | None]],
) -> int | None:
    """The step, its notifications and its event in one transaction. Returns the number of
    notifications queued, or None when the step was recorded before."""
    async with pool.acquire() as conn, conn.transaction():
        await store.lock_case(conn, node.case_id)
        inserted = await conn.fetchval(
            "INSERT INTO deadline_steps (step_id, case_id, key, node, court, due, step, level, days_overdue,"
            " judge_id, team_id, as_of, event_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
            " ON CONFLICT DO NOTHING RETURNING true",
            step.step_id,
            node.case_id,
            node.key,
            node.node,
            node.court,
            node.due,
            step.name,
            step.level,
            step.days_overdue,
            node.judge_id,
            node.team_id,
            today,
            step.event_id if step.publishes else None,
        )
        if not inserted:
            return None
        case_number, applicant = await _case_facts(conn, node.case_id, cases)
        people = recipients(step, node, settings.deadlines, applicant)
        for person in people:  # level 1: the team's lead as the case's latest assignment names them (v2)
            if person["role"] == "team_lead" and not person.get("id"):
                person["id"] = await conn.fetchval(
                    "SELECT payload->>'team_lead_id' FROM audit_trail WHERE case_id = $1"
                    " AND event_type = 'intake.case_assigned' ORDER BY seq DESC LIMIT 1", node.case_id)
        messages = [notification(step, node, case_number, p) for p in people]
        await enqueue(conn, step.step_id, node.case_id, node.court, messages)
        if step.publishes:
            await _publish(conn, store, node, step, today, scan_id)
    return len(messages)


def _event(node: OpenNode, step: Step, today: date) -> DomainEvent:
    common: dict[str, Any] = {
        "key": node.key,
        "node": node.node,
        "node_name": node.title,
        "due": node.due.isoformat(),
        "days_overdue": step.days_overdue,
        "level": step.level,
        "judge_id": node.judge_id,
        "team_id": node.team_id,
        "as_of": today.isoformat(),
    }
    if step.name == OVERDUE:
        return DeadlineOverdue(escalated_to=LEVELS[step.level][1] if step.level else None, **common)
    return Escalated(escalated_to=LEVELS[step.level][1], **common)


async def _publish(
    conn: asyncpg.Connection, store: EventStore, node: OpenNode, step: Step, today: date, scan_id: uuid.UUID
) -> None:
    """Append the step's event to the case's supervision stream (and so to the outbox)."""
    stream = f"supervision.deadlines:{node.case_id}"
    if await conn.fetchval("SELECT true FROM events WHERE event_id = $1", step.event_id):
        return
    version = await store.stream_version(conn, stream)
    event = _event(node, step, today)
    now = now_shanghai()
    occurred = now if today == now.date() else datetime.combine(today, time(8, 0), SHANGHAI)
    env = Envelope(
        event_id=step.event_id,
        event_type=event.event_type,
        schema_version=event.schema_version,
        case_id=node.case_id,
        stream_id=stream,
        stream_version=version + 1,
        occurred_at=occurred,
        recorded_at=now,
        producer="supervision",
        actor=Actor.system("supervision"),
        court=node.court,
        correlation_id=f"supervision.scan:{scan_id}",
        causation_id=node.start_event_id,
        payload=event.model_dump(mode="json"),
    )
    await store.append(conn, stream, version, [env])


async def scan_exclusively(rt: Runtime, today: date, wait_s: float = 0) -> dict[str, Any] | None:
    """One scan at a time across instances: wait up to ``wait_s`` for a running one, else None."""
    settings: Settings = rt.settings  # type: ignore[assignment]
    async with rt.pool.acquire() as guard:
        if wait_s > 0:
            try:
                await guard.execute(f"SET lock_timeout = '{int(wait_s * 1000)}ms'")
                await guard.execute("SELECT pg_advisory_lock($1)", SCAN_LOCK)
            except asyncpg.LockNotAvailableError:
                return None
            finally:
                await guard.execute("RESET lock_timeout")
        elif not await guard.fetchval("SELECT pg_try_advisory_lock($1)", SCAN_LOCK):
            return None
        try:
            return await scan(rt.pool, rt.store, settings, today)
        finally:
            await guard.execute("SELECT pg_advisory_unlock($1)", SCAN_LOCK)


async def scan_job(rt: Runtime) -> None:
    """Background: scan at start, then every ``scanner.interval_s`` (a step is recorded within about
    a minute of its becoming due), and at once when the drill clock moves (``wake_scanner``)."""
    settings: Settings = rt.settings  # type: ignore[assignment]
    if not settings.scanner.enabled:
        return
    wake: asyncio.Event = rt.extras.setdefault("scan_wake", asyncio.Event())
    while True:
        wake.clear()
        try:
            await scan_exclusively(rt, scanner_today(settings))
        except Exception as exc:  # the job must outlive one failed pass
            log.error("deadline_scan_failed", error=repr(exc))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), settings.scanner.interval_s)


async def wake_scanner(rt: Runtime, move: object) -> None:
    """The drill clock moved: scan now, on the new day (every instance's scanner; one scans)."""
    wake: asyncio.Event = rt.extras.setdefault("scan_wake", asyncio.Event())
    wake.set()
