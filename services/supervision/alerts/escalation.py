"""Reminders and escalation of deadlines: which steps a node has reached, and who is told. Pure.

A node passes, in order: ``warning`` (a configured number of days before its due date), ``overdue``
(the day after), then escalation levels 1..4 (团队长 → 执行局长 → 分管副院长 → 院长) at the
configured numbers of days overdue (严格审限规定 art. 5 puts the time limits under the president's
supervision; the levels and thresholds are local values). Each step is recorded once per due date
(an extension or a holiday shift gives a new due date, and the steps start again).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.supervision.domain.deadlines import escalation_level, status
from services.supervision.settings import DeadlineSettings
from shared.envelope import derived_event_id

STEP_NAMESPACE = uuid.UUID("3d0c6a57-8f55-4c5e-b0a4-7f2d6f1f9e21")
WARNING, OVERDUE = "warning", "overdue"
# Escalation levels: the leader's role and title.
LEVELS: dict[int, tuple[str, str]] = {
    1: ("team_lead", "团队长"),
    2: ("bureau_chief", "执行局长"),
    3: ("vice_president", "分管副院长"),
    4: ("president", "院长"),
}
# Who handles a node before a judge is assigned (the desk of the centre that owns it).
DESKS = {
    "register": "intake_clerk",
    "assign": "affairs_clerk",
    "notice": "affairs_clerk",
    "first_search": "search_officer",
    "investigation": "search_officer",
}


def level_step(level: int) -> str:
    return f"level_{level}"


@dataclass(frozen=True)
class OpenNode:
    """An open deadline as the scanner reads it from the deadlines projection."""

    case_id: str
    key: str
    node: str
    court: str
    title: str
    due: date
    judge_id: str | None = None
    team_id: str | None = None
    start_event_id: str | None = None
    case_closed: bool = False


@dataclass(frozen=True)
class Step:
    """One transition of one node: ``warning``, ``overdue`` or ``level_1`` … ``level_4``."""

    case_id: str
    key: str
    node: str
    due: date
    name: str
    level: int  # the escalation level the step reaches (0 for a warning)
    days_overdue: int

    @property
    def step_id(self) -> uuid.UUID:
        return uuid.uuid5(STEP_NAMESPACE, f"{self.case_id}|{self.key}|{self.due.isoformat()}|{self.name}")

    @property
    def event_id(self) -> uuid.UUID:
        """The id of the event that announces the step (the same however often it is computed)."""
        return derived_event_id(self.case_id, self.level, f"supervision.deadline:{self.key}:{self.due}:{self.name}")

    @property
    def publishes(self) -> bool:
        return self.name != WARNING

    @property
    def event_type(self) -> str:
        return "supervision.deadline_overdue" if self.name == OVERDUE else "supervision.escalated"


def watched(node: OpenNode, cfg: DeadlineSettings) -> bool:
    """A closed case's nodes are no longer chased, except those watched after closure
    (终本规定 art. 9: controls and the 6-monthly re-search go on; money received is still paid out)."""
    return not node.case_closed or node.node in cfg.watched_after_closure


def steps_reached(node: OpenNode, today: date, cfg: DeadlineSettings) -> list[Step]:
    """Every step the open node has reached on ``today``, in order. A node first seen overdue
    skips its warning (moot by then) but not the levels it has passed."""
    if not watched(node, cfg):
        return []
    state = status({"due": node.due.isoformat()}, today, cfg.warning_days_for(node.node))

    def step(name: str, level: int, days: int) -> Step:
        return Step(node.case_id, node.key, node.node, node.due, name, level, days)

    if state == "warning":
        return [step(WARNING, 0, 0)]
    if state != "overdue":
        return []
    days = (today - node.due).days
    reached = escalation_level(days, cfg.escalation_days)
    return [step(OVERDUE, reached, days), *(step(level_step(lv), lv, days) for lv in range(1, reached + 1))]


def _rank(step: str) -> int:
    if step in (WARNING, OVERDUE):
        return 0 if step == WARNING else 1
    return 1 + int(step.removeprefix("level_"))


def pending_steps(node: OpenNode, today: date, cfg: DeadlineSettings, recorded: Collection[str]) -> list[Step]:
    """The reached steps beyond the last one recorded (a step never goes back: a scan of an
    earlier day records no warning for a node already overdue)."""
    last = max((_rank(r) for r in recorded), default=-1)
    return [s for s in steps_reached(node, today, cfg) if _rank(s.name) > last]


def recipients(
    step: Step, node: OpenNode, cfg: DeadlineSettings, applicant: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """Who is told of a step: the handling officer (and the applicant, for the nodes that are their
    own waiting time) of a warning or an overdue node; the leader of the level it escalates to."""
    court = node.court
    if step.name in (WARNING, OVERDUE):
        people: list[dict[str, Any]]
        if node.judge_id:
            people = [{"role": "judge", "id": node.judge_id, "court": court}]
        else:
            people = [{"role": DESKS.get(node.node, "affairs_clerk"), "id": None, "court": court}]
        if applicant and node.node in cfg.applicant_nodes and (applicant.get("id_number") or applicant.get("name")):
            person = {
                "role": "applicant",
                "id": applicant.get("id_number") or applicant.get("name"),
                "name": applicant.get("name"),
                "court": court,
            }
            if applicant.get("mobile"):  # recorded at intake: an SMS gateway sends to it
                person["mobile"] = applicant["mobile"]
            people.append(person)
        return people
    role, _ = LEVELS[step.level]
    leader: dict[str, Any] = {"role": role, "id": None, "court": court}
    if role == "team_lead":
        leader["team_id"] = node.team_id
    return [leader]


def message(step: Step, node: OpenNode, case_number: str | None, recipient: Mapping[str, Any]) -> str:
    """The Chinese text of a notification (SMS length in mind)."""
    case = case_number or node.case_id
    due = node.due.isoformat()
    if recipient.get("role") == "applicant":
        if step.name == WARNING:
            return f"【执行案件节点告知】您申请执行的{case}“{node.title}”期限将于{due}届满，承办部门正在办理。"
        return f"【执行案件节点告知】您申请执行的{case}“{node.title}”期限已于{due}届满，法院已督促办理。"
    if step.name == WARNING:
        return f"【执行期限提醒】{case}“{node.title}”将于{due}届满，请及时办理。"
    if step.name == OVERDUE:
        return f"【执行期限超期】{case}“{node.title}”已于{due}届满，现超期{step.days_overdue}日，请立即办理。"
    _, title = LEVELS[step.level]
    return (
        f"【超期督办·{title}】{case}“{node.title}”期限{due}，已超期{step.days_overdue}日，"
        f"督办升级至{title}，请督促承办人办理。"
    )


def notification(step: Step, node: OpenNode, case_number: str | None, recipient: Mapping[str, Any]) -> dict[str, Any]:
    """The message the gateway receives (its id is stable: the gateway may de-duplicate on it)."""
    key = f"{step.step_id}|{recipient.get('role')}|{recipient.get('id')}|{recipient.get('team_id')}"
    return {
        "notification_id": str(uuid.uuid5(STEP_NAMESPACE, key)),
        "kind": "escalation" if step.name.startswith("level_") else step.name,
        "step": step.name,
        "recipient": dict(recipient),
        "case_id": node.case_id,
        "case_number": case_number,
        "court": node.court,
        "node": node.node,
        "node_key": node.key,
        "node_name": node.title,
        "deadline": node.due.isoformat(),
        "days_overdue": step.days_overdue,
        "level": step.level,
        "level_name": LEVELS[step.level][1] if step.level else None,
        "judge_id": node.judge_id,
        "team_id": node.team_id,
        "message": message(step, node, case_number, recipient),
    }
