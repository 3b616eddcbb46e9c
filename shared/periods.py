"""Counting a legal period: calendar days or months, start day not counted, tolling, extension,
holiday rollover — with the explanation of every step. Pure."""

from __future__ import annotations

import calendar as _cal
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from shared.holidays import HolidayCalendar


@dataclass(frozen=True)
class Pause:
    """An interval that does not count toward a period; ``end`` None while it lasts."""

    start: date
    end: date | None
    reason: str
    event_id: str


@dataclass(frozen=True)
class Period:
    """A computed due date and how it was reached."""

    due: date | None
    steps: list[str] = field(default_factory=list)
    fallback_calendar: bool = False
    paused: bool = False


def add_months(day: date, months: int) -> date:
    """Same day of the month ``months`` later (clamped to the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _cal.monthrange(year, month)[1]))


def merge(pauses: Sequence[Pause]) -> list[Pause]:
    """Overlapping pauses merged (an open pause swallows everything after its start)."""
    merged: list[Pause] = []
    for p in sorted(pauses, key=lambda x: (x.start, x.end or date.max)):
        if merged and (merged[-1].end is None or p.start <= merged[-1].end):
            last = merged[-1]
            end = None if last.end is None or p.end is None else max(last.end, p.end)
            merged[-1] = Pause(last.start, end, f"{last.reason}；{p.reason}", last.event_id)
        else:
            merged.append(p)
    return merged


def count_period(
    start: date,
    *,
    days: int = 0,
    months: int = 0,
    extension_months: int = 0,
    pauses: Sequence[Pause] = (),
    calendar: HolidayCalendar,
) -> Period:
    """Due date of a period starting on ``start`` (民诉法 art. 85: the start day is not counted;
    a last day falling on a rest day moves to the next working day).

    Pure for a given calendar, so each calendar remembers its answers (a rebuild counts the same
    periods from the same days over and over); the Period returned is shared: do not change it.
    """
    key = (start, days, months, extension_months, tuple(pauses))
    known = calendar.memo.get(key)
    if known is None:
        if len(calendar.memo) >= _MEMO_MAX:
            calendar.memo.clear()
        known = calendar.memo[key] = _count_period(start, days, months, extension_months, pauses, calendar)
    assert isinstance(known, Period)
    return known


_MEMO_MAX = 10_000


def _count_period(
    start: date, days: int, months: int, extension_months: int, pauses: Sequence[Pause], calendar: HolidayCalendar
) -> Period:
    steps: list[str] = []
    due = add_months(start, months) + timedelta(days=days)
    length = f"{months} 个月" if months else f"{days} 日"
    steps.append(f"自 {start.isoformat()} 起算 {length}（起算日不计入）：{due.isoformat()}")
    if extension_months:
        # The months of an extension are counted from the start with the others, in one go: a
        # clamped intermediate day (08-31 + 6 months = 02-28) must not shorten the extension.
        due = add_months(start, months + extension_months) + timedelta(days=days)
        steps.append(
            f"经批准延长 {extension_months} 个月（自 {start.isoformat()} 起合计 {months + extension_months} 个月）："
            f"{due.isoformat()}"
        )
    for pause in merge(pauses):
        if pause.end is not None and pause.end <= start:
            continue
        if pause.start > due:
            break
        if pause.end is None:
            steps.append(f"自 {pause.start.isoformat()} 起扣除（{pause.reason}），尚未恢复计算")
            return Period(None, steps, paused=True)
        tolled = (pause.end - max(pause.start, start)).days
        due += timedelta(days=tolled)
        steps.append(
            f"扣除 {pause.start.isoformat()} 至 {pause.end.isoformat()} 共 {tolled} 日（{pause.reason}）："
            f"{due.isoformat()}"
        )
    shifted, skipped, fallback = calendar.roll_forward(due)
    if skipped:
        steps.append(
            f"期间届满日 {due.isoformat()} 为法定休假日，顺延至其后第一个工作日 {shifted.isoformat()}（民诉法第85条）"
        )
    if fallback:
        steps.append(f"{due.year} 年节假日安排未加载，仅按周末判断（需管理员导入当年安排）")
    return Period(shifted, steps, fallback_calendar=fallback)


# ── The periods more than one service counts (one function each, so the services agree) ──────────

# 立案或者裁定不予受理：收到申请之日起七日内 (执行工作规定 item 16; 登记立案规定 2015 arts. 8, 18: its
# procedure applies to applications for enforcement). After a one-time notice to supplement, the 7
# days run from the receipt of the supplement (登记立案规定 art. 7: 自收到补正材料之日起计算).
REGISTRATION_DECISION_DAYS = 7
# 执行期限六个月，经批准可延长三个月 (严格审限规定 art. 5; 期限规定 2006 art. 1). The three months of
# 非诉执行 cases are not counted: this system takes in no non-litigation (administrative) enforcement.
CLOSE_MONTHS = 6
# 执行通知书：分案后3日内发出 (期限规定 2006 art. 4)，最迟自收到申请执行书之日起10日内 (民诉法解释
# 2022 art. 480) — the earlier of the two, each counted as every period is.
NOTICE_DAYS = 3
NOTICE_CAP_DAYS = 10
# 执行异议：自收到书面异议之日起十五日内审查 (民诉法 2023 art. 236).
OBJECTION_REVIEW_DAYS = 15


def registration_decide_by(received_on: date, calendar: HolidayCalendar) -> Period:
    """Last day to register or refuse an application (or its supplement) received on ``received_on``:
    7 days, the start day not counted, a last day on a rest day moved to the next working day."""
    return count_period(received_on, days=REGISTRATION_DECISION_DAYS, calendar=calendar)


def close_by(
    registered_on: date,
    *,
    extension_months: int = 0,
    pauses: Sequence[Pause] = (),
    calendar: HolidayCalendar,
) -> Period:
    """The close-by date of an enforcement case: 6 months from registration plus approved extensions,
    counted from the start in one go, moved by every tolled interval (严格审限规定 art. 9) and rolled
    over a rest day (民诉法 art. 85)."""
    return count_period(registered_on, months=CLOSE_MONTHS, extension_months=extension_months, pauses=pauses,
                        calendar=calendar)


def notice_by(assigned_on: date, application_date: date, calendar: HolidayCalendar) -> Period:
    """Last day to send the enforcement notice (and the order to report property): 3 days from the
    assignment, but never later than 10 days from the application; each count moved over a rest day
    (民诉法 art. 85). Supervision's ``notice`` node and intake's worklist both read it."""
    by_assignment = count_period(assigned_on, days=NOTICE_DAYS, calendar=calendar)
    cap = count_period(application_date, days=NOTICE_CAP_DAYS, calendar=calendar)
    if cap.due is not None and by_assignment.due is not None and cap.due < by_assignment.due:
        return cap
    return by_assignment


def objection_decide_by(received_on: date, calendar: HolidayCalendar) -> Period:
    """Last day to decide an objection received on ``received_on``: 15 days, the start day not
    counted, a last day on a rest day moved to the next working day (民诉法 arts. 236, 85)."""
    return count_period(received_on, days=OBJECTION_REVIEW_DAYS, calendar=calendar)


# 信访工作条例 2022: decide whether to accept and tell the petitioner within 15 days of receipt (art. 23);
# conclude within 60 days of acceptance, extended once by at most 30 days (art. 34). Counted as 民法典
# arts. 201/203 count them (the start day not counted; a last day on a rest day moves to the next working
# day) — the same steps as every period here. Intake's accept_by / conclude_by and supervision's
# petition_accept / petition_conclude nodes both read these.
PETITION_ACCEPT_DAYS = 15
PETITION_CONCLUDE_DAYS = 60
PETITION_EXTENSION_MAX_DAYS = 30


def petition_accept_by(received_on: date, calendar: HolidayCalendar) -> Period:
    """Last day to decide whether to accept a petition received on ``received_on`` and tell the petitioner."""
    return count_period(received_on, days=PETITION_ACCEPT_DAYS, calendar=calendar)


def petition_conclude_by(accepted_on: date, extension_days: int, calendar: HolidayCalendar) -> Period:
    """Last day to conclude a petition accepted on ``accepted_on``: 60 days plus the approved extension,
    counted from the acceptance in one go (an extension is never added to a day already moved past a rest
    day), then moved over a rest day."""
    return count_period(accepted_on, days=PETITION_CONCLUDE_DAYS + extension_days, calendar=calendar)
