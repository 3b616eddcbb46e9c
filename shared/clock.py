"""The court clock: the one source of business time ("when it happened") for every service.

In production it is the wall clock in Asia/Shanghai, the courts' time zone. For drills and tests
an explicit setting moves it: ``COURT_CLOCK_OFFSET_S`` (seconds added to the wall clock), or
``COURT_CLOCK_AT`` (an ISO instant: "the court clock read this when ``COURT_CLOCK_AT_WALL`` — a
Unix time — was now"; with no wall anchor it means "now"). Every process that reads the same
environment agrees on the time, because the offset is fixed relative to the wall clock rather
than to when each process started. ``COURT_PROFILE=production`` refuses a moved clock.

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


class CourtClock:
    """Business time: the wall clock plus a fixed offset (0 in production)."""

    def __init__(self, offset_s: float = 0.0) -> None:
        self.offset_s = offset_s

    @classmethod
    def from_env(cls, env: MutableMapping[str, str] | None = None) -> CourtClock:
        return cls(_offset_from_env(os.environ if env is None else env))

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
        return {"moved": self.moved, "offset_s": round(self.offset_s, 3), "now": self.now().isoformat()}


CLOCK = CourtClock.from_env()


def now() -> datetime:
    return CLOCK.now()


def today() -> date:
    return CLOCK.today()
