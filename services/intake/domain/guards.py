"""Checks every intake command shares: the court, the case's state, the caller's relation."""

from __future__ import annotations

from services.intake.domain.commands import Who
from services.intake.domain.state import CaseState
from shared.errors import Conflict, Forbidden, NotFound, in_court

STATUS_ZH = {
    "new": "未收案",
    "awaiting_supplement": "待补正材料",
    "applied": "已收案待立案",
    "refused": "不予受理",
    "registered": "已立案待分案",
    "in_progress": "执行中",
    "suspended": "中止执行",
    "postponed": "暂缓执行",
    "closure_proposed": "结案审批中",
    "closed": "已结案",
}


def same_court(state: CaseState, who: Who) -> None:
    """权责清单-本院: another court's case is answered exactly as a case that does not exist."""
    if state.status == "new" or not in_court(who.court, state.court):
        raise NotFound("未找到该案件或执行申请", code="case_not_found")


def status_in(state: CaseState, action: str, *allowed: str) -> None:
    if state.status not in allowed:
        now = STATUS_ZH.get(state.status, state.status)
        ok = "、".join(STATUS_ZH.get(s, s) for s in allowed)
        raise Conflict(
            f"案件当前状态为「{now}」，不能{action}（仅在{ok}时可以）",
            code="invalid_state", extra={"case_status": state.status},
        )


def case_judge(state: CaseState, who: Who, action: str) -> None:
    """互相制约-2: only the case's current judge issues its instructions and rulings."""
    if state.judge_id is None or state.judge_id != who.officer_id:
        raise Forbidden(
            f"只有本案承办法官（{state.judge_id or '尚未分案'}）可以{action}",
            code="not_case_judge", rule="互相制约-2",
        )
