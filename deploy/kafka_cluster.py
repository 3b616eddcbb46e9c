"""A local three-broker Kafka cluster (KRaft; each node broker and controller) for drills and for a
durable `make run`: ``KAFKA_BROKERS=3 make run``.

Nodes live under ``<root>/node1..3`` (default ``RUN_DIR/kafka-cluster``), each a full single-node
layout (deploy/kafka_broker.py) driven by its environment: node ``i`` listens on
``base + 2(i-1)`` and its controller on the next port (default base 29192: 29192, 29194, 29196).
The controller quorum has all three; topics get 3 replicas and ``min.insync.replicas=2``, as do
the internal topics (consumer offsets, transaction state), with ``acks=all`` producers: an
acknowledged event is on two brokers at least, so one broker can be lost (killed, or its machine
gone) without losing it. Heaps are small (``KAFKA_HEAP``, default 384m each) so that the three fit
beside PostgreSQL and the services on a small machine.

Each node is started by a child process with that node's environment (the single-node modules read
their paths and ports from it), so this process's own settings are never changed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from deploy._common import env_port, run_coro, run_dir, say

NODES = 3
DEFAULT_BASE_PORT = 29192


def root() -> Path:
    return Path(os.environ.get("KAFKA_CLUSTER_DIR") or run_dir() / "kafka-cluster")


def base_port() -> int:
    return env_port("KAFKA_CLUSTER_PORT", DEFAULT_BASE_PORT)


def node_port(i: int, base: int | None = None) -> int:
    return (base or base_port()) + 2 * (i - 1)


def bootstrap_servers(base: int | None = None) -> str:
    return ",".join(f"127.0.0.1:{node_port(i, base)}" for i in range(1, NODES + 1))


def _cluster_id(where: Path) -> str:
    path = where / "cluster.id"
    if not path.exists():
        where.mkdir(parents=True, exist_ok=True)
        import base64
        import uuid

        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=").replace("-", "A")
        path.write_text(cid + "\n")
    return path.read_text().strip()


def node_env(i: int, where: Path | None = None, base: int | None = None) -> dict[str, str]:
    where = where or root()
    base = base or base_port()
    voters = ",".join(f"{n}@127.0.0.1:{node_port(n, base) + 1}" for n in range(1, NODES + 1))
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_BROKERS")}
    env.update(
        RUN_DIR=str(where / f"node{i}"),
        KAFKA_PORT=str(node_port(i, base)),
        KAFKA_NODE_ID=str(i),
        KAFKA_QUORUM_VOTERS=voters,
        KAFKA_REPLICATION="3",
        KAFKA_MIN_ISR="2",
        KAFKA_CLUSTER_ID=_cluster_id(where),
        KAFKA_HEAP=os.environ.get("KAFKA_HEAP", "384m"),
    )
    return env


def _node_call(i: int, code: str, where: Path | None, base: int | None) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=node_env(i, where, base), capture_output=True,
                          text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"kafka node {i}: {done.stderr[-3000:]}")
    return done.stdout.strip()


_START = """
from deploy.kafka_config import format_storage, kafka_dir, write_server_properties, configured_port
from deploy.kafka_process import our_broker_pid, start_broker
kafka_dir().mkdir(parents=True, exist_ok=True)
if our_broker_pid() is None:
    props = write_server_properties(configured_port())
    format_storage(props)
    start_broker(configured_port(), props, wait=False)
"""

_KILL = """
import os, signal
from deploy.kafka_process import our_broker_pid
pid = our_broker_pid()
if pid: os.kill(pid, signal.SIGKILL)
print(pid or "")
"""

_STOP = """
from deploy.kafka_process import our_broker_pid, stop_pid
pid = our_broker_pid()
if pid: stop_pid(pid)
"""


def _libs(where: Path) -> None:
    """Each node uses the jars Maven fetched for the single-node layout (fetched once if needed)."""
    from deploy.kafka_jars import ensure_libs

    ensure_libs()
    libs = run_dir() / "kafka" / "libs"
    for i in range(1, NODES + 1):
        node_libs = where / f"node{i}" / "kafka" / "libs"
        if not node_libs.exists():
            node_libs.parent.mkdir(parents=True, exist_ok=True)
            node_libs.symlink_to(libs)


def start_node(i: int, where: Path | None = None, base: int | None = None) -> None:
    _node_call(i, _START, where, base)


def kill_node(i: int, where: Path | None = None, base: int | None = None) -> None:
    """SIGKILL node ``i`` (a crash: no controlled shutdown)."""
    _node_call(i, _KILL, where, base)


def ensure_cluster(where: Path | None = None, base: int | None = None, timeout: float = 180) -> str:
    """Start the nodes that are not running and wait until all three are in the cluster; the
    bootstrap servers."""
    where = where or root()
    _libs(where)
    for i in range(1, NODES + 1):
        start_node(i, where, base)
    bootstrap = bootstrap_servers(base)
    deadline = time.monotonic() + timeout
    while brokers_up(bootstrap) < NODES:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the Kafka cluster under {where} did not come up within {timeout:.0f} s; "
                               f"see node*/kafka/logs/server.log")
        time.sleep(0.5)
    say(f"kafka cluster: {NODES} brokers on {bootstrap}")
    return bootstrap


def brokers_up(bootstrap: str) -> int:
    """How many brokers the cluster lists as up (0 when none answers)."""
    from deploy.kafka_process import quiet_aiokafka

    async def count() -> int:
        from aiokafka.admin import AIOKafkaAdminClient

        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
        try:
            await admin.start()
            return len((await admin.describe_cluster()).get("brokers") or [])
        except Exception:
            return 0
        finally:
            try:
                await admin.close()
            except Exception:  # never started
                pass

    with quiet_aiokafka():
        return run_coro(count())


def stop_cluster(where: Path | None = None, base: int | None = None) -> None:
    for i in range(1, NODES + 1):
        try:
            _node_call(i, _STOP, where, base)
        except RuntimeError as exc:
            say(f"kafka node {i}: {exc}")


def _main() -> None:  # python -m deploy.kafka_cluster up|down|kill N|start N
    cmd = sys.argv[1:] or ["up"]
    if cmd[0] == "up":
        print(ensure_cluster())
    elif cmd[0] == "down":
        stop_cluster()
    elif cmd[0] in ("kill", "start"):
        (kill_node if cmd[0] == "kill" else start_node)(int(cmd[1]))
    else:
        raise SystemExit("usage: python -m deploy.kafka_cluster up|down|kill N|start N")


if __name__ == "__main__":
    _main()
