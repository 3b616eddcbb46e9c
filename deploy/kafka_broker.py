"""A single-node Apache Kafka (KRaft, combined broker+controller) under ``RUN_DIR/kafka``
(unless ``KAFKA_BOOTSTRAP_SERVERS`` names an external cluster).

Layout: ``libs/`` (jars fetched by Maven with ``deploy/kafka/pom.xml``), ``data/`` (log.dirs),
``logs/server.log`` (log4j2, ``deploy/kafka/log4j2.yaml``), ``kafka.out`` (JVM stdout/stderr),
``server.properties``, ``cluster.id``, ``kafka.pid``. Listens on 127.0.0.1:29092 (``KAFKA_PORT``),
controller on the next port.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from deploy._common import DEPLOY_DIR, env_port, file_lock, pid_alive, run_coro, run_dir, say, step, tail

# Below Linux's ephemeral range (32768–60999): a client socket can never take the port, nor
# connect to itself on it while the server is down (seen with 59092: Kafka then failed to bind).
DEFAULT_KAFKA_PORT = 29092
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 30.0
POM = DEPLOY_DIR / "kafka" / "pom.xml"
LOG4J2 = DEPLOY_DIR / "kafka" / "log4j2.yaml"
JVM_OPTS = [
    "-Xmx1G",
    "-Xms256m",
    "-server",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
]
_child: subprocess.Popen[bytes] | None = None  # the broker, when started by this very process


def _port() -> int:
    return env_port("KAFKA_PORT", DEFAULT_KAFKA_PORT)


def _kdir() -> Path:
    return run_dir() / "kafka"


def _pid_file() -> Path:
    return _kdir() / "kafka.pid"


def _out_file() -> Path:
    return _kdir() / "kafka.out"


def _server_log() -> Path:
    return _kdir() / "logs" / "server.log"


def bootstrap_servers() -> str:
    """Bootstrap address of the private broker."""
    return f"127.0.0.1:{_port()}"


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not Path(java).exists():
        raise RuntimeError("java not found (Kafka 4.x needs Java 17+); run: sudo deploy/setup.sh")
    return java


def _jvm_base() -> list[str]:
    return [
        _java(),
        *JVM_OPTS,
        f"-Dlog4j2.configurationFile={LOG4J2}",
        f"-Dkafka.logs.dir={_kdir() / 'logs'}",
        "-cp",
        str(_kdir() / "libs" / "*"),
    ]


def _ensure_libs() -> None:
    """Copy the broker jars into ``RUN_DIR/kafka/libs`` with Maven unless they match the pom."""
    libs = _kdir() / "libs"
    digest = hashlib.sha256(POM.read_bytes()).hexdigest()
    marker = libs / ".pom.sha256"
    if marker.exists() and marker.read_text().strip() == digest and any(libs.glob("kafka_2.13-*.jar")):
        return
    mvn = shutil.which("mvn")
    if not mvn:
        raise RuntimeError("mvn not found (needed once to fetch the Kafka jars); run: sudo deploy/setup.sh")
    tmp = _kdir() / "libs.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    with step(f"kafka: fetch broker jars with Maven into {libs}"):
        proc = subprocess.run(
            [mvn, "-B", "-q", "-f", str(POM), "dependency:copy-dependencies", f"-DoutputDirectory={tmp}"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        if proc.returncode != 0:
            raise RuntimeError(
                f"maven failed (exit {proc.returncode}):\n{proc.stdout[-4000:]}{proc.stderr[-4000:]}"
            )
        (tmp / ".pom.sha256").write_text(digest + "\n")
        shutil.rmtree(libs, ignore_errors=True)
        tmp.rename(libs)


def _cluster_id() -> str:
    """The persisted cluster id (Kafka's base64url-without-padding UUID form)."""
    path = _kdir() / "cluster.id"
    if path.exists():
        return path.read_text().strip()
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):  # Kafka's Uuid.randomUuid() avoids these too (CLI-unfriendly)
            break
    path.write_text(cid + "\n")
    return cid


def _write_server_properties(port: int) -> Path:
    ctrl = port + 1
    props = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@127.0.0.1:{ctrl}",
        "listeners": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{ctrl}",
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{port}",
        "inter.broker.listener.name": "PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(_kdir() / "data"),
        "num.partitions": "12",
        "default.replication.factor": "1",
        "min.insync.replicas": "1",
        "offsets.topic.replication.factor": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "auto.create.topics.enable": "false",
        "delete.topic.enable": "true",
        "group.initial.rebalance.delay.ms": "0",
        "num.network.threads": "3",
        "num.io.threads": "4",
        "num.recovery.threads.per.data.dir": "2",
    }
    path = _kdir() / "server.properties"
    body = "# Written by deploy/kafka_broker.py on every start; edit the code, not this file.\n"
    body += "# No global retention override: retention is set per topic (case-events keeps everything).\n"
    path.write_text(body + "".join(f"{k}={v}\n" for k, v in props.items()))
    return path


def _format_storage(props: Path) -> None:
    if (_kdir() / "data" / "meta.properties").exists():
        return
    with step("kafka: format KRaft storage (kafka.tools.StorageTool)"):
        proc = subprocess.run(
            [
                *_jvm_base(),
                "kafka.tools.StorageTool",
                "format",
                "--config",
                str(props),
                "--cluster-id",
                _cluster_id(),
                "--ignore-formatted",
            ],
            cwd=_kdir(),
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


def _read_pid() -> int | None:
    try:
        return int(_pid_file().read_text().strip())
    except (OSError, ValueError):
        return None


def _our_broker_pid() -> int | None:
    """Pid of the broker recorded in the pid file, if that process is alive and is our broker."""
    pid = _read_pid()
    if pid is None or not pid_alive(pid):
        return None
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    if b"kafka.Kafka" not in cmd or str(_kdir() / "server.properties").encode() not in cmd:
        return None  # pid reused by something else
    return pid


def _running_port() -> int | None:
    try:
        for line in (_kdir() / "server.properties").read_text().splitlines():
            if line.startswith("listeners="):
                return int(line.split("PLAINTEXT://127.0.0.1:")[1].split(",")[0])
    except (OSError, IndexError, ValueError):
        pass
    return None


def _port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


@contextlib.contextmanager
def _quiet_aiokafka() -> Iterator[None]:
    """aiokafka logs connection refusals at ERROR while we poll a starting broker: mute that."""
    logger = logging.getLogger("aiokafka")
    old = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(old)


async def _broker_answers(bootstrap: str) -> bool:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await admin.start()
        meta = await admin.describe_cluster()
        return bool(meta.get("brokers"))  # only unfenced brokers are listed
    except Exception:
        return False
    finally:
        with contextlib.suppress(Exception):
            await admin.close()


def _wait_ready(port: int, pid: int, timeout: float = READY_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    with _quiet_aiokafka():
        while True:
            if _child is not None:
                _child.poll()  # reap, so a dead child does not linger as a zombie
            if not pid_alive(pid):
                raise RuntimeError(
                    f"kafka exited during startup; see {_out_file()} and {_server_log()}\n"
                    f"--- {_out_file()} ---\n{tail(_out_file())}\n"
                    f"--- {_server_log()} ---\n{tail(_server_log())}"
                )
            if _port_open(port) and run_coro(_broker_answers(f"127.0.0.1:{port}")):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"kafka (pid {pid}) did not answer on 127.0.0.1:{port} within {timeout:.0f}s; "
                    f"see {_server_log()} and {_out_file()}\n--- {_server_log()} ---\n{tail(_server_log())}"
                )
            time.sleep(0.25)


def ensure_kafka() -> str:
    """Make sure a Kafka broker is available and return its bootstrap servers string.

    With env ``KAFKA_BOOTSTRAP_SERVERS`` set, return it untouched (external cluster). Otherwise
    fetch the jars if needed, format KRaft storage once, start the single-node broker in the
    background and wait until it answers (about 90 s at most). Idempotent: a running broker is
    reused. Returns ``127.0.0.1:<KAFKA_PORT|29092>``.
    """
    global _child
    if servers := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        return servers
    port = _port()
    with file_lock("kafka"):
        _kdir().mkdir(parents=True, exist_ok=True)
        pid = _our_broker_pid()
        if pid is not None and _running_port() == port:
            _wait_ready(port, pid)
            say(f"kafka: already running (pid {pid}) on 127.0.0.1:{port}")
            return bootstrap_servers()
        if _port_open(port) or _port_open(port + 1):
            raise RuntimeError(
                f"port {port} or {port + 1} is taken by another process (not our broker); "
                f"set KAFKA_PORT or stop it"
            )
        if pid is not None:
            say(f"kafka: running on port {_running_port()}, wanted {port}: restarting")
            _stop_pid(pid)
        _ensure_libs()
        props = _write_server_properties(port)
        _format_storage(props)
        with step(f"kafka: start broker on 127.0.0.1:{port} (log {_server_log()})"):
            (_kdir() / "logs").mkdir(exist_ok=True)
            with open(_out_file(), "ab") as out:
                out.write(f"\n=== start {time.strftime('%Y-%m-%dT%H:%M:%S')} ===\n".encode())
                out.flush()
                _child = subprocess.Popen(
                    [*_jvm_base(), "kafka.Kafka", str(props)],
                    cwd=_kdir(),
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    close_fds=True,
                )
            _pid_file().write_text(f"{_child.pid}\n")
            _wait_ready(port, _child.pid)
    return bootstrap_servers()


def _stop_pid(pid: int) -> None:
    with step(f"kafka: stop broker pid {pid} (SIGTERM, SIGKILL after {STOP_TIMEOUT_S:.0f}s)"):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while pid_alive(pid) and time.monotonic() < deadline:
            if _child is not None and _child.pid == pid:
                _child.poll()
            time.sleep(0.1)
        if pid_alive(pid):
            say(f"kafka: still alive after {STOP_TIMEOUT_S:.0f}s, SIGKILL")
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            while pid_alive(pid):
                if _child is not None and _child.pid == pid:
                    _child.poll()
                time.sleep(0.05)
    _pid_file().unlink(missing_ok=True)


def stop_kafka() -> None:
    """Stop the private broker gracefully (SIGTERM, then SIGKILL after 30 s). No-op when it is not
    running or when ``KAFKA_BOOTSTRAP_SERVERS`` points at an external cluster."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        say("kafka: KAFKA_BOOTSTRAP_SERVERS is set (external cluster) — not stopping anything")
        return
    with file_lock("kafka"):
        pid = _our_broker_pid()
        if pid is None:
            _pid_file().unlink(missing_ok=True)
            say("kafka: not running")
            return
        _stop_pid(pid)


def kafka_status() -> dict[str, Any]:
    """Status of the Kafka part of the stack (never starts anything)."""
    if servers := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        return {"mode": "external", "bootstrap_servers": servers}
    jars = sorted((_kdir() / "libs").glob("kafka_2.13-*.jar"))
    info: dict[str, Any] = {
        "mode": "private",
        "bootstrap_servers": bootstrap_servers(),
        "dir": str(_kdir()),
        "log": str(_server_log()),
        "version": jars[-1].stem.removeprefix("kafka_2.13-") if jars else None,
        "formatted": (_kdir() / "data" / "meta.properties").exists(),
    }
    pid = _our_broker_pid()
    info["running"] = pid is not None
    if pid is not None:
        info["pid"] = pid
        port = _running_port() or _port()
        info["port"] = port
        with _quiet_aiokafka():
            info["answering"] = _port_open(port) and run_coro(_broker_answers(f"127.0.0.1:{port}"))
    return info


async def create_topics(
    bootstrap: str, topics: dict[str, int], replication: int = 1, config: dict[str, str] | None = None
) -> None:
    """Create each topic (name -> partitions) that does not exist yet, then wait until every
    partition has a leader. An existing topic is fine (a differing partition count is reported).

    ``config`` defaults to unlimited retention (``retention.ms=-1``, ``retention.bytes=-1``) plus
    ``min.insync.replicas=<replication-1>`` when ``replication > 1``.
    """
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import TopicAlreadyExistsError, for_code

    if config is None:
        config = {"retention.ms": "-1", "retention.bytes": "-1"}
        if replication > 1:
            config["min.insync.replicas"] = str(replication - 1)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=30000)
    await admin.start()
    try:
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
