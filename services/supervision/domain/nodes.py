"""The deadline engine's parts: a node (``Deadline``), the book that counts and records nodes, and the
business date of each event. Pure.

Every node starts on the day the thing happened — the business date its producer carries on the
event (received on, fixed on, paid on …) — never on the day somebody entered it (docs/rules.md §10).
An entry made more than a day after its business date is itself shown in the node's explanation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from services.supervision.domain.calendar import FALLBACK, HolidayCalendar
from services.supervision.domain.entries import Entry
from services.supervision.domain.periods import Pause, count_period

# The business date each event type publishes (its own payload field, docs/events.md): when the
# thing happened as a person would give it. An event type not listed carries none: its day is the
# day it happened (a command's own instant, e.g. an assignment or a decision taken in the system).
# An online query is such a step: asset_search sends it when it records it (its ``dispatched_at`` is
# the instant of the assignment it reacts to, which says when it was asked for, not when it went out).
BUSINESS_DATES: dict[str, str] = {
    "intake.application_received": "application_date",
    "intake.materials_supplemented": "received_on",
    "intake.case_registered": "registered_on",
    "intake.case_suspended": "on",
    "intake.suspension_lifted": "on",
    "intake.case_postponed": "on",
    "intake.postponement_lifted": "on",
    "intake.applicant_interviewed": "interviewed_on",
    "intake.case_closed": "closed_on",
    "intake.objection_registered": "received_on",
    "intake.objection_hearing_held": "held_on",
    "intake.objection_decided": "decided_on",
    "asset_search.control_confirmed": "effective_date",
    "asset_search.field_asset_recorded": "seal_date",
    "disposal.disposal_decided": "decided_on",
    "disposal.notice_served": "served_on",
    "disposal.price_procedure_started": "started_on",
    "disposal.reference_price_fixed": "determined_on",
    "disposal.price_objection_raised": "filed_on",
    "disposal.auction_ended": "ended_at",
    "disposal.direct_sale_completed": "sold_on",
    "disposal.online_sale_announced": "announced_on",
    "disposal.online_sale_unsold": "ended_on",
    "disposal.sale_ruling_signed": "signed_on",
    "disposal.funds_received": "received_on",
    "disposal.payout_approved": "paid_on",
    "disposal.claim_paid_in_full": "paid_on",
    "intake.petition_registered": "received_on",
    "intake.petition_acknowledged": "acknowledged_on",
    "intake.petition_closed": "closed_on",
    "intake.measure_proposed": "proposed_on",
    "intake.measure_approved": "approved_on",
    "intake.measure_served": "served_on",
    "intake.measure_reconsideration_applied": "applied_on",
    "intake.measure_reconsideration_decided": "decided_on",
    "field_ops.custody_started": "started_on",
    "field_ops.custody_ended": "released_on",
    "intake.reward_applied": "applied_on",
    "intake.reward_decided": "decided_on",
}
# An entry this many days after its business date is a late entry, shown on the node.
LATE_ENTRY_DAYS = 1


def business_day(e: Entry) -> date:
    """The day ``e`` happened: its business date field where its type has one, else its own day."""
    name = BUSINESS_DATES.get(e.event_type)
    return (e.date_of(name) if name else None) or e.day


def late_entry(e: Entry, what: str) -> str | None:
    """"… 业务日期 X，录入于 Y（迟 N 日录入）" when ``e`` was entered more than a day after it happened."""
    happened = business_day(e)
    lag = (e.day - happened).days
    if abs(lag) <= LATE_ENTRY_DAYS:
        return None
    field_name = BUSINESS_DATES.get(e.event_type, "")
    when = f"迟 {lag} 日录入" if lag > 0 else f"录入日早于业务日期 {-lag} 日"
    return (f"{what} {e.event_type} 业务日期 {happened.isoformat()}（{field_name}），"
            f"录入于 {e.day.isoformat()}（{when}）：期限按业务日期计算")


def first(entries: Sequence[Entry], event_type: str, after: int = 0, **match: Any) -> Entry | None:
    for e in entries:
        if e.seq > after and e.event_type == event_type and all(e.payload.get(k) == v for k, v in match.items()):
            return e
    return None


class Deadline(NamedTuple):
    """One deadline node of a case (a named tuple: a rebuild makes several per case, and it is the
    cheapest immutable record to build)."""

    key: str
    node: str
    title: str
    source: str
    start: date
    start_event_id: str | None
    due: date | None
    completed_on: date | None = None
    completed_event_id: str | None = None
    explanation: Sequence[str] = ()
    fallback_calendar: bool = False
    paused: bool = False

    def to_json(self) -> dict[str, Any]:
        data = self._asdict()
        data["explanation"] = list(self.explanation)
        for k in ("start", "due", "completed_on"):
            data[k] = data[k].isoformat() if data[k] else None
        return data


def _entry_notes(start: Entry | None, done: Entry | None) -> list[str]:
    notes = [late_entry(start, "起算事件") if start is not None else None,
             late_entry(done, "完成事件") if done is not None else None]
    return [n for n in notes if n]


@dataclass
class NodeBook:
    """Collects a case's deadlines: each call counts one node's period and records it. A node starts
    on its start event's business day unless told otherwise, and is done on its completing event's."""

    cal: HolidayCalendar
    out: list[Deadline] = field(default_factory=list)

    def __call__(
        self,
        key: str,
        title: str,
        source: str,
        start: Entry | None,
        start_day: date | None = None,
        *,
        done: Entry | None,
        days: int = 0,
        months: int = 0,
        extension: int = 0,
        pauses: Sequence[Pause] = (),
    ) -> Deadline:
        if start_day is None:
            assert start is not None, "a node starts on an event or on a given day"
            start_day = business_day(start)
        p = count_period(
            start_day, days=days, months=months, extension_months=extension, pauses=pauses, calendar=self.cal
        )
        steps = [f"依据：{source}", *p.steps, *_entry_notes(start, done)]
        if start is not None:
            steps.insert(1, f"起算事件：{start.event_type}（{start.event_id}）")
        d = Deadline(key, key.split(":")[0], title, source, start_day, start.event_id if start else None, p.due,
                     business_day(done) if done else None, done.event_id if done else None, steps,
                     p.fallback_calendar, p.paused)
        self.out.append(d)
        return d

    def renewal(
        self, key: str, title: str, source: str, start: Entry, expiry: date, *, done: Entry | None
    ) -> Deadline:
        """A renewal falls due on the control's expiry date itself, never later: the control lapses at
        the end of that day (asset_search lapses it the day after), so a renewal must be made before
        the period ends (民诉法解释 art. 485), and a rest day does not move it forward (the 民诉法 art.
        85 rollover extends a period for a party's act, not a control's duration)."""
        steps = [
            f"依据：{source}",
            f"起算事件：{start.event_type}（{start.event_id}）",
            f"控制期限届满日 {expiry.isoformat()}：控制措施于当日届满时失效，"
            "续行须在届满日（含当日）前办理，不顺延",
        ]
        fallback = self.cal.source(expiry) == FALLBACK
        if not self.cal.is_workday(expiry):
            last = expiry
            while not self.cal.is_workday(last):
                last -= timedelta(days=1)
                fallback = fallback or self.cal.source(last) == FALLBACK
            steps.append(
                "届满日为休息日：协助执行单位休息日可能不办理，"
                f"宜在此前最后一个工作日 {last.isoformat()} 前送达续行手续"
            )
        if fallback:
            steps.append(f"{expiry.year} 年节假日安排未加载，仅按周末判断（需管理员导入当年安排）")
        steps += _entry_notes(start, done)
        d = Deadline(key, key.split(":")[0], title, source, business_day(start), start.event_id, expiry,
                     business_day(done) if done else None, done.event_id if done else None, steps, fallback, False)
        self.out.append(d)
        return d
