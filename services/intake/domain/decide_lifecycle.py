"""Decisions after assignment: notices, clock events, interview, settlement, closure, resumption,
objection."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from services.intake import events as ev
from services.intake.domain import commands as c
from services.intake.domain.closure import (
    EXTENSION_NOTICE_DAYS,
    closure_conditions,
    closure_due,
    extension_request_in_time,
)
from services.intake.domain.guards import case_judge, same_court, status_in
from services.intake.domain.objections import objection_received_on, review_due
from services.intake.domain.resumption import check_settlement_resumption
from services.intake.domain.state import CaseState
from shared.errors import Conflict, DomainError, FieldError, Forbidden, InvalidInput, NotFound
from shared.events import DomainEvent

ACTIVE = ("in_progress",)
OPEN = ("registered", "in_progress", "suspended", "postponed", "closure_proposed")
# 延长执行期限：经院长批准可延长三个月 (严格审限规定 art. 5); 院长或副院长批准 (期限规定 2006 art. 1: the
# route's ExtensionApprover)
MAX_EXTENSION_MONTHS = 3
# 执行异议由合议庭审查 (执行异议复议规定 art. 11)
OBJECTION_PANEL = 3


def prepare_notice(cmd: c.PrepareNotice, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    status_in(state, "制作文书", "registered", *ACTIVE)
    if state.notice(cmd.notice_id) is not None:
        raise Conflict("该文书编号已存在", code="notice_exists")
    # 民诉法 art. 88: served by hand means handed to the recipient at an address: both must be known
    # (the region routes the task to a field team).
    if cmd.service_method == "by_hand":
        needed = (("recipient", "受送达人及地址", cmd.recipient), ("region", "送达地行政区划代码", cmd.region))
        errors = [FieldError(f, "直接送达须写明" + zh, "required") for f, zh, v in needed if not v]
        if errors:
            raise InvalidInput("直接送达的文书须写明受送达人、地址和行政区划", code="service_details_missing",
                               errors=errors)
    by_hand = cmd.service_method == "by_hand"
    return [ev.NoticePrepared(notice_id=cmd.notice_id, notice_kind=cmd.notice_kind,
                              document_hash=cmd.document_hash, prepared_by=cmd.who.officer_id,
                              service_method=cmd.service_method,  # type: ignore[arg-type]
                              recipient=cmd.recipient if by_hand else None, region=cmd.region if by_hand else None)]


def sign_notice(cmd: c.SignNotice, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    status_in(state, "签发文书", *ACTIVE)
    case_judge(state, cmd.who, "签发本案文书")
    notice = state.notice(cmd.notice_id)
    if notice is None:
        raise InvalidInput("未找到该文书", code="notice_not_found",
                           errors=[FieldError("notice_id", "本案没有该编号的待签发文书", "not_found")])
    if notice.signed_by:
        raise Conflict("该文书已签发", code="notice_already_signed")
    if notice.prepared_by == cmd.who.officer_id:  # 互相制约-2: preparer and signer differ
        raise DomainError("文书制作人不能同时签发该文书", code="preparer_cannot_sign", rule="互相制约-2")
    return [ev.NoticeIssued(notice_id=notice.notice_id, notice_kind=notice.kind,  # type: ignore[arg-type]
                            document_hash=notice.document_hash, prepared_by=notice.prepared_by,
                            signed_by=cmd.who.officer_id, service_method=notice.service_method,  # type: ignore[arg-type]
                            recipient=notice.recipient, region=notice.region)]


def suspend(cmd: c.Suspend, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    status_in(state, "中止执行", *ACTIVE)
    case_judge(state, cmd.who, "裁定中止执行")
    return [ev.CaseSuspended(reason=cmd.reason, decided_by=cmd.who.officer_id, on=cmd.who.today)]


def lift_suspension(cmd: c.LiftSuspension, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    status_in(state, "结束中止", "suspended")
    case_judge(state, cmd.who, "恢复中止的案件")
    return [ev.SuspensionLifted(reason=cmd.reason, decided_by=cmd.who.officer_id, on=cmd.who.today)]


def postpone(cmd: c.Postpone, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    status_in(state, "暂缓执行", *ACTIVE)
    case_judge(state, cmd.who, "决定暂缓执行")
    if cmd.until <= cmd.who.today:
        raise InvalidInput("暂缓期限应晚于今天", errors=[FieldError("until", "应晚于今天", "not_future")])
    return [ev.CasePostponed(reason=cmd.reason, until=cmd.until, decided_by=cmd.who.officer_id,
                             on=cmd.who.today)]


def lift_postponement(cmd: c.LiftPostponement, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    status_in(state, "结束暂缓", "postponed")
    case_judge(state, cmd.who, "结束暂缓执行")
    return [ev.PostponementLifted(reason=cmd.reason, decided_by=cmd.who.officer_id, on=cmd.who.today)]


def request_extension(cmd: c.RequestExtension, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    status_in(state, "申请延长执行期限", "in_progress", "suspended", "postponed")
    case_judge(state, cmd.who, "申请延长执行期限")
    if state.extension_months_requested:
        raise Conflict("已有待审批的延期申请", code="extension_pending")
    if state.extension_months + cmd.months > MAX_EXTENSION_MONTHS:
        raise DomainError(f"执行期限最多延长 {MAX_EXTENSION_MONTHS} 个月", code="extension_too_long",
                          rule="互相制约-11", errors=[FieldError("months", "超过可延长的期限", "too_long")])
    ok, due = extension_request_in_time(state, cmd.who.today, cmd.tolled)
    if not ok or due is None:
        raise DomainError(
            f"延期申请应在期限届满 {EXTENSION_NOTICE_DAYS} 日前提出；本案期限届满日为 {due}",
            code="extension_too_late", rule="互相制约-11", extra={"due": str(due)},
        )
    return [ev.ExtensionRequested(months=cmd.months, reason=cmd.reason, requested_by=cmd.who.officer_id,
                                  current_due=due)]


def approve_extension(cmd: c.ApproveExtension, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    if not state.extension_months_requested:
        raise Conflict("没有待审批的延期申请", code="no_extension_pending")
    if cmd.who.officer_id == state.judge_id:
        raise DomainError("承办法官不能批准本案延期", code="judge_cannot_approve", rule="互相制约-11")
    months = state.extension_months_requested
    # Counted from the registration in one go with the months already approved (shared.periods.close_by).
    due = closure_due(replace(state, extension_months=state.extension_months + months), cmd.who.today, cmd.tolled)
    assert due is not None
    return [ev.ExtensionApproved(months=months, approved_by=cmd.who.officer_id, new_due=due)]


def record_interview(cmd: c.RecordInterview, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    status_in(state, "记录约谈", *ACTIVE)
    case_judge(state, cmd.who, "记录约谈")
    if cmd.interviewed_on > cmd.who.today:
        raise InvalidInput("约谈日期不能晚于今天", errors=[FieldError("interviewed_on", "不能晚于今天", "future")])
    return [ev.ApplicantInterviewed(interviewed_by=cmd.who.officer_id, summary_hash=cmd.summary_hash,
                                    interviewed_on=cmd.interviewed_on)]


def record_settlement(cmd: c.RecordSettlement, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    status_in(state, "记录执行和解", *ACTIVE)
    case_judge(state, cmd.who, "记录执行和解")
    return [ev.SettlementRecorded(performed=cmd.performed, agreement_hash=cmd.agreement_hash,
                                  recorded_by=cmd.who.officer_id)]


def _refuse_unmet(closure_type: str, conditions: list[ev.Condition]) -> None:
    unmet = [x for x in conditions if not x.met]
    if unmet:
        rule = "互相制约-6" if closure_type == "终本" else f"结案条件-{closure_type}"
        raise DomainError(
            f"不符合{closure_type}结案条件（{len(unmet)} 项未满足）：" + "；".join(x.detail for x in unmet),
            code="closure_conditions_unmet", rule=rule,
            errors=[FieldError(x.code, x.detail, "unmet") for x in unmet],
        )


def propose_closure(cmd: c.ProposeClosure, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    status_in(state, "提请结案", *ACTIVE)
    case_judge(state, cmd.who, "提请结案")
    conditions = closure_conditions(state, cmd.closure_type, cmd.facts, cmd.policy, cmd.who.today,
                                    cmd.debtor_qualifies_for_blacklisting)
    _refuse_unmet(cmd.closure_type, conditions)
    return [ev.ClosureProposed(closure_type=cmd.closure_type, judge_id=cmd.who.officer_id, reason=cmd.reason,
                               conditions=conditions,
                               debtor_qualifies_for_blacklisting=cmd.debtor_qualifies_for_blacklisting)]


def approve_closure(cmd: c.ApproveClosure, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    status_in(state, "批准结案", "closure_proposed")
    p = state.proposal
    assert p is not None and state.registered is not None
    if cmd.who.officer_id in (p.judge_id, state.judge_id):  # 互相制约-6
        raise DomainError("结案须由承办法官以外的人员批准", code="judge_cannot_approve_closure", rule="互相制约-6")
    # Re-checked at approval: other services' facts may have changed since the proposal.
    conditions = closure_conditions(state, p.closure_type, cmd.facts, cmd.policy, cmd.who.today,
                                    p.debtor_qualifies_for_blacklisting)
    _refuse_unmet(p.closure_type, conditions)
    return [ev.CaseClosed(
        closure_type=p.closure_type, judge_id=p.judge_id, approved_by=cmd.who.officer_id, reason=p.reason,
        conditions=conditions, claim_amount_fen=state.registered.claim_amount_fen,
        registered_on=state.registered_on, closed_on=cmd.who.today, track=state.track,  # type: ignore[arg-type]
    )]


def reject_closure(cmd: c.RejectClosure, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    status_in(state, "驳回结案申请", "closure_proposed")
    p = state.proposal
    assert p is not None
    if cmd.who.officer_id == p.judge_id:
        raise DomainError("承办法官不能审批自己的结案申请", code="judge_cannot_review_closure", rule="互相制约-6")
    return [ev.ClosureRejected(closure_type=p.closure_type, rejected_by=cmd.who.officer_id, reason=cmd.reason)]


def resume(cmd: c.ResumeCase, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    limitation: date | None = None
    if cmd.ground == "settlement_breached":
        if state.status != "closed":
            raise Conflict("案件尚未结案，无须恢复执行", code="not_closed")
        if cmd.applied_on is not None and cmd.applied_on > cmd.who.today:
            raise InvalidInput("申请日期不能晚于今天",
                               errors=[FieldError("applied_on", "不能晚于今天", "date_in_future")])
        limitation = check_settlement_resumption(
            closure_type=state.closure_type, settlement_recorded=state.settlement_recorded,
            settlement_performed=state.settlement_performed, settlement_due_on=cmd.settlement_due_on,
            applied_on=cmd.applied_on or cmd.who.today, breach=cmd.breach)
    elif state.status != "closed" or state.closure_type != "终本":
        raise Conflict("只有以终结本次执行程序（终本）结案的案件可以恢复执行", code="not_zhongben")
    if state.resumed_as:
        raise Conflict(f"本案已恢复执行（新案 {state.resumed_as}）", code="already_resumed")
    if cmd.who.officer_id not in cmd.designated_reviewers:
        raise Forbidden("只有本院指定的审查人员可以决定恢复执行", code="not_designated_reviewer", rule="互相制约-7")
    if cmd.who.officer_id in cmd.handlers:
        raise DomainError("审查人员曾办理过本案，不能审查恢复执行", code="reviewer_handled_case", rule="互相制约-7")
    assert state.closed_by_judge is not None
    settlement: dict[str, object] = {}
    if limitation is not None:  # a breached settlement: what the application said, and its limitation
        applied = cmd.applied_on or cmd.who.today
        settlement = {"breach": cmd.breach, "settlement_due_on": cmd.settlement_due_on, "applied_on": applied,
                      "limitation_ends": limitation, "limitation_passed": applied > limitation}
    return [ev.CaseResumed(new_case_id=cmd.new_case_id, new_case_number=cmd.new_case_number,
                           reviewer_id=cmd.who.officer_id, previous_judge_id=state.closed_by_judge,
                           ground=cmd.ground, reason=cmd.reason, **settlement)]  # type: ignore[arg-type]


def register_objection(cmd: c.RegisterObjection, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    status_in(state, "登记执行异议", *OPEN, "closed")
    reviewers = list(dict.fromkeys(cmd.reviewers))
    if len(reviewers) < OBJECTION_PANEL:
        raise InvalidInput(f"执行异议应由合议庭审查，至少 {OBJECTION_PANEL} 名不同的审查人员",
                           errors=[FieldError("reviewers", f"至少 {OBJECTION_PANEL} 名不同人员", "too_short")])
    acted = [r for r in reviewers if r in cmd.handlers]
    if acted:  # 互相制约-8
        raise DomainError(f"以下人员办理过本案，不能审查执行异议：{'、'.join(acted)}",
                          code="reviewer_handled_case", rule="互相制约-8",
                          errors=[FieldError("reviewers", f"{r} 办理过本案", "handled_case") for r in acted])
    received = objection_received_on(cmd.received_on, cmd.who.today)
    return [ev.ObjectionRegistered(objection_case_id=cmd.objection_case_id,
                                   objection_case_number=cmd.objection_case_number, objector=cmd.objector,
                                   grounds=cmd.grounds, reviewers=reviewers, registered_by=cmd.who.officer_id,
                                   asset_ids=list(dict.fromkeys(cmd.asset_ids)),
                                   received_on=received, decide_by=review_due(received))]


def decide_objection(cmd: c.DecideObjection, state: CaseState) -> list[DomainEvent]:
    """Only a member of the objection's review panel records its decision or withdrawal (互相制约-8:
    the panel was checked at registration to exclude everyone who handled the case, and the member
    deciding is checked again: one who acted on the case since may not decide)."""
    same_court(state, cmd.who)
    objection = state.objection(cmd.objection_case_id)
    if objection is None:
        raise NotFound("本案没有该执行异议", code="objection_not_found")
    if cmd.who.officer_id not in objection.reviewers:
        raise Forbidden("只有该执行异议的合议庭成员可以作出审查结论", code="not_objection_reviewer",
                        rule="互相制约-8")
    if objection.outcome is not None:
        raise Conflict(f"该执行异议已审结（{objection.outcome}）", code="objection_already_decided")
    if cmd.who.officer_id in cmd.acted:
        # 互相制约-8 (执行异议复议规定 art. 11): a panel member who has since acted on the case (e.g.
        # recorded a lead as search officer) has handled it and may no longer decide its objection.
        raise DomainError(f"{cmd.who.officer_id} 在异议审查期间办理过本案，不能作出审查结论",
                          code="reviewer_handled_case", rule="互相制约-8",
                          errors=[FieldError("officer", f"{cmd.who.officer_id} 办理过本案", "handled_case")])
    return [ev.ObjectionDecided(objection_case_id=objection.objection_case_id, outcome=cmd.outcome,  # type: ignore[arg-type]
                                decided_by=cmd.who.officer_id, reason=cmd.reason,
                                asset_ids=list(objection.asset_ids), decided_on=cmd.who.today)]
