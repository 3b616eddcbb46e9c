"""Objection (执异) indicators from a court's trail: their own figures, apart from the enforcement
indicators (figures.py leaves 执异 cases out of 结案率, pending and every other enforcement figure).
Pure: no I/O.

Working definitions (docs/rules.md §8; a ratio is numerator ÷ denominator, each given):
- 收案: objections whose written objection was received (``received_on``; the day recorded for a v2
  event) in the period; 审结: decided or withdrawn (``decided_on``) in the period; 未结: received by
  the period's last day and not decided by it.
- 审限内审结率: of those decided in the period, the ones decided by their last day (15 days from the
  receipt, 民诉法 2023 art. 236; ``decide_by`` as intake counted it).
- 超审限未结: undecided at the period's end with their last day before it.
- 听证率: of those decided in the period, the ones with a hearing (执行异议复议规定 art. 12).
- 异议成立率: upheld ÷ decided on the merits (upheld + rejected; a withdrawal is no decision).
- 平均审查用时: mean days from receipt to decision of those decided in the period.
- 结案 (``closed``): the 执异 cases closed in the period. Intake closes a 执异 case with its ruling
  (``intake.case_closed`` v2 on the 执异 case's stream, 裁定异议成立 / 裁定驳回异议 / 裁定准许撤回异议, on the
  decision's day), so it equals 审结; an objection decided before that (no closure on its case) is
  counted decided by its decision and closed never — ``closed_missing`` counts them.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from services.supervision.domain.nodes import business_day
from services.supervision.indicators.figures import Period, ratio

EVENTS = ("intake.objection_registered", "intake.objection_hearing_held", "intake.objection_decided",
          "intake.case_closed")


@dataclass(frozen=True)
class Objection:
    objection_case_id: str
    case_id: str
    received_on: date
    decide_by: date | None
    hearings: int = 0
    decided_on: date | None = None
    outcome: str | None = None
    closed_on: date | None = None  # the 执异 case's own closure (its ruling's day)


def fold(entries: Iterable[Any]) -> list[Objection]:
    """Objections from trail entries of :data:`EVENTS` (each case's stream in order)."""
    out: dict[str, Objection] = {}
    closed: dict[str, date] = {}
    for e in entries:
        if e.event_type == "intake.case_closed":  # the 执异 case's stream may come before its case's
            closed[e.case_id] = business_day(e)
            continue
        oid = e.text("objection_case_id")
        if not oid:
            continue
        if e.event_type == "intake.objection_registered":
            out[oid] = Objection(oid, e.case_id, business_day(e), e.date_of("decide_by"))
        elif e.event_type == "intake.objection_hearing_held" and oid in out:
            out[oid] = replace(out[oid], hearings=out[oid].hearings + 1)
        elif e.event_type == "intake.objection_decided" and oid in out:
            out[oid] = replace(out[oid], decided_on=business_day(e), outcome=e.text("outcome"))
    return [replace(o, closed_on=closed.get(o.objection_case_id)) for o in out.values()]


def in_time(o: Objection) -> bool:
    return o.decided_on is not None and (o.decide_by is None or o.decided_on <= o.decide_by)


def figures(objections: Sequence[Objection], period: Period) -> dict[str, Any]:
    received = [o for o in objections if o.received_on in period]
    decided = [o for o in objections if o.decided_on in period]
    pending = [o for o in objections if o.received_on <= period.end
               and (o.decided_on is None or o.decided_on > period.end)]
    merits = [o for o in decided if o.outcome in ("upheld", "rejected")]
    days = [(o.decided_on - o.received_on).days for o in decided if o.decided_on is not None]
    outcomes = {k: sum(1 for o in decided if o.outcome == k) for k in ("upheld", "rejected", "withdrawn")}
    return {
        "received": len(received),
        "decided": len(decided),
        "pending": len(pending),
        "overdue_pending": sum(1 for o in pending if o.decide_by is not None and o.decide_by < period.end),
        "decided_in_time": ratio(sum(1 for o in decided if in_time(o)), len(decided)),
        "hearing_rate": ratio(sum(1 for o in decided if o.hearings), len(decided)),
        "upheld_rate": ratio(outcomes["upheld"], len(merits)),
        "mean_days": round(statistics.fmean(days), 1) if days else None,
        "outcomes": outcomes,
        "closed": sum(1 for o in objections if o.closed_on in period),
        "closed_missing": sum(1 for o in decided if o.closed_on is None),
    }
