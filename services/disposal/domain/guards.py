"""Checks every disposal command shares: who may act, and that the disposal exists and is open.

Each decision function opens with :func:`as_judge` or :func:`as_disposal_officer`: the judge
decides and signs, the disposal centre pushes (the split of 互相制约-2 and -4).
"""

from __future__ import annotations

from services.disposal.domain.commands import Acting
from services.disposal.domain.state import DisposalState
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
