"""The replay's chain step and its COPY: ``Chain`` links each chunk's new events into their cases'
hash chains (duplicates of recorded events left out, as the live inbox does), keeping a bounded
cache of chain heads over ``case_heads`` and the ids of the chunks still in flight; ``write_trail``
copies the rows it made into the shadow trail and moves the heads.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field

import asyncpg

from services.supervision.rebuild.pipeline import CHUNKS_IN_FLIGHT, SHADOW, Chunk, Rows
from services.supervision.trail.chain import GENESIS, TRAIL_COLUMNS, trail_row
from services.supervision.trail.record import heads_upsert_sql

# Chunks that may still be uncommitted while the next is chained (queued or being copied), with room.
_KEPT_CHUNKS = 2 * CHUNKS_IN_FLIGHT + 2
_HEADS_CACHED = 5_000  # chain heads kept in memory (the rest are read back from case_heads)


@dataclass
class Chain:
    """Where each case's chain stands: a bounded LRU over ``case_heads``, and the ids of the last
    chunks (those whose rows may not be visible to a lookup yet: still being copied).

    The LRU holds more cases than the chunks in flight can touch (at least ``_KEPT_CHUNKS`` chunks'
    worth), so a case is never evicted while its latest rows are uncommitted: a head read back from
    ``case_heads`` is always current.
    """

    schema: str
    heads: OrderedDict[str, tuple[int, bytes]] = field(default_factory=OrderedDict)
    recent: deque[set[str]] = field(default_factory=deque)
    recent_ids: set[str] = field(default_factory=set)  # the union of ``recent``
    largest: int = 0  # events in the largest chunk so far

    async def link(self, conn: asyncpg.Connection, chunk: Chunk) -> tuple[Rows, dict[str, tuple[int, bytes]]]:
        """Trail rows of the chunk's new events (duplicates of recorded ones left out, as the
        live inbox does) and the heads they move to."""
        heads = self.heads
        misses = list({ev.case_id for _, _, ev in chunk if ev.case_id not in heads})
        known = {
            str(r[0])
            for r in await conn.fetch(
                f"SELECT event_id FROM {self.schema}.audit_trail WHERE event_id = ANY($1::uuid[])",
                [ev.event_id for _, _, ev in chunk],
            )
        }
        if misses:
            for r in await conn.fetch(
                f"SELECT case_id, last_seq, last_hash FROM {self.schema}.case_heads WHERE case_id = ANY($1::text[])",
                misses,
            ):
                heads.setdefault(r[0], (r[1], bytes(r[2])))
        recent, seen = self.recent_ids, set()
        rows: Rows = []
        moved: dict[str, tuple[int, bytes]] = {}
        for partition, offset, ev in chunk:
            event_id, case_id = ev.event_id, ev.case_id
            if event_id in seen or event_id in known or event_id in recent:
                continue
            seen.add(event_id)
            seq, prev = heads.get(case_id, (0, GENESIS))
            row = trail_row(ev, seq + 1, prev, partition, offset)
            rows.append(row)
            moved[case_id] = heads[case_id] = (seq + 1, row[-1])
            heads.move_to_end(case_id)
        self.recent.append(seen)
        recent |= seen
        if len(self.recent) > _KEPT_CHUNKS:
            recent -= self.recent.popleft()
        self.largest = max(self.largest, len(chunk))
        while len(heads) > max(_HEADS_CACHED, _KEPT_CHUNKS * self.largest):
            heads.popitem(last=False)
        return rows, moved


async def write_trail(conn: asyncpg.Connection, rows: Rows, moved: dict[str, tuple[int, bytes]]) -> None:
    await conn.copy_records_to_table("audit_trail", schema_name=SHADOW, records=rows, columns=TRAIL_COLUMNS)
    cases = list(moved)
    await conn.execute(heads_upsert_sql(SHADOW), cases, [moved[c][0] for c in cases], [moved[c][1] for c in cases])
