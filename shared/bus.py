"""Kafka clients with the only settings this system accepts.

The producer is idempotent with ``acks=all``; consumers never auto-commit (offsets are committed
after the database commit). Anything else is refused up front rather than discovered in an
incident.
"""

from __future__ import annotations

from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


class UnsafeKafkaConfig(ValueError):
    """A client option that would break the delivery guarantees."""


_PRODUCER_DEFAULTS: dict[str, Any] = {
    "acks": "all",
    "enable_idempotence": True,
    # The relay queues a whole outbox batch before it yields, then awaits every ack: lingering
    # would only add its delay to each event's way to the consumers.
    "linger_ms": 0,
    "max_batch_size": 256 * 1024,
    "compression_type": None,
    "request_timeout_ms": 30000,
}

_CONSUMER_DEFAULTS: dict[str, Any] = {
    "enable_auto_commit": False,
    "auto_offset_reset": "earliest",
    "isolation_level": "read_committed",
    "max_partition_fetch_bytes": 4 * 1024 * 1024,
    "session_timeout_ms": 10000,
    "heartbeat_interval_ms": 1000,
    "rebalance_timeout_ms": 30000,
}


def check_producer_options(options: dict[str, Any]) -> dict[str, Any]:
    """Merged producer options, or :class:`UnsafeKafkaConfig` for unsafe ones."""
    merged = {**_PRODUCER_DEFAULTS, **options}
    if merged["acks"] not in ("all", -1):
        raise UnsafeKafkaConfig(f"producer acks must be 'all', got {merged['acks']!r}")
    if merged["enable_idempotence"] is not True:
        raise UnsafeKafkaConfig("producer must be idempotent (enable_idempotence=True)")
    return merged


def check_consumer_options(options: dict[str, Any]) -> dict[str, Any]:
    """Merged consumer options, or :class:`UnsafeKafkaConfig` for unsafe ones."""
    merged = {**_CONSUMER_DEFAULTS, **options}
    if merged["enable_auto_commit"] is not False:
        raise UnsafeKafkaConfig("consumer auto-commit is forbidden: offsets follow the DB commit")
    return merged


def build_producer(bootstrap: str, client_id: str, **options: Any) -> AIOKafkaProducer:
    """An idempotent ``acks=all`` producer (not started)."""
    return AIOKafkaProducer(bootstrap_servers=bootstrap, client_id=client_id, **check_producer_options(options))


def build_consumer(bootstrap: str, group_id: str, client_id: str, *topics: str, **options: Any) -> AIOKafkaConsumer:
    """A manual-commit consumer in ``group_id`` (not started)."""
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=group_id,
        client_id=client_id,
        **check_consumer_options(options),
    )
