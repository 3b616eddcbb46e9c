"""Petition (涉执信访) and judicial aid (国家司法救助) indicators from a court's trail. Pure: no I/O.

Working definitions (docs/rules.md §8, §12; a ratio is numerator ÷ denominator, each given):
- 信访件数: petitions received (``received_on``) in the period.
- 案访比: petitions received in the period ÷ cases under enforcement in it (registered on or before
  its last day and not closed before its first day) — per team and judge, the case's team and judge.
- 办结率: of the petitions received in the period, those closed by its last day.
- 息访率: of the petitions closed in the period, those where the petitioner stopped petitioning.
- 按期受理率 / 按期办结率: acknowledged within 15 days / closed by the conclusion date (60 days, +30
  when extended) ÷ those acknowledged / closed in the period.
- 司法救助: applications made, grants decided (number, amount) and aid paid through the case account
  in the period. Aid is never money recovered: it is not in 执行到位率 (figures.py reads only
  ``disposal.funds_received``).
Per team and judge, a petition counts for the team and officer it was assigned to (谁办理谁接待), an
aid case for its case's team and judge.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from services.supervision.indicators.figures import NOT_ENFORCEMENT, CaseFacts, Period, ratio

EVENTS = (
    "intake.petition_registered",
    "intake.petition_acknowledged",
    "intake.petition_closed",
    "intake.judicial_aid_applied",
    "intake.judicial_aid_decided",
    "disposal.judicial_aid_paid",
)
GROUPS = {"team": "team_id", "judge": "judge_id"}
# What the figures read of a case (the API loads only these).
CASE_FIELDS = ("case_id", "case_type", "team_id", "judge_id", "registered_on", "closed_on")


@dataclass(frozen=True)
class Petition:
    petition_id: str
    case_id: str
    team_id: str | None
    judge_id: str | None
    received_on: date | None
    accept_by: date | None
    acknowledged_on: date | None = None
    conclude_by: date | None = None
    closed_on: date | None = None
    outcome: str | None = None
    stopped: bool = False


@dataclass(frozen=True)
class Aid:
    aid_id: str
    case_id: str
    applied_on: date | None
    decided_on: date | None = None
    granted: bool = False
    amount_fen: int = 0
    paid: tuple[tuple[date, int], ...] = ()


def fold(entries: Iterable[Any]) -> tuple[list[Petition], list[Aid]]:
    """Petitions and aid applications from trail entries (any order of cases; each stream in order)."""
    petitions: dict[str, Petition] = {}
    aids: dict[str, Aid] = {}
    for e in entries:
        t, pid, aid = e.event_type, e.text("petition_id"), e.text("aid_id")
        if t == "intake.petition_registered" and pid:
            petitions[pid] = Petition(pid, e.case_id, e.text("team_id"), e.text("officer_id"),
                                      e.date_of("received_on"), e.date_of("accept_by"))
        elif t == "intake.petition_acknowledged" and pid in petitions:
            petitions[pid] = replace(petitions[pid], acknowledged_on=e.date_of("acknowledged_on"),
                                     conclude_by=e.date_of("conclude_by"))
        elif t == "intake.petition_closed" and pid in petitions:
            petitions[pid] = replace(petitions[pid], closed_on=e.date_of("closed_on"), outcome=e.text("outcome"),
                                     stopped=e.payload.get("petition_stopped") is True)
        elif t == "intake.judicial_aid_applied" and aid:
            aids[aid] = Aid(aid, e.case_id, e.date_of("applied_on"))
        elif t == "intake.judicial_aid_decided" and aid in aids:
            aids[aid] = replace(aids[aid], decided_on=e.date_of("decided_on"),
                                granted=e.payload.get("granted") is True, amount_fen=e.number("amount_fen") or 0)
        elif t == "disposal.judicial_aid_paid" and aid in aids:
            paid_on = e.date_of("paid_on") or e.day
            aids[aid] = replace(aids[aid], paid=(*aids[aid].paid, (paid_on, e.number("amount_fen") or 0)))
    return list(petitions.values()), list(aids.values())


def under_enforcement(f: CaseFacts, period: Period) -> bool:
    """Registered by the period's end and not closed before its start; an objection case (执异) is
    never under enforcement."""
    if f.case_type in NOT_ENFORCEMENT:
        return False
    registered = f.registered_on is not None and f.registered_on <= period.end
    return registered and (f.closed_on is None or f.closed_on >= period.start)


def figures(petitions: Sequence[Petition], aids: Sequence[Aid], cases: Sequence[CaseFacts],
            period: Period) -> dict[str, Any]:
    received = [p for p in petitions if p.received_on in period]
    closed = [p for p in petitions if p.closed_on in period]
    acknowledged = [p for p in petitions if p.acknowledged_on in period]
    active = [f for f in cases if under_enforcement(f, period)]
    decided = [a for a in aids if a.decided_on in period]
    granted = [a for a in decided if a.granted]
    paid = [amount for a in aids for on, amount in a.paid if on in period]
    return {
        "petitions": len(received),
        "cases_under_enforcement": len(active),
        "case_petition_ratio": ratio(len(received), len(active)),
        "closure_rate": ratio(sum(1 for p in received if p.closed_on is not None and p.closed_on <= period.end),
                              len(received)),
        "stop_rate": ratio(sum(1 for p in closed if p.stopped), len(closed)),
        "accepted_in_time": ratio(sum(1 for p in acknowledged if p.accept_by and p.acknowledged_on
                                      and p.acknowledged_on <= p.accept_by), len(acknowledged)),
        "closed_in_time": ratio(sum(1 for p in closed if p.conclude_by and p.closed_on
                                    and p.closed_on <= p.conclude_by), len(closed)),
        "outcomes": dict(sorted(_count(p.outcome or "?" for p in closed).items())),
        "judicial_aid": {
            "applications": sum(1 for a in aids if a.applied_on in period),
            "decided": len(decided),
            "granted_cases": len(granted),
            "granted_fen": sum(a.amount_fen for a in granted),
            "paid_cases": len({a.aid_id for a in aids for on, _ in a.paid if on in period}),
            "paid_fen": sum(paid),
        },
    }


def _count(values: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for v in values:
        out[v] += 1
    return dict(out)


def select(petitions: Sequence[Petition], aids: Sequence[Aid], cases: Sequence[CaseFacts],
           **filters: str | None) -> tuple[list[Petition], list[Aid], list[CaseFacts]]:
    """Only one team's or judge's (``team_id=…``, ``judge_id=…``), as the dashboard's filters choose."""
    p, a, c = list(petitions), list(aids), list(cases)
    for attr, value in filters.items():
        if value is None:
            continue
        case_ids = {f.case_id for f in c if getattr(f, attr) == value}
        p = [x for x in p if getattr(x, attr) == value]
        a = [x for x in a if x.case_id in case_ids]
        c = [f for f in c if f.case_id in case_ids]
    return p, a, c


def grouped(petitions: Sequence[Petition], aids: Sequence[Aid], cases: Sequence[CaseFacts], period: Period,
            by: str) -> list[dict[str, Any]]:
    """The figures per team or judge: a petition by the team and officer it was assigned to, a case and
    its aid by the case's team and judge."""
    attr = GROUPS[by]
    case_key = {f.case_id: getattr(f, attr) for f in cases}
    # each list split by key once (not once per key: a court has a hundred judges and 100,000 cases)
    petitions_of: dict[Any, list[Petition]] = defaultdict(list)
    for p in petitions:
        petitions_of[getattr(p, attr)].append(p)
    cases_of: dict[Any, list[CaseFacts]] = defaultdict(list)
    for f in cases:
        cases_of[getattr(f, attr)].append(f)
    aids_of: dict[Any, list[Aid]] = defaultdict(list)
    for a in aids:
        aids_of[case_key.get(a.case_id)].append(a)
    keys = (set(petitions_of) | set(cases_of)) - {None}
    return [{"key": key, **figures(petitions_of[key], aids_of[key], cases_of[key], period)} for key in sorted(keys)]
