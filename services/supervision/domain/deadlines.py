"""The deadline engine: every node of docs/rules.md §3 computed from a case's trail. Pure.

Each due date comes with its explanation (rule and source, start event, pauses, holiday shifts, a
late entry). Every node starts on the business date its start event carries (nodes.business_day),
not on the day the event was entered. Statuses (warning, overdue, escalation level) depend on the
day asked and are computed on read. The nodes themselves are in nodes_case.py (the case's own) and
nodes_assets.py (assets, money, objections); nodes.py holds the node and the book that counts it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from services.supervision.domain.calendar import HolidayCalendar
from services.supervision.domain.entries import Entry
from services.supervision.domain.nodes import Deadline, NodeBook, business_day, first
from services.supervision.domain.nodes_assets import disposal_nodes, funds_nodes, objection_nodes
from services.supervision.domain.nodes_case import closure_nodes, filing_nodes, register_node, search_nodes
from services.supervision.domain.nodes_measures import CLOSED_BY_TIME, measure_nodes
from services.supervision.domain.nodes_petitions import petition_nodes
from services.supervision.domain.periods import Pause
from services.supervision.settings import DeadlineSettings

__all__ = ["Deadline", "compute", "escalation_level", "status", "tolling_pauses"]

# An objection case (执异) is a review, not an implementation: none of the implementation nodes
# (register, assign, first search, investigation, close …) apply to it. Its own time limit, the
# decision within 15 days (民诉法 art. 236), is the ``objection:<id>`` node of the case objected to,
# where intake records the registration and the decision.
NO_IMPLEMENTATION_NODES = {"执异"}
DONE_STATUSES = {"met", "late"}


def status(d: dict[str, Any], today: date, warning_days: int) -> str:
    """met / late / paused / open / warning / overdue of a stored deadline on ``today``: as it stood
    that day, so a step done after ``today`` does not count yet (a look back with ``as_of``)."""
    due = date.fromisoformat(d["due"]) if d.get("due") else None
    done = date.fromisoformat(d["completed_on"]) if d.get("completed_on") else None
    # A node closed by time alone (a party's window that ran out, nodes_measures.py) is still open
    # on its closing day itself.
    if done is not None and (done < today or (done == today and d.get("completed_event_id") != CLOSED_BY_TIME)):
        return "met" if due is None or done <= due else "late"
    if due is None:
        return "paused"
    if today > due:
        return "overdue"
    return "warning" if (due - today).days <= warning_days else "open"


def escalation_level(days_overdue: int, thresholds: Sequence[int]) -> int:
    """0 when not overdue; else 1..4 (团队长, 执行局长, 分管副院长, 院长) by configured thresholds."""
    if days_overdue <= 0:
        return 0
    return sum(1 for t in thresholds if days_overdue > t)


def tolling_pauses(entries: Sequence[Entry]) -> list[Pause]:
    """Suspension, postponement, valuation/price and announcement/auction periods (严格审限规定 art. 9),
    each from its business date (a suspension ruled on 03-02 and entered on 03-20 pauses from 03-02)."""
    pauses: list[Pause] = []
    open_: dict[str, Entry] = {}
    pairs = {
        "intake.case_suspended": ("intake.suspension_lifted", "中止执行"),
        "intake.case_postponed": ("intake.postponement_lifted", "暂缓执行"),
    }
    closing = {end: (start, reason) for start, (end, reason) in pairs.items()}
    for e in entries:
        if e.event_type in pairs:
            open_.setdefault(e.event_type, e)
        elif e.event_type in closing:
            start_type, reason = closing[e.event_type]
            began = open_.pop(start_type, None)
            if began is not None:
                pauses.append(Pause(business_day(began), business_day(e), reason, began.event_id))
        elif e.event_type == "disposal.disposal_decided":
            fixed = first(entries, "disposal.reference_price_fixed", e.seq, disposal_id=e.payload.get("disposal_id"))
            pauses.append(Pause(business_day(e), business_day(fixed) if fixed else None, "确定参考价（评估）期间",
                                e.event_id))
        elif e.event_type == "disposal.auction_scheduled":
            announced = e.date_of("announcement_start") or e.day
            ends = e.date_of("bidding_end")
            pauses.append(Pause(announced, ends, f"拍卖公告及拍卖期间（第{e.payload.get('round', 1)}次）", e.event_id))
        elif e.event_type == "disposal.online_sale_announced":
            # 网络变卖: from its announcement to the end of its 60 days, or to the day it sold
            sold = first(entries, "disposal.direct_sale_completed", e.seq, disposal_id=e.payload.get("disposal_id"))
            ends = e.date_of("sale_end")
            sold_on = sold.date_of("sold_on") if sold else None
            if sold_on is not None and (ends is None or sold_on < ends):
                ends = sold_on
            pauses.append(Pause(e.date_of("announced_on") or e.day, ends, "网络变卖公告及变卖期间", e.event_id))
    for start_type, began in open_.items():
        pauses.append(Pause(business_day(began), None, pairs[start_type][1], began.event_id))
    return pauses


def compute(entries: Sequence[Entry], cfg: DeadlineSettings, cal: HolidayCalendar) -> list[Deadline]:
    """Every applicable deadline of a case, from its whole trail."""
    reg = first(entries, "intake.case_registered")
    head = reg or first(entries, "intake.application_received")
    if head is None or head.payload.get("case_type") in NO_IMPLEMENTATION_NODES:
        return []
    node = NodeBook(cal)
    if reg is None:  # an application still pending (or refused): only its 7 days to decide
        register_node(entries, head, node)
        return node.out
    track = next((e.text("track") for e in reversed(entries) if e.event_type == "intake.case_triaged"), None)
    filing_nodes(entries, reg, track, cfg, node)
    search_nodes(entries, reg, cfg, node)
    disposal_nodes(entries, node)
    funds_nodes(entries, node)
    objection_nodes(entries, node)
    measure_nodes(entries, node)
    closure_nodes(entries, reg, track, cfg, tolling_pauses(entries), node)
    closed = first(entries, "intake.case_closed")
    petitions = NodeBook(cal)  # watched whatever becomes of the case (nodes_petitions.py)
    petition_nodes(entries, petitions)
    if closed is None:
        return node.out + petitions.out
    return [_ended_by_closure(d, closed, cfg) for d in node.out] + petitions.out


def _ended_by_closure(d: Deadline, closed: Entry, cfg: DeadlineSettings) -> Deadline:
    """A closed case's node that is not watched after closure ends with the closure: done by then, or
    ended on the closure day (on its own start day if it began later), so that it never shows as
    open, warning or overdue afterwards; as it stood before the closure it is unchanged."""
    closed_on = business_day(closed)
    if d.node in cfg.watched_after_closure or (d.completed_on is not None and d.completed_on <= closed_on):
        return d
    kind = closed.payload.get("closure_type") or "结案"
    ended = max(closed_on, d.start)
    return d._replace(
        completed_on=ended,
        completed_event_id=closed.event_id,
        explanation=[
            *d.explanation,
            f"案件已于 {closed_on.isoformat()} 结案（{kind}，{closed.event_id}）：本节点随结案终止于"
            f" {ended.isoformat()}，此后不再督办（结案后仍督办的节点：{'、'.join(cfg.watched_after_closure)}）",
        ],
    )
