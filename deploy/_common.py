"""Shared helpers for the local stack: run folder, progress output, locking, sync/async glue."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import sys
import threading
import time
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEPLOY_DIR = Path(__file__).resolve().parent


def run_dir() -> Path:
    """The run folder: env ``RUN_DIR`` or ``<repo>/.run`` (read on every call, never cached)."""
    raw = os.environ.get("RUN_DIR")
    return Path(raw).expanduser().resolve() if raw else REPO_ROOT / ".run"


def env_port(name: str, default: int) -> int:
    """An integer port from the environment, with a clear error when it is not one."""
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise SystemExit(f"{name}={port} is out of range")
    return port


def say(msg: str) -> None:
    """One progress line on stderr (stdout stays clean for machine-readable output)."""
    print(f"[stack] {msg}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def step(what: str) -> Iterator[None]:
    """Print ``what ...`` and then how long it took (or that it failed)."""
    say(f"{what} ...")
    t0 = time.monotonic()
    try:
        yield
    except BaseException:
        say(f"{what}: FAILED after {time.monotonic() - t0:.2f}s")
        raise
    say(f"{what}: done in {time.monotonic() - t0:.2f}s")


@contextlib.contextmanager
def file_lock(name: str) -> Iterator[None]:
    """Exclusive inter-process lock ``RUN_DIR/.<name>.lock`` (serialises concurrent ``ensure_*``)."""
    rd = run_dir()
    rd.mkdir(parents=True, exist_ok=True)
    with open(rd / f".{name}.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def run_coro(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, even when an event loop is already running
    in this thread (e.g. called from an async pytest fixture): then it runs in a helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    t = threading.Thread(target=target, name="deploy-stack-coro")
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box["result"]  # type: ignore[no-any-return]


def tail(path: Path, lines: int = 25) -> str:
    """The last ``lines`` lines of a log file (empty string when it does not exist)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 16384))
            data = fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(data.splitlines()[-lines:])


def pid_alive(pid: int) -> bool:
    """True when a process with this pid exists (and is not a zombie)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True
