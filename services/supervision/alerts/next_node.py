"""The next node, pushed (执行节点推送; domain notes §9, Pingxiang's 12368 practice): when a step of a
case completes and opens a node, that node's name and time limit go to the handling officer, the
applicant (with a recorded mobile number and no opt-out) and the leaders who watch that kind of node.

Run by the live consumer, in the batch's transaction: the case's open nodes are read before and after
the deadlines are recomputed; the nodes that opened are the next ones, and the one due first is pushed
(the whole-case limits ``close`` and ``fast_target``, open from registration on, are never "next").
A notification's id is derived from case, node, due date and recipient, so a redelivered batch queues
nothing twice; a rebuild recomputes the deadlines elsewhere and pushes nothing. An imported case's
steps happened in the old system: nothing is pushed for them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import asyncpg

from services.supervision.alerts.escalation import DESKS, STEP_NAMESPACE
from services.supervision.alerts.notifications import enqueue_many
from services.supervision.alerts.parties import CaseParties, many_case_parties
from services.supervision.alerts.sms import directory_number
from services.supervision.settings import NotificationSettings
from shared.envelope import Envelope

NEVER_NEXT = frozenset({"close", "fast_target"})
IMPORTER = "importer"
_OPEN = """
SELECT case_id, key, node, court, judge_id, team_id, title, due FROM deadlines
WHERE case_id = ANY($1::text[]) AND completed_on IS NULL AND due IS NOT NULL
"""

OpenNodes = dict[str, dict[tuple[str, date], asyncpg.Record]]


async def open_nodes(conn: asyncpg.Connection, case_ids: Iterable[str]) -> OpenNodes:
    out: OpenNodes = {}
    for r in await conn.fetch(_OPEN, sorted(set(case_ids))):
        out.setdefault(r["case_id"], {})[(r["key"], r["due"])] = r
    return out


def next_node(before: Mapping[tuple[str, date], Any], after: Mapping[tuple[str, date], Any]) -> Any | None:
    """The node that opened, due first (ties: by key); None when none opened. Pure."""
    opened = [r for k, r in after.items() if k not in before and r["node"] not in NEVER_NEXT]
    return min(opened, key=lambda r: (r["due"], r["key"])) if opened else None


def mobile_of(cfg: NotificationSettings, recipient: Mapping[str, Any]) -> str | None:
    """An officer's number from the staff directory: by id, then ``team_lead:<team>``, then ``role@court``."""
    return directory_number(cfg.directory, recipient)


def recipients(node: Mapping[str, Any], parties: CaseParties, cfg: NotificationSettings) -> list[dict[str, Any]]:
    """The handling officer, the applicant (reachable), and each leader who watches the node's kind."""
    court = node["court"]
    people: list[dict[str, Any]] = []
    if node["judge_id"]:
        people.append({"role": "judge", "id": node["judge_id"], "court": court})
    else:
        people.append({"role": DESKS.get(node["node"], "affairs_clerk"), "id": None, "court": court})
    applicant = parties.parties["applicant"]
    if applicant.reachable:
        people.append({"role": "applicant", "id": applicant.id_number, "name": applicant.name, "court": court,
                       "mobile": applicant.mobile})
    for role, kinds in cfg.leader_nodes.items():
        if node["node"] in kinds:
            leader: dict[str, Any] = {"role": role, "id": None, "court": court}
            if role == "team_lead" and node["team_id"]:
                leader["team_id"] = node["team_id"]
            people.append(leader)
    for p in people:
        if "mobile" not in p:
            p["mobile"] = mobile_of(cfg, p)
    return people


def text(case_number: str, node: Mapping[str, Any], recipient: Mapping[str, Any]) -> str:
    due = node["due"].isoformat()
    if recipient["role"] == "applicant":
        return f"【执行节点告知】您申请执行的{case_number}已进入下一节点“{node['title']}”，期限至{due}。"
    return f"【执行节点推送】{case_number}下一节点“{node['title']}”，期限至{due}，请按期办理。"


def messages(case_id: str, node: Mapping[str, Any], parties: CaseParties, cfg: NotificationSettings,
             trigger: Envelope) -> list[dict[str, Any]]:
    number = parties.case_number or case_id
    out = []
    for p in recipients(node, parties, cfg):
        key = f"next|{case_id}|{node['key']}|{node['due']}|{p['role']}|{p.get('id')}|{p.get('team_id')}"
        out.append({
            "notification_id": str(uuid.uuid5(STEP_NAMESPACE, key)),
            "kind": "next_node",
            "template": "next_node",
            "params": {"case_number": number, "node": node["title"], "due": node["due"].isoformat()},
            "recipient": p,
            "case_id": case_id,
            "case_number": parties.case_number,
            "court": node["court"],
            "node": node["node"],
            "node_key": node["key"],
            "node_name": node["title"],
            "deadline": node["due"].isoformat(),
            "after_event": trigger.event_type,
            "message": text(number, node, p),
        })
    return out


async def push(conn: asyncpg.Connection, cfg: NotificationSettings, before: Mapping[str, Mapping[Any, Any]],
               triggers: Mapping[str, Sequence[Envelope]], after: Mapping[str, Mapping[Any, Any]] | None = None
               ) -> int:
    """Queue the next node of each case whose step in this batch opened one. Returns how many.
    ``after``: the open nodes as the refresh wrote them (read here when not given)."""
    if after is None:
        after = await open_nodes(conn, triggers)
    opened: list[tuple[str, Any, Envelope]] = []
    for case_id, envelopes in triggers.items():
        live = [e for e in envelopes if e.actor.role != IMPORTER]
        node = next_node(before.get(case_id, {}), after.get(case_id, {})) if live else None
        if node is not None:
            opened.append((case_id, node, live[-1]))
    if not opened:
        return 0
    # One query for the parties of every case and one statement for every message of the batch.
    parties = await many_case_parties(conn, [case_id for case_id, _, _ in opened])
    batch = [
        (case_id, node["court"], message)
        for case_id, node, trigger in opened
        for message in messages(case_id, node, parties[case_id], cfg, trigger)
    ]
    await enqueue_many(conn, batch)
    return len(batch)
