"""The deadline engine: every node of docs/rules.md §3 computed from a case's trail. Pure.

Each due date comes with its explanation (rule and source, start event, pauses, holiday shifts).
Statuses (warning, overdue, escalation level) depend on the day asked and are computed on read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from services.supervision.domain.calendar import FALLBACK, HolidayCalendar
from services.supervision.domain.entries import Entry
from services.supervision.domain.periods import Pause, add_months, count_period
from services.supervision.settings import DeadlineSettings

SEIZING = {"seize", "impound"}
# An objection case (执异) is a review, not an implementation: none of the implementation nodes
# (register, assign, first search, investigation, close …) apply to it. Its own time limit, the
# decision within 15 days (民诉法 art. 236), is the ``objection:<id>`` node of the case objected to,
# where intake records the registration and the decision.
NO_IMPLEMENTATION_NODES = {"执异"}
CONTROL_ENDS = ("asset_search.control_released", "asset_search.control_lapsed")
DONE_STATUSES = {"met", "late"}


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


def status(d: dict[str, Any], today: date, warning_days: int) -> str:
    """met / late / paused / open / warning / overdue of a stored deadline on ``today``: as it stood
    that day, so a step done after ``today`` does not count yet (a look back with ``as_of``)."""
    due = date.fromisoformat(d["due"]) if d.get("due") else None
    done = date.fromisoformat(d["completed_on"]) if d.get("completed_on") else None
    if done is not None and done <= today:
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


def _first(entries: Sequence[Entry], event_type: str, after: int = 0, **match: Any) -> Entry | None:
    for e in entries:
        if e.seq > after and e.event_type == event_type and all(e.payload.get(k) == v for k, v in match.items()):
            return e
    return None


def tolling_pauses(entries: Sequence[Entry]) -> list[Pause]:
    """Suspension, postponement, valuation/price and announcement/auction periods (严格审限规定 art. 5)."""
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
                pauses.append(Pause(began.day, e.day, reason, began.event_id))
        elif e.event_type == "disposal.disposal_decided":
            fixed = _first(entries, "disposal.reference_price_fixed", e.seq, disposal_id=e.payload.get("disposal_id"))
            pauses.append(Pause(e.day, fixed.day if fixed else None, "确定参考价（评估）期间", e.event_id))
        elif e.event_type == "disposal.auction_scheduled":
            announced = e.date_of("announcement_start") or e.day
            ends = e.date_of("bidding_end")
            pauses.append(Pause(announced, ends, f"拍卖公告及拍卖期间（第{e.payload.get('round', 1)}次）", e.event_id))
    for start_type, began in open_.items():
        pauses.append(Pause(began.day, None, pairs[start_type][1], began.event_id))
    return pauses


@dataclass
class _Nodes:
    """Collects a case's deadlines: each call counts one node's period and records it."""

    cal: HolidayCalendar
    out: list[Deadline] = field(default_factory=list)

    def __call__(
        self,
        key: str,
        title: str,
        source: str,
        start: Entry | None,
        start_day: date,
        *,
        done: Entry | None,
        days: int = 0,
        months: int = 0,
        extension: int = 0,
        pauses: Sequence[Pause] = (),
    ) -> Deadline:
        p = count_period(
            start_day, days=days, months=months, extension_months=extension, pauses=pauses, calendar=self.cal
        )
        steps = [f"依据：{source}", *p.steps]
        if start is not None:
            steps.insert(1, f"起算事件：{start.event_type}（{start.event_id}）")
        d = Deadline(key, key.split(":")[0], title, source, start_day, start.event_id if start else None, p.due,
                     done.day if done else None, done.event_id if done else None, steps, p.fallback_calendar, p.paused)
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
        d = Deadline(key, key.split(":")[0], title, source, start.day, start.event_id, expiry,
                     done.day if done else None, done.event_id if done else None, steps, fallback, False)
        self.out.append(d)
        return d


def compute(entries: Sequence[Entry], cfg: DeadlineSettings, cal: HolidayCalendar) -> list[Deadline]:
    """Every applicable deadline of a case, from its whole trail."""
    reg = _first(entries, "intake.case_registered")
    if reg is None or reg.payload.get("case_type") in NO_IMPLEMENTATION_NODES:
        return []
    node = _Nodes(cal)
    track = next((e.text("track") for e in reversed(entries) if e.event_type == "intake.case_triaged"), None)
    _filing_nodes(entries, reg, track, cfg, node)
    _search_nodes(entries, reg, cfg, node)
    _disposal_nodes(entries, node)
    _funds_nodes(entries, node)
    _objection_nodes(entries, node)
    _closure_nodes(entries, reg, track, cfg, node)
    closed = _first(entries, "intake.case_closed")
    if closed is None:
        return node.out
    return [_ended_by_closure(d, closed, cfg) for d in node.out]


def _ended_by_closure(d: Deadline, closed: Entry, cfg: DeadlineSettings) -> Deadline:
    """A closed case's node that is not watched after closure ends with the closure: done by then, or
    ended on the closure day (on its own start day if it began later), so that it never shows as
    open, warning or overdue afterwards; as it stood before the closure it is unchanged."""
    if d.node in cfg.watched_after_closure or (d.completed_on is not None and d.completed_on <= closed.day):
        return d
    kind = closed.payload.get("closure_type") or "结案"
    ended = max(closed.day, d.start)
    return d._replace(
        completed_on=ended,
        completed_event_id=closed.event_id,
        explanation=[
            *d.explanation,
            f"案件已于 {closed.day.isoformat()} 结案（{kind}，{closed.event_id}）：本节点随结案终止于"
            f" {ended.isoformat()}，此后不再督办（结案后仍督办的节点：{'、'.join(cfg.watched_after_closure)}）",
        ],
    )


def _filing_nodes(entries: Sequence[Entry], reg: Entry, track: str | None, cfg: DeadlineSettings, node: _Nodes) -> None:
    application = reg.date_of("application_date") or reg.day
    node("register", "立案或不予受理", "执行工作规定第16条：收到申请之日起7日内", None, application, done=reg, days=7)
    assigned = _first(entries, "intake.case_assigned")
    assign_days = cfg.assign_days_fast if track == "fast" else cfg.assign_days_ordinary
    node(
        "assign",
        "分案至承办法官",
        "期限规定(2006)第2条；快执当日分案（本院规定）",
        reg,
        reg.day,
        done=assigned,
        days=assign_days,
    )
    notice = _first(entries, "intake.notice_issued", notice_kind="enforcement_notice")
    if assigned is None:
        return
    by_assignment = node(
        "notice",
        "发出执行通知书及报告财产令",
        "期限规定第4条：分案后3日内",
        assigned,
        assigned.day,
        done=notice,
        days=3,
    )
    cap = count_period(application, days=10, calendar=node.cal)
    if cap.due and by_assignment.due and cap.due < by_assignment.due:
        node.out[-1] = by_assignment._replace(
            source="民诉法解释第480条：最迟自申请之日起10日内", start=application, start_event_id=None,
            due=cap.due, explanation=["依据：民诉法解释第480条（早于分案后3日）", *cap.steps],
            fallback_calendar=cap.fallback_calendar,
        )


def _search_nodes(entries: Sequence[Entry], reg: Entry, cfg: DeadlineSettings, node: _Nodes) -> None:
    node(
        "first_search",
        "首次网络查控",
        "本院规定：立案后3日内发起",
        reg,
        reg.day,
        done=_first(entries, "asset_search.query_dispatched"),
        days=cfg.first_search_days,
    )
    queries = [e for e in entries if e.event_type == "asset_search.query_dispatched"]
    answered = {e.payload.get("query_id"): e for e in entries if e.event_type == "asset_search.agency_answered"}
    last_answer = None
    if queries and all(q.payload.get("query_id") in answered for q in queries):
        last_answer = max((answered[q.payload.get("query_id")] for q in queries), key=lambda e: e.seq)
    node(
        "investigation",
        "财产调查完成",
        "期限规定第7条：约1个月",
        reg,
        reg.day,
        done=last_answer,
        months=cfg.investigation_months,
    )
    for lead in (e for e in entries if e.event_type == "asset_search.lead_recorded"):
        lead_id = lead.payload.get("lead_id")
        urgent = bool(lead.payload.get("urgent"))
        node(
            f"verify_lead:{lead_id}",
            "核查申请人提供的财产线索" + ("（紧急）" if urgent else ""),
            "财产调查规定第2条：7日内（紧急3日）",
            lead,
            lead.day,
            done=_first(entries, "asset_search.lead_verified", lead.seq, lead_id=lead_id),
            days=3 if urgent else 7,
        )


def _objection_nodes(entries: Sequence[Entry], node: _Nodes) -> None:
    for obj in (e for e in entries if e.event_type == "intake.objection_registered"):
        oid = obj.payload.get("objection_case_id")
        node(
            f"objection:{oid}",
            "执行异议审查",
            "民诉法第236条：15日内",
            obj,
            obj.day,
            done=_first(entries, "intake.objection_decided", obj.seq, objection_case_id=oid),
            days=15,
        )


def _disposal_nodes(entries: Sequence[Entry], node: _Nodes) -> None:
    for c in (e for e in entries if e.event_type == "asset_search.control_confirmed"):
        asset = c.payload.get("asset_id")
        if c.payload.get("measure") in SEIZING:
            decided = _first(entries, "disposal.disposal_decided", c.seq, asset_id=asset)
            # A control released or lapsed needs no price any more: the node ends with it.
            ended = _control_ended(entries, c)
            d = node(
                f"price_start:{asset}",
                "启动确定参考价程序",
                "参考价规定第1条：查封后30日内",
                c,
                c.date_of("effective_date") or c.day,
                done=decided if decided is not None and (ended is None or decided.seq < ended.seq) else ended,
                days=30,
            )
            if ended is not None and d.completed_event_id == ended.event_id:
                what = "解除" if ended.event_type == "asset_search.control_released" else "到期失效"
                node.out[-1] = d._replace(explanation=[
                    *d.explanation,
                    f"控制措施已于 {ended.day.isoformat()} {what}（{ended.event_id}）：无须再确定参考价，本节点终止",
                ])
    for f in (e for e in entries if e.event_type == "disposal.reference_price_fixed"):
        node(
            f"sale_start:{f.payload.get('disposal_id')}",
            "启动拍卖",
            "参考价规定第30条：确定参考价后10日内",
            f,
            f.day,
            done=_first(entries, "disposal.auction_scheduled", f.seq),
            days=10,
        )
    for a in (e for e in entries if e.event_type == "disposal.auction_ended" and e.payload.get("result") == "unsold"):
        node(
            f"reauction:{a.payload.get('auction_id')}",
            "流拍后再次拍卖",
            "网拍规定第26条：流拍后30日内",
            a,
            a.day,
            done=_first(entries, "disposal.auction_scheduled", a.seq)
            or _first(entries, "disposal.disposal_concluded", a.seq),
            days=30,
        )


def _funds_nodes(entries: Sequence[Entry], node: _Nodes) -> None:
    """Each arrival is paid within 30 days (执行款物管理规定 2017); payouts cover arrivals in order."""
    paid_total = 0
    received_total = 0
    arrivals: list[tuple[Entry, int]] = []
    payouts = [e for e in entries if e.event_type == "disposal.payout_approved"]
    for e in entries:
        if e.event_type == "disposal.funds_received":
            received_total += e.number("amount_fen") or 0
            arrivals.append((e, received_total))
    for arrival, cumulative in arrivals:
        paid_total = 0
        done = None
        for p in payouts:
            paid_total += p.number("amount_fen") or 0
            if paid_total >= cumulative:
                done = p
                break
        node(
            f"payout:{arrival.payload.get('entry_id')}",
            "执行款发放",
            "执行款物管理规定(2017)：到账后30日内",
            arrival,
            arrival.day,
            done=done,
            days=30,
        )


def _closure_nodes(
    entries: Sequence[Entry], reg: Entry, track: str | None, cfg: DeadlineSettings, node: _Nodes
) -> None:
    closed = _first(entries, "intake.case_closed")
    basis = reg.payload.get("basis") or {}
    non_litigation = isinstance(basis, dict) and basis.get("kind") in cfg.non_litigation_basis_kinds
    months = cfg.close_months_non_litigation if non_litigation else cfg.close_months
    extension = sum(
        e.number("months") or cfg.extension_months_default
        for e in entries
        if e.event_type == "intake.extension_approved"
    )
    node(
        "close",
        "执行结案",
        "严格审限规定第5条：立案之日起6个月（非诉3个月），经院长批准可延长3个月",
        reg,
        reg.day,
        done=closed,
        months=months,
        extension=extension,
        pauses=tolling_pauses(entries),
    )
    if track == "fast":
        node(
            "fast_target",
            "快执内部目标结案",
            "本院规定：快执90日",
            reg,
            reg.day,
            done=closed,
            days=cfg.fast_track_target_days,
        )
    _renewal_nodes(entries, node)
    if closed is not None and closed.payload.get("closure_type") == "终本":
        _zhongben_nodes(entries, closed, cfg, node)


def _control_ended(entries: Sequence[Entry], c: Entry) -> Entry | None:
    """The release or lapse of the control ``c`` confirmed, if any."""
    control = c.payload.get("control_id")
    if control is None:
        return None
    return next(
        (
            e
            for e in entries
            if e.seq > c.seq and e.event_type in CONTROL_ENDS and e.payload.get("control_id") == control
        ),
        None,
    )


def _renewal_nodes(entries: Sequence[Entry], node: _Nodes) -> None:
    for c in (e for e in entries if e.event_type in ("asset_search.control_confirmed", "asset_search.control_renewed")):
        expiry = c.date_of("expiry_date")
        control = c.payload.get("control_id")
        if expiry is None:
            continue
        follow = next(
            (
                e
                for e in entries
                if e.seq > c.seq
                and e.payload.get("control_id") == control
                and e.event_type in ("asset_search.control_renewed", "asset_search.control_released")
            ),
            None,
        )
        node.renewal(
            f"renew:{control}:{expiry.isoformat()}",
            "续行查封/冻结",
            "民诉法解释第485条：期限届满前续行",
            c,
            expiry,
            done=follow,
        )


def _zhongben_nodes(entries: Sequence[Entry], closed: Entry, cfg: DeadlineSettings, node: _Nodes) -> None:
    searches = [e for e in entries if e.seq > closed.seq and e.event_type == "asset_search.query_dispatched"]
    last = searches[-1] if searches else closed
    watch_end = add_months(closed.day, 12 * cfg.zhongben_watch_years)
    # A resumed case (恢复执行) is searched under its new case number: the watch ends.
    resumed = _first(entries, "intake.case_resumed", closed.seq)
    if last.day < watch_end and (resumed is None or resumed.seq > last.seq):
        node(
            f"zhongben_search:{len(searches) + 1}",
            "终本案件定期网络查控",
            "终本规定第9条：每6个月查询一次，持续5年",
            last,
            last.day,
            done=resumed,
            months=cfg.zhongben_research_months,
        )
