"""A trail entry: what the checks read. Built from an envelope (live) or a stored row (replay)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shared.envelope import SHANGHAI


@dataclass(frozen=True)
class Entry:
    """One event of a case's trail, in log order (``seq`` from 1)."""

    seq: int
    event_id: str
    event_type: str
    occurred_at: datetime
    actor_kind: str
    actor_id: str
    actor_role: str | None
    payload: dict[str, Any]
    causation_id: str | None = None
    case_id: str = ""
    kafka_partition: int = -1  # where the event is in the log
    kafka_offset: int = -1
    escaped: bool = False  # the row holds a value it could not store as published (trail/chain.py)

    @functools.cached_property  # read many times per check; the instance's own dict, so frozen is fine
    def day(self) -> date:
        """The business day (Asia/Shanghai) the event happened on."""
        return self.occurred_at.astimezone(SHANGHAI).date()

    def text(self, field: str) -> str | None:
        value = self.payload.get(field)
        return None if value is None or value == "" else str(value)

    def number(self, field: str) -> int | None:
        value = self.payload.get(field)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def date_of(self, field: str) -> date | None:
        """A payload date (ISO date, or the date part of an ISO instant), or None."""
        value = self.payload.get(field)
        if not isinstance(value, str) or len(value) < 10:
            return None
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
            return datetime.fromisoformat(value).astimezone(SHANGHAI).date()
        except ValueError:
            return None

    def instant_of(self, field: str) -> datetime | None:
        value = self.payload.get(field)
        if not isinstance(value, str):
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)

    @property
    def officer(self) -> str | None:
        return self.actor_id if self.actor_kind == "officer" else None


ENTRY_COLUMNS = (
    "seq, event_id, event_type, occurred_at, actor_kind, actor_id, actor_role, payload, causation_id, case_id,"
    " kafka_partition, kafka_offset, escaped"
)


def entry_from_row(row: Any) -> Entry:
    # Positional: a rebuild makes one per event, and keywords cost a third more.
    return Entry(
        row["seq"],
        str(row["event_id"]),
        row["event_type"],
        row["occurred_at"],
        row["actor_kind"],
        row["actor_id"],
        row["actor_role"],
        row["payload"],
        row["causation_id"],
        row["case_id"],
        row["kafka_partition"],
        row["kafka_offset"],
        row["escaped"],
    )
