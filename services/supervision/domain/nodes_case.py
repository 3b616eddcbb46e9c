"""The case's own nodes (docs/rules.md §3): registration, assignment, notice, first search,
investigation, leads, the close-by date, the fast track's target, renewals and the re-searches after
终本. Each starts on its start event's business date (nodes.business_day). Pure."""

from __future__ import annotations

from collections.abc import Sequence

from services.supervision.domain.entries import Entry
from services.supervision.domain.nodes import NodeBook, business_day, first
from services.supervision.domain.periods import Pause, add_months, count_period
from services.supervision.settings import DeadlineSettings
from shared.periods import NOTICE_CAP_DAYS, NOTICE_DAYS, REGISTRATION_DECISION_DAYS

REGISTER_SOURCE = ("执行工作规定第16条、登记立案规定(2015)第8条：收到申请之日起7日内；"
                   "补正的，自收到补正材料之日起计算（第7条）")


def register_node(entries: Sequence[Entry], head: Entry, node: NodeBook) -> None:
    """The 7 days to register or refuse (shared.periods.registration_decide_by, as intake counts them),
    watched from the application on, before any registration: from the application date; after a
    one-time notice to supplement, paused until the supplement that completes the materials and then
    run again from its receipt (登记立案规定 2015 art. 7); done by the registration or the refusal."""
    application = head.date_of("application_date") or head.day
    decided = next((e for e in entries if e.event_type in ("intake.case_registered", "intake.application_refused")),
                   None)
    notice = first(entries, "intake.supplement_requested")
    completed = next((e for e in entries if e.event_type == "intake.materials_supplemented"
                      and not e.payload.get("still_missing")), None)
    # The application received is the start event (its late entry shows), dated by its application_date.
    received = head if head.event_type == "intake.application_received" else None
    if notice is None or (decided is not None and decided.seq < notice.seq):
        node("register", "立案或不予受理", REGISTER_SOURCE, received, application, done=decided,
             days=REGISTRATION_DECISION_DAYS)
    elif completed is not None:
        d = node("register", "立案或不予受理", REGISTER_SOURCE, completed, done=decided,
                 days=REGISTRATION_DECISION_DAYS)
        node.out[-1] = d._replace(explanation=[
            *d.explanation,
            f"已于 {business_day(notice).isoformat()} 一次性告知补正（{notice.event_id}）："
            "补齐材料后自收到补正材料之日起重新计算7日",
        ])
    else:
        waiting = Pause(application, None, "一次性告知补正，待收到补正材料后重新计算（登记立案规定第7条）",
                        notice.event_id)
        node("register", "立案或不予受理", REGISTER_SOURCE, received, application, done=decided,
             days=REGISTRATION_DECISION_DAYS, pauses=[waiting])


def filing_nodes(entries: Sequence[Entry], reg: Entry, track: str | None, cfg: DeadlineSettings,
                 node: NodeBook) -> None:
    application = reg.date_of("application_date") or reg.day
    register_node(entries, first(entries, "intake.application_received") or reg, node)
    assigned = first(entries, "intake.case_assigned")
    assign_days = cfg.assign_days_fast if track == "fast" else cfg.assign_days_ordinary
    node("assign", "分案至承办法官", "期限规定(2006)第2条；快执当日分案（本院规定）", reg,
         done=assigned, days=assign_days)
    notice = first(entries, "intake.notice_issued", notice_kind="enforcement_notice")
    if assigned is None:
        return
    by_assignment = node("notice", "发出执行通知书及报告财产令", "期限规定第4条：分案后3日内", assigned,
                         done=notice, days=NOTICE_DAYS)
    # The same count as shared.periods.notice_by (intake's worklist), with this node's explanation.
    cap = count_period(application, days=NOTICE_CAP_DAYS, calendar=node.cal)
    if cap.due and by_assignment.due and cap.due < by_assignment.due:
        node.out[-1] = by_assignment._replace(
            source="民诉法解释第480条：最迟自申请之日起10日内", start=application, start_event_id=None,
            due=cap.due, explanation=["依据：民诉法解释第480条（早于分案后3日）", *cap.steps],
            fallback_calendar=cap.fallback_calendar,
        )


def search_nodes(entries: Sequence[Entry], reg: Entry, cfg: DeadlineSettings, node: NodeBook) -> None:
    node("first_search", "首次网络查控", "本院规定：立案后3日内发起", reg,
         done=first(entries, "asset_search.query_dispatched"), days=cfg.first_search_days)
    queries = [e for e in entries if e.event_type == "asset_search.query_dispatched"]
    answered = {e.payload.get("query_id"): e for e in entries if e.event_type == "asset_search.agency_answered"}
    last_answer = None
    if queries and all(q.payload.get("query_id") in answered for q in queries):
        last_answer = max((answered[q.payload.get("query_id")] for q in queries), key=lambda e: e.seq)
    node("investigation", "财产调查完成", "期限规定第7条：约1个月", reg, done=last_answer,
         months=cfg.investigation_months)
    for lead in (e for e in entries if e.event_type == "asset_search.lead_recorded"):
        lead_id = lead.payload.get("lead_id")
        urgent = bool(lead.payload.get("urgent"))
        node(
            f"verify_lead:{lead_id}",
            "核查申请人提供的财产线索" + ("（紧急）" if urgent else ""),
            "财产调查规定第2条：7日内（紧急3日）",
            lead,
            done=first(entries, "asset_search.lead_verified", lead.seq, lead_id=lead_id),
            days=3 if urgent else 7,
        )


def closure_nodes(entries: Sequence[Entry], reg: Entry, track: str | None, cfg: DeadlineSettings,
                  pauses: Sequence[Pause], node: NodeBook) -> None:
    closed = first(entries, "intake.case_closed")
    # 6 months for every case: the 3 months of 非诉执行 (administrative decisions enforced on an
    # agency's application) concern a procedure this system does not take in (docs/rules.md §3).
    months = cfg.close_months
    extension = sum(
        e.number("months") or cfg.extension_months_default
        for e in entries
        if e.event_type == "intake.extension_approved"
    )
    node("close", "执行结案", "严格审限规定第5条：立案之日起6个月；"
         "延长3个月须届满5日前申请、经院长或副院长批准（期限规定(2006)第1条）",
         reg, done=closed, months=months, extension=extension, pauses=pauses)
    if track == "fast":
        node("fast_target", "快执内部目标结案", "本院规定：快执90日", reg, done=closed,
             days=cfg.fast_track_target_days)
    # Local internal targets (本院规定, from the 文登 rule, excerpt): a case whose first online search
    # found nothing is closed within 100 days (终本 after the 3 months); one with a disposal within 180.
    nothing = next((e for e in entries if e.event_type == "asset_search.search_completed"
                    and e.number("round") == 1 and e.number("asset_count") == 0), None)
    if nothing is not None:
        node("zhongben_target", "无财产案件内部目标结案（终本）", "本院规定：首轮网络查控无财产的案件100日内结案", reg,
             done=closed, days=cfg.zhongben_target_days)
    if first(entries, "disposal.disposal_decided") is not None:
        node("disposal_target", "有财产处置案件内部目标结案", "本院规定：有财产处置的案件180日内结案", reg,
             done=closed, days=cfg.disposal_target_days)
    renewal_nodes(entries, node)
    if closed is not None and closed.payload.get("closure_type") == "终本":
        zhongben_nodes(entries, closed, cfg, node)


def renewal_nodes(entries: Sequence[Entry], node: NodeBook) -> None:
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
        node.renewal(f"renew:{control}:{expiry.isoformat()}", "续行查封/冻结", "民诉法解释第485条：期限届满前续行",
                     c, expiry, done=follow)


def zhongben_nodes(entries: Sequence[Entry], closed: Entry, cfg: DeadlineSettings, node: NodeBook) -> None:
    # A search after the closure: entered after it and dated on or after its day (a search dated
    # before the closure but entered after it, e.g. one reacting to an old assignment, is not one).
    closed_on = business_day(closed)
    searches = [e for e in entries if e.seq > closed.seq and e.event_type == "asset_search.query_dispatched"
                and business_day(e) >= closed_on]
    last = searches[-1] if searches else closed
    watch_end = add_months(closed_on, 12 * cfg.zhongben_watch_years)
    # A resumed case (恢复执行) is searched under its new case number: the watch ends.
    resumed = first(entries, "intake.case_resumed", closed.seq)
    if business_day(last) < watch_end and (resumed is None or resumed.seq > last.seq):
        node(f"zhongben_search:{len(searches) + 1}", "终本案件定期网络查控", "终本规定第9条：每6个月查询一次，持续5年",
             last, done=resumed, months=cfg.zhongben_research_months)
