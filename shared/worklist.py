"""我的待办: what every service's ``GET /worklist`` answers, and how it orders and pages it.

Each service lists, for the caller's token (officer id, roles, court), the work *it* owns that is
waiting for that officer: one ``WorkItem`` per thing to do, naming the case by its number, saying
what is due (in Chinese) and by when (a business date; none when the law sets no limit), and the
command that does it (method + path on the same service). Items are sorted by due date (undated
last), then by case number; ``limit``/``offset`` page them like the other list endpoints
(``total`` counts them all).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from fastapi import Query
from pydantic import Field

from shared.auth import Principal
from shared.labels import roles as role_names
from shared.openapi import ResponseModel

Limit = Annotated[int, Query(ge=1, le=500, description="每页条数")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="跳过条数（分页）")]
Status = Literal["overdue", "due_today", "upcoming", "no_limit"]


class Action(ResponseModel):
    """办理该事项的命令（本服务的 HTTP 接口）。"""

    service: str = Field(description="提供该接口的服务，如 intake（多为回答本清单的服务）")
    method: Literal["GET", "POST", "PUT"] = Field(description="HTTP 方法")
    path: str = Field(description="路径，如 /cases/{case_id}/ledger/payouts/{payout_id}/approval（已代入编号）")
    label: str = Field(description="操作名称，如 审批发放")


class WorkItem(ResponseModel):
    """一项待办：哪个案件、要办什么、何时到期、用哪个命令办理。"""

    kind: str = Field(description="待办类型（稳定代码），如 payout_approval")
    role: str = Field(description="因哪个角色而有此待办，如 finance_officer")
    role_name: str = Field(description="角色中文名")
    case_id: str = Field(description="案件标识")
    case_number: str | None = Field(description="案号，如（2026）黔01执1号；尚未立案时为空")
    title: str = Field(description="要办什么（中文一句话）")
    due: date | None = Field(description="办理期限（业务日期）；法律未设期限时为空")
    status: Status = Field(description="overdue 已超期 / due_today 今日到期 / upcoming 未到期 / no_limit 无期限")
    days_left: int | None = Field(description="距期限天数（负数为已超期天数）")
    action: Action
    ref: str | None = Field(default=None, description="所办事项的编号（发放、任务、线索、处置等）")
    detail: str | None = Field(default=None, description="补充说明")


class Worklist(ResponseModel):
    """我的待办：按期限排序（无期限的在后），分页。"""

    officer_id: str
    roles: list[str]
    role_names: str = Field(description="角色中文名，如 承办法官、团队长")
    court: str
    service: str = Field(description="回答的服务")
    as_of: date = Field(description="按此业务日期判断是否到期")
    total: int = Field(ge=0, description="待办总数（不受 limit/offset 影响）")
    limit: int
    offset: int
    items: list[WorkItem]


@dataclass(frozen=True)
class Work:
    """One thing to do, before it is ordered and paged (what a service's worklist code builds)."""

    kind: str
    role: str
    case_id: str
    case_number: str | None
    title: str
    due: date | None
    method: Literal["GET", "POST", "PUT"]
    path: str
    action: str
    ref: str | None = None
    detail: str | None = None
    service: str | None = None  # the service whose command it is, when not the one answering


def status_of(due: date | None, today: date) -> Status:
    if due is None:
        return "no_limit"
    if due < today:
        return "overdue"
    return "due_today" if due == today else "upcoming"


def _order(w: Work) -> tuple[bool, date, str, str, str]:
    return (w.due is None, w.due or date.max, w.case_number or "", w.kind, w.ref or "")


def worklist(
    officer: Principal, service: str, work: Iterable[Work], today: date, limit: int, offset: int
) -> Worklist:
    """The caller's worklist: ``work`` sorted by due date (undated last) and paged."""
    ordered = sorted(work, key=_order)
    page = ordered[offset : offset + limit]
    return Worklist.model_validate({
        "officer_id": officer.officer_id,
        "roles": sorted(officer.roles),
        "role_names": role_names(sorted(officer.roles)),
        "court": officer.court,
        "service": service,
        "as_of": today,
        "total": len(ordered),
        "limit": limit,
        "offset": offset,
        "items": [
            {
                "kind": w.kind, "role": w.role, "role_name": role_names([w.role]), "case_id": w.case_id,
                "case_number": w.case_number, "title": w.title, "due": w.due, "status": status_of(w.due, today),
                "days_left": None if w.due is None else (w.due - today).days,
                "action": {"service": w.service or service, "method": w.method, "path": w.path, "label": w.action},
                "ref": w.ref, "detail": w.detail,
            }
            for w in page
        ],
    })
