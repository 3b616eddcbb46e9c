"""Following a court-wide topic: records every process of every service applies before it serves.

Some facts belong to no case and must reach every *process*, not one consumer of a group: the drill
clock's moves (``shared/clock_topic.py``) and the court's holiday schedule (``shared/calendar_topic.py``).
Each lives on a topic of its own with one partition, kept for ever. A process follows it from the
start (``TopicFollower.run``, no consumer group): on start-up it applies every record before it serves
(``wait_caught_up``; a restarted service never runs on an old state), then each new one within a poll
(half a second). The topic itself is the record (an administrator's route lists it).

Why no outbox: a record changes no service's database; the request that publishes it succeeds only
once the brokers acknowledged it (``acks=all``) and its own process applied it (``applied``).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import orjson
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from pydantic import BaseModel

log = structlog.get_logger()

R = TypeVar("R", bound=BaseModel)


class TopicFollower(Generic[R]):
    """Follows a one-partition topic of ``model`` records (each with an ``event_id``) and applies each
    once, in order (``apply``)."""

    def __init__(self, bootstrap: str, topic: str, model: type[R], apply: Callable[[R], Awaitable[None]],
                 *, name: str) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.model = model
        self._apply_record = apply
        self.name = name
        self.records: list[R] = []  # every record on the topic, oldest first
        self.caught_up = asyncio.Event()  # set once every record on the topic at start-up was applied
        self._seen: set[uuid.UUID] = set()
        self.missing = False  # the topic does not exist (a deployment that never created it): nothing to apply

    async def run(self) -> None:
        """Until cancelled (the task supervisor restarts it after an error)."""
        tp = TopicPartition(self.topic, 0)
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None, enable_auto_commit=False,
                                    auto_offset_reset="earliest", client_id=self.name)
        await consumer.start()
        try:
            # A topic that does not exist has no record to apply: serve (and say so), and look again.
            while self.topic not in await consumer.topics():
                if not self.missing:
                    log.warning("court_topic_missing", topic=self.topic)
                self.missing = True
                self.caught_up.set()
                await asyncio.sleep(5)
            self.missing = False
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
            record = self.model.model_validate(orjson.loads(raw or b"null"))
        except Exception as exc:  # not a record of this topic: it changes nothing, and must not stop the follower
            log.error("court_topic_record_unreadable", topic=self.topic, error=repr(exc)[:200])
            return
        event_id: uuid.UUID = getattr(record, "event_id")  # noqa: B009 - every record model has one
        if event_id in self._seen:
            return
        # Applied first, then marked seen: a record whose application failed (say, supervision's copy
        # during a database outage) is applied again when the follower restarts and reads the topic anew.
        await self._apply_record(record)
        self._seen.add(event_id)
        self.records.append(record)

    async def applied(self, event_id: uuid.UUID, within_s: float) -> bool:
        """Whether this process applied the record ``event_id`` within ``within_s`` seconds."""
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


async def publish_record(producer: AIOKafkaProducer, topic: str, record: BaseModel, key: bytes) -> None:
    """The record on its topic (partition 0), acknowledged by the brokers."""
    await producer.send_and_wait(topic, orjson.dumps(record.model_dump(mode="json")), key=key, partition=0)


async def follow_forever(follower: TopicFollower[R]) -> None:
    """Follow for ever, again after a broker error (for a process without the task supervisor)."""
    while True:
        try:
            await follower.run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("court_topic_follow_failed", topic=follower.topic, error=repr(exc))
            await asyncio.sleep(1)
