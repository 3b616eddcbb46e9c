"""Judicial aid (国家司法救助) paid through the case account (一案一账号). Pure.

Intake decides the aid (a panel, within the cap of 意见 2016 第八条) and reports it to the higher
court for the funds; disposal learns both from intake's events (``judicial_aid_grants``) and the
finance officer pays the aid to the applicant through the case's account. Aid money is kept apart
from enforcement money (最高人民法院关于加强和规范人民法院国家司法救助工作的意见 2016: 救助金不是执行款):
it never enters the balance, never counts as paid to the applicant (执行到位), never reduces the
amount due and never makes the case paid in full.

Two finance officers (互相制约-9's reading for aid money, as for enforcement payouts): one proposes the
payment (``ProposeAid``; the grant's checks and the amount still unpaid, pending proposals reserved),
another approves it (``ApproveAid``; the proposer never approves: 403 naming 互相制约-9) or returns it
(``RejectAid``). Only the approval pays (``disposal.judicial_aid_paid`` v2 with both officers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.disposal.domain.rules import RuleBroken
from services.disposal.domain.state import AidPending, LedgerState
from services.disposal.events import JudicialAidPaid, JudicialAidPaymentProposed, JudicialAidPaymentRejected
from shared.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from shared.events import DomainEvent

RULE_FUNDS = "司法救助-拨付"
RULE_TWO_OFFICERS = "互相制约-9"  # 制单≠复核: the officer who proposes a payment never approves it


@dataclass(frozen=True)
class AidGrant:
    """What disposal knows of an aid decision (from intake's events)."""

    aid_id: str
    amount_fen: int
    reported: bool


@dataclass(frozen=True)
class ProposeAid:
    payment_id: str
    aid_id: str
    amount_fen: int
    paid_on: date
    officer_id: str
    grant: AidGrant | None


@dataclass(frozen=True)
class ApproveAid:
    payment_id: str
    officer_id: str
    today: date
    paid_on: date | None = None  # the day paid (default: the day the proposal gave)


@dataclass(frozen=True)
class RejectAid:
    payment_id: str
    officer_id: str
    reason: str


def paid_for(s: LedgerState, aid_id: str) -> int:
    return sum(p.amount_fen for p in s.aid_payments if p.aid_id == aid_id)


def reserved_for(s: LedgerState, aid_id: str) -> int:
    return sum(p.amount_fen for p in s.aid_pending if p.aid_id == aid_id)


def propose_aid(c: ProposeAid, s: LedgerState) -> list[DomainEvent]:
    if c.payment_id in s.aid_closed or any(p.payment_id == c.payment_id for p in s.aid_pending):
        return []
    if c.grant is None:
        raise RuleBroken(RULE_FUNDS, "aid_id", "未收到本案该司法救助的救助决定", "aid_not_granted")
    if not c.grant.reported:
        raise RuleBroken(RULE_FUNDS, "aid_id", "救助资金尚未报请上级法院拨付，不能发放", "aid_funds_not_requested")
    left = c.grant.amount_fen - paid_for(s, c.aid_id) - reserved_for(s, c.aid_id)
    if c.amount_fen > left:
        raise RuleBroken(RULE_FUNDS, "amount_fen",
                         f"发放金额超过尚未发放（含待审批）的救助金额（{max(left, 0)} 分）",
                         "aid_payment_exceeds_grant")
    return [JudicialAidPaymentProposed(payment_id=c.payment_id, aid_id=c.aid_id, amount_fen=c.amount_fen,
                                       granted_fen=c.grant.amount_fen, paid_on=c.paid_on, proposed_by=c.officer_id)]


def _pending(s: LedgerState, payment_id: str) -> AidPending:
    for p in s.aid_pending:
        if p.payment_id == payment_id:
            return p
    if payment_id in s.aid_closed:
        raise Conflict("该司法救助金发放申请已处理", code="aid_payment_closed")
    raise NotFound("未找到待审批的司法救助金发放申请", code="aid_payment_not_found")


def approve_aid(c: ApproveAid, s: LedgerState) -> list[DomainEvent]:
    p = _pending(s, c.payment_id)
    if p.proposed_by == c.officer_id:
        raise Forbidden("发放司法救助金须由另一名财务人员审批（制单人与复核人不得为同一人）",
                        code="maker_is_checker", rule=RULE_TWO_OFFICERS)
    paid_on = c.paid_on or p.paid_on
    if paid_on > c.today or paid_on < p.paid_on:
        raise InvalidInput(f"发放日期应在申请所写日期（{p.paid_on}）与今天之间", code="paid_on_invalid",
                           errors=[FieldError("paid_on", f"应在 {p.paid_on} 与今天之间", "out_of_range")])
    return [JudicialAidPaid(payment_id=p.payment_id, aid_id=p.aid_id, amount_fen=p.amount_fen,
                            granted_fen=p.granted_fen,
                            paid_on=paid_on, paid_by=c.officer_id, proposed_by=p.proposed_by)]


def reject_aid(c: RejectAid, s: LedgerState) -> list[DomainEvent]:
    p = _pending(s, c.payment_id)
    return [JudicialAidPaymentRejected(payment_id=p.payment_id, aid_id=p.aid_id, rejected_by=c.officer_id,
                                       reason=c.reason.strip())]
