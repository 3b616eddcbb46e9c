"""The local Kafka broker's configuration: where its files live under ``RUN_DIR/kafka``, its port,
the JVM command line, ``server.properties``, the persisted cluster id and the one-time KRaft
storage format. Used by deploy/kafka_broker.py (see there for the layout).
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import uuid
from pathlib import Path

from deploy._common import DEPLOY_DIR, env_port, run_dir, step

# Below Linux's ephemeral range (32768–60999): a client socket can never take the port, nor
# connect to itself on it while the server is down (seen with 59092: Kafka then failed to bind).
DEFAULT_KAFKA_PORT = 29092
LOG4J2 = DEPLOY_DIR / "kafka" / "log4j2.yaml"
JVM_OPTS = [
    f"-Xmx{os.environ.get('KAFKA_HEAP', '1G')}",
    "-Xms256m",
    "-server",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
]


def configured_port() -> int:
    """The broker's port: env ``KAFKA_PORT`` or 29092 (the controller uses the next one)."""
    return env_port("KAFKA_PORT", DEFAULT_KAFKA_PORT)


def kafka_dir() -> Path:
    return run_dir() / "kafka"


def pid_file() -> Path:
    return kafka_dir() / "kafka.pid"


def out_file() -> Path:
    return kafka_dir() / "kafka.out"


def server_log() -> Path:
    return kafka_dir() / "logs" / "server.log"


def bootstrap_servers() -> str:
    """Bootstrap address of the private broker."""
    return f"127.0.0.1:{configured_port()}"


def java() -> str:
    home = os.environ.get("JAVA_HOME")
    exe = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not exe or not Path(exe).exists():
        raise RuntimeError("java not found (Kafka 4.x needs Java 17+); run: sudo deploy/setup.sh")
    return exe


def jvm_base() -> list[str]:
    return [
        java(),
        *JVM_OPTS,
        f"-Dlog4j2.configurationFile={LOG4J2}",
        f"-Dkafka.logs.dir={kafka_dir() / 'logs'}",
        "-cp",
        str(kafka_dir() / "libs" / "*"),
    ]


def cluster_id() -> str:
    """The persisted cluster id (Kafka's base64url-without-padding UUID form)."""
    if shared := os.environ.get("KAFKA_CLUSTER_ID"):  # the nodes of a cluster share one (kafka_cluster.py)
        return shared
    path = kafka_dir() / "cluster.id"
    if path.exists():
        return path.read_text().strip()
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):  # Kafka's Uuid.randomUuid() avoids these too (CLI-unfriendly)
            break
    path.write_text(cid + "\n")
    return cid


def write_server_properties(port: int) -> Path:
    """The node's settings. Alone by default; a node of a cluster (deploy/kafka_cluster.py) gets its
    id, the controller quorum and the replication settings from the environment."""
    ctrl = port + 1
    replication = os.environ.get("KAFKA_REPLICATION", "1")
    min_isr = os.environ.get("KAFKA_MIN_ISR", "1")
    props = {
        "process.roles": "broker,controller",
        "node.id": os.environ.get("KAFKA_NODE_ID", "1"),
        "controller.quorum.voters": os.environ.get("KAFKA_QUORUM_VOTERS", f"1@127.0.0.1:{ctrl}"),
        "listeners": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{ctrl}",
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{port}",
        "inter.broker.listener.name": "PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(kafka_dir() / "data"),
        "num.partitions": "12",
        "default.replication.factor": replication,
        "min.insync.replicas": min_isr,
        "offsets.topic.replication.factor": replication,
        "transaction.state.log.replication.factor": replication,
        "transaction.state.log.min.isr": min_isr,
        "share.coordinator.state.topic.replication.factor": replication,
        "share.coordinator.state.topic.min.isr": min_isr,
        "auto.create.topics.enable": "false",
        "delete.topic.enable": "true",
        "group.initial.rebalance.delay.ms": "0",
        "num.network.threads": "3",
        "num.io.threads": "4",
        "num.recovery.threads.per.data.dir": "2",
    }
    path = kafka_dir() / "server.properties"
    body = "# Written by deploy/kafka_config.py on every start; edit the code, not this file.\n"
    body += "# No global retention override: retention is set per topic (case-events keeps everything).\n"
    path.write_text(body + "".join(f"{k}={v}\n" for k, v in props.items()))
    return path


def running_port() -> int | None:
    """The PLAINTEXT port in the ``server.properties`` last written (the running broker's)."""
    try:
        for line in (kafka_dir() / "server.properties").read_text().splitlines():
            if line.startswith("listeners="):
                return int(line.split("PLAINTEXT://127.0.0.1:")[1].split(",")[0])
    except (OSError, IndexError, ValueError):
        pass
    return None


def format_storage(props: Path) -> None:
    if (kafka_dir() / "data" / "meta.properties").exists():
        return
    with step("kafka: format KRaft storage (kafka.tools.StorageTool)"):
        proc = subprocess.run(
            [
                *jvm_base(),
                "kafka.tools.StorageTool",
                "format",
                "--config",
                str(props),
                "--cluster-id",
                cluster_id(),
                "--ignore-formatted",
            ],
            cwd=kafka_dir(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        if proc.returncode != 0:
            raise RuntimeError(
                f"kafka storage format failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}"
            )
