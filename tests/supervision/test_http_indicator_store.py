"""``indicator_facts`` (services/supervision/indicators/store.py) against the real PostgreSQL: the
figures PostgreSQL counts from the table equal the pure functions' over the same facts, and the
one-time backfill from the trail gives the rows the live reaction wrote."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import asyncpg
import pytest

from deploy import stack
from deploy.system import System
from services.supervision.domain.entries import Entry
from services.supervision.indicators import agencies as ag
from services.supervision.indicators import figures as ind
from services.supervision.indicators import store
from services.supervision.indicators.figures import CaseFacts, Period
from services.supervision.main import MIGRATIONS
from services.supervision.trail.record import PROJECTION_LOCK
from shared import db
from shared.envelope import SHANGHAI
from tests.conftest import RUN_ID, scratch_database
from tests.supervision.helpers import publish, wait_trail
from tests.supervision.test_http_indicators import closed, opened

COURT = "黔01"


PERIODS = [Period(date(2025, 1, 1), date(2025, 12, 31)), Period(date(2025, 7, 1), date(2026, 6, 30)),
           Period(date(2026, 3, 15), date(2026, 3, 15)), Period(date(2020, 1, 1), date(2030, 1, 1))]


def random_facts(rng: random.Random, n: int) -> list[CaseFacts]:
    """Cases with every corner the figures have: untriaged and objection cases, a group of objection
    cases only, recoveries over the claim, no close-by date, closures on the period's bounds."""
    base = date(2025, 1, 1)
    # every period's first and last day and the days either side, often: the bounds are where it goes wrong
    edges = [d + timedelta(days=k) for p in PERIODS for d in (p.start, p.end) for k in (-1, 0, 1)]

    def day(after: date) -> date:
        near = [d for d in edges if d >= after]
        return rng.choice(near) if near and rng.random() < 0.5 else after + timedelta(days=rng.randrange(0, 400))

    out = []
    for i in range(n):
        registered = day(base)
        closed_on = day(registered) if rng.random() < 0.6 else None
        kind = rng.choice(["执", "执", "执恢", "执保", "执异"])
        claim = rng.choice([0, 1, 5_000_00, 12_345_600, 9_000_000_000_000_000_000])  # past 64 bits in a sum
        out.append(CaseFacts(
            case_id=f"case-{i:05d}",
            case_type=kind,
            track=rng.choice(["fast", "ordinary", None, "weird"]),
            team_id=rng.choice(["team-a", "team-b", None]),
            judge_id="judge-objections" if kind == "执异" else rng.choice(["judge-1", "judge-2", None]),
            registered_on=registered,
            claim_fen=claim,
            recovered_fen=rng.choice([0, 1, claim, claim + 7]),
            settlement_performed=rng.random() < 0.2,
            closure_type=rng.choice(["执行完毕", "终本", "终结执行", "驳回申请", None]) if closed_on else None,
            closed_on=closed_on,
            approved_by=rng.choice(["chief", None]),
            conditions=[{"key": "k", "met": True}] if rng.random() < 0.1 else [],
            close_due=rng.choice([None, registered + timedelta(days=183)]),
            zhongben_finding=rng.random() < 0.3,
        ))
    return out


@pytest.fixture(scope="module")
async def scratch(system: System) -> AsyncIterator[asyncpg.Pool]:
    name = f"t{RUN_ID}_indicator_store"
    dsn = await asyncio.to_thread(scratch_database, system.server_dsn, name)
    pool = await db.create_pool(dsn, min_size=1, max_size=2)
    try:
        await db.migrate(pool, db.SHARED_MIGRATIONS, *MIGRATIONS)
        yield pool
    finally:
        await pool.close()
        await stack.delete_databases(system.server_dsn, [name])


async def test_postgresql_counts_the_figures_the_pure_functions_compute(scratch: asyncpg.Pool) -> None:
    facts = random_facts(random.Random(19), 600)
    async with scratch.acquire() as conn:
        await store.upsert(conn, "public", [store.row_of(COURT, f) for f in facts])
        others = [replace(f, case_id=f"other-{f.case_id}") for f in random_facts(random.Random(3), 20)]
        await store.upsert(conn, "public", [store.row_of("黔02", f) for f in others])
        assert await store.load(conn, COURT) == sorted(facts, key=lambda f: f.case_id)
    checked = 0
    for period in PERIODS:
        for filters in ({}, {"track": "fast"}, {"team_id": "team-a", "judge_id": "judge-1"}):
            chosen = ind.select(facts, **filters)
            for group_by in (None, "track", "team", "judge"):
                rows = await store.tallies(scratch, COURT, period, group_by=group_by, **filters)
                totals, tracks, groups = store.assemble(rows, group_by)
                assert totals == ind.indicators(chosen, period)
                assert tracks == ind.tracks(chosen, period)
                assert groups == (ind.grouped(chosen, period, group_by) if group_by else None)
                checked += 1
    assert checked == len(PERIODS) * 3 * 4
    # each court counts its own cases only
    everything = PERIODS[-1]
    theirs = await store.tallies(scratch, "黔02", everything)
    assert store.assemble(theirs, None)[0] == ind.indicators(others, everything)
    assert store.assemble(await store.tallies(scratch, "黔99", everything), None)[0]["received"] == 0


async def test_a_rewrite_keeps_a_case_found_against_rule_6(scratch: asyncpg.Pool) -> None:
    """Findings only grow: facts rewritten without the 互相制约-6 finding keep it, as ``findings`` does."""
    found = CaseFacts("case-grow", "执", registered_on=date(2026, 1, 5), closure_type="终本",
                      closed_on=date(2026, 2, 1), zhongben_finding=True)
    async with scratch.acquire() as conn:
        await store.upsert(conn, "public", [store.row_of(COURT, found)])
        later = CaseFacts("case-grow", "执", registered_on=date(2026, 1, 5), closure_type="终本",
                          closed_on=date(2026, 2, 1), judge_id="judge-9")
        await store.upsert(conn, "public", [store.row_of(COURT, later)])
        [row] = await conn.fetch("SELECT * FROM indicator_facts WHERE case_id = 'case-grow'")
    assert (row["judge_id"], row["zhongben_finding"]) == ("judge-9", True)


async def test_the_backfill_from_the_trail_gives_the_rows_the_live_reaction_wrote(system: System, http: Any) -> None:
    team = f"team-{RUN_ID}-bf"
    cases = [opened(team, "judge-b1", "fast"), opened(team, "judge-b2", "ordinary")]
    closed(cases[0], "执行完毕", "2026-03-20", "judge-b1", "chief-1", "fast")
    closed(cases[1], "终本", "2026-04-01", "judge-b2", "judge-b2", "ordinary")
    await publish(system, [e for s in cases for e in s.envelopes])
    for s in cases:
        await wait_trail(http, system, s.case_id, len(s.envelopes))
    conn = await db.connect(system.dsn("supervision"))
    try:
        # One snapshot for the rows as written and the backfill's reading of the trail; rolled back.
        tx = conn.transaction(isolation="repeatable_read")
        await tx.start()
        try:
            # the projection lock first, as the backfill takes it: the live reaction is not half-way in
            await conn.execute("SELECT pg_advisory_xact_lock($1)", PROJECTION_LOCK)
            select = f"SELECT {', '.join(store.COLUMNS)} FROM indicator_facts ORDER BY case_id"
            live = [tuple(r) for r in await conn.fetch(select)]
            mine = {r[0]: (r[1], r[4], r[5], r[10]) for r in live if r[0] in {s.case_id for s in cases}}
            assert mine == {cases[0].case_id: (COURT, team, "judge-b1", "执行完毕"),
                            cases[1].case_id: (COURT, team, "judge-b2", "终本")}
            await conn.execute("DELETE FROM indicator_facts")
            await conn.execute("INSERT INTO pending_backfills (name) VALUES ('indicator_facts')")
            assert await store.backfill(conn) == len(live)
            assert [tuple(r) for r in await conn.fetch(select)] == live
            assert await store.backfill(conn) == 0  # once
        finally:
            await tx.rollback()
    finally:
        await conn.close()


async def test_postgresql_counts_the_overdue_cases_the_pure_function_counts(scratch: asyncpg.Pool) -> None:
    """/indicators/overdue's counts (indicators/store.py overdue) against ``figures.overdue`` over random
    deadline rows: open, done, done on the day, not yet due, no team or judge, two courts."""
    rng = random.Random(7)
    today = date(2026, 3, 31)
    thresholds = [0, 7, 15, 30]
    titles = {"notice": "执行通知", "close": "执行结案", "first_search": "首次网络查控"}
    rows = []
    for i in range(300):
        node = rng.choice(list(titles))
        due = today + timedelta(days=rng.randrange(-60, 5))
        done = rng.choice([None, None, due + timedelta(days=rng.randrange(-3, 10))])
        rows.append({"case_id": f"od-{i % 120:03d}", "key": f"{node}-{i}", "node": node, "title": titles[node],
                     "court": rng.choice([COURT, COURT, "黔02"]), "team_id": rng.choice(["t1", "t2", None]),
                     "judge_id": rng.choice(["j1", "j2", None]), "due": due, "completed_on": done,
                     "start_date": due - timedelta(days=30)})
    tracks = {f"od-{i:03d}": rng.choice(["fast", "ordinary"]) for i in range(120)}
    async with scratch.acquire() as conn:
        await conn.executemany(
            "INSERT INTO deadlines (case_id, key, node, court, judge_id, team_id, title, source, start_date, due,"
            " completed_on, explanation, fallback_calendar, paused)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, 'test', $8, $9, $10, '{}'::jsonb, false, false)",
            [(r["case_id"], r["key"], r["node"], r["court"], r["judge_id"], r["team_id"], r["title"],
              r["start_date"], r["due"], r["completed_on"]) for r in rows])
        facts = [store.row_of(COURT, CaseFacts(c, "执", track=t)) for c, t in tracks.items()]
        await store.upsert(conn, "public", facts)
    for as_of, open_on in ((None, ["completed_on IS NULL"]),
                           (today, ["start_date <= $2", "(completed_on IS NULL OR completed_on > $2)"])):
        for filters in ({}, {"track": "fast"}, {"team_id": "t1"}, {"judge_id": "j2", "track": "ordinary"}):
            def chosen(r: dict[str, Any], as_of: date | None = as_of, filters: dict[str, str] = filters) -> bool:
                still_open = r["completed_on"] is None or (as_of is not None and r["completed_on"] > as_of)
                started = as_of is None or r["start_date"] <= as_of
                return (r["court"] == COURT and r["due"] < today and still_open and started
                        and all((tracks[r["case_id"]] if k == "track" else r[k]) == v for k, v in filters.items()))

            expected = ind.overdue([r for r in rows if chosen(r)], today, 3, thresholds)
            got = await store.overdue(scratch, COURT, today, open_on, thresholds, **filters)
            assert got == expected, (as_of, filters)
            assert got["cases"] > 0


async def test_postgresql_pairs_each_query_with_its_first_answer_as_the_trail_fold_does(
    system: System, http: Any
) -> None:
    """/indicators/agencies' pairs (indicators/store.py query_pairs) against ``agencies.query_pairs`` over
    the run's whole trail, with a query dispatched twice, one answered twice (late the second time), one
    never answered, an answer with no dispatch, and answers across the period's first day."""
    bank = f"bank-{RUN_ID}"
    s = opened(f"team-{RUN_ID}-q", "judge-q", "fast")
    s.add("asset_search.query_dispatched", query_id=f"q1-{bank}", agency_id=bank, agency_kind="bank_deposit")
    s.add("asset_search.query_dispatched", query_id=f"q1-{bank}", agency_id="other", agency_kind="bank_deposit")
    s.add("asset_search.query_dispatched", query_id=f"q2-{bank}", agency_id=bank, agency_kind="bank_deposit")
    s.add("asset_search.query_dispatched", query_id=f"q3-{bank}", agency_id=bank, agency_kind="bank_deposit")
    for query, late in ((f"q1-{bank}", False), (f"q1-{bank}", True), (f"q2-{bank}", True), (f"q9-{bank}", False)):
        s.add("asset_search.agency_answered", query_id=query, agency_id=bank, agency_kind="bank_deposit",
              outcome="nothing_found", late=late)
    await publish(system, s.envelopes)
    await wait_trail(http, system, s.case_id, len(s.envelopes))
    reference = (
        "SELECT case_id, seq, event_type, occurred_at, actor_role, jsonb_build_object('query_id', payload->'query_id',"
        " 'agency_id', payload->'agency_id', 'agency_kind', payload->'agency_kind', 'late', payload->'late')"
        " FROM audit_trail WHERE court = $1 AND event_type = ANY($2::text[]) ORDER BY case_id, seq"
    )
    conn = await db.connect(system.dsn("supervision"))
    tx = conn.transaction(isolation="repeatable_read", readonly=True)  # one snapshot: agencies answer meanwhile
    await tx.start()
    try:
        entries = [Entry(r[1], "", r[2], r[3], "", "", r[4], r[5], None, r[0])
                   for r in await conn.fetch(reference, COURT, list(ag.AGENCY_EVENTS))]
        day = s.envelopes[0].occurred_at.astimezone(SHANGHAI).date()
        for period in (Period(date(2020, 1, 1), date(2030, 12, 31)), Period(day, day),
                       Period(day + timedelta(days=1), date(2030, 12, 31))):
            expected = [p for p in ag.query_pairs(entries)
                        if p.dispatched_at.astimezone(SHANGHAI).date() in period]
            got = await store.query_pairs(conn, COURT, period)
            assert got == expected
            assert ag.agency_times(got, period) == ag.agency_response_times(entries, period)
        mine = [p for p in await store.query_pairs(conn, COURT, Period(day, day)) if bank in (p.agency_id, "other")]
        assert [(p.agency_id, p.answered_at is not None, p.late) for p in mine if p.agency_id == bank] == [
            (bank, True, False), (bank, True, True), (bank, False, False)]
    finally:
        await tx.rollback()
        await conn.close()
