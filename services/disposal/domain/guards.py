"""Checks every disposal command shares: who may act, and that the disposal exists and is open.

Each decision function opens with :func:`as_judge` or :func:`as_disposal_officer`: the judge
decides and signs, the disposal centre pushes (the split of 互相制约-2 and -4).
"""

from __future__ import annotations

from datetime import date

from services.disposal.domain import rules
from services.disposal.domain.commands import Acting
from services.disposal.domain.rules import RuleBroken
from services.disposal.domain.state import DisposalState
from shared.clock import SHANGHAI
from shared.errors import Conflict, Forbidden


def check_judge(acting: Acting) -> None:
    """Only the case's current judge decides and signs (互相制约-2)."""
    if acting.case.judge_id is None or acting.officer_id != acting.case.judge_id:
        raise Forbidden("只有本案现任承办法官可以作出该决定", code="not_case_judge", rule="互相制约-2")


def check_disposal_officer(acting: Acting, state: DisposalState) -> None:
    """The disposal officer is neither the deciding judge nor a controller, nor the registrar
    (互相制约-1 and -4)."""
    if acting.officer_id == state.judge_id or acting.officer_id == acting.case.judge_id:
        raise Forbidden("处置人员不得是作出处置决定的法官", code="officer_is_judge", rule="互相制约-4")
    if acting.officer_id in state.controlled_by:
        raise Forbidden("处置人员不得是控制该财产的人员", code="officer_controlled_asset", rule="互相制约-4")
    if acting.officer_id == acting.case.registered_by:
        raise Forbidden("立案人员不得在同一案件中承担处置工作", code="officer_registered_case", rule="互相制约-1")


def require(condition: bool, message: str, code: str, rule: str | None = None) -> None:
    if not condition:
        raise Conflict(message, code=code, rule=rule)


def _require_open(state: DisposalState) -> None:
    require(state.decided, "该处置不存在", "disposal_not_found")
    require(state.outcome is None, "该财产处置已结束", "disposal_concluded")


def as_judge(acting: Acting, state: DisposalState) -> None:
    """A judge's command on a decided, open disposal: the judge is checked first."""
    check_judge(acting)
    _require_open(state)


def as_disposal_officer(acting: Acting, state: DisposalState) -> None:
    """A disposal officer's command on a decided, open disposal: the disposal is checked first."""
    _require_open(state)
    check_disposal_officer(acting, state)


ENDED_ZH = {"released": "已解除", "lapsed": "已到期失效"}


def check_still_disposable(acting: Acting, state: DisposalState, *business_days: date | None) -> None:
    """Every step of a disposal re-checks its asset where it stands now (docs/rules.md §4, §7.4):

    - still under control in this case — a control released or lapsed since the decision ends the
      disposal's ground (民诉法解释 art. 484);
    - no third-party objection upheld (民诉法 art. 238) or under review (民诉法执行程序解释 art. 15);
    - not within 15 days of an objection's rejection (民诉法解释 art. 463), on the court clock's
      day nor on the step's own business day(s) (``business_days``: signed on, sold on, …).
    """
    a = acting.asset
    if a is None or a.asset_id != state.asset_id:
        raise RuleBroken("民诉法解释-484", "asset_id", "未能确认该财产在本案的控制情况，暂不能继续处置",
                         "asset_standing_unknown")
    if not a.active_controls:
        ended = [(cid, status) for cid, status in a.controls if status in ENDED_ZH]
        if ended:
            what = "；".join(f"{cid} {ENDED_ZH[status]}" for cid, status in ended)
            raise RuleBroken("民诉法解释-484", "asset_id",
                             f"该财产在本案的查封、扣押、冻结已不再有效（{what}），不得继续处置；"
                             "如已重新控制，请待控制生效后再办理", "asset_control_ended")
        raise RuleBroken("民诉法解释-484", "asset_id", "该财产未在本案中查封、扣押、冻结，不得处置",
                         "asset_not_controlled")
    statuses = {status for _, status, _ in a.objections}
    if "upheld" in statuses:
        raise RuleBroken("民诉法-238", "asset_id", "案外人对该财产的异议已经成立，应中止对该财产的执行，不得继续处置",
                         "asset_objection_upheld")
    if "pending" in statuses:
        raise RuleBroken("互相制约-4", "asset_id", "案外人对该财产提出的异议正在审查中，审查期间不得处分该财产",
                         "asset_under_objection")
    today = acting.now.astimezone(SHANGHAI).date()
    rules.check_objection_hold([on for _, status, on in a.objections if status == "rejected" and on is not None],
                               [today, *(d for d in business_days if d is not None)])


def ground_gone(acting: Acting, state: DisposalState) -> bool:
    """The asset is no longer under control in this case, or a third party's objection to it was upheld:
    the disposal cannot go on and may be concluded as released."""
    a = acting.asset
    if a is None or a.asset_id != state.asset_id:
        return False
    return not a.active_controls or any(status == "upheld" for _, status, _ in a.objections)
