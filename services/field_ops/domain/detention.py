"""Detention (司法拘留) carried out by the field centre on the judge's instruction: custody start (the
person handed to the public security organ), the family told within 24 hours, the end — at most the
decided days counted from the start — or an early release with its reason. Pure decisions on the
instruction's stream (docs/rules.md §9, §7.14).

Sources: 民诉法 2023 art. 118 (detention at most 15 days); art. 119 (only on the president's approved
decision); 民诉法解释 arts. 178/180/182 (checked in the 2015 text, docs/rules.md §9; 178, not 179, is the
custody article: custody by the public security organ,
the family told within 24 hours or the failure recorded, early release on admitting and correcting,
with the president's approval — recorded in intake, ``intake.measure_early_release_approved``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from services.field_ops.domain.guards import refuse_outsider, require_status, task_ids
from services.field_ops.domain.state import InstructionState
from services.field_ops.events import CustodyEnded, CustodyStarted, FamilyNotified
from shared.errors import Conflict, DomainError, FieldError, Forbidden, InvalidInput
from shared.events import DomainEvent

RULE_DECISION_NEEDED = "民诉法-119"  # no detention without the president's approved decision
RULE_DAYS = "民诉法-118"  # at most the decided days (≤ 15)
RULE_DETAINER_NOT_DECIDER = "互相制约-14"
RULE_EARLY_RELEASE = "民诉法解释-182"  # 提前解除拘留，应报经院长批准
FAMILY_NOTICE_HOURS = 24


@dataclass(frozen=True)
class DetentionFacts:
    """The approved detention a ``detain`` instruction carries out (from intake's measure events)."""

    measure_id: str
    decision_number: str
    detention_days: int
    judge_id: str
    approved_by: str
    revoked: bool = False


@dataclass(frozen=True)
class StartCustody:
    officer_id: str
    officer_team_ids: frozenset[str]
    now: datetime
    started_at: datetime
    custody_organ: str
    current_days: int | None  # the measure's days now (a reconsideration may have changed them)
    revoked: bool = False


@dataclass(frozen=True)
class NotifyFamily:
    officer_id: str
    officer_team_ids: frozenset[str]
    now: datetime
    notified: bool
    notified_at: datetime | None
    failure_reason: str | None


@dataclass(frozen=True)
class EndCustody:
    officer_id: str
    officer_team_ids: frozenset[str]
    now: datetime
    released_on: date
    reason: str | None
    current_days: int | None
    early_release_approved_on: date | None = None  # the president's approval (intake), read in the transaction


def last_custody_day(started_on: date, days: int) -> date:
    """The last day of custody: the start day counts as the first day (拘留十五日：自 1 日起至 15 日止)."""
    return started_on + timedelta(days=days - 1)


def refuse_decider(state: InstructionState, officer_id: str) -> None:
    """互相制约-14: the officer who detains is neither the deciding judge nor the approving president."""
    if officer_id in state.deciders:
        raise Forbidden("执行拘留的外勤人员不得是作出或批准拘留决定的人", code="detainer_is_decider",
                        rule=RULE_DETAINER_NOT_DECIDER)


def check_detention_instruction(kind: str, facts: DetentionFacts | None) -> None:
    """A ``detain`` instruction needs an approved detention decision, not revoked on reconsideration."""
    if kind != "detain":
        return
    if facts is None:
        raise DomainError("司法拘留须依据院长批准的拘留决定：请由拘留决定生成的外勤建议下达指令",
                          code="detention_needs_decision", rule=RULE_DECISION_NEEDED,
                          errors=[FieldError("proposal_id", "须为拘留决定生成的外勤建议", "decision_missing")])
    if facts.revoked:
        raise Conflict("该拘留决定已被上级法院撤销", code="detention_revoked")


def _detain_task(state: InstructionState, c: StartCustody | NotifyFamily | EndCustody) -> dict[str, Any]:
    ids: dict[str, Any] = dict(task_ids(state))
    if state.kind != "detain" or state.measure_id is None:
        raise Conflict("该任务不是司法拘留任务", code="not_a_detention")
    require_status(state, ("accepted",), "记录拘留情况")
    refuse_outsider(state, c.officer_id, c.officer_team_ids)
    refuse_decider(state, c.officer_id)
    return {**ids, "measure_id": state.measure_id}


def start_custody(c: StartCustody, state: InstructionState) -> list[DomainEvent]:
    ids = _detain_task(state, c)
    if state.custody != "none":
        raise Conflict("已记录送交看管", code="custody_already_started")
    if c.revoked:
        raise Conflict("该拘留决定已被上级法院撤销，不能再执行", code="detention_revoked")
    if c.started_at > c.now:
        raise InvalidInput("送交看管时间不能晚于现在", code="date_in_future",
                           errors=[FieldError("started_at", "不能晚于现在", "future")])
    days = c.current_days or state.detention_days
    assert days is not None
    started_on = c.started_at.date()
    return [CustodyStarted(**ids, officer_id=c.officer_id, started_at=c.started_at, started_on=started_on,
                           custody_organ=c.custody_organ.strip(), detention_days=days,
                           release_by=last_custody_day(started_on, days))]


def notify_family(c: NotifyFamily, state: InstructionState) -> list[DomainEvent]:
    ids = _detain_task(state, c)
    if state.custody == "none":
        raise Conflict("尚未送交看管，不能记录通知家属", code="custody_not_started")
    if state.family_notice:
        raise Conflict("已记录通知家属情况", code="family_notice_recorded")
    assert state.custody_started_at is not None
    if c.notified:
        if c.notified_at is None:
            raise InvalidInput("已通知家属须写明通知时间", code="notified_at_required",
                               errors=[FieldError("notified_at", "须写明通知时间", "required")])
        if c.notified_at > c.now or c.notified_at < state.custody_started_at:
            raise InvalidInput("通知时间应在送交看管之后、现在之前", code="notified_at_invalid",
                               errors=[FieldError("notified_at", "应在送交看管之后、现在之前", "out_of_range")])
        within = c.notified_at - state.custody_started_at <= timedelta(hours=FAMILY_NOTICE_HOURS)
        zh = "已在 24 小时内通知" if within else "已通知，但超过 24 小时"
        return [FamilyNotified(**ids, officer_id=c.officer_id, notified=True, notified_at=c.notified_at,
                               within_24h=within, result_zh=zh)]
    if not (c.failure_reason or "").strip():
        raise InvalidInput("未能通知家属的，须记录原因", code="failure_reason_required",
                           errors=[FieldError("failure_reason", "须记录未能通知的原因", "required")])
    return [FamilyNotified(**ids, officer_id=c.officer_id, notified=False, within_24h=False,
                           failure_reason=(c.failure_reason or "").strip(), result_zh="未能通知（已记录原因）")]


def end_custody(c: EndCustody, state: InstructionState) -> list[DomainEvent]:
    ids = _detain_task(state, c)
    if state.custody != "in_custody":
        raise Conflict("被拘留人不在看管中", code="not_in_custody", extra={"custody": state.custody})
    assert state.custody_started_on is not None and state.release_by is not None
    days = c.current_days or state.detention_days
    assert days is not None
    last = min(state.release_by, last_custody_day(state.custody_started_on, days))
    if c.released_on > c.now.date():
        raise InvalidInput("解除日期不能晚于今天", code="date_in_future",
                           errors=[FieldError("released_on", "不能晚于今天", "future")])
    if c.released_on < state.custody_started_on:
        raise InvalidInput("解除日期不能早于送交看管日期", code="released_before_start",
                           errors=[FieldError("released_on", f"送交看管日期为 {state.custody_started_on}", "before")])
    if c.released_on > last:
        msg = f"拘留期限为 {days} 日，至迟应于 {last} 解除（民诉法第118条）"
        raise DomainError(msg, code="detention_overrun", rule=RULE_DAYS,
                          errors=[FieldError("released_on", msg, "overrun")])
    early = c.released_on < last
    if early and not (c.reason or "").strip():
        raise InvalidInput("提前解除拘留须写明理由（如已履行义务、认错悔改）", code="reason_required",
                           errors=[FieldError("reason", "提前解除须写明理由", "missing")])
    if early and c.early_release_approved_on is None:
        msg = f"提前解除拘留须报经院长批准（民诉法解释第182条）：院长尚未批准，拘留至迟于 {last} 解除"
        raise DomainError(msg, code="early_release_not_approved", rule=RULE_EARLY_RELEASE,
                          errors=[FieldError("released_on", msg, "not_approved")])
    if early and c.early_release_approved_on is not None and c.released_on < c.early_release_approved_on:
        msg = f"院长于 {c.early_release_approved_on} 批准提前解除，解除日期不能早于批准日期"
        raise DomainError(msg, code="released_before_approval", rule=RULE_EARLY_RELEASE,
                          errors=[FieldError("released_on", msg, "before_approval")])
    return [CustodyEnded(**ids, officer_id=c.officer_id, released_on=c.released_on,
                         days_in_custody=(c.released_on - state.custody_started_on).days + 1, early=early,
                         reason=(c.reason or "").strip() or None,
                         end_zh="提前解除" + f"：{(c.reason or '').strip()}" if early else "拘留期满解除")]
