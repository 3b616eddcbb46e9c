"""Background loops that come back: the outbox relay, the consumer and each service's jobs.

A loop that raises (a database restart reaching a code path nobody wrapped, a bug) or returns is
logged with its traceback and started again after a back-off (0.5 s doubling to 30 s, reset after a
minute of good running). Its state is what ``/readyz`` shows per task, and what ``/healthz`` judges:
a loop that has not stayed up for ``dead_after_s`` makes the process unhealthy (503), so whatever
runs the service (systemd, Kubernetes, ``make run``'s supervisor) can restart the whole process —
the last resort when restarting the loop in-process does not help.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import structlog

from shared import metrics

log = structlog.get_logger("tasks")

Loop = Callable[[], Coroutine[Any, Any, None]]
STEADY_S = 60.0  # a loop that ran this long before it ended is having a new failure, not a crash loop


@dataclass
class LoopState:
    name: str
    running: bool = False
    restarts: int = 0
    last_error: str | None = None  # the exception's type; the details are in the log
    started_at: float = 0.0  # monotonic time of the last (re)start
    failing_since: float | None = None  # first end of the current run of short-lived starts

    def failing_for(self, now: float) -> float:
        """How long this loop has kept failing (0 when it runs, or ran well for a minute since)."""
        if self.failing_since is None or (self.running and now - self.started_at > STEADY_S):
            return 0.0
        return now - self.failing_since

    def describe(self, now: float) -> dict[str, Any]:
        return {
            "running": self.running,
            "restarts": self.restarts,
            "last_error": self.last_error,
            "failing_for_s": round(self.failing_for(now), 1),
        }


class Supervisor:
    """Runs named loops as asyncio tasks and restarts each one that ends."""

    def __init__(self, service: str, *, dead_after_s: float = 120.0, max_backoff_s: float = 30.0) -> None:
        self.service = service
        self.dead_after_s = dead_after_s
        self.max_backoff_s = max_backoff_s
        self.loops: dict[str, LoopState] = {}
        self.tasks: list[asyncio.Task[None]] = []

    def start(self, name: str, loop: Loop) -> None:
        state = self.loops[name] = LoopState(name)
        self.tasks.append(asyncio.create_task(self._keep(state, loop), name=name))

    async def _keep(self, state: LoopState, loop: Loop) -> None:
        first = min(0.5, self.max_backoff_s)
        backoff = first
        while True:
            state.running, state.started_at = True, time.monotonic()
            try:
                await loop()
                log.error("task_ended", service=self.service, task=state.name)  # a loop must not return
                state.last_error = "returned"
            except asyncio.CancelledError:
                state.running = False
                raise
            except Exception as exc:
                log.exception("task_crashed", service=self.service, task=state.name)
                state.last_error = type(exc).__name__
            now = time.monotonic()
            state.running = False
            if now - state.started_at > STEADY_S:
                backoff, state.failing_since = first, now  # it ran well: a new failure
            elif state.failing_since is None:
                state.failing_since = now
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.max_backoff_s)
            state.restarts += 1
            metrics.TASK_RESTARTS.labels(self.service, state.name).inc()
            log.info("task_restarting", service=self.service, task=state.name, restarts=state.restarts)

    def healthy(self) -> bool:
        """False when some loop has kept failing (ending again soon after each restart) for longer
        than ``dead_after_s``."""
        now = time.monotonic()
        return all(s.failing_for(now) < self.dead_after_s for s in self.loops.values())

    def describe(self) -> dict[str, Any]:
        now = time.monotonic()
        return {name: s.describe(now) for name, s in self.loops.items()}

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            try:
                await task
            except BaseException:  # stopping: a loop's failure was logged where it happened
                continue
