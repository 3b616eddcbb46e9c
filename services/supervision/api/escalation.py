"""HTTP surface of reminders and escalation: run a scan now, read the steps and notifications."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from services.supervision.alerts.scanner import scan_exclusively, scanner_today
from services.supervision.api.models import DeadlineSteps, Notifications, ScanReport
from services.supervision.api.trail import Rt, Watcher
from services.supervision.settings import Settings
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.contact import mask_mobile
from shared.errors import Conflict, FieldError, InvalidInput

router = APIRouter(tags=["监管 supervision"])
Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN, rule=POWERS_LIST))]


@router.post("/admin/deadline-scan", summary="立即扫描临期、超期节点，记录提醒与督办并发送通知")
async def deadline_scan(
    officer: Admin,
    rt: Rt,
    as_of: Annotated[date | None, Query(description="按此日期扫描（仅演练/测试环境允许）")] = None,
) -> ScanReport:
    settings: Settings = rt.settings  # type: ignore[assignment]
    if as_of is not None and not settings.scanner.allow_as_of:
        raise InvalidInput(
            "只有演练或测试环境允许指定扫描日期",
            errors=[FieldError("as_of", "本环境按当天日期扫描，不能指定日期", "as_of_not_allowed")],
        )
    report = await scan_exclusively(rt, as_of or scanner_today(settings), wait_s=30)
    if report is None:
        raise Conflict("另一个期限扫描正在进行，请稍后再试", code="scan_in_progress")
    return ScanReport.model_validate(report)


@router.get("/deadline-steps", summary="已记录的提醒、超期与督办升级（本院）")
async def deadline_steps(
    officer: Watcher,
    rt: Rt,
    case_id: str | None = None,
    step: Annotated[str | None, Query(description="warning / overdue / level_1 … level_4")] = None,
    level: Annotated[int | None, Query(ge=0, le=4)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> DeadlineSteps:
    clauses: list[str] = ["court = $1"]
    args: list[Any] = [officer.court]
    for column, value in (("case_id", case_id), ("step", step), ("level", level)):
        if value is not None:
            args.append(value)
            clauses.append(f"{column} = ${len(args)}")
    rows = await rt.pool.fetch(
        "SELECT step_id::text, case_id, key, node, due, step, level, days_overdue, judge_id, team_id, as_of,"
        f" event_id::text, recorded_at FROM deadline_steps WHERE {' AND '.join(clauses)}"
        f" ORDER BY recorded_at, case_id, key, level LIMIT {limit}",
        *args,
    )
    return DeadlineSteps.model_validate({"steps": [dict(r) for r in rows]})


@router.get(
    "/notifications",
    summary="通知发件箱：提醒与督办通知及发送状态（本院）",
    response_model_exclude_unset=True,  # a recipient's name and team are sent only where they apply
)
async def notifications(
    officer: Watcher,
    rt: Rt,
    case_id: str | None = None,
    status: Literal["pending", "sent", "failed"] | None = None,
    recipient_role: str | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> Notifications:
    clauses, args = ["n.court = $1"], [officer.court]
    for column, value in (("n.case_id", case_id), ("n.status", status), ("n.recipient_role", recipient_role)):
        if value is not None:
            args.append(value)
            clauses.append(f"{column} = ${len(args)}")
    rows = await rt.pool.fetch(
        "SELECT n.notification_id::text, n.case_id, s.key, s.step, s.level, n.recipient_role, n.recipient_id,"
        " n.message, n.status, n.attempts, n.last_error, n.created_at, n.sent_at"
        " FROM notification_outbox n JOIN deadline_steps s USING (step_id)"
        f" WHERE {' AND '.join(clauses)} ORDER BY n.id LIMIT {limit}",
        *args,
    )
    return Notifications.model_validate({"notifications": [_masked(dict(r)) for r in rows]})


def _masked(row: dict[str, Any]) -> dict[str, Any]:
    """A party's number shown masked (the gateway gets it whole)."""
    recipient = (row.get("message") or {}).get("recipient") or {}
    if recipient.get("mobile"):
        row["message"] = {**row["message"], "recipient": {**recipient, "mobile": mask_mobile(recipient["mobile"])}}
    return row
