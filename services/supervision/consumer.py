"""What supervision does with every event of every case: record it in the trail (trail/record.py),
re-check each case touched once per consumer batch (trail/checks.py), and publish each new
互相制约 finding once (docs/architecture.md §4). Built with the settings the app was built with.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from services.supervision.alerts import next_node
from services.supervision.domain.findings import Finding
from services.supervision.events import FindingRaised
from services.supervision.settings import Settings
from services.supervision.trail.checks import NodeChange, load_context, refresh_cases
from services.supervision.trail.event import event_from_envelope
from services.supervision.trail.record import PROJECTION_LOCK, append_batch
from shared.reactions import ReactionContext, Reactions


def build_reactions(settings: Settings) -> Reactions:
    reactions = Reactions()

    @reactions.on_any
    async def record(ctx: ReactionContext) -> None:
        """Every event is taken; the work is done once per consumer batch, in ``record_batch``."""

    @reactions.after_batch
    async def record_batch(conn: asyncpg.Connection, contexts: Sequence[ReactionContext]) -> None:
        """Live: record the batch's events, re-check each case touched once, and publish each new
        finding once, caused by the event that completed it.

        The same as doing it event by event: a finding appears with the last event it names and the
        findings of a trail contain those of every prefix (findings.py), so a finding first found
        after event k of the trail is raised by the first event of the batch at or after it.
        """
        await conn.execute("SELECT pg_advisory_xact_lock_shared($1)", PROJECTION_LOCK)
        items = [(event_from_envelope(c.envelope), c.partition, c.offset) for c in contexts]
        seqs = await append_batch(conn, "public", items)
        appended = [(c, seq) for c, seq in zip(contexts, seqs, strict=True) if seq]
        if not appended:
            return
        # The calendar is read in every batch's transaction: a cached copy was tried and dropped — a
        # change of holiday_years made outside this process (another instance's load, a restore)
        # went unseen for seconds, and a rebuild then disagreed with the live deadlines.
        checks_ctx = await load_context(conn, settings.deadlines)
        by_case: dict[str, list[tuple[ReactionContext, int]]] = {}
        for c, seq in appended:
            by_case.setdefault(c.envelope.case_id, []).append((c, seq))
        pushing = settings.notifications.push_next_node
        nodes = NodeChange() if pushing else None
        # append_batch locked the cases' heads: the refresh needs no lock of its own.
        fresh = await refresh_cases(conn, "public", list(by_case), checks_ctx, heads_locked=True, nodes=nodes)
        if nodes is not None:
            envelopes = {case_id: [c.envelope for c, _ in items] for case_id, items in by_case.items()}
            await next_node.push(conn, settings.notifications, nodes.before, envelopes, after=nodes.after)
        if settings.publish_findings:
            for case_id, triggers in by_case.items():
                if fresh.get(case_id):
                    await _publish(fresh[case_id], triggers)

    return reactions


async def _publish(fresh: Sequence[Finding], triggers: Sequence[tuple[ReactionContext, int]]) -> None:
    """Each new finding of a case, raised by the first of its new events at or after the last
    event the finding names (an older event: the first new one), in check order."""
    seq_of = {str(c.envelope.event_id): seq for c, seq in triggers}
    pending = list(fresh)
    for c, seq in triggers:
        due = [f for f in pending if max((seq_of.get(i, 0) for i in f.event_ids), default=0) <= seq]
        if not due:
            continue
        pending = [f for f in pending if f not in due]
        await c.emit(
            f"supervision.findings:{c.envelope.case_id}",
            [
                FindingRaised(
                    finding_id=str(f.finding_id),
                    rule_id=f.rule_id,
                    rule_version=f.rule_version,
                    people=list(f.people),
                    event_ids=list(f.event_ids),
                    message=f.message,
                )
                for f in due
            ],
        )
