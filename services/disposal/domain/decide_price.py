"""One asset's disposal up to its reference price: the judge's decision, the notices, the price
procedure (参考价规定) and the parties' objections to the price. Pure decision functions."""

from __future__ import annotations

from services.disposal.domain import rules
from services.disposal.domain.commands import (
    DecideDisposal,
    ExtendPriceProcedure,
    FixReferencePrice,
    MarkMethodUnavailable,
    RaisePriceObjection,
    RuleOnPriceObjection,
    ServeNotice,
    StartPriceProcedure,
)
from services.disposal.domain.guards import (
    as_disposal_officer,
    as_judge,
    check_judge,
    check_still_disposable,
    require,
)
from services.disposal.domain.rules import RuleBroken
from services.disposal.domain.state import DisposalState
from services.disposal.events import (
    DisposalDecided,
    NoticeServed,
    PriceMethodUnavailable,
    PriceObjectionRaised,
    PriceObjectionRuled,
    PriceProcedureExtended,
    PriceProcedureStarted,
    ReferencePriceFixed,
)
from shared.clock import SHANGHAI
from shared.events import DomainEvent


def decide_disposal(c: DecideDisposal, s: DisposalState) -> list[DomainEvent]:
    check_judge(c.acting)
    require(not s.decided, "该处置已决定", "already_decided")
    a = c.asset
    # 民诉法解释 art. 484: only what is under control in this case may be disposed of.
    if a is None or not a.control_ids:
        raise RuleBroken("民诉法解释-484", "asset_id", "该财产未在本案中查封、扣押、冻结，不得处置",
                         "asset_not_controlled")
    if a.pending_objection:
        raise RuleBroken("互相制约-4", "asset_id", "案外人对该财产提出的异议正在审查中，不得处置",
                         "asset_under_objection")
    # 民诉法 art. 238: an objection found well-founded stops enforcement against that asset.
    if a.objection_upheld:
        raise RuleBroken("民诉法-238", "asset_id", "案外人对该财产的异议已经成立，应中止对该财产的执行，不得处置",
                         "asset_objection_upheld")
    # 民诉法解释 art. 463: not within 15 days of a third-party objection's rejection.
    rules.check_objection_hold(a.rejected_on, [c.acting.now.astimezone(SHANGHAI).date()])
    require(a.active_disposal_id is None, "该财产已有进行中的处置", "asset_already_in_disposal")
    return [DisposalDecided(
        disposal_id=c.disposal_id, asset_id=a.asset_id, asset_kind=a.asset_kind,
        asset_class=rules.asset_class(a.asset_kind), control_ids=list(a.control_ids),
        controlled_by=list(a.controlled_by), judge_id=c.acting.officer_id, decided_on=c.acting.now.date(),
    )]


def serve_notice(c: ServeNotice, s: DisposalState) -> list[DomainEvent]:
    as_disposal_officer(c.acting, s)
    return [NoticeServed(disposal_id=s.disposal_id, notice_kind=c.notice_kind,  # type: ignore[arg-type]
                         party=c.party, served_on=c.served_on, served_by=c.acting.officer_id)]  # type: ignore[arg-type]


def mark_method_unavailable(c: MarkMethodUnavailable, s: DisposalState) -> list[DomainEvent]:
    as_disposal_officer(c.acting, s)
    require(s.price is None and s.procedure is None, "参考价程序已进行中或已确定", "price_in_progress")
    return [PriceMethodUnavailable(disposal_id=s.disposal_id, method=c.method, reason=c.reason,
                                   recorded_by=c.acting.officer_id)]


def start_price_procedure(c: StartPriceProcedure, s: DisposalState) -> list[DomainEvent]:
    as_disposal_officer(c.acting, s)
    check_still_disposable(c.acting, s, c.started_on)
    require(s.price is None and s.procedure is None, "参考价程序已进行中或已确定", "price_in_progress")
    rules.check_method_order(c.method, s.unavailable)
    return [PriceProcedureStarted(disposal_id=s.disposal_id, method=c.method, providers=list(c.providers),
                                  started_on=c.started_on, due_on=rules.procedure_due(c.method, c.started_on, 0),
                                  started_by=c.acting.officer_id)]


def extend_price_procedure(c: ExtendPriceProcedure, s: DisposalState) -> list[DomainEvent]:
    as_disposal_officer(c.acting, s)
    check_still_disposable(c.acting, s, c.requested_on)
    require(s.procedure is not None, "没有进行中的询价或评估", "no_price_procedure")
    assert s.procedure is not None
    method, started_on, ext = s.procedure
    rules.check_extension(method, ext)  # type: ignore[arg-type]
    due = rules.procedure_due(method, started_on, ext)  # type: ignore[arg-type]
    if c.requested_on > due:
        raise RuleBroken("参考价规定-19", "requested_on", f"延期应在期限届满（{due.isoformat()}）前申请",
                         "extension_late")
    return [PriceProcedureExtended(disposal_id=s.disposal_id, method=method, extensions=ext + 1,  # type: ignore[arg-type]
                                   due_on=rules.procedure_due(method, started_on, ext + 1))]  # type: ignore[arg-type]


def fix_reference_price(c: FixReferencePrice, s: DisposalState) -> list[DomainEvent]:
    as_disposal_officer(c.acting, s)
    check_still_disposable(c.acting, s, c.determined_on)
    require(s.price is None, "参考价已确定", "price_already_fixed")
    rules.check_method_order(c.method, s.unavailable)
    amount = c.amount_fen
    if c.method in ("online_enquiry", "valuation"):
        if s.procedure is None or s.procedure[0] != c.method:
            raise RuleBroken("参考价规定-2", "method", "须先启动该询价或评估程序", "price_procedure_not_started")
        rules.check_result_in_time(c.method, s.procedure[1], s.procedure[2], c.determined_on)
    if c.method == "online_enquiry":
        if len(c.platform_results_fen) < 2:
            raise RuleBroken("参考价规定-12", "platform_results_fen",
                             "网络询价取各平台结果的平均值（至少两个平台）",
                             "platform_results_missing")
        amount = rules.average_fen(list(c.platform_results_fen))
    if amount is None:
        raise RuleBroken("参考价规定-2", "amount_fen", "应填写参考价金额", "amount_missing")
    return [ReferencePriceFixed(
        disposal_id=s.disposal_id, method=c.method, amount_fen=amount,
        platform_results_fen=list(c.platform_results_fen),
        determined_on=c.determined_on, received_on=c.received_on,
        valid_until=rules.price_valid_until(c.determined_on), fixed_by=c.acting.officer_id,
    )]


def raise_price_objection(c: RaisePriceObjection, s: DisposalState) -> list[DomainEvent]:
    as_disposal_officer(c.acting, s)
    require(s.price is not None, "参考价尚未确定", "no_price")
    assert s.price is not None
    if s.price.method not in ("online_enquiry", "valuation"):
        raise RuleBroken("参考价规定-24", "party", "对议价或定向询价结果提出的异议不予受理",
                         "objection_not_admissible")
    require(not s.auctions, "拍卖已排期，不再受理参考价异议", "auction_already_scheduled")
    rules.check_objection_in_time(s.price.received_on, c.filed_on)
    return [PriceObjectionRaised(disposal_id=s.disposal_id, party=c.party, filed_on=c.filed_on,  # type: ignore[arg-type]
                                 grounds=c.grounds, recorded_by=c.acting.officer_id)]


def rule_on_price_objection(c: RuleOnPriceObjection, s: DisposalState) -> list[DomainEvent]:
    as_judge(c.acting, s)
    require(s.objection_pending, "没有待处理的参考价异议", "no_pending_objection")
    return [PriceObjectionRuled(disposal_id=s.disposal_id, upheld=c.upheld, judge_id=c.acting.officer_id,
                                reason=c.reason)]
