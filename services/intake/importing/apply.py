"""Applying a batch of import records: one transaction, a handful of multi-row statements.

Per batch, whatever its size: the case-number sequences of the batch are locked and moved past its
highest numbers (one upsert), the numbers already known are read (one select), then every event of
every new case goes in with its outbox row (one statement, ``EventStore.write``), the ``cases`` rows
(one), the actors (one) and the import ledger (one). A record that is wrong is refused before the
transaction and nothing of it is written; a record imported before is "unchanged"; a number already
used for other content is a "conflict". A database failure rolls the whole batch back (the client
sends it again: the ids are deterministic, so nothing is ever written twice).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import asyncpg

from services.intake.importing.records import Importer, Plan, plan
from services.intake.projections import project_new_cases
from shared import clock, metrics
from shared.envelope import Actor, Envelope
from shared.errors import FieldError
from shared.eventstore import EventStore
from shared.importing import Line, Outcome, RecordRefused

__all__ = ["Line", "Outcome", "import_batch"]

# Sequences of the batch locked (in key order: two batches never deadlock) and moved past its numbers:
# a live registration waiting on the row takes the next number after the highest imported one.
_SEQUENCES = """
INSERT INTO case_number_sequences AS s (court, case_type, year, last_seq)
SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]) AS t(court, case_type, year, last_seq)
ORDER BY 1, 2, 3
ON CONFLICT (court, case_type, year) DO UPDATE SET last_seq = greatest(s.last_seq, EXCLUDED.last_seq)
"""

_KNOWN = """
SELECT c.case_number, c.case_id, i.record_hash, i.batch, i.line
FROM cases c LEFT JOIN case_imports i ON i.case_id = c.case_id
WHERE c.case_number = ANY($1::text[])
"""

_LEDGER = """
INSERT INTO case_imports (case_id, court, case_number, record_hash, batch, line, imported_by)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[])
"""


async def import_batch(
    pool: asyncpg.Pool, store: EventStore, lines: Sequence[Line], who: Importer, actor: Actor, correlation_id: str,
    batch: str,
) -> list[Outcome]:
    """Apply what can be applied of ``lines`` and say, per line, what became of it."""
    outcomes: list[Outcome] = []
    plans: list[tuple[Line, Plan]] = []
    for ln in lines:
        if ln.error is not None:
            outcomes.append(Outcome(ln.line, "refused", errors=[ln.error]))
            continue
        try:
            plans.append((ln, plan(ln.value, who)))
        except RecordRefused as exc:
            outcomes.append(Outcome(ln.line, "refused", case_number=exc.case_number, errors=exc.errors))
    applied: list[Envelope] = []
    if plans:
        async with pool.acquire() as conn, conn.transaction():
            outcomes += await _apply(conn, store, plans, who, actor, correlation_id, batch, applied)
        if applied:
            store.committed()
            for event_type, n in Counter(e.event_type for e in applied).items():
                metrics.EVENTS_APPENDED.labels("intake", event_type).inc(n)
    return sorted(outcomes, key=lambda o: o.line)


async def _apply(
    conn: asyncpg.Connection, store: EventStore, plans: list[tuple[Line, Plan]], who: Importer, actor: Actor,
    correlation_id: str, batch: str, applied: list[Envelope],
) -> list[Outcome]:
    tops: dict[tuple[str, str, int], int] = {}
    for _, p in plans:
        key = (p.court, p.case_number.type_code, p.case_number.year)
        tops[key] = max(tops.get(key, 0), p.case_number.sequence)
    keys = sorted(tops)
    await conn.execute(_SEQUENCES, [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys],
                       [tops[k] for k in keys])
    known = {r["case_number"]: r for r in await conn.fetch(_KNOWN, [str(p.case_number) for _, p in plans])}
    outcomes: list[Outcome] = []
    fresh: list[tuple[Line, Plan]] = []
    in_batch: dict[str, tuple[str, int]] = {}
    for ln, p in plans:
        number = str(p.case_number)
        prior, earlier = known.get(number), in_batch.get(number)
        if prior is not None and prior["record_hash"] is None:
            taken = f"案号 {number} 已由本系统立案使用（案件编号 {prior['case_id']}），不能再导入"
            outcomes.append(Outcome(ln.line, "conflict", prior["case_id"], number,
                                    [FieldError("case_number", taken, "case_number_taken")]))
        elif prior is not None or earlier is not None:
            if prior is not None:
                first_hash, where = prior["record_hash"], f"已于批次 {prior['batch']}（第 {prior['line']} 行）导入"
            else:
                assert earlier is not None
                first_hash, where = earlier[0], f"在本批第 {earlier[1]} 行已出现"
            if first_hash == p.record_hash:
                outcomes.append(Outcome(ln.line, "unchanged", p.case_id, number))
            else:
                outcomes.append(Outcome(ln.line, "conflict", p.case_id, number, [FieldError(
                    "case_number", f"案号 {number} {where}，内容与本行不同；未导入。如需更正，请联系系统管理员",
                    "content_differs")]))
        else:
            in_batch[number] = (p.record_hash, ln.line)
            fresh.append((ln, p))
    if not fresh:
        return outcomes
    now = clock.now()
    cases = [p.envelopes(actor, correlation_id, now) for _, p in fresh]
    envelopes = [e for case in cases for e in case]
    await store.write(conn, envelopes)
    await project_new_cases(conn, cases, [(p.case_id, officer, role, etype) for _, p in fresh
                                          for officer, role, etype in p.people])
    await conn.execute(
        _LEDGER, [p.case_id for _, p in fresh], [p.court for _, p in fresh], [str(p.case_number) for _, p in fresh],
        [p.record_hash for _, p in fresh], [batch] * len(fresh), [ln.line for ln, _ in fresh],
        [who.officer_id] * len(fresh),
    )
    applied.extend(envelopes)
    outcomes += [Outcome(ln.line, "imported", p.case_id, str(p.case_number)) for ln, p in fresh]
    return outcomes
