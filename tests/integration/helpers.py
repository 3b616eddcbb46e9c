"""Builders of well-formed envelopes for the machinery tests."""

from __future__ import annotations

import uuid
from typing import Any

from shared.envelope import Actor, Envelope, now_shanghai


def envelope(
    case_id: str,
    version: int = 1,
    *,
    stream_id: str | None = None,
    event_type: str = "test.thing_happened",
    payload: dict[str, Any] | None = None,
) -> Envelope:
    now = now_shanghai()
    return Envelope(
        event_id=uuid.uuid4(),
        event_type=event_type,
        schema_version=1,
        case_id=case_id,
        stream_id=stream_id or f"test:{case_id}",
        stream_version=version,
        occurred_at=now,
        recorded_at=now,
        producer="test",
        actor=Actor(kind="officer", id="o-1", role="judge", court="黔01"),
        court="黔01",
        correlation_id=str(uuid.uuid4()),
        payload=payload or {},
    )
