"""The command runner's shortcuts against the real PostgreSQL: the per-process state cache (a cached
fold plus the events after it must equal the fold of the whole stream, whoever appended them), a new
stream's command (no lock, no load, still guarded), and the coalesced wake-up a process whose relay
does not lead sends after its commits."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import asyncpg
import pytest

from shared.commands import CommandMeta, CommandResult, CommandRunner, TableDecider
from shared.envelope import Actor, now_shanghai
from shared.errors import Conflict
from shared.events import REGISTRY, DomainEvent
from shared.eventstore import EventStore


class Counted(DomainEvent):
    event_type: ClassVar[str] = "test.counted"
    by: int


@dataclass(frozen=True)
class Tally:
    total: int = 0
    events: int = 0


@dataclass(frozen=True)
class Count:
    by: int


def _evolve(state: Tally, event: DomainEvent) -> Tally:
    assert isinstance(event, Counted)
    return replace(state, total=state.total + event.by, events=state.events + 1)


def _decide(cmd: Count, state: Tally) -> list[DomainEvent]:
    return [Counted(by=cmd.by)]


@pytest.fixture(autouse=True)
def counted_type() -> Iterator[None]:
    """The test's event type, registered for these tests only (not a published contract)."""
    REGISTRY.register(Counted, "test.counted", 1)
    yield
    REGISTRY._types.pop("test.counted", None)


def meta() -> CommandMeta:
    return CommandMeta(actor=Actor(kind="officer", id="o-1", role="judge"), court="黔01", now=now_shanghai(),
                       correlation_id=str(uuid.uuid4()))


def answer(result: CommandResult[Tally]) -> tuple[int, dict[str, Any]]:
    return 200, {"total": result.state.total, "events": result.state.events, "version": result.version}


async def count(runner: CommandRunner, decider: TableDecider[Tally], case_id: str, by: int, **kw: Any
                ) -> dict[str, Any]:
    _, body = await runner.execute(stream_id=f"test:{case_id}", case_id=case_id, decider=decider,
                                   command=Count(by), meta=meta(), respond=answer, **kw)
    return body


async def test_a_cached_fold_plus_what_others_appended_equals_the_whole_fold(pool: asyncpg.Pool) -> None:
    cached = TableDecider(Tally, _evolve, {Count: _decide}, cacheable=True)
    uncached = TableDecider(Tally, _evolve, {Count: _decide})
    store = EventStore()
    here = CommandRunner("test", pool, store)  # this process: keeps folds
    there = CommandRunner("test", pool, store)  # another process writing the same stream
    case_id = f"c-{uuid.uuid4()}"
    for by in (1, 2, 3):
        await count(here, cached, case_id, by)
    assert here.states.get(cached, f"test:{case_id}") == (2, Tally(total=3, events=2))  # read back, not own
    for by in (10, 20):
        await count(there, uncached, case_id, by)
    body = await count(here, cached, case_id, 100)
    assert body == {"total": 136, "events": 6, "version": 6}
    # The same answer folding everything from the first event:
    assert await count(CommandRunner("test", pool, store, state_cache_size=0), cached, case_id, 0) == {
        "total": 136, "events": 7, "version": 7}
    # A stale If-Match is still refused with the cache's version arithmetic.
    with pytest.raises(Conflict):
        await count(here, cached, case_id, 1, expected_version=5)
    assert (await count(here, cached, case_id, 1, expected_version=7))["version"] == 8


async def test_a_decider_that_does_not_allow_it_is_never_cached(pool: asyncpg.Pool) -> None:
    plain = TableDecider(Tally, _evolve, {Count: _decide})
    runner = CommandRunner("test", pool, EventStore())
    case_id = f"c-{uuid.uuid4()}"
    await count(runner, plain, case_id, 1)
    await count(runner, plain, case_id, 1)
    assert runner.states.get(plain, f"test:{case_id}") is None


async def test_a_new_stream_command_is_guarded_at_version_zero(pool: asyncpg.Pool) -> None:
    decider = TableDecider(Tally, _evolve, {Count: _decide}, cacheable=True)
    runner = CommandRunner("test", pool, EventStore())
    case_id = f"c-{uuid.uuid4()}"
    assert await count(runner, decider, case_id, 5, new_stream=True) == {"total": 5, "events": 1, "version": 1}
    with pytest.raises(Conflict):  # the id was not new after all: refused, nothing written
        await count(runner, decider, case_id, 7, new_stream=True)
    assert await pool.fetchval("SELECT count(*) FROM events WHERE stream_id = $1", f"test:{case_id}") == 1


async def test_a_process_whose_relay_does_not_lead_wakes_the_leader_after_its_commits(
    pool: asyncpg.Pool, scratch_dsn: str
) -> None:
    channel = f"outbox_{uuid.uuid4().hex[:8]}"
    store = EventStore(notify_channel=channel)
    woken_here: list[int] = []
    store.attach_relay(lambda: False, lambda: woken_here.append(1), pool)
    assert store._channel() is None  # no appending statement notifies
    heard: list[str] = []
    listener = await asyncpg.connect(scratch_dsn)
    try:
        await listener.add_listener(channel, lambda *args: heard.append(args[2]))
        decider = TableDecider(Tally, _evolve, {Count: _decide})
        runner = CommandRunner("test", pool, store)
        await asyncio.gather(*(count(runner, decider, f"c-{uuid.uuid4()}", 1) for _ in range(20)))
        for _ in range(200):
            if heard:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
        # Woken at least once, and never more often than there were commits (coalesced).
        assert 1 <= len(heard) <= 20
        assert woken_here == []  # this process's relay does not lead: not woken in-process
    finally:
        await listener.close()
