"""Coercive measures (罚款、拘留) counted for the dashboard: per month and per judge (docs/rules.md §9).
Pure: each case's trail entries of ``MEASURE_EVENTS`` in, counts out.

A measure counts as proposed in the month of its ``proposed_on`` and as approved (with its fine or
detention) in the month of its ``approved_on`` — the business dates intake publishes. A judge is the
proposer. Custody (field_ops) is counted when it started (``started_on``), early releases when released;
referrals (拒执罪), private prosecutions, granted rewards and exposures on their own business dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from services.supervision.domain.entries import Entry

MEASURE_EVENTS = (
    "intake.measure_proposed", "intake.measure_approved", "intake.measure_rejected",
    "intake.measure_reconsideration_decided", "field_ops.custody_started", "field_ops.custody_ended",
    "intake.refusal_referred", "intake.private_prosecution_filed", "intake.reward_decided", "intake.exposure_published",
)
# The other measures, counted on their business date: type → (total's key, date field, payload condition)
OTHERS: dict[str, tuple[str, str, tuple[str, object] | None]] = {
    "intake.refusal_referred": ("referrals", "referred_on", None),
    "intake.private_prosecution_filed": ("private_prosecutions", "filed_on", None),
    "intake.reward_decided": ("rewards_granted", "decided_on", ("granted", True)),
    "intake.exposure_published": ("exposures", "published_on", None),
}
_MONTH = {"proposed": 0, "approved": 0, "fines": 0, "detentions": 0, "fine_fen": 0}


def _day(e: Entry, name: str) -> date:
    return e.date_of(name) or e.day


def measure_counts(cases: Iterable[Sequence[Entry]], start: date, end: date) -> dict[str, Any]:
    months: dict[str, dict[str, int]] = {}
    judges: dict[str, dict[str, int]] = {}
    totals = {"proposed": 0, "approved": 0, "rejected": 0, "fines": 0, "detentions": 0, "fine_fen": 0,
              "reconsiderations_decided": 0, "custody_started": 0, "released_early": 0,
              "referrals": 0, "private_prosecutions": 0, "rewards_granted": 0, "exposures": 0}

    def month(day: date) -> dict[str, int]:
        return months.setdefault(day.strftime("%Y-%m"), dict(_MONTH))

    def judge(judge_id: str) -> dict[str, int]:
        return judges.setdefault(judge_id, {"proposed": 0, "approved": 0, "detentions": 0, "fines": 0})

    for entries in cases:
        proposer: dict[str, str] = {}
        for e in entries:
            mid = str(e.payload.get("measure_id"))
            if e.event_type == "intake.measure_proposed":
                proposer[mid] = e.text("proposed_by") or e.officer or "?"
                day = _day(e, "proposed_on")
                if start <= day <= end:
                    month(day)["proposed"] += 1
                    totals["proposed"] += 1
                    judge(proposer[mid])["proposed"] += 1
            elif e.event_type == "intake.measure_approved":
                day = _day(e, "approved_on")
                if not start <= day <= end:
                    continue
                fine, days = e.number("fine_fen"), e.number("detention_days")
                m, j = month(day), judge(e.text("judge_id") or proposer.get(mid) or "?")
                for bucket in (m, j, totals):
                    bucket["approved"] += 1
                    bucket["fines"] += 1 if fine else 0
                    bucket["detentions"] += 1 if days else 0
                for bucket in (m, totals):
                    bucket["fine_fen"] += fine or 0
            elif e.event_type == "intake.measure_rejected" and start <= _day(e, "rejected_on") <= end:
                totals["rejected"] += 1
            elif (e.event_type == "intake.measure_reconsideration_decided"
                  and start <= _day(e, "decided_on") <= end):
                totals["reconsiderations_decided"] += 1
            elif e.event_type == "field_ops.custody_started" and start <= _day(e, "started_on") <= end:
                totals["custody_started"] += 1
            elif (e.event_type == "field_ops.custody_ended" and e.payload.get("early") is True
                  and start <= _day(e, "released_on") <= end):
                totals["released_early"] += 1
            elif e.event_type in OTHERS:
                key, field, condition = OTHERS[e.event_type]
                wanted = condition is None or e.payload.get(condition[0]) == condition[1]
                if wanted and start <= _day(e, field) <= end:
                    totals[key] += 1
    return {
        "totals": totals,
        "by_month": [{"month": k, **v} for k, v in sorted(months.items())],
        "by_judge": [{"judge_id": k, **v} for k, v in sorted(judges.items())],
    }
