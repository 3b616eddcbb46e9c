"""Tolerant readers of other services' payloads (consumers read only the fields they need).

A consumer must not fail on a field another service left out, sent empty or sent in an older
shape: these readers turn whatever arrived into the value or ``None``. A service's own events are
read through its typed models instead.
"""

from __future__ import annotations

from datetime import date
from typing import Any


def text(value: Any) -> str | None:
    """A non-empty string, or None (missing, null or blank)."""
    if value is None:
        return None
    out = str(value)
    return out if out.strip() else None


def iso_date(value: Any) -> date | None:
    """A date from ``YYYY-MM-DD`` (or the date part of an ISO instant), or None."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def integer(value: Any) -> int | None:
    """An integer (not a bool), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None
