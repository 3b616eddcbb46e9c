"""The court clock: the one source of business time ("when it happened") for every service.

In production it is the wall clock in Asia/Shanghai, the courts' time zone. For drills and tests
an explicit setting moves it: ``COURT_CLOCK_OFFSET_S`` (seconds added to the wall clock), or
``COURT_CLOCK_AT`` (an ISO instant: "the court clock read this when ``COURT_CLOCK_AT_WALL`` — a
Unix time — was now"; with no wall anchor it means "now"). Every process that reads the same
environment agrees on the time, because the offset is fixed relative to the wall clock rather
than to when each process started. ``COURT_PROFILE=production`` refuses a moved clock.

The drill clock (``COURT_CLOCK_DRILL=1``, refused in production) can also be moved forward while
the system runs: an administrator's ``POST /admin/clock`` on supervision publishes a
``court.clock_moved`` record on the clock topic, and every process of every service (and the
agencies' simulator) applies it (``shared/clock_topic.py``). A move is absolute (the new offset
from the wall clock), so applying it twice, or late, gives the same time; the clock never goes back.

Business code never calls ``datetime.now()`` or ``date.today()``: it calls ``now()`` / ``today()``
here (or takes the instant on its command). Security time (token expiry, agency signatures) and
technical time (retry back-off, leases) stay on the wall clock.
"""

from __future__ import annotations

import os
import time
from collections.abc import MutableMapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class ClockConfigError(RuntimeError):
    """A moved clock was configured where it is not allowed, or could not be read."""


def _offset_from_env(env: MutableMapping[str, str]) -> float:
    profile = env.get("COURT_PROFILE", "dev").strip().lower()
    offset = 0.0
    if env.get("COURT_CLOCK_OFFSET_S"):
        try:
            offset = float(env["COURT_CLOCK_OFFSET_S"])
        except ValueError as exc:
            raise ClockConfigError(f"COURT_CLOCK_OFFSET_S is not a number: {env['COURT_CLOCK_OFFSET_S']!r}") from exc
    elif env.get("COURT_CLOCK_AT"):
        try:
            at = datetime.fromisoformat(env["COURT_CLOCK_AT"])
        except ValueError as exc:
            raise ClockConfigError(f"COURT_CLOCK_AT is not an ISO instant: {env['COURT_CLOCK_AT']!r}") from exc
        if at.tzinfo is None:
            at = at.replace(tzinfo=SHANGHAI)
        if not env.get("COURT_CLOCK_AT_WALL"):
            # Anchor once, here, so the processes this one starts inherit the same offset.
            env["COURT_CLOCK_AT_WALL"] = repr(time.time())
        wall = float(env["COURT_CLOCK_AT_WALL"])
        offset = at.timestamp() - wall
    if offset and profile == "production":
        raise ClockConfigError("the court clock cannot be moved in the production profile (COURT_PROFILE=production)")
    return offset


def _drill_from_env(env: MutableMapping[str, str]) -> bool:
    drill = env.get("COURT_CLOCK_DRILL", "").strip().lower() in ("1", "true", "yes", "on")
    if drill and env.get("COURT_PROFILE", "dev").strip().lower() == "production":
        raise ClockConfigError("the drill clock cannot be enabled in the production profile (COURT_PROFILE=production)")
    return drill


class CourtClock:
    """Business time: the wall clock plus an offset (0 in production). A drill clock's offset only
    grows (``advance``)."""

    def __init__(self, offset_s: float = 0.0, drill: bool = False) -> None:
        self.offset_s = offset_s
        self.drill = drill
        self.moves = 0  # moves applied by this process

    @classmethod
    def from_env(cls, env: MutableMapping[str, str] | None = None) -> CourtClock:
        env = os.environ if env is None else env
        return cls(_offset_from_env(env), _drill_from_env(env))

    def advance(self, offset_s: float) -> bool:
        """Apply a move of the drill clock to ``offset_s`` seconds past the wall clock: True when it
        moved this clock forward; a move to an earlier time (a late or repeated record) changes nothing."""
        if not self.drill:
            raise ClockConfigError("this court clock is not a drill clock (COURT_CLOCK_DRILL is not set)")
        if offset_s <= self.offset_s:
            return False
        self.offset_s = offset_s
        self.moves += 1
        return True

    @property
    def moved(self) -> bool:
        return self.offset_s != 0.0

    def now(self) -> datetime:
        """The current business instant, timezone-aware, in Asia/Shanghai."""
        current = datetime.now(SHANGHAI)
        return current + timedelta(seconds=self.offset_s) if self.offset_s else current

    def today(self) -> date:
        """The court's current business date (Shanghai's, not the host's time zone)."""
        return self.now().date()

    def describe(self) -> dict[str, object]:
        """For /readyz and the dashboard: whether the clock is moved, and what it reads."""
        return {"moved": self.moved, "drill": self.drill, "offset_s": round(self.offset_s, 3),
                "now": self.now().isoformat()}


CLOCK = CourtClock.from_env()


def now() -> datetime:
    return CLOCK.now()


def today() -> date:
    return CLOCK.today()
