"""Judicial aid (国家司法救助) paid through the case account (一案一账号). Pure.

Intake decides the aid (a panel, within the cap of 意见 2016 第八条) and reports it to the higher
court for the funds; disposal learns both from intake's events (``judicial_aid_grants``) and the
finance officer pays the aid to the applicant through the case's account. Aid money is kept apart
from enforcement money (最高人民法院关于加强和规范人民法院国家司法救助工作的意见 2016: 救助金不是执行款):
it never enters the balance, never counts as paid to the applicant (执行到位), never reduces the
amount due and never makes the case paid in full.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.disposal.domain.rules import RuleBroken
from services.disposal.domain.state import LedgerState
from services.disposal.events import JudicialAidPaid
from shared.events import DomainEvent

RULE_FUNDS = "司法救助-拨付"


@dataclass(frozen=True)
class AidGrant:
    """What disposal knows of an aid decision (from intake's events)."""

    aid_id: str
    amount_fen: int
    reported: bool


@dataclass(frozen=True)
class PayAid:
    payment_id: str
    aid_id: str
    amount_fen: int
    paid_on: date
    officer_id: str
    grant: AidGrant | None


def paid_for(s: LedgerState, aid_id: str) -> int:
    return sum(p.amount_fen for p in s.aid_payments if p.aid_id == aid_id)


def pay_aid(c: PayAid, s: LedgerState) -> list[DomainEvent]:
    if any(p.payment_id == c.payment_id for p in s.aid_payments):
        return []
    if c.grant is None:
        raise RuleBroken(RULE_FUNDS, "aid_id", "未收到本案该司法救助的救助决定", "aid_not_granted")
    if not c.grant.reported:
        raise RuleBroken(RULE_FUNDS, "aid_id", "救助资金尚未报请上级法院拨付，不能发放", "aid_funds_not_requested")
    left = c.grant.amount_fen - paid_for(s, c.aid_id)
    if c.amount_fen > left:
        raise RuleBroken(RULE_FUNDS, "amount_fen", f"发放金额超过尚未发放的救助金额（{max(left, 0)} 分）",
                         "aid_payment_exceeds_grant")
    return [JudicialAidPaid(payment_id=c.payment_id, aid_id=c.aid_id, amount_fen=c.amount_fen,
                            granted_fen=c.grant.amount_fen, paid_on=c.paid_on, paid_by=c.officer_id)]
