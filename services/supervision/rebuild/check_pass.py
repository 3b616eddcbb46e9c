"""The checks pass over the rebuilt trail (``check_pass``): one cursor in case order over a range
of case ids, each case's findings and deadline states computed once from its rows and written to
the shadow tables with COPY while the next rows are read, and every chain re-checked from the
stored rows on the way. The whole pass, or one range each for the worker processes.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any

import asyncpg

from services.supervision.domain.findings import Context
from services.supervision.indicators.store import COLUMNS as FACT_COLUMNS
from services.supervision.rebuild.pipeline import SHADOW, Rows, Stage, bulk
from services.supervision.rebuild.verify import ChainCheck, Report, trail_query
from services.supervision.trail.checks import DEADLINE_COLUMNS, FINDING_COLUMNS, by_case, check_rows

_CHECK_ROWS = 500  # trail rows fetched per round trip in the checks pass (with payloads: ~10 KB each)


async def _copy_checks(writer: asyncpg.Connection, item: tuple[Rows, Rows, Rows]) -> None:
    """One batch of the pass's findings, deadline and indicator-facts rows, copied in one transaction."""
    findings, deadlines, facts = item
    async with writer.transaction():
        if findings:
            await writer.copy_records_to_table(
                "findings", schema_name=SHADOW, records=findings, columns=FINDING_COLUMNS
            )
        if deadlines:
            await writer.copy_records_to_table(
                "deadlines", schema_name=SHADOW, records=deadlines, columns=DEADLINE_COLUMNS
            )
        if facts:
            await writer.copy_records_to_table(
                "indicator_facts", schema_name=SHADOW, records=facts, columns=FACT_COLUMNS
            )


async def check_pass(
    pool: asyncpg.Pool, ctx: Context, lo: str | None, hi: str | None, on_cases: Callable[[int], None]
) -> Report:
    """Findings and deadlines of the rebuilt cases with ``lo <= case_id < hi`` (None: unbounded),
    and their chains re-checked from the stored rows: one cursor in case order, each case checked
    once, its rows written with COPY while the next are read."""
    report = Report()
    chain = ChainCheck(report)
    where, args = [], []
    for op, bound in ((">=", lo), ("<", hi)):
        if bound is not None:
            args.append(bound)
            where.append(f"t.case_id {op} ${len(args)}")
    async with bulk(pool) as reader, bulk(pool) as writer:
        writing = Stage(functools.partial(_copy_checks, writer), "rebuild-checks-copy")
        try:
            findings: Rows = []
            deadlines: Rows = []
            facts: Rows = []
            held: list[Any] = []  # the rows of a case that may go on in the next fetch
            async with reader.transaction(readonly=True):
                cursor = await reader.cursor(trail_query(SHADOW, " AND ".join(where)), *args)
                fetching = asyncio.ensure_future(cursor.fetch(_CHECK_ROWS))
                while True:
                    rows = await fetching
                    if rows:
                        fetching = asyncio.ensure_future(cursor.fetch(_CHECK_ROWS))
                    chain.rows(rows)
                    cases = 0
                    for case_id, case_rows in by_case([*held, *rows] if held else rows):
                        if rows and case_rows[-1] is rows[-1]:
                            held = list(case_rows)
                            break
                        checked = check_rows(case_id, case_rows, ctx)
                        findings += checked.finding_rows
                        deadlines += checked.deadline_rows
                        facts += checked.facts_rows
                        cases += 1
                    else:
                        held = []
                    on_cases(cases)
                    if len(deadlines) >= 5 * _CHECK_ROWS or not rows:
                        await writing.put((findings, deadlines, facts))
                        findings, deadlines, facts = [], [], []
                    if not rows:
                        break
            await writing.close()
        finally:
            writing.cancel()
    chain.finish()
    return report
