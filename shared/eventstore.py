"""Event store on asyncpg: load a stream, append with an expected version, same-transaction outbox.

An append is one statement, so it is a transaction of its own when the caller has none open.
Appends for one case are serialised by a transaction-scoped advisory lock on the case id (taken
by the statement itself, before its rows get their outbox ids), so the outbox ids of one case
grow in commit order and the relay, which publishes in id order, keeps every case's order on
Kafka.

Waking the relay: ``pg_notify`` serialises every notifying commit in the cluster (PostgreSQL
takes one global lock from the notify until the commit is flushed), which caps concurrent
appends near one fsync each. So no appending statement notifies in a service: when the local
relay leads, the caller's commit wakes it in-process (:meth:`EventStore.committed`); when another
process leads (a second instance or uvicorn worker), the commits send one ``pg_notify`` of their
own, coalesced — one in flight at a time, the commits made meanwhile share the next. Only a store
with no relay attached (scripts, tests) notifies from the appending statement.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

import asyncpg

from shared.envelope import Envelope


class ConcurrencyConflict(Exception):
    """The stream moved on since it was read: the expected version is stale."""

    def __init__(self, stream_id: str, expected: int, actual: int | None) -> None:
        super().__init__(f"stream {stream_id}: expected version {expected}, actual {actual}")
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


# One round trip per append: the events, their outbox rows and the relay's wake-up call.
# The envelope travels and is stored once, as JSON text (``json`` keeps it verbatim: it is the
# exact message the relay publishes); an outbox row points at its event's position.
# With a guard ($11 stream, $12 expected version) nothing is written unless the stream is at the
# expected version, and the statement returns the version it found. The case lock ($13, the cases
# of the batch) is taken in ``guard``, which every row joins, so before any row is inserted.
# ``$10`` is the channel to notify, or NULL when the local relay is woken after the commit.
_WRITE = """
WITH guard AS (
    SELECT coalesce(max(stream_version), 0) AS v,
           (SELECT count(pg_advisory_xact_lock(hashtextextended(c, 0))) FROM unnest($13::text[]) AS c) AS locked
    FROM events WHERE stream_id = $11::text
), new AS (
    SELECT t.* FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::int[],
                           $7::timestamptz[], $8::timestamptz[], $9::text[]) WITH ORDINALITY
         AS t(event_id, stream_id, stream_version, case_id, event_type, schema_version,
              occurred_at, recorded_at, message, ord), guard
    WHERE $11::text IS NULL OR guard.v = $12::int
), ev AS (
    INSERT INTO events (event_id, stream_id, stream_version, case_id, event_type, schema_version,
                        occurred_at, recorded_at, envelope)
    SELECT event_id, stream_id, stream_version, case_id, event_type, schema_version,
           occurred_at, recorded_at, message::json
    FROM new ORDER BY ord
    RETURNING position, case_id, event_id
), ob AS (
    INSERT INTO outbox (case_id, event_id, position)
    SELECT case_id, event_id, position FROM ev ORDER BY position
)
SELECT (SELECT v FROM guard) AS found, CASE WHEN $10::text IS NOT NULL THEN pg_notify($10, '') END
"""

# The same for one event (most commands append one), with scalars instead of arrays: ~13 % more
# single-event appends per second on one connection than the array form (measured A/B).
_WRITE_ONE = """
WITH guard AS (
    SELECT coalesce(max(stream_version), 0) AS v, pg_advisory_xact_lock(hashtextextended($4::text, 0)) AS locked
    FROM events WHERE stream_id = $11::text
), ev AS (
    INSERT INTO events (event_id, stream_id, stream_version, case_id, event_type, schema_version,
                        occurred_at, recorded_at, envelope)
    SELECT $1::uuid, $2::text, $3::int, $4::text, $5::text, $6::int, $7::timestamptz, $8::timestamptz, $9::text::json
    FROM guard WHERE $11::text IS NULL OR guard.v = $12::int
    RETURNING position, case_id, event_id
), ob AS (
    INSERT INTO outbox (case_id, event_id, position) SELECT case_id, event_id, position FROM ev
)
SELECT (SELECT v FROM guard) AS found, CASE WHEN $10::text IS NOT NULL THEN pg_notify($10, '') END
"""


class EventStore:
    """Streams of envelopes in one service's database, with the outbox written alongside."""

    def __init__(self, notify_channel: str = "outbox") -> None:
        self.notify_channel = notify_channel
        self._local_leader: Callable[[], bool] = lambda: False
        self._wake: Callable[[], None] = lambda: None
        self._pool: asyncpg.Pool | None = None
        self._notifying: asyncio.Task[None] | None = None
        self._poked = False

    def attach_relay(
        self, is_leader: Callable[[], bool], wake: Callable[[], None], pool: asyncpg.Pool | None = None
    ) -> None:
        """Let commits wake this process's relay directly while it leads (no ``pg_notify``); with
        ``pool``, a process whose relay does not lead wakes the leader after its commits with one
        ``pg_notify`` for all the commits made while the previous one was on its way (``_notify``),
        outside the appending transactions."""
        self._local_leader = is_leader
        self._wake = wake
        self._pool = pool

    def committed(self) -> None:
        """Called after a transaction that appended has committed: wake the relay (this process's,
        or the leader elsewhere through the coalesced notification)."""
        if self._pool is None or self._local_leader():
            self._wake()
            return
        self._poked = True
        if self._notifying is None or self._notifying.done():
            self._notifying = asyncio.get_running_loop().create_task(self._notify())

    async def _notify(self) -> None:
        """One ``pg_notify`` per round: the commits made while one is sent share the next."""
        assert self._pool is not None
        while self._poked:
            self._poked = False
            try:
                await self._pool.execute("SELECT pg_notify($1, '')", self.notify_channel)
            except Exception:  # the leader's poll picks the rows up (relay_poll_interval_s)
                return

    def _channel(self) -> str | None:
        if self._pool is not None or self._local_leader():
            return None  # woken after the commit (committed), not by the appending statement
        return self.notify_channel

    async def lock_case(self, conn: asyncpg.Connection, case_id: str) -> None:
        """Serialise writers of one case until the transaction ends."""
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", case_id)

    async def stream_version(self, conn: asyncpg.Connection, stream_id: str) -> int:
        v = await conn.fetchval("SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_id = $1", stream_id)
        return int(v)

    async def load(self, conn: asyncpg.Connection, stream_id: str, after: int = 0) -> list[Envelope]:
        """Every event of a stream (those after version ``after``), in version order."""
        rows = await conn.fetch(
            "SELECT envelope FROM events WHERE stream_id = $1 AND stream_version > $2 ORDER BY stream_version",
            stream_id, after,
        )
        return [Envelope.model_validate(r["envelope"]) for r in rows]

    async def append(
        self,
        conn: asyncpg.Connection,
        stream_id: str,
        expected_version: int,
        envelopes: Sequence[Envelope],
        *,
        check: bool = True,
    ) -> int:
        """Append ``envelopes`` (versions expected_version+1..) and their outbox rows.

        One statement: inside the caller's transaction, or a transaction of its own. Raises
        :class:`ConcurrencyConflict` when the stream is not at ``expected_version`` (checked up
        front, and again by the unique constraint for a writer that slipped in between). Returns
        the new stream version.
        """
        if not envelopes:
            return expected_version
        for i, env in enumerate(envelopes, start=1):
            if env.stream_id != stream_id or env.stream_version != expected_version + i:
                raise ValueError(f"envelope {env.event_id} is not at {stream_id}@{expected_version + i}")
        found = await self.write(conn, envelopes, guard=(stream_id, expected_version) if check else None)
        if found is not None and found != expected_version:
            raise ConcurrencyConflict(stream_id, expected_version, found)
        return expected_version + len(envelopes)

    async def write(
        self, conn: asyncpg.Connection, envelopes: Sequence[Envelope], guard: tuple[str, int] | None = None
    ) -> int | None:
        """Insert envelopes and their outbox rows, and notify the relay: one statement.

        With ``guard=(stream_id, expected_version)`` nothing is written unless that stream is at
        that version; the version found is returned (``None`` without a guard).
        """
        try:
            if len(envelopes) == 1:
                e = envelopes[0]
                found = await conn.fetchval(
                    _WRITE_ONE, e.event_id, e.stream_id, e.stream_version, e.case_id, e.event_type,
                    e.schema_version, e.occurred_at, e.recorded_at, e.model_dump_json(), self._channel(),
                    guard[0] if guard else None, guard[1] if guard else None,
                )
            else:
                found = await conn.fetchval(
                    _WRITE,
                    [e.event_id for e in envelopes],
                    [e.stream_id for e in envelopes],
                    [e.stream_version for e in envelopes],
                    [e.case_id for e in envelopes],
                    [e.event_type for e in envelopes],
                    [e.schema_version for e in envelopes],
                    [e.occurred_at for e in envelopes],
                    [e.recorded_at for e in envelopes],
                    [e.model_dump_json() for e in envelopes],
                    self._channel(),
                    guard[0] if guard else None,
                    guard[1] if guard else None,
                    sorted({e.case_id for e in envelopes}),
                )
        except asyncpg.UniqueViolationError as exc:
            first = envelopes[0]
            if "event_id" in str(exc.constraint_name or ""):
                raise
            # The transaction is aborted now; the caller re-reads the version in a new one.
            raise ConcurrencyConflict(first.stream_id, first.stream_version - 1, None) from exc
        return int(found) if guard else None

    async def case_events(self, conn: asyncpg.Connection, case_id: str) -> list[Envelope]:
        """Every event this service recorded about a case, in commit order."""
        rows = await conn.fetch("SELECT envelope FROM events WHERE case_id = $1 ORDER BY position", case_id)
        return [Envelope.model_validate(r["envelope"]) for r in rows]
