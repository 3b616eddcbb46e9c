"""Closure rules: the 6-month limit and its extension, 终本 and 执行完毕 conditions (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from services.intake.config import ClosurePolicy
from services.intake.domain.commands import ClosureFacts
from services.intake.domain.filing import CALENDAR
from services.intake.domain.state import CaseState
from services.intake.events import Condition
from shared.periods import CLOSE_MONTHS, Pause, Period, close_by

# 执行期限六个月 (严格审限规定 art. 5); an extension of 3 months needs the approval of the president or a
# vice-president, requested at least 5 days before expiry (期限规定 2006 art. 1; 互相制约-11).
LIMIT_MONTHS = CLOSE_MONTHS
EXTENSION_NOTICE_DAYS = 5


def add_months(start: date, months: int) -> date:
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _pauses(state: CaseState, tolled: Sequence[Pause], today: date | None) -> list[Pause]:
    """中止/暂缓 and disposal's periods; with ``today``, a pause still lasting is taken to end today."""
    own = [Pause(s, e, r, f"intake:{i}") for i, (s, e, r) in enumerate(state.pauses)]
    every = [*own, *tolled]
    if today is None:
        return every
    return [p if p.end is not None else Pause(p.start, max(today, p.start), p.reason, p.event_id) for p in every]


def close_by_period(state: CaseState, tolled: Sequence[Pause] = ()) -> Period | None:
    """The close-by period exactly as supervision's ``close`` node counts it (shared.periods.close_by:
    6 months + approved extensions from the registration in one go, every tolled interval, the 民诉法
    art. 85 rest-day shift); paused (no due date) while a pause lasts."""
    if state.registered_on is None:
        return None
    return close_by(state.registered_on, extension_months=state.extension_months, pauses=_pauses(state, tolled, None),
                    calendar=CALENDAR)


def closure_due(state: CaseState, today: date, tolled: Sequence[Pause] = ()) -> date | None:
    """The close-by date (docs/rules.md §3); while a pause lasts, the date it would be if the clock ran
    again today (supervision shows the node paused meanwhile)."""
    if state.registered_on is None:
        return None
    return close_by(state.registered_on, extension_months=state.extension_months,
                    pauses=_pauses(state, tolled, today), calendar=CALENDAR).due


def extension_request_in_time(state: CaseState, today: date, tolled: Sequence[Pause] = ()) -> tuple[bool, date | None]:
    """At least 5 days before the close-by date (期限规定 2006 art. 1); while the period is paused it is
    not running out, so a request is in time (as supervision's rule 11 reads it)."""
    period = close_by_period(state, tolled)
    if period is None:
        return False, None
    if period.due is None:
        return True, closure_due(state, today, tolled)
    return (period.due - today).days >= EXTENSION_NOTICE_DAYS, period.due


def _c(code: str, met: bool, ok: str, not_ok: str) -> Condition:
    return Condition(code=code, met=met, detail=ok if met else not_ok)


def zhongben_conditions(
    state: CaseState, facts: ClosureFacts, policy: ClosurePolicy, today: date, blacklisting_required: bool
) -> list[Condition]:
    """Every condition of 终本 (终本规定 art. 1; docs/rules.md §5), each with whether it holds."""
    answered = {kind for _, kind, outcome in facts.queries if outcome in ("found", "nothing_found", "correction")}
    open_queries = [q for q, _, outcome in facts.queries if outcome not in ("found", "nothing_found", "correction")]
    kinds_missing = [k for k in policy.required_agency_kinds if k not in answered]
    searched = bool(facts.queries) and not open_queries and not kinds_missing
    search_detail = (
        "尚未发起网络查控" if not facts.queries else
        "；".join(filter(None, [
            f"{len(open_queries)} 项查询尚未答复" if open_queries else "",
            f"未覆盖的协助单位类型：{'、'.join(kinds_missing)}" if kinds_missing else "",
        ]))
    )
    min_months = policy.zhongben_min_months
    since = state.registered_on
    long_enough = since is not None and today > add_months(since, min_months)
    return [
        _c("enforcement_notice", state.issued("enforcement_notice"), "已发出执行通知书和报告财产令",
           "未发出执行通知书和报告财产令"),
        _c("consumption_restriction", state.issued("consumption_restriction"), "已发出限制消费令",
           "未发出限制消费令"),
        _c("blacklisting", (not blacklisting_required) or state.issued("blacklisting"),
           "失信名单：已纳入或不符合纳入条件", "被执行人符合纳入失信名单条件，但尚未作出纳入决定"),
        _c("online_search", searched, "网络查控已覆盖全部协助单位类型并均已答复", search_detail),
        _c("leads_verified", not facts.unverified_leads, "申请执行人提供的财产线索均已核查",
           f"尚有 {len(facts.unverified_leads)} 条财产线索未核查：{'、'.join(facts.unverified_leads)}"),
        _c("offline_investigation", (not policy.require_offline_investigation) or facts.field_reports > 0,
           "已完成传统查控（外勤调查）", "尚未完成传统查控（外勤调查报告）"),
        _c("assets_exhausted", not facts.unresolved_assets, "未发现可供执行的财产或财产无法处置",
           f"尚有已发现的财产未处置完毕：{'、'.join(facts.unresolved_assets)}"),
        _c("three_months", long_enough, f"立案已满 {min_months} 个月",
           f"自立案之日起未满 {min_months} 个月"),
        _c("applicant_interviewed", state.interviewed, "已约谈申请执行人并告知", "尚未约谈申请执行人"),
    ]


def paid_conditions(state: CaseState, facts: ClosureFacts) -> list[Condition]:
    """执行完毕: the funds ledger shows the claim paid, or a settlement was performed."""
    return [_c("claim_paid", facts.paid_in_full or state.settlement_performed,
               "执行款已足额支付或和解协议已履行完毕",
               "执行款台账未显示足额支付，也没有已履行完毕的和解协议")]


# Closures that end the case without the debt paid or the search exhausted: nothing of it may still be
# moving. The court releases every control first (查扣冻规定 2020 art. 28: 申请执行人撤回执行申请或者放弃
# 债权的 … 应当作出解除查封、扣押、冻结裁定) and ends every disposal (an asset of an ended case is not
# sold: 民诉法解释 art. 484 needs it controlled in a live case). 终本 keeps its controls (§5, §7.10) and
# 执行完毕 releases them after the payment; both are checked by their own conditions.
ENDING_CLOSURES = frozenset({"终结执行", "销案", "不予执行", "驳回申请"})


def nothing_moving_conditions(facts: ClosureFacts) -> list[Condition]:
    """No control in effect and no disposal open (docs/rules.md §5)."""
    return [
        _c("controls_released", not facts.active_controls, "本案查封、扣押、冻结措施均已解除或失效",
           f"尚有 {len(facts.active_controls)} 项查封、扣押、冻结措施未解除：{'、'.join(facts.active_controls)}"
           "（应先裁定解除）"),
        _c("disposals_concluded", not facts.open_disposals, "本案财产处置均已结束",
           f"尚有 {len(facts.open_disposals)} 项财产处置未结束：{'、'.join(facts.open_disposals)}"),
    ]


def closure_conditions(
    state: CaseState, closure_type: str, facts: ClosureFacts, policy: ClosurePolicy, today: date,
    blacklisting_required: bool = False,
) -> list[Condition]:
    if closure_type == "终本":
        return zhongben_conditions(state, facts, policy, today, blacklisting_required)
    if closure_type == "执行完毕":
        return paid_conditions(state, facts)
    if closure_type in ENDING_CLOSURES:
        return nothing_moving_conditions(facts)
    return []

