"""Topics on a Kafka cluster (the private broker or an external one): create, delete, and wait
until the broker's metadata shows the change.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from deploy._common import say


async def create_topics(
    bootstrap: str, topics: dict[str, int], replication: int | None = None, config: dict[str, str] | None = None
) -> None:
    """Create each topic (name -> partitions) that does not exist yet, then wait until every
    partition has a leader. An existing topic is fine (a differing partition count is reported).

    ``replication`` defaults to the number of brokers, at most 3 (1 on the single-node default, 3 on
    a three-broker cluster). ``config`` defaults to unlimited retention (``retention.ms=-1``,
    ``retention.bytes=-1``) plus ``min.insync.replicas=<replication-1>`` when ``replication > 1``:
    with 3 replicas an acknowledged write is on 2 brokers at least, and one broker may be lost.
    """
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import TopicAlreadyExistsError, for_code

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=30000)
    await admin.start()
    try:
        if replication is None:
            replication = max(1, min(3, len((await admin.describe_cluster()).get("brokers") or [])))
        if config is None:
            config = {"retention.ms": "-1", "retention.bytes": "-1"}
            if replication > 1:
                config["min.insync.replicas"] = str(replication - 1)
        existing = {t["topic"]: len(t["partitions"]) for t in await admin.describe_topics()}
        for name, parts in topics.items():
            if name in existing and existing[name] != parts:
                say(f"warning: topic {name} exists with {existing[name]} partitions (wanted {parts}); kept")
        new = [
            NewTopic(name, parts, replication, topic_configs=dict(config))
            for name, parts in topics.items()
            if name not in existing
        ]
        if new:
            resp = await admin.create_topics(new, timeout_ms=30000)
            for topic, code, *rest in resp.topic_errors:
                err = for_code(code)
                if code != 0 and err is not TopicAlreadyExistsError:
                    raise err(f"create topic {topic}: {rest[0] if rest else ''}")
        await _wait_topics(admin, topics, present=True)
    finally:
        await admin.close()


async def delete_topics(bootstrap: str, names: list[str]) -> None:
    """Delete each named topic if it exists, and wait until the broker no longer lists them."""
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.errors import UnknownTopicOrPartitionError, for_code

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=30000)
    await admin.start()
    try:
        present = [n for n in names if n in set(await admin.list_topics())]
        if present:
            resp = await admin.delete_topics(present, timeout_ms=30000)
            for topic, code, *_ in resp.topic_error_codes:
                err = for_code(code)
                if code != 0 and err is not UnknownTopicOrPartitionError:
                    raise err(f"delete topic {topic}")
        await _wait_topics(admin, dict.fromkeys(names, 0), present=False)
    finally:
        await admin.close()


async def _wait_topics(admin: Any, topics: dict[str, int], present: bool) -> None:
    limit = 30.0
    deadline = time.monotonic() + limit
    while True:
        meta = {t["topic"]: t for t in await admin.describe_topics(list(topics)) if t["error_code"] == 0}
        if present:
            ok = all(
                name in meta
                and meta[name]["partitions"]
                and all(p["leader"] >= 0 for p in meta[name]["partitions"])
                for name in topics
            )
        else:
            ok = not any(name in meta for name in topics)
        if ok:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"topics {sorted(topics)} not {'ready' if present else 'gone'} after {limit:.0f}s"
            )
        await asyncio.sleep(0.1)
