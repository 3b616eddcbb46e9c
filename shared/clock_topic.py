"""The drill clock's topic: moves of the court clock, applied by every process of every service.

A move is one record on ``<case-events topic>.clock`` (one partition, kept for ever): what the
clock read when it moved and the new offset from the wall clock, who moved it and why. Every
process follows the topic from its start (``follow``): on start-up it applies every move before it
serves (a restarted service never runs on an old time), then applies each new one within a poll.
The topic itself is the record of the moves (``GET /admin/clock`` lists them).

Why a topic of its own, not a case event: every *process* must apply a move (two instances of one
service in one consumer group share the case partitions, so a case event reaches only one of
them), and a move belongs to no case. Why no outbox: a move changes no database; the request that
moves the clock succeeds only once the brokers acknowledged the record (``acks=all``).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Literal

import orjson
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from pydantic import BaseModel, ConfigDict, Field

from shared import clock

log = structlog.get_logger()

CLOCK_MOVED = "court.clock_moved"


class ClockMove(BaseModel):
    """One move of the drill clock, as recorded on the clock topic."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: uuid.UUID
    event_type: Literal["court.clock_moved"] = "court.clock_moved"
    offset_s: float = Field(description="新的偏移：法院时钟比墙上时钟快多少秒")
    moved_from: datetime = Field(description="拨动前法院时钟的读数")
    moved_to: datetime = Field(description="拨动后法院时钟的读数")
    recorded_at: datetime = Field(description="拨动的实际时间（墙上时钟）")
    actor_id: str
    actor_name: str
    reason: str


def clock_topic(case_events_topic: str) -> str:
    return f"{case_events_topic}.clock"


class ClockFollower:
    """Follows the clock topic and applies each move to this process's court clock."""

    def __init__(
        self, bootstrap: str, topic: str, on_move: Callable[[ClockMove], Awaitable[None]] | None = None
    ) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.on_move = on_move
        self.moves: list[ClockMove] = []  # every move on the topic, oldest first
        self.caught_up = asyncio.Event()  # set once every move on the topic at start-up was applied
        self._seen: set[uuid.UUID] = set()

    async def run(self) -> None:
        """Until cancelled (the task supervisor restarts it after an error)."""
        tp = TopicPartition(self.topic, 0)
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None, enable_auto_commit=False,
                                    auto_offset_reset="earliest", client_id="court-clock")
        await consumer.start()
        try:
            consumer.assign([tp])
            await consumer.seek_to_beginning(tp)
            end = (await consumer.end_offsets([tp]))[tp]
            if end == 0:
                self.caught_up.set()
            while True:
                batches = await consumer.getmany(tp, timeout_ms=500, max_records=100)
                for record in batches.get(tp, []):
                    await self._apply(record.value)
                if not self.caught_up.is_set() and await consumer.position(tp) >= end:
                    self.caught_up.set()
        finally:
            await consumer.stop()

    async def _apply(self, raw: bytes | None) -> None:
        try:
            move = ClockMove.model_validate(orjson.loads(raw or b"null"))
        except Exception as exc:  # not a move: it cannot change the time, and must not stop the follower
            log.error("court_clock_record_unreadable", error=repr(exc)[:200])
            return
        if move.event_id in self._seen:
            return
        self._seen.add(move.event_id)
        self.moves.append(move)
        if clock.CLOCK.advance(move.offset_s):
            log.info("court_clock_moved", now=clock.now().isoformat(), offset_s=move.offset_s, by=move.actor_id)
            if self.on_move is not None:
                await self.on_move(move)

    async def applied(self, event_id: uuid.UUID, within_s: float) -> bool:
        """Whether this process applied the move ``event_id`` within ``within_s`` seconds."""
        deadline = asyncio.get_running_loop().time() + within_s
        while event_id not in self._seen:
            if asyncio.get_running_loop().time() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    async def wait_caught_up(self, within_s: float) -> bool:
        try:
            await asyncio.wait_for(self.caught_up.wait(), within_s)
        except TimeoutError:
            return False
        return True


async def publish_move(producer: AIOKafkaProducer, topic: str, move: ClockMove) -> None:
    """The move on the clock topic, acknowledged by the brokers (key: the one clock)."""
    await producer.send_and_wait(topic, orjson.dumps(move.model_dump(mode="json")), key=b"court-clock", partition=0)


def describe(follower: ClockFollower | None) -> dict[str, Any]:
    """For /readyz: the clock, and whether this process has applied every move."""
    return {**clock.CLOCK.describe(), **({"caught_up": follower.caught_up.is_set()} if follower else {})}
