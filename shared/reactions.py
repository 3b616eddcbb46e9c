"""What a service declares about other services' events: its reactions (``Reactions``: handlers by
event type, and ``after_batch`` hooks) and what a handler gets (``ReactionContext``: the open
transaction, the event, and a way to emit derived events with deterministic ids). The consumer
runner (``shared/consumer.py``) applies them exactly once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from shared.envelope import Actor, Envelope, derived_event_id, now_shanghai
from shared.events import DomainEvent
from shared.eventstore import EventStore


@dataclass
class ReactionContext:
    """What a handler gets: the open transaction, the event, and a way to emit derived events."""

    conn: asyncpg.Connection
    envelope: Envelope
    store: EventStore
    service: str
    partition: int = 0
    offset: int = 0

    async def emit(
        self,
        stream_id: str,
        events: Sequence[DomainEvent],
        *,
        case_id: str | None = None,
        court: str | None = None,
        occurred_at: datetime | None = None,
        actor: Actor | None = None,
    ) -> int:
        """Append events caused by this one, in the same transaction, with deterministic ids."""
        case = case_id or self.envelope.case_id
        await self.store.lock_case(self.conn, case)
        version = await self.store.stream_version(self.conn, stream_id)
        now = now_shanghai()
        envs = [
            Envelope(
                event_id=derived_event_id(self.envelope.event_id, i, f"{self.service}:{stream_id}"),
                event_type=e.event_type,
                schema_version=e.schema_version,
                case_id=case,
                stream_id=stream_id,
                stream_version=version + i,
                occurred_at=occurred_at or now,
                recorded_at=now,
                producer=self.service,
                actor=actor or Actor.system(self.service),
                court=court or self.envelope.court,
                correlation_id=self.envelope.correlation_id,
                causation_id=str(self.envelope.event_id),
                payload=e.model_dump(mode="json"),
            )
            for i, e in enumerate(events, start=1)
        ]
        return await self.store.append(self.conn, stream_id, version, envs)


Handler = Callable[[ReactionContext], Awaitable[None]]
BatchHandler = Callable[[asyncpg.Connection, Sequence[ReactionContext]], Awaitable[None]]


class Reactions:
    """A service's declaration of what it does when events arrive."""

    def __init__(self) -> None:
        self._by_type: dict[str, list[Handler]] = {}
        self._any: list[Handler] = []
        self._after_batch: list[BatchHandler] = []

    def on(self, *event_types: str) -> Callable[[Handler], Handler]:
        def wrap(fn: Handler) -> Handler:
            for t in event_types:
                self._by_type.setdefault(t, []).append(fn)
            return fn

        return wrap

    def on_any(self, fn: Handler) -> Handler:
        self._any.append(fn)
        return fn

    def after_batch(self, fn: BatchHandler) -> BatchHandler:
        """Register ``fn(conn, contexts)``: run at the end of each batch's transaction with the
        contexts of the events applied in it, in order (not called when none was applied)."""
        self._after_batch.append(fn)
        return fn

    async def finish_batch(self, conn: asyncpg.Connection, applied: Sequence[ReactionContext]) -> None:
        if not applied:
            return
        for fn in self._after_batch:
            await fn(conn, applied)

    def handlers_for(self, event_type: str) -> list[Handler]:
        return [*self._any, *self._by_type.get(event_type, [])]

    def event_types(self) -> frozenset[str]:
        """The event types with handlers of their own (what the service consumes; ``on_any`` aside)."""
        return frozenset(self._by_type)

    def __bool__(self) -> bool:
        return bool(self._any or self._by_type)
