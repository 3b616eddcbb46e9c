"""Coercive measures against obstruction of enforcement (罚款、拘留): the rules with their legal
source, the commands, the state of one measure (stream ``intake.measure:<measure_id>``) and its
decider. Pure: time, ids, the actor and the case's facts arrive on the command.

Sources (民事诉讼法 2023 text, in force 2024-01-01; docs/rules.md §9):
- art. 118: a fine on an individual up to 100,000 yuan, on a unit 50,000–1,000,000 yuan; detention
  at most 15 days;
- art. 119: fines and detention need the president's approval (须经院长批准) and a written decision;
  the person may apply once for reconsideration to the next higher court; it does not suspend;
- 民诉法解释 (2022) art. 185: reconsideration within 3 days of receiving the decision; the higher
  court decides within 5 days of receiving the application;
- 民诉法 art. 85: a period in days does not count its first day; a last day on a rest day moves to
  the next working day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from services.intake import measure_events as ev
from services.intake.domain.state import CaseState
from shared.commands import TableDecider
from shared.errors import Conflict, DomainError, FieldError, Forbidden, InvalidInput, NotFound, in_court
from shared.events import DomainEvent
from shared.holidays import COURT

RULE_FINE_DETENTION_LIMITS = "民诉法-118"
RULE_PRESIDENT_APPROVES = "民诉法-119"
RULE_RECONSIDERATION_WINDOW = "民诉法解释-185"
RULE_JUDGE = "互相制约-2"
RULE_PROPOSER_NOT_APPROVER = "互相制约-13"

FINE_MAX_PERSON_FEN = 100_000 * 100  # 民诉法 art. 118: 对个人的罚款金额，为人民币十万元以下
FINE_MIN_UNIT_FEN = 50_000 * 100  # 对单位的罚款金额，为人民币五万元以上一百万元以下
FINE_MAX_UNIT_FEN = 1_000_000 * 100
DETENTION_MAX_DAYS = 15  # 民诉法 art. 118: 拘留的期限，为十五日以下
RECONSIDERATION_DAYS = 3  # 民诉法解释 art. 185: 自收到决定书之日起三日内提出
RECONSIDERATION_DECISION_DAYS = 5  # 上级人民法院应当在收到复议申请后五日内作出决定

GROUNDS_ZH: dict[str, str] = {
    "conceal_property": "隐藏、转移、变卖、毁损已被查封、扣押、冻结的财产（民诉法第114条）",
    "obstruct_officers": "以暴力、威胁或者其他方法阻碍司法工作人员执行职务（民诉法第114条）",
    "insult_officers": "侮辱、诽谤、诬陷、殴打或者打击报复司法工作人员、协助执行的人（民诉法第114条）",
    "refuse_to_perform": "拒不履行人民法院已经发生法律效力的判决、裁定（民诉法第114条）",
    "false_evidence": "伪造、毁灭重要证据，妨碍人民法院执行（民诉法第114条）",
    "collusive_evasion": "与他人恶意串通，通过诉讼、仲裁、调解等方式逃避履行义务（民诉法第116条）",
    "unit_refuses_assistance": "有义务协助执行的单位拒不协助查询、冻结、划拨、变价财产（民诉法第117条）",
    "asset_report_violation": "拒绝报告或者虚假报告财产情况（民诉法第252条）",
}
RESULT_ZH = {"upheld": "维持原决定", "changed": "变更原决定", "revoked": "撤销原决定"}
EFFECT_ZH = {"paid": "被执行人已履行（款项已交付）", "settled": "双方达成执行和解", "none": "未产生效果"}
OPEN_CASE = ("registered", "in_progress", "suspended", "postponed", "closure_proposed")


# ---- the numbers at their boundaries -----------------------------------------------------------

def check_amounts(subject_kind: str, fine_fen: int | None, detention_days: int | None) -> None:
    """民诉法 art. 118: the fine's range by who is fined; detention 1–15 days, persons only."""
    errors: list[FieldError] = []
    if fine_fen is None and detention_days is None:
        errors.append(FieldError("fine_fen", "罚款、拘留至少选择一项", "measure_missing"))
    if fine_fen is not None:
        if subject_kind == "person" and not 0 < fine_fen <= FINE_MAX_PERSON_FEN:
            errors.append(FieldError("fine_fen", "对个人的罚款金额为人民币十万元以下（民诉法第118条）",
                                     "fine_out_of_range"))
        if subject_kind == "organisation" and not FINE_MIN_UNIT_FEN <= fine_fen <= FINE_MAX_UNIT_FEN:
            errors.append(FieldError("fine_fen", "对单位的罚款金额为人民币五万元以上一百万元以下（民诉法第118条）",
                                     "fine_out_of_range"))
    if detention_days is not None:
        if subject_kind != "person":
            errors.append(FieldError("detention_days", "拘留只能对自然人（单位可拘留其主要负责人或直接责任人员）",
                                     "detention_of_unit"))
        elif not 1 <= detention_days <= DETENTION_MAX_DAYS:
            errors.append(FieldError("detention_days", "拘留的期限为十五日以下（民诉法第118条）",
                                     "detention_out_of_range"))
    if errors:
        raise DomainError(errors[0]["message"], code=errors[0]["code"], rule=RULE_FINE_DETENTION_LIMITS,
                          errors=errors)


def is_working_day(day: date) -> bool:
    """The court's calendar (shared/holidays.py ``COURT``): a year an administrator loaded on the
    calendar topic first, the State Council schedule of the package otherwise, weekends only where
    neither is known — the same calendar in every service."""
    return COURT.is_workday(day)


def period_end(start: date, days: int) -> date:
    """民诉法 art. 85: the start day is not counted; a last day on a rest day moves to the next
    working day."""
    end = start + timedelta(days=days)
    while not is_working_day(end):
        end += timedelta(days=1)
    return end


def reconsider_by(served_on: date) -> date:
    return period_end(served_on, RECONSIDERATION_DAYS)


def decide_by(applied_on: date) -> date:
    return period_end(applied_on, RECONSIDERATION_DECISION_DAYS)


def measure_zh(fine_fen: int | None, detention_days: int | None) -> str:
    parts = []
    if fine_fen is not None:
        parts.append(f"罚款 {fine_fen // 100:,} 元" + (f"{fine_fen % 100:02d} 分" if fine_fen % 100 else ""))
    if detention_days is not None:
        parts.append(f"拘留 {detention_days} 日")
    return "、".join(parts)


# ---- commands ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Propose:
    officer_id: str
    court: str
    today: date
    measure_id: str
    subject: ev.MeasureSubject
    ground: str
    facts: str
    fine_fen: int | None
    detention_days: int | None
    region: str | None
    case: CaseState  # the case as intake knows it (read in the command's transaction)
    proposed_on: date | None = None  # the business date (default: today)


@dataclass(frozen=True)
class Approve:
    officer_id: str
    court: str
    today: date
    decision_number: str
    approved_on: date | None = None  # the day the president signed (default: today)


@dataclass(frozen=True)
class Reject:
    officer_id: str
    court: str
    today: date
    reason: str


@dataclass(frozen=True)
class Serve:
    officer_id: str
    court: str
    today: date
    served_on: date


@dataclass(frozen=True)
class ApplyReconsideration:
    officer_id: str
    court: str
    today: date
    applied_on: date
    grounds: str
    higher_court: str


@dataclass(frozen=True)
class DecideReconsideration:
    officer_id: str
    court: str
    today: date
    result: str
    decided_on: date
    reason: str
    fine_fen: int | None = None
    detention_days: int | None = None


@dataclass(frozen=True)
class RecordEffect:
    officer_id: str
    court: str
    today: date
    effect: str
    note: str
    amount_paid_fen: int | None
    case_judge_id: str | None


# ---- state -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MeasureState:
    measure_id: str | None = None
    court: str | None = None
    status: str = "none"  # none → proposed → approved | rejected; approved → served
    subject: ev.MeasureSubject | None = None
    fine_fen: int | None = None
    detention_days: int | None = None
    region: str | None = None
    proposed_by: str | None = None
    approved_by: str | None = None
    decision_number: str | None = None
    proposed_on: date | None = None
    approved_on: date | None = None
    served_on: date | None = None
    reconsider_by: date | None = None
    reconsideration: str = "none"  # none → applied → decided
    reconsideration_applied_on: date | None = None
    effect: str | None = None


def evolve(state: MeasureState, e: DomainEvent) -> MeasureState:
    match e:
        case ev.MeasureProposed():
            return replace(state, measure_id=e.measure_id, court=e.court, status="proposed", subject=e.subject,
                           fine_fen=e.fine_fen,
                           detention_days=e.detention_days, region=e.region, proposed_by=e.proposed_by,
                           proposed_on=e.proposed_on)
        case ev.MeasureApproved():
            return replace(state, status="approved", approved_by=e.approved_by, decision_number=e.decision_number,
                           approved_on=e.approved_on)
        case ev.MeasureRejected():
            return replace(state, status="rejected")
        case ev.MeasureServed():
            return replace(state, status="served", served_on=e.served_on, reconsider_by=e.reconsider_by)
        case ev.ReconsiderationApplied():
            return replace(state, reconsideration="applied", reconsideration_applied_on=e.applied_on)
        case ev.ReconsiderationDecided():
            return replace(state, reconsideration="decided", fine_fen=e.fine_fen, detention_days=e.detention_days,
                           status="revoked" if e.result == "revoked" else state.status)
        case ev.MeasureEffectRecorded():
            return replace(state, effect=e.effect)
    return state


def initial() -> MeasureState:
    return MeasureState()


# ---- decisions ---------------------------------------------------------------------------------

def _exists(state: MeasureState, court: str) -> None:
    if state.status == "none" or not in_court(court, state.court):
        raise NotFound("未找到该强制措施", code="measure_not_found")


def _status(state: MeasureState, doing: str, *allowed: str) -> None:
    names = {"proposed": "待院长审批", "approved": "已批准待送达", "rejected": "未获批准", "served": "决定书已送达",
             "revoked": "已撤销"}
    if state.status not in allowed:
        raise Conflict(f"强制措施当前状态为「{names.get(state.status, state.status)}」，不能{doing}",
                       code="measure_state", extra={"measure_status": state.status})


def _not_future(day: date, today: date, field: str) -> None:
    if day > today:
        raise InvalidInput("日期不能晚于今天", code="date_in_future",
                           errors=[FieldError(field, "日期不能晚于今天", "future")])


def propose(c: Propose, state: MeasureState) -> list[DomainEvent]:
    case = c.case
    if case.status == "new" or not in_court(c.court, case.court):
        raise NotFound("未找到该案件", code="case_not_found")
    if state.status != "none":
        raise Conflict("该强制措施已提请", code="measure_exists")
    if case.status not in OPEN_CASE:
        raise Conflict("案件未在执行中，不能提请强制措施", code="invalid_state", extra={"case_status": case.status})
    if case.judge_id != c.officer_id:
        raise Forbidden(f"只有本案承办法官（{case.judge_id or '尚未分案'}）可以提请罚款、拘留",
                        code="not_case_judge", rule=RULE_JUDGE)
    check_amounts(c.subject.kind, c.fine_fen, c.detention_days)
    proposed_on = c.proposed_on or c.today
    _not_future(proposed_on, c.today, "proposed_on")
    if c.detention_days is not None and not c.region:
        raise InvalidInput("拘留须写明被拘留人所在地行政区划（交外勤执行）", code="region_required",
                           errors=[FieldError("region", "拘留须写明行政区划代码", "required")])
    return [ev.MeasureProposed(
        measure_id=c.measure_id, court=case.court or c.court, subject=c.subject, ground=c.ground,  # type: ignore[arg-type]
        ground_zh=GROUNDS_ZH[c.ground], facts=c.facts.strip(), fine_fen=c.fine_fen, detention_days=c.detention_days,
        measure_zh=measure_zh(c.fine_fen, c.detention_days), region=c.region if c.detention_days else None,
        proposed_by=c.officer_id, proposed_on=proposed_on,
    )]


def _not_proposer(state: MeasureState, officer_id: str) -> None:
    if officer_id == state.proposed_by:
        raise Forbidden("提请罚款、拘留的法官不能审批自己的提请（互相制约）", code="proposer_cannot_approve",
                        rule=RULE_PROPOSER_NOT_APPROVER)


def approve(c: Approve, state: MeasureState) -> list[DomainEvent]:
    _exists(state, c.court)
    _status(state, "批准", "proposed")
    _not_proposer(state, c.officer_id)
    assert state.subject is not None and state.proposed_by is not None and state.measure_id is not None
    approved_on = c.approved_on or c.today
    _not_future(approved_on, c.today, "approved_on")
    if state.proposed_on and approved_on < state.proposed_on:
        raise InvalidInput("批准日期不能早于提请日期", code="approved_before_proposal",
                           errors=[FieldError("approved_on", f"提请日期为 {state.proposed_on}", "before_proposal")])
    return [ev.MeasureApproved(
        measure_id=state.measure_id, decision_number=c.decision_number, subject=state.subject,
        fine_fen=state.fine_fen, detention_days=state.detention_days,
        measure_zh=measure_zh(state.fine_fen, state.detention_days), region=state.region,
        judge_id=state.proposed_by, proposed_by=state.proposed_by, approved_by=c.officer_id, approved_on=approved_on,
    )]


def reject(c: Reject, state: MeasureState) -> list[DomainEvent]:
    _exists(state, c.court)
    _status(state, "作出不批准决定", "proposed")
    _not_proposer(state, c.officer_id)
    assert state.measure_id is not None
    return [ev.MeasureRejected(measure_id=state.measure_id, rejected_by=c.officer_id, reason=c.reason.strip(),
                               rejected_on=c.today)]


def serve(c: Serve, state: MeasureState) -> list[DomainEvent]:
    _exists(state, c.court)
    _status(state, "登记送达", "approved")
    _not_future(c.served_on, c.today, "served_on")
    assert state.approved_on is not None and state.measure_id is not None and state.decision_number is not None
    if c.served_on < state.approved_on:
        raise InvalidInput("送达日期不能早于批准日期", code="served_before_approval",
                           errors=[FieldError("served_on", f"批准日期为 {state.approved_on}", "before_approval")])
    return [ev.MeasureServed(measure_id=state.measure_id, decision_number=state.decision_number,
                             served_on=c.served_on, served_by=c.officer_id, reconsider_by=reconsider_by(c.served_on))]


def apply_reconsideration(c: ApplyReconsideration, state: MeasureState) -> list[DomainEvent]:
    _exists(state, c.court)
    _status(state, "申请复议", "served")
    if state.reconsideration != "none":
        raise Conflict("对罚款、拘留决定只能申请复议一次（民诉法第119条）", code="reconsideration_once",
                       rule=RULE_PRESIDENT_APPROVES)
    _not_future(c.applied_on, c.today, "applied_on")
    assert state.served_on is not None and state.reconsider_by is not None and state.measure_id is not None
    if c.applied_on < state.served_on:
        raise InvalidInput("复议申请日期不能早于决定书送达日期", code="applied_before_service",
                           errors=[FieldError("applied_on", f"决定书于 {state.served_on} 送达", "before_service")])
    if c.applied_on > state.reconsider_by:
        msg = (f"复议申请应自收到决定书之日起三日内提出（最后一日为 {state.reconsider_by}），已逾期"
               f"{COURT.note(state.reconsider_by)}")
        raise DomainError(msg, code="reconsideration_late", rule=RULE_RECONSIDERATION_WINDOW,
                          errors=[FieldError("applied_on", msg, "late")])
    return [ev.ReconsiderationApplied(measure_id=state.measure_id, applied_on=c.applied_on, grounds=c.grounds.strip(),
                                      higher_court=c.higher_court, recorded_by=c.officer_id,
                                      decide_by=decide_by(c.applied_on))]


def decide_reconsideration(c: DecideReconsideration, state: MeasureState) -> list[DomainEvent]:
    _exists(state, c.court)
    if state.reconsideration != "applied":
        raise Conflict("没有待决的复议申请", code="no_pending_reconsideration")
    _not_future(c.decided_on, c.today, "decided_on")
    assert state.reconsideration_applied_on is not None and state.subject is not None
    assert state.measure_id is not None
    if c.decided_on < state.reconsideration_applied_on:
        raise InvalidInput("复议决定日期不能早于复议申请日期", code="decided_before_application",
                           errors=[FieldError("decided_on", "早于复议申请日期", "before_application")])
    fine, days = state.fine_fen, state.detention_days
    if c.result == "changed":
        fine, days = c.fine_fen, c.detention_days
        check_amounts(state.subject.kind, fine, days)
    return [ev.ReconsiderationDecided(
        measure_id=state.measure_id, result=c.result, result_zh=RESULT_ZH[c.result],  # type: ignore[arg-type]
        decided_on=c.decided_on, decided_within_limit=c.decided_on <= decide_by(state.reconsideration_applied_on),
        reason=c.reason.strip(), fine_fen=fine, detention_days=days, recorded_by=c.officer_id,
    )]


def record_effect(c: RecordEffect, state: MeasureState) -> list[DomainEvent]:
    _exists(state, c.court)
    _status(state, "记录效果", "approved", "served", "revoked")
    if c.officer_id != c.case_judge_id:
        raise Forbidden("只有本案承办法官可以记录强制措施的效果", code="not_case_judge", rule=RULE_JUDGE)
    if c.effect == "paid" and not c.amount_paid_fen:
        raise InvalidInput("已履行须写明交付金额", code="amount_required",
                           errors=[FieldError("amount_paid_fen", "已履行须写明交付金额（分）", "required")])
    assert state.measure_id is not None
    return [ev.MeasureEffectRecorded(
        measure_id=state.measure_id, effect=c.effect, effect_zh=EFFECT_ZH[c.effect],  # type: ignore[arg-type]
        amount_paid_fen=c.amount_paid_fen if c.effect == "paid" else None, note=c.note.strip(),
        recorded_on=c.today, recorded_by=c.officer_id,
    )]


DECISIONS: dict[type, Callable[[Any, MeasureState], list[DomainEvent]]] = {
    Propose: propose, Approve: approve, Reject: reject, Serve: serve,
    ApplyReconsideration: apply_reconsideration, DecideReconsideration: decide_reconsideration,
    RecordEffect: record_effect,
}


class MeasureDecider(TableDecider[MeasureState]):
    """One coercive measure (stream ``intake.measure:<measure_id>``)."""

    def __init__(self) -> None:
        super().__init__(initial, evolve, DECISIONS)


def stream_id(measure_id: str) -> str:
    return f"intake.measure:{measure_id}"
