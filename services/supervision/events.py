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


@event("supervision.deadline_overdue", 1, "期限超期：{node_name}，应于 {due} 前完成，已超期 {days_overdue} 日")
class DeadlineOverdue(DomainEvent):
    """A node passed its due date (recorded once per node and due date by the live scanner)."""

    key: str
    node: str
    node_name: str
    due: str
    days_overdue: int
    level: int
    escalated_to: str | None
    judge_id: str | None
    team_id: str | None
    as_of: str


@event("supervision.escalated", 1, "超期督办升级至第{level}级（{escalated_to}）：{node_name}，期限 {due}")
class Escalated(DomainEvent):
    """An overdue node reached escalation level 1..4 (团队长, 执行局长, 分管副院长, 院长)."""

    key: str
    node: str
    node_name: str
    due: str
    days_overdue: int
    level: int
    escalated_to: str
    judge_id: str | None
    team_id: str | None
    as_of: str


@event("supervision.party_lookup_made", 1, "当事人查询（执行公开）：{party}，{outcome}")
class PartyLookupMade(DomainEvent):
    """A party's own look-up of their case (执行公开), audited as every read of personal data: a code
    sent to their recorded number, a read granted with a code, or a wrong code refused. ``client``:
    the address the request came from; ``id_number``: the party's, masked."""

    party: str
    outcome: str  # code_sent / granted / refused
    id_number: str
    client: str
    mobile: str | None = None  # the number the code went to, masked
