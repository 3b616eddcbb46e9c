"""The local Kafka broker's process: start it in the background, find it again by its pid file,
wait until it answers, stop it (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from deploy._common import pid_alive, run_coro, say, step, tail
from deploy.kafka_config import jvm_base, kafka_dir, out_file, pid_file, server_log

READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 30.0
_child: subprocess.Popen[bytes] | None = None  # the broker, when started by this very process


def _read_pid() -> int | None:
    try:
        return int(pid_file().read_text().strip())
    except (OSError, ValueError):
        return None


def our_broker_pid() -> int | None:
    """Pid of the broker recorded in the pid file, if that process is alive and is our broker."""
    pid = _read_pid()
    if pid is None or not pid_alive(pid):
        return None
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    if b"kafka.Kafka" not in cmd or str(kafka_dir() / "server.properties").encode() not in cmd:
        return None  # pid reused by something else
    return pid


def port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


@contextlib.contextmanager
def quiet_aiokafka() -> Iterator[None]:
    """aiokafka logs connection refusals at ERROR while we poll a starting broker: mute that."""
    logger = logging.getLogger("aiokafka")
    old = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(old)


async def broker_answers(bootstrap: str) -> bool:
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


def wait_ready(port: int, pid: int, timeout: float = READY_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    with quiet_aiokafka():
        while True:
            if _child is not None:
                _child.poll()  # reap, so a dead child does not linger as a zombie
            if not pid_alive(pid):
                raise RuntimeError(
                    f"kafka exited during startup; see {out_file()} and {server_log()}\n"
                    f"--- {out_file()} ---\n{tail(out_file())}\n"
                    f"--- {server_log()} ---\n{tail(server_log())}"
                )
            if port_open(port) and run_coro(broker_answers(f"127.0.0.1:{port}")):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"kafka (pid {pid}) did not answer on 127.0.0.1:{port} within {timeout:.0f}s; "
                    f"see {server_log()} and {out_file()}\n--- {server_log()} ---\n{tail(server_log())}"
                )
            time.sleep(0.25)


def start_broker(port: int, props: Path, wait: bool = True) -> None:
    """Start the broker in the background (own session, output to ``kafka.out``), record its pid
    and (unless ``wait`` is False: a cluster node answers only once a quorum is up) wait until it
    answers."""
    global _child
    with step(f"kafka: start broker on 127.0.0.1:{port} (log {server_log()})"):
        (kafka_dir() / "logs").mkdir(exist_ok=True)
        with open(out_file(), "ab") as out:
            out.write(f"\n=== start {time.strftime('%Y-%m-%dT%H:%M:%S')} ===\n".encode())
            out.flush()
            _child = subprocess.Popen(
                [*jvm_base(), "kafka.Kafka", str(props)],
                cwd=kafka_dir(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                close_fds=True,
            )
        pid_file().write_text(f"{_child.pid}\n")
        if wait:
            wait_ready(port, _child.pid)


def stop_pid(pid: int) -> None:
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
    pid_file().unlink(missing_ok=True)
