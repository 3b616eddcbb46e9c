"""A single-node Apache Kafka (KRaft, combined broker+controller) under ``RUN_DIR/kafka``
(unless ``KAFKA_BOOTSTRAP_SERVERS`` names an external cluster).

Layout: ``libs/`` (jars fetched by Maven with ``deploy/kafka/pom.xml``), ``data/`` (log.dirs),
``logs/server.log`` (log4j2, ``deploy/kafka/log4j2.yaml``), ``kafka.out`` (JVM stdout/stderr),
``server.properties``, ``cluster.id``, ``kafka.pid``. Listens on 127.0.0.1:29092 (``KAFKA_PORT``),
controller on the next port.

This module is the public face (ensure, stop, status, topics); the parts live in
``kafka_jars`` (Maven fetch), ``kafka_config`` (paths, JVM, server.properties, storage format),
``kafka_process`` (start, readiness, stop) and ``kafka_topics`` (topic admin).
"""

from __future__ import annotations

import os
from typing import Any

from deploy._common import file_lock, run_coro, say
from deploy.kafka_config import (
    DEFAULT_KAFKA_PORT,
    JVM_OPTS,
    LOG4J2,
    bootstrap_servers,
    configured_port,
    format_storage,
    kafka_dir,
    pid_file,
    running_port,
    server_log,
    write_server_properties,
)
from deploy.kafka_jars import POM, ensure_libs, installed_version
from deploy.kafka_process import (
    READY_TIMEOUT_S,
    STOP_TIMEOUT_S,
    broker_answers,
    our_broker_pid,
    port_open,
    quiet_aiokafka,
    start_broker,
    stop_pid,
    wait_ready,
)
from deploy.kafka_topics import create_topics, delete_topics

__all__ = [
    "DEFAULT_KAFKA_PORT",
    "JVM_OPTS",
    "LOG4J2",
    "POM",
    "READY_TIMEOUT_S",
    "STOP_TIMEOUT_S",
    "bootstrap_servers",
    "create_topics",
    "delete_topics",
    "ensure_kafka",
    "kafka_status",
    "stop_kafka",
]


def _cluster() -> bool:
    """``KAFKA_BROKERS=3``: the private Kafka is a three-broker cluster (deploy/kafka_cluster.py)."""
    wanted = os.environ.get("KAFKA_BROKERS", "1")
    if wanted not in ("1", "3"):
        raise SystemExit(f"KAFKA_BROKERS={wanted!r}: 1 (one broker, the default) or 3 (a cluster)")
    return wanted == "3"


def ensure_kafka() -> str:
    """Make sure a Kafka broker is available and return its bootstrap servers string.

    With env ``KAFKA_BOOTSTRAP_SERVERS`` set, return it untouched (external cluster). Otherwise
    fetch the jars if needed, format KRaft storage once, start the single-node broker in the
    background and wait until it answers (about 90 s at most). Idempotent: a running broker is
    reused. Returns ``127.0.0.1:<KAFKA_PORT|29092>``.
    """
    if servers := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        return servers
    if _cluster():
        from deploy.kafka_cluster import ensure_cluster

        return ensure_cluster()
    port = configured_port()
    with file_lock("kafka"):
        kafka_dir().mkdir(parents=True, exist_ok=True)
        pid = our_broker_pid()
        if pid is not None and running_port() == port:
            wait_ready(port, pid)
            say(f"kafka: already running (pid {pid}) on 127.0.0.1:{port}")
            return bootstrap_servers()
        if port_open(port) or port_open(port + 1):
            raise RuntimeError(
                f"port {port} or {port + 1} is taken by another process (not our broker); "
                f"set KAFKA_PORT or stop it"
            )
        if pid is not None:
            say(f"kafka: running on port {running_port()}, wanted {port}: restarting")
            stop_pid(pid)
        ensure_libs()
        props = write_server_properties(port)
        format_storage(props)
        start_broker(port, props)
    return bootstrap_servers()


def stop_kafka() -> None:
    """Stop the private broker gracefully (SIGTERM, then SIGKILL after 30 s). No-op when it is not
    running or when ``KAFKA_BOOTSTRAP_SERVERS`` points at an external cluster."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        say("kafka: KAFKA_BOOTSTRAP_SERVERS is set (external cluster) — not stopping anything")
        return
    if _cluster():
        from deploy.kafka_cluster import stop_cluster

        stop_cluster()
        return
    with file_lock("kafka"):
        pid = our_broker_pid()
        if pid is None:
            pid_file().unlink(missing_ok=True)
            say("kafka: not running")
            return
        stop_pid(pid)


def kafka_status() -> dict[str, Any]:
    """Status of the Kafka part of the stack (never starts anything)."""
    if servers := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        return {"mode": "external", "bootstrap_servers": servers}
    if _cluster():
        from deploy.kafka_cluster import NODES, brokers_up, root
        from deploy.kafka_cluster import bootstrap_servers as cluster_servers

        servers = cluster_servers()
        up = brokers_up(servers)
        return {"mode": "private", "nodes": NODES, "bootstrap_servers": servers, "dir": str(root()),
                "running": up > 0, "brokers_up": up}
    info: dict[str, Any] = {
        "mode": "private",
        "bootstrap_servers": bootstrap_servers(),
        "dir": str(kafka_dir()),
        "log": str(server_log()),
        "version": installed_version(),
        "formatted": (kafka_dir() / "data" / "meta.properties").exists(),
    }
    pid = our_broker_pid()
    info["running"] = pid is not None
    if pid is not None:
        info["pid"] = pid
        port = running_port() or configured_port()
        info["port"] = port
        with quiet_aiokafka():
            info["answering"] = port_open(port) and run_coro(broker_answers(f"127.0.0.1:{port}"))
    return info
