"""Registry of event types: name, schema version, payload model, upcasters, Chinese summary.

Every service declares its published events with :func:`event`; the registry exports their JSON
schemas (``shared/event_schemas``) and turns stored payloads of older versions into the current model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

from shared.envelope import Envelope


class Payload(BaseModel):
    """Base of every value carried in an event payload (frozen, no unknown fields)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class DomainEvent(Payload):
    """Base of every event payload model. Subclasses are registered with :func:`event`."""

    event_type: ClassVar[str] = ""
    schema_version: ClassVar[int] = 1
    summary_zh: ClassVar[str] = ""

    def summary(self) -> str:
        """A readable Chinese line for the audit trail (payload fields may fill the template)."""
        try:
            return self.summary_zh.format(**self.model_dump())
        except (KeyError, IndexError, ValueError):
            return self.summary_zh


Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
E = TypeVar("E", bound=type[DomainEvent])


@dataclass
class EventType:
    name: str
    version: int
    model: type[DomainEvent]
    upcasters: dict[int, Upcaster] = field(default_factory=dict)


class UnknownEventType(KeyError):
    pass


class EventRegistry:
    """Maps ``event_type`` to its current payload model and the upcasters from older versions."""

    def __init__(self) -> None:
        self._types: dict[str, EventType] = {}

    def register(self, model: type[DomainEvent], name: str, version: int) -> None:
        existing = self._types.get(name)
        if existing is not None and existing.model is not model:
            if existing.model.__qualname__ != model.__qualname__:
                raise ValueError(f"event type {name} is already registered by {existing.model}")
        self._types[name] = EventType(name, version, model)

    def add_upcaster(self, name: str, from_version: int, fn: Upcaster) -> None:
        """Register a function turning a payload of ``from_version`` into ``from_version + 1``."""
        self._types[name].upcasters[from_version] = fn

    def get(self, name: str) -> EventType:
        try:
            return self._types[name]
        except KeyError:
            raise UnknownEventType(name) from None

    def __contains__(self, name: str) -> bool:
        return name in self._types

    def all(self) -> list[EventType]:
        return sorted(self._types.values(), key=lambda t: t.name)

    def parse(self, envelope: Envelope) -> DomainEvent:
        """The envelope's payload as the current model, upcast from older versions if needed."""
        et = self.get(envelope.event_type)
        payload = dict(envelope.payload)
        version = envelope.schema_version
        while version < et.version:
            payload = et.upcasters[version](payload)
            version += 1
        return et.model.model_validate(payload)


REGISTRY = EventRegistry()


def event(name: str, version: int = 1, summary_zh: str = "") -> Callable[[E], E]:
    """Class decorator declaring a published event type ``<service>.<name>``."""

    def wrap(cls: E) -> E:
        cls.event_type = name
        cls.schema_version = version
        if summary_zh:
            cls.summary_zh = summary_zh
        REGISTRY.register(cls, name, version)
        return cls

    return wrap
