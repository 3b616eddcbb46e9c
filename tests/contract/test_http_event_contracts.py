"""The contract between the services, consumer side, on the real parts (docs/events.md): each
consuming service's consumer runs on the whole log the producers' own code makes, on a database of
its own migrated as its app migrates it, with the real event store; so every reaction reads what the
events before it left there (a case's facts from intake's registration, a control from its order, a
ledger from the funds before). Every reaction does something with what its producer makes and reads
only fields the producer's published schema has (a rename in a producer fails here); what the
reactions publish in turn validates against its own published schema.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator

import asyncpg
import pytest

from deploy import stack
from shared import db
from shared.envelope import Envelope
from shared.events import REGISTRY
from shared.eventstore import EventStore
from tests.conftest import RUN_ID, scratch_database
from tests.contract.helpers import (
    BY_TYPE,
    CONSUMED,
    CONSUMERS,
    PRODUCED,
    READ_FROM_ANY_EVENT,
    TOLERATED,
    Reaction,
    consume,
    react,
    schema_paths,
    unpublished,
)


class Consumed:
    """Each consuming service's database (``t<run>_contract_<service>_<hex>``), migrated as its app
    does, after its consumer took the whole log; made when a test first asks for it, dropped after."""

    def __init__(self, server_dsn: str) -> None:
        self.server_dsn = server_dsn
        self.databases: list[str] = []
        self.pools: list[asyncpg.Pool] = []
        self.done: dict[str, tuple[asyncpg.Pool, list[Reaction]] | BaseException] = {}

    async def __call__(self, service: str) -> tuple[asyncpg.Pool, list[Reaction]]:
        if service not in self.done:
            try:
                self.done[service] = await self._consume(service)
            except Exception as exc:  # every test of the service fails with it, the others go on
                self.done[service] = exc
        done = self.done[service]
        if isinstance(done, BaseException):
            raise done
        return done

    async def _consume(self, service: str) -> tuple[asyncpg.Pool, list[Reaction]]:
        consumer = CONSUMERS[service]
        name = f"t{RUN_ID}_contract_{service}_{secrets.token_hex(3)}"
        self.databases.append(name)
        dsn = await asyncio.to_thread(scratch_database, self.server_dsn, name)
        pool = await db.create_pool(dsn, min_size=1, max_size=2)
        self.pools.append(pool)
        await db.migrate(pool, db.SHARED_MIGRATIONS, *consumer.migrations)  # as shared/app.py does
        return pool, await consume(pool, consumer, PRODUCED)

    async def close(self) -> None:
        for pool in self.pools:
            await pool.close()
        await stack.delete_databases(self.server_dsn, self.databases)


@pytest.fixture(scope="module")
async def consumed(stack_parts: tuple[str, str]) -> AsyncIterator[Consumed]:
    server_dsn, _ = stack_parts
    databases = Consumed(server_dsn)
    try:
        yield databases
    finally:
        await databases.close()


def assert_published_as_registered(service: str, emitted: list[Envelope]) -> None:
    """What a reaction publishes in turn validates against its published schema, as its own."""
    for derived in emitted:
        assert derived.producer == service
        assert REGISTRY.parse(derived).model_dump(mode="json") == derived.payload


@pytest.mark.parametrize(("service", "event_type"), CONSUMED)
async def test_each_reaction_runs_on_what_the_producer_makes_and_reads_only_published_fields(
    consumed: Consumed, service: str, event_type: str
) -> None:
    _, log = await consumed(service)
    done = [r for r in log if r.envelope.event_type == event_type]
    assert len(done) == len(BY_TYPE[event_type])  # every one of them reached the handlers
    reads = set().union(*(r.reads for r in done))
    assert any(r.written or r.emitted for r in done), f"{service} changed nothing with any {event_type} made"
    for r in done:
        assert_published_as_registered(service, r.emitted)
    assert unpublished(event_type, reads) == TOLERATED.get((service, event_type), set())


async def test_the_reactions_work_on_what_the_earlier_events_left(consumed: Consumed) -> None:
    """No canned state: asset_search's first round names the respondent and the case number of intake's
    registration (its case_facts), disposal's ledger takes the offset in kind after the bank deduction
    (the stream as the store holds it), and intake marks paid in full the case its own events built."""
    registered = {e.case_id: e.payload for e in BY_TYPE["intake.case_registered"]}
    _, search = await consumed("asset_search")
    queries = [d for r in search if r.envelope.event_type == "intake.case_assigned" for d in r.emitted]
    assert {d.case_id for d in queries} == set(registered)
    for query in queries:
        assert query.payload["case_number"] == registered[query.case_id]["case_number"]
        respondent = registered[query.case_id]["respondent"]
        assert query.payload["subject"] == {k: respondent[k] for k in ("kind", "name", "id_number")}
    _, disposal = await consumed("disposal")
    funds = [(d.stream_version, d.payload["source"]) for r in disposal for d in r.emitted]
    assert funds == [(1, "bank_deduction"), (2, "offset_in_kind")]
    pool, _ = await consumed("intake")
    assert await pool.fetchval("SELECT paid_in_full FROM cases WHERE case_id = 'case-1'") is True


async def test_supervision_takes_every_event_into_its_trail_and_reads_only_published_fields(
    consumed: Consumed,
) -> None:
    pool, log = await consumed("supervision")
    assert [r.envelope.event_id for r in log] == [e.event_id for e in PRODUCED]
    assert await pool.fetchval("SELECT count(*) FROM audit_trail") == len(PRODUCED)
    for r in log:
        assert_published_as_registered("supervision", r.emitted)
    wrong = {t: unpublished(t, set().union(*(r.reads for r in log if r.envelope.event_type == t)))
             for t in BY_TYPE}
    assert {t: r - READ_FROM_ANY_EVENT for t, r in wrong.items() if r - READ_FROM_ANY_EVENT} == {}


async def test_a_field_renamed_by_its_producer_fails_the_check(consumed: Consumed) -> None:
    """The check above is not empty: intake's reaction to a query reads agency_kind; were asset_search to
    publish it as ``kind``, the read would be of a field the producer no longer publishes."""
    pool, _ = await consumed("intake")
    [env, *_] = BY_TYPE["asset_search.query_dispatched"]
    renamed = {("kind" if k == "agency_kind" else k): v for k, v in env.payload.items()}
    event = env.model_copy(update={"payload": renamed})
    async with pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        try:
            done = await react(conn, CONSUMERS["intake"], EventStore(), event, len(PRODUCED))
        finally:
            await transaction.rollback()  # the database stays as the log left it
    published = schema_paths(REGISTRY.get("asset_search.query_dispatched").model) - {"agency_kind"} | {"kind"}
    assert done.reads - published == {"agency_kind"}
