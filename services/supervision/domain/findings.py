"""互相制约 findings: docs/rules.md §7 re-checked over a case's whole trail. Pure.

A rule is a function of the trail (plus the holiday calendar) that looks only backwards from each
event, so the findings of a trail contain those of every prefix: running the rules after each
event (live) and once over the whole history (rebuild) give the same set. The rule set is
versioned; a finding's id is derived from the rule version, the case and the events that break it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.supervision.domain.calendar import HolidayCalendar
from services.supervision.domain.entries import Entry
from services.supervision.settings import DeadlineSettings

FINDING_NAMESPACE = uuid.UUID("0b9c6a43-5f0e-4c41-9d1f-6d3f2b8a7e15")

EXECUTING_ROLES = frozenset(
    {
        "intake_clerk",
        "affairs_clerk",
        "search_officer",
        "disposal_officer",
        "finance_officer",
        "field_officer",
        "field_lead",
    }
)
LEADERS = frozenset({"team_lead", "bureau_chief", "vice_president", "president"})
STAGES = {"intake": "立案", "asset_search": "查控", "disposal": "处置", "field_ops": "外勤"}


@dataclass(frozen=True)
class Finding:
    rule_id: str
    rule_version: int
    case_id: str
    people: tuple[str, ...]
    event_ids: tuple[str, ...]
    message: str

    @property
    def finding_id(self) -> uuid.UUID:
        key = f"{self.rule_id}:{self.rule_version}:{self.case_id}:{','.join(self.event_ids)}:{','.join(self.people)}"
        return uuid.uuid5(FINDING_NAMESPACE, key)

    def to_json(self) -> dict[str, Any]:
        return {
            "finding_id": str(self.finding_id),
            "rule_id": self.rule_id,
            "rule_version": self.rule_version,
            "case_id": self.case_id,
            "people": list(self.people),
            "event_ids": list(self.event_ids),
            "message": self.message,
        }


@dataclass(frozen=True)
class Context:
    calendar: HolidayCalendar
    deadlines: DeadlineSettings


@dataclass
class Found:
    """Collects one rule's findings for one case."""

    rule_id: str
    version: int
    case_id: str
    items: list[Finding] = field(default_factory=list)

    def add(self, message: str, people: Sequence[str | None], *events: Entry | None) -> None:
        self.items.append(
            Finding(
                self.rule_id,
                self.version,
                self.case_id,
                tuple(sorted({p for p in people if p})),
                tuple(e.event_id for e in events if e is not None),
                message,
            )
        )


RuleCheck = Callable[[Sequence[Entry], Context, Found], None]


@dataclass(frozen=True)
class Rule:
    rule_id: str
    version: int
    title: str
    source: str
    check: RuleCheck


RULES: list[Rule] = []


def rule(rule_id: str, version: int, title: str, source: str) -> Callable[[RuleCheck], RuleCheck]:
    def wrap(fn: RuleCheck) -> RuleCheck:
        RULES.append(Rule(rule_id, version, title, source, fn))
        return fn

    return wrap


def ruleset_version(rules: Sequence[Rule] | None = None) -> str:
    """One label for a whole rule set (by default the 互相制约 rules): every rule id with its version."""
    return ";".join(f"{r.rule_id}@{r.version}" for r in sorted(RULES if rules is None else rules,
                                                                  key=lambda r: r.rule_id))


def stage_of(entry: Entry) -> str | None:
    return STAGES.get(entry.event_type.split(".", 1)[0])


# Procedures beside the enforcement of the case itself: receiving a petition about it (涉执信访) or
# deciding and paying judicial aid on it (国家司法救助) is not handling the case (as intake's own
# ``case_actors`` does not count them), so they never bar a resumption or objection reviewer.
BESIDE_THE_CASE = ("intake.petition_", "intake.judicial_aid_", "disposal.judicial_aid_")


def beside_the_case(entry: Entry) -> bool:
    return entry.event_type.startswith(BESIDE_THE_CASE)


def handlers_of(entries: Sequence[Entry]) -> set[str]:
    """Everyone who acted on the case as an officer, plus every judge it was assigned to (the steps of a
    petition or of judicial aid aside: ``beside_the_case``)."""
    people = {e.actor_id for e in entries if e.actor_kind == "officer" and not beside_the_case(e)}
    people |= {
        str(e.payload["judge_id"])
        for e in entries
        if e.event_type == "intake.case_assigned" and e.payload.get("judge_id")
    }
    return people


def current_judge(entries: Sequence[Entry], upto: int) -> str | None:
    """The case's judge just before ``entries[upto]`` (the last assignment so far)."""
    judge = None
    for e in entries[:upto]:
        if e.event_type == "intake.case_assigned":
            judge = e.text("judge_id")
    return judge
