"""Kafka helpers of the bench: fill a topic with envelopes, and consume it as fast as aiokafka can."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.bus import build_producer
from shared.envelope import Envelope


async def fill_topic(bootstrap: str, topic: str, events: Iterable[dict[str, Any]]) -> tuple[int, int]:
    """Publish every event (keyed by case id, as the relay does); return (count, bytes)."""
    producer = build_producer(bootstrap, "bench-fill", linger_ms=20)
    await producer.start()
    count = size = 0
    try:
        futures: list[asyncio.Future[Any]] = []
        for d in events:
            value = orjson.dumps(d)
            futures.append(await producer.send(topic, value=value, key=str(d["case_id"]).encode()))
            count += 1
            size += len(value)
            if len(futures) >= 20_000:
                await asyncio.gather(*futures)
                futures.clear()
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return count, size


async def assigned(consumer: AIOKafkaConsumer, timeout: float = 30) -> list[TopicPartition]:
    """Every partition of the subscribed topic, once the (group-less) consumer has them all."""
    deadline = time.monotonic() + timeout
    while not consumer.assignment():
        if time.monotonic() > deadline:
            raise TimeoutError("no partitions assigned")
        await asyncio.sleep(0.02)
    return sorted(consumer.assignment())


async def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    """The next offset of every partition (what a consumer must reach to have read everything)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = await assigned(consumer)
        ends = await consumer.end_offsets(tps)
        return {tp.partition: off for tp, off in ends.items()}
    finally:
        await consumer.stop()


async def raw_consume(bootstrap: str, topic: str, n: int, *, parse: bool = False) -> float:
    """Events/s of reading ``n`` records from offset 0 with one plain consumer (optionally parsing
    each into an ``Envelope``, which every consumer of this system does)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    await consumer.start()
    try:
        await assigned(consumer)
        seen = 0
        t0 = time.perf_counter()
        while seen < n:
            batches = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            if not batches and time.perf_counter() - t0 > 120:
                raise TimeoutError(f"read {seen} of {n} records")
            for records in batches.values():
                if parse:
                    for r in records:
                        Envelope.from_bytes(r.value)
                seen += len(records)
        return seen / (time.perf_counter() - t0)
    finally:
        await consumer.stop()
