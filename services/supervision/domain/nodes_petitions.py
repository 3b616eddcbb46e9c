"""Deadline nodes of enforcement petitions (涉执信访) about a case. Pure.

- ``petition_accept:<id>``: decide whether to accept and tell the petitioner within 15 days of
  receiving the petition (信访工作条例 2022 第二十三条); done by the acknowledgement (or a closure).
- ``petition_conclude:<id>``: conclude within 60 days of acceptance, extended once by at most 30 days
  with the head's approval (第三十四条); done by the closure.
- ``petition_supervised:<id>:<n>``: the due date a leader set when supervising it (督办), done by the
  closure.
All are watched whatever becomes of the case (a petition about a closed or 终本 case runs on), warn
and escalate like every node (alerts/escalation.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from services.supervision.domain.entries import Entry
from services.supervision.domain.nodes import NodeBook, first
from shared.periods import PETITION_ACCEPT_DAYS as ACCEPT_DAYS
from shared.periods import PETITION_CONCLUDE_DAYS as CONCLUDE_DAYS
from shared.periods import PETITION_EXTENSION_MAX_DAYS as EXTENSION_MAX_DAYS

# The same counts as intake's accept_by / conclude_by (shared/periods.py petition_accept_by /
# petition_conclude_by): the node counts days from its start and moves a last day past a rest day.


def petition_nodes(entries: Sequence[Entry], node: NodeBook) -> None:
    for reg in (e for e in entries if e.event_type == "intake.petition_registered"):
        pid = reg.payload.get("petition_id")
        acknowledged = first(entries, "intake.petition_acknowledged", reg.seq, petition_id=pid)
        closed = first(entries, "intake.petition_closed", reg.seq, petition_id=pid)
        node(f"petition_accept:{pid}", "信访事项受理告知", "信访工作条例(2022)第二十三条：收到之日起15日内书面告知",
             reg, done=acknowledged or closed, days=ACCEPT_DAYS)
        for order, esc in enumerate((e for e in entries if e.event_type == "intake.petition_escalated"
                                     and e.payload.get("petition_id") == pid), start=1):
            due_on, on = esc.date_of("due_on"), esc.date_of("escalated_on") or esc.day
            if due_on is not None:
                node(f"petition_supervised:{pid}:{order}", "信访督办期限",
                     f"督办意见（{esc.text('escalated_to') or '？'}）：{esc.text('instruction') or ''}，限期办理",
                     esc, on, done=closed if closed is not None and closed.seq > esc.seq else None,
                     days=max((due_on - on).days, 0))
        if acknowledged is None:
            continue
        extended = sum(e.number("days") or 0 for e in entries
                       if e.event_type == "intake.petition_extended" and e.payload.get("petition_id") == pid)
        extended = min(extended, EXTENSION_MAX_DAYS)
        d = node(f"petition_conclude:{pid}", "信访事项办结",
                 "信访工作条例(2022)第三十四条：受理之日起60日内办结，经批准可延长一次、不超过30日",
                 acknowledged, done=closed, days=CONCLUDE_DAYS + extended)
        if extended:
            node.out[-1] = d._replace(explanation=[*d.explanation, f"经批准延长 {extended} 日"])
