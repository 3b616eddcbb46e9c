"""Supervision's published contract: events it derives from the trail (deterministic ids)."""

from __future__ import annotations

from shared.events import DomainEvent, event


@event("supervision.finding_raised", 1, "监管发现：{rule_id} {message}")
class FindingRaised(DomainEvent):
    finding_id: str
    rule_id: str
    rule_version: int
    people: list[str]
    event_ids: list[str]
    message: str
