"""The drill clock's topic: moves of the court clock, applied by every process of every service.

A move is one record on ``<case-events topic>.clock`` (one partition, kept for ever): what the
clock read when it moved and the new offset from the wall clock, who moved it and why. Every
process follows the topic from its start (``shared/topic_follower.py``, also used by the court's
holiday calendar, ``shared/calendar_topic.py``): on start-up it applies every move before it
serves (a restarted service never runs on an old time), then applies each new one within a poll.
The topic itself is the record of the moves (``GET /admin/clock`` lists them).

Why a topic of its own, not a case event: every *process* must apply a move (two instances of one
service in one consumer group share the case partitions, so a case event reaches only one of
them), and a move belongs to no case. Why no outbox: a move changes no database; the request that
moves the clock succeeds only once the brokers acknowledged the record (``acks=all``).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Literal

import structlog
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel, ConfigDict, Field

from shared import clock
from shared.topic_follower import TopicFollower, publish_record

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


class ClockFollower(TopicFollower[ClockMove]):
    """Follows the clock topic and applies each move to this process's court clock
    (``shared/topic_follower.py``: every move before serving, then each new one within a poll)."""

    def __init__(
        self, bootstrap: str, topic: str, on_move: Callable[[ClockMove], Awaitable[None]] | None = None
    ) -> None:
        super().__init__(bootstrap, topic, ClockMove, self._move, name="court-clock")
        self.on_move = on_move

    @property
    def moves(self) -> list[ClockMove]:
        """Every move on the topic, oldest first."""
        return self.records

    async def _move(self, move: ClockMove) -> None:
        if clock.CLOCK.advance(move.offset_s):
            log.info("court_clock_moved", now=clock.now().isoformat(), offset_s=move.offset_s, by=move.actor_id)
            if self.on_move is not None:
                await self.on_move(move)


async def publish_move(producer: AIOKafkaProducer, topic: str, move: ClockMove) -> None:
    """The move on the clock topic, acknowledged by the brokers (key: the one clock)."""
    await publish_record(producer, topic, move, b"court-clock")


def describe(follower: ClockFollower | None) -> dict[str, Any]:
    """For /readyz: the clock, and whether this process has applied every move."""
    return {**clock.CLOCK.describe(), **({"caught_up": follower.caught_up.is_set()} if follower else {})}
