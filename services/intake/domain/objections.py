"""An objection (执异) as its own procedure: received, heard where the panel holds a hearing, decided
within 15 days of receipt. Pure.

- 民诉法 (2023) art. 236: 人民法院应当自收到书面异议之日起十五日内审查 — the 15 days run from the
  receipt of the written objection (start day not counted, a last day on a rest day moved on, art. 85).
- 执行异议复议规定 (2015) art. 12: objections are reviewed in writing; a hearing is held where the case
  is complex or disputed. The panel decides whether to hold one; the system records it, held by a
  member of the panel, between the receipt and the decision. It does not move the 15 days.
"""

from __future__ import annotations

from datetime import date

from services.intake import events as ev
from services.intake.domain import commands as c
from services.intake.domain.filing import CALENDAR
from services.intake.domain.guards import same_court
from services.intake.domain.state import CaseState
from shared.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from shared.events import DomainEvent
from shared.periods import OBJECTION_REVIEW_DAYS, objection_decide_by

REVIEW_DAYS = OBJECTION_REVIEW_DAYS  # 民诉法 (2023) art. 236 (shared.periods: supervision counts the same)


def objection_received_on(received_on: date | None, today: date) -> date:
    """The written objection's receipt: given, never after today; today when not given."""
    if received_on is None:
        return today
    if received_on > today:
        raise InvalidInput("收到书面异议的日期不能晚于今天",
                           errors=[FieldError("received_on", "不能晚于今天", "date_in_future")])
    return received_on


def review_due(received_on: date) -> date:
    """Last day to decide: 15 days from the receipt (民诉法 arts. 236, 85)."""
    due = objection_decide_by(received_on, CALENDAR).due
    assert due is not None
    return due


def hold_hearing(cmd: c.HoldObjectionHearing, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    objection = state.objection(cmd.objection_case_id)
    if objection is None:
        raise NotFound("本案没有该执行异议", code="objection_not_found")
    if cmd.who.officer_id not in objection.reviewers:
        raise Forbidden("只有该执行异议的合议庭成员可以主持听证", code="not_objection_reviewer",
                        rule="执行异议复议规定-12")
    if objection.outcome is not None:
        raise Conflict(f"该执行异议已审结（{objection.outcome}），不能再听证", code="objection_already_decided")
    if cmd.held_on > cmd.who.today:
        raise InvalidInput("听证日期不能晚于今天", errors=[FieldError("held_on", "不能晚于今天", "date_in_future")])
    if objection.received_on is not None and cmd.held_on < objection.received_on:
        raise InvalidInput("听证日期不能早于收到书面异议的日期",
                           errors=[FieldError("held_on", f"早于收到异议的日期 {objection.received_on.isoformat()}",
                                                "before_receipt")])
    return [ev.ObjectionHearingHeld(objection_case_id=objection.objection_case_id, held_on=cmd.held_on,
                                    held_by=cmd.who.officer_id, notes=cmd.notes)]


def close_objection_case(cmd: c.CloseObjectionCase, state: CaseState) -> list[DomainEvent]:
    """The 执异 case ends with the panel's ruling (民诉法 2023 art. 236; 执行异议复议规定 2015 art. 17): closed
    on the decision's day with its own closure type — never an enforcement closure, never approved by
    another (the panel's ruling is the decision; ``approved_by`` names the member who recorded it)."""
    if state.case_type != "执异":
        raise Conflict("该案件不是执行异议案件", code="not_objection_case")
    if state.status == "closed":
        raise Conflict(f"该执行异议案件已结案（{state.closure_type}）", code="objection_case_closed")
    if state.registered is None:
        raise Conflict("该执行异议案件尚未立案", code="objection_case_not_registered")
    return [ev.CaseClosed(closure_type=ev.OBJECTION_CLOSURE[cmd.outcome], judge_id=cmd.who.officer_id,
                          approved_by=cmd.who.officer_id, reason=cmd.reason,
                          claim_amount_fen=state.registered.claim_amount_fen, registered_on=state.registered_on,
                          closed_on=cmd.decided_on, track=None)]
