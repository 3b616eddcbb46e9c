"""The event envelope: one shape for every message on Kafka (docs/architecture.md §3)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field

from shared import clock
from shared.clock import SHANGHAI as SHANGHAI  # re-exported: the courts' time zone

DERIVED_NAMESPACE = uuid.UUID("6f1c2b9e-3f7a-4d8e-9a51-2c4d6e8f0a1b")


def now_shanghai() -> datetime:
    """The current business time, timezone-aware, in Asia/Shanghai (the court clock)."""
    return clock.now()


def derived_event_id(causation_id: uuid.UUID | str, index: int, salt: str = "") -> uuid.UUID:
    """Deterministic id for an event derived from another one.

    Replaying the cause (a redelivery or a rebuild) yields the same id, so a derived event is
    never published twice under two ids.
    """
    return uuid.uuid5(DERIVED_NAMESPACE, f"{causation_id}:{salt}:{index}")


# The longest identifier an envelope may carry (event type, case, stream, producer, court,
# correlation and causation, the actor's id, role and court): far more than any producer uses, and
# short enough for every consumer to index it (PostgreSQL's B-tree rows hold about 2.7 kB). A
# message with a longer one is not an envelope. Free text (the actor's name, the payload) is not bounded.
ID_MAX = 200
Identifier = Annotated[str, Field(max_length=ID_MAX)]


class Actor(BaseModel):
    """Who did it: an officer (with the role acted in), an agency, or the system."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["officer", "agency", "system"]
    id: Identifier
    name: str | None = None
    role: Identifier | None = None
    court: Identifier | None = None

    @classmethod
    def system(cls, service: str) -> Actor:
        return cls(kind="system", id=service, name=service)


class Envelope(BaseModel):
    """A recorded event: identity, position in its stream, who/when/why, and the payload."""

    model_config = ConfigDict(frozen=True)

    event_id: uuid.UUID
    event_type: Identifier
    schema_version: int = Field(ge=1)
    case_id: Identifier
    stream_id: Identifier
    stream_version: int = Field(ge=1)
    occurred_at: datetime
    recorded_at: datetime
    producer: Identifier
    actor: Actor
    court: Identifier
    correlation_id: Identifier
    causation_id: Identifier | None = None
    payload: dict[str, Any]

    def to_bytes(self) -> bytes:
        return orjson.dumps(self.model_dump(mode="json"))

    @classmethod
    def from_bytes(cls, raw: bytes | str) -> Envelope:
        return cls.model_validate(orjson.loads(raw))


def canonical_json(envelope: Envelope) -> bytes:
    """Stable bytes of an envelope (sorted keys, UTC-normalised instants) for hashing."""
    data = envelope.model_dump(mode="json")
    data["occurred_at"] = envelope.occurred_at.timestamp()
    data["recorded_at"] = envelope.recorded_at.timestamp()
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
