"""Given-histories for the pure checks: a case's trail built event by event."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from services.supervision.domain.entries import Entry
from shared.envelope import SHANGHAI


class History:
    """A case's trail, written the way the services would record it."""

    def __init__(self, case_id: str = "case-1", start: date = date(2026, 1, 5)) -> None:
        self.case_id = case_id
        self.day = start
        self.entries: list[Entry] = []

    def on(self, day: date) -> History:
        self.day = day
        return self

    def later(self, days: int) -> History:
        self.day += timedelta(days=days)
        return self

    def add(self, event_type: str, by: str = "system", role: str | None = None, **payload: Any) -> Entry:
        entry = Entry(
            seq=len(self.entries) + 1,
            event_id=str(uuid.uuid4()),
            event_type=event_type,
            occurred_at=datetime.combine(self.day, time(10, 0), SHANGHAI),
            actor_kind="system" if by == "system" else "officer",
            actor_id=by,
            actor_role=role,
            payload=payload,
            case_id=self.case_id,
        )
        self.entries.append(entry)
        return entry

    def registered(self, clerk: str = "clerk-1", **extra: Any) -> Entry:
        payload = {
            "case_id": self.case_id,
            "case_number": "（2026）黔01执1号",
            "case_type": "执",
            "court": "黔01",
            "claim_amount_fen": 100_000,
            "application_date": self.day.isoformat(),
            "registered_by": clerk,
            "basis": {"kind": "judgment"},
        } | extra
        return self.add("intake.case_registered", clerk, "intake_clerk", **payload)

    def assigned(
        self, judge: str = "judge-1", by: str = "affairs-1", role: str = "affairs_clerk", **extra: Any
    ) -> Entry:
        return self.add(
            "intake.case_assigned",
            by,
            role,
            judge_id=judge,
            team_id="team-1",
            track="ordinary",
            assigned_by=by,
            **extra,
        )

    def opened(self) -> History:
        """Registered and assigned to judge-1 (the usual start)."""
        self.registered()
        self.assigned()
        return self
