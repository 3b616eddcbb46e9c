"""The command path, written once: load stream → fold → decide → append (+ outbox) → answer.

Domain code stays pure: a service hands in a decider (``initial_state``, ``evolve``, ``decide``)
and a command carrying time, ids and actor; this module does the I/O around it in one
transaction, together with the ``Idempotency-Key`` record.
"""

from __future__ import annotations

import contextvars
import hashlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

import asyncpg
from fastapi import Request

from shared import metrics
from shared.auth import Principal
from shared.envelope import Actor, Envelope, now_shanghai
from shared.errors import Conflict, InvalidInput
from shared.events import REGISTRY, DomainEvent
from shared.eventstore import ConcurrencyConflict, EventStore
from shared.state_cache import StateCache

S = TypeVar("S")
C = TypeVar("C", contravariant=True)

_CURRENT: contextvars.ContextVar[UnitOfWork | None] = contextvars.ContextVar("unit_of_work", default=None)


def current_unit_of_work() -> UnitOfWork:
    """The unit of work of the command being handled (for ``prepare`` hooks that need it)."""
    uow = _CURRENT.get()
    if uow is None:
        raise RuntimeError("no command is being handled")
    return uow


class Decider(Protocol[C, S]):
    """A pure aggregate: ``decide(command, state) -> events``; ``evolve(state, event) -> state``."""

    def initial_state(self) -> S: ...

    def evolve(self, state: S, event: DomainEvent) -> S: ...

    def decide(self, command: C, state: S) -> Sequence[DomainEvent]: ...


class TableDecider(Generic[S]):
    """The one shape of every service's decider: a fresh state, a pure ``evolve``, and a table from
    command type to the pure function that decides it (an unknown command is a programming error)."""

    def __init__(
        self,
        initial: Callable[[], S],
        evolve: Callable[[S, DomainEvent], S],
        decisions: Mapping[type, Callable[[Any, S], list[DomainEvent]]],
        *,
        cacheable: bool = False,
    ) -> None:
        self._initial, self._evolve, self.decisions = initial, evolve, decisions
        # True when ``evolve`` never changes the state it is given (frozen dataclasses, tuples):
        # the command runner may then keep folded states between commands (``StateCache``).
        self.cacheable = cacheable

    def initial_state(self) -> S:
        return self._initial()

    def evolve(self, state: S, event: DomainEvent) -> S:
        return self._evolve(state, event)

    def decide(self, command: object, state: S) -> Sequence[DomainEvent]:
        decision = self.decisions.get(type(command))
        if decision is None:
            raise TypeError(f"unknown command {type(command).__name__}")
        return decision(command, state)

    def given(self, *events: DomainEvent) -> S:
        """The state after ``events`` (for tests and replays)."""
        state = self._initial()
        for e in events:
            state = self._evolve(state, e)
        return state


@dataclass(frozen=True)
class CommandMeta:
    """Who, when and why, attached to every event a command produces."""

    actor: Actor
    court: str
    now: datetime
    correlation_id: str
    causation_id: str | None = None

    @classmethod
    def for_request(cls, request: Request, actor: Actor, court: str) -> CommandMeta:
        return cls(
            actor=actor,
            court=court,
            now=now_shanghai(),
            correlation_id=getattr(request.state, "correlation_id", None) or str(uuid.uuid4()),
            causation_id=request.headers.get("x-causation-id"),
        )


@dataclass(frozen=True)
class IdempotencyRequest:
    principal: str
    key: str
    request_hash: str

    @classmethod
    async def from_request(cls, request: Request, officer: Principal) -> IdempotencyRequest | None:
        """The request's Idempotency-Key, scoped by court and officer: the same officer id with the same
        key in another court is another request, and never sees this court's stored answer."""
        key = request.headers.get("idempotency-key")
        if not key:
            return None
        if len(key) > 200:
            raise InvalidInput("Idempotency-Key 过长（最多 200 个字符）", code="invalid_idempotency_key")
        body = await request.body()
        digest = hashlib.sha256(request.method.encode() + b" " + request.url.path.encode() + b"\n" + body).hexdigest()
        return cls(principal=f"{officer.court}/{officer.officer_id}", key=key, request_hash=digest)


@dataclass
class CommandResult(Generic[S]):
    state: S
    version: int
    events: list[Envelope]


Respond = Callable[[CommandResult[Any]], tuple[int, dict[str, Any]]]
Prepare = Callable[[asyncpg.Connection, Any, Any], Awaitable[Any]]
Projector = Callable[[asyncpg.Connection, Sequence[Envelope]], Awaitable[None]]


def fold(decider: Decider[Any, S], envelopes: Sequence[Envelope], start: S | None = None) -> S:
    """State as the fold of past events (upcast to their current models), from ``start`` (a
    cached fold of the events before them) or the initial state."""
    state = decider.initial_state() if start is None else start
    for env in envelopes:
        state = decider.evolve(state, REGISTRY.parse(env))
    return state


class CommandRunner:
    """Runs commands for one service against its event store."""

    def __init__(
        self, service: str, pool: asyncpg.Pool, store: EventStore, projector: Projector | None = None,
        state_cache_size: int = 2048,
    ) -> None:
        self.service = service
        self.pool = pool
        self.store = store
        self.projector = projector
        self.states = StateCache(state_cache_size)

    def envelopes(
        self,
        events: Sequence[DomainEvent],
        *,
        stream_id: str,
        case_id: str,
        start_version: int,
        meta: CommandMeta,
    ) -> list[Envelope]:
        recorded = now_shanghai()
        return [
            Envelope(
                event_id=uuid.uuid4(),
                event_type=e.event_type,
                schema_version=e.schema_version,
                case_id=case_id,
                stream_id=stream_id,
                stream_version=start_version + i,
                occurred_at=meta.now,
                recorded_at=recorded,
                producer=self.service,
                actor=meta.actor,
                court=meta.court,
                correlation_id=meta.correlation_id,
                causation_id=meta.causation_id,
                payload=e.model_dump(mode="json"),
            )
            for i, e in enumerate(events, start=1)
        ]

    @asynccontextmanager
    async def unit_of_work(
        self, meta: CommandMeta, idempotency: IdempotencyRequest | None = None
    ) -> AsyncIterator[UnitOfWork]:
        """One transaction for a command that may touch several streams.

        Claims the ``Idempotency-Key`` first: when ``uow.replay`` is set, the key was used before
        with the same body and the caller returns that answer unchanged. A stale expected version
        anywhere inside becomes 409 with the current version.
        """
        uow: UnitOfWork | None = None
        try:
            # The exit stack closes after the transaction has ended (see UnitOfWork.hold).
            async with AsyncExitStack() as held, self.pool.acquire() as conn, conn.transaction():
                uow = UnitOfWork(self, conn, meta, idempotency, held)
                token = _CURRENT.set(uow)
                try:
                    if idempotency is not None:
                        uow.replay = await _claim_idempotency_key(conn, idempotency)
                    yield uow
                finally:
                    _CURRENT.reset(token)
            if uow is not None and uow.appended:
                self.store.committed()
        except ConcurrencyConflict as exc:
            metrics.COMMAND_CONFLICTS.labels(self.service).inc()
            raise Conflict(
                "该案件已被他人更新，请刷新后重试",
                code="version_conflict",
                extra={"current_version": exc.actual, "expected_version": exc.expected},
            ) from exc
        for env in uow.appended if uow else ():
            metrics.EVENTS_APPENDED.labels(self.service, env.event_type).inc()

    async def execute(
        self,
        *,
        stream_id: str,
        case_id: str,
        decider: Decider[Any, S],
        command: Any,
        meta: CommandMeta,
        respond: Respond,
        expected_version: int | None = None,
        prepare: Prepare | None = None,
        idempotency: IdempotencyRequest | None = None,
        new_stream: bool = False,
    ) -> tuple[int, dict[str, Any]]:
        """Handle one command on one stream in one transaction and return ``(status, body)``.

        ``expected_version`` (from the client's ``If-Match``) makes a stale writer fail with 409;
        without it, writers of one case are serialised and each decides on the latest state.
        ``prepare(conn, state, command)`` may enrich the command from this service's own
        projections (e.g. allocate a case number) inside the same transaction.

        ``new_stream``: the stream is created by this command under an id the server has just drawn
        (a new case's random uuid), so no one else can know it yet — nothing to lock or load, two
        round trips saved; the append is still guarded at version 0 (a clash would be 409).
        """
        async with self.unit_of_work(meta, idempotency) as uow:
            if uow.replay is not None:
                return uow.replay
            if new_stream:
                state, version = decider.initial_state(), 0
            else:
                await uow.lock(case_id)
                state, version = await uow.load(stream_id, decider, expected_version)
            if prepare is not None:
                command = await prepare(uow.conn, state, command)
            new_events = list(decider.decide(command, state))
            envs = await uow.append(stream_id, case_id, version, new_events, check=new_stream)
            for e in new_events:
                state = decider.evolve(state, e)
            status, body = respond(CommandResult(state, version + len(envs), envs))
            await uow.answer(status, body)
        return status, body


@dataclass
class UnitOfWork:
    """The open transaction of one command: lock cases, load streams, append, answer."""

    runner: CommandRunner
    conn: asyncpg.Connection
    meta: CommandMeta
    idempotency: IdempotencyRequest | None
    held: AsyncExitStack = field(default_factory=AsyncExitStack)
    replay: tuple[int, dict[str, Any]] | None = None
    appended: list[Envelope] = field(default_factory=list)

    async def hold(self, resource: AbstractAsyncContextManager[Any]) -> None:
        """Enter ``resource`` now and leave it once the transaction has committed or rolled back
        (e.g. an in-process lock in front of a hot row, so waiters queue here, not in PostgreSQL)."""
        await self.held.enter_async_context(resource)

    async def lock(self, *case_ids: str) -> None:
        """Serialise with other writers of these cases (in a fixed order: no deadlock)."""
        for case_id in sorted(set(case_ids)):
            await self.runner.store.lock_case(self.conn, case_id)

    async def load(
        self, stream_id: str, decider: Decider[Any, S], expected_version: int | None = None
    ) -> tuple[S, int]:
        """The stream's current state and version; 409 if it is not at ``expected_version``.
        From the process's ``StateCache`` plus the events after it, when the decider allows."""
        cache = self.runner.states
        cached = cache.get(decider, stream_id)
        base_version, state = cached if cached is not None else (0, None)
        history = await self.runner.store.load(self.conn, stream_id, after=base_version)
        version = base_version + len(history)
        if expected_version is not None and expected_version != version:
            raise ConcurrencyConflict(stream_id, expected_version, version)
        state = fold(decider, history, state if cached is not None else None)
        if history:
            cache.put(decider, stream_id, version, state)  # folded from committed events only
        return state, version

    async def append(
        self, stream_id: str, case_id: str, version: int, events: Sequence[DomainEvent], *, check: bool = False
    ) -> list[Envelope]:
        """Append ``events`` after ``version`` (with outbox rows) and update the inline projections;
        ``check``: refuse (409) unless the stream is at ``version`` (for a stream no lock protects)."""
        envs = self.runner.envelopes(
            events, stream_id=stream_id, case_id=case_id, start_version=version, meta=self.meta
        )
        if envs:
            await self.runner.store.append(self.conn, stream_id, version, envs, check=check)
            if self.runner.projector is not None:
                await self.runner.projector(self.conn, envs)
            self.appended.extend(envs)
        return envs

    async def answer(self, status: int, body: dict[str, Any]) -> None:
        """Record the answer under the request's ``Idempotency-Key`` (same transaction)."""
        if self.idempotency is not None:
            await self.conn.execute(
                "UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE principal = $1 AND key = $2",
                self.idempotency.principal,
                self.idempotency.key,
                status,
                body,
            )


async def _claim_idempotency_key(
    conn: asyncpg.Connection, req: IdempotencyRequest
) -> tuple[int, dict[str, Any]] | None:
    """Claim the key for this transaction, or return the first answer given under it.

    A concurrent request with the same key waits on the primary key until the first commits,
    then sees its stored answer.
    """
    claimed = await conn.fetchval(
        "INSERT INTO idempotency_keys (principal, key, request_hash) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING RETURNING true",
        req.principal,
        req.key,
        req.request_hash,
    )
    if claimed:
        return None
    row = await conn.fetchrow(
        "SELECT request_hash, status_code, response FROM idempotency_keys WHERE principal = $1 AND key = $2",
        req.principal,
        req.key,
    )
    assert row is not None
    if row["request_hash"] != req.request_hash:
        raise InvalidInput(
            "同一个 Idempotency-Key 已用于内容不同的请求；请为新请求使用新的 Key",
            code="idempotency_key_reused",
        )
    return int(row["status_code"]), dict(row["response"])
