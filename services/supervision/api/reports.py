"""HTTP surface of the weekly report (JSON and CSV)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from services.supervision.api.trail import WATCHERS, Rt
from services.supervision.indicators import reports
from services.supervision.indicators.reports import IsoWeek
from services.supervision.settings import Settings
from shared.auth import Principal, Role, require_roles
from shared.envelope import now_shanghai
from shared.errors import FieldError, Forbidden, InvalidInput

router = APIRouter(tags=["监管 supervision"])
Reader = Annotated[Principal, Depends(require_roles(*WATCHERS, Role.TEAM_LEAD, Role.JUDGE))]


@router.get("/reports/weekly", summary="周报：每名法官、每个团队的收案、结案、未结、各节点超期、检查发现")
async def weekly(
    officer: Reader,
    rt: Rt,
    week: Annotated[str | None, Query(description="ISO 周，如 2026-W10；默认本周")] = None,
    judge_id: Annotated[str | None, Query(description="只看这名法官")] = None,
    format: Literal["json", "csv"] = "json",
) -> Any:
    try:
        iso = IsoWeek.parse(week) if week else IsoWeek.of(now_shanghai().date())
    except ValueError as exc:
        raise InvalidInput("周次不正确", errors=[FieldError("week", str(exc), "invalid_week")]) from None
    if not officer.has(*WATCHERS, Role.TEAM_LEAD):
        # A judge sees their own week only.
        if judge_id and judge_id != officer.officer_id:
            raise Forbidden("承办法官只能查看本人的周报", code="own_report_only")
        judge_id = officer.officer_id
    settings: Settings = rt.settings  # type: ignore[assignment]
    async with rt.pool.acquire() as conn, conn.transaction(readonly=True, isolation="repeatable_read"):
        counts = await reports.load(conn, officer.court, iso, settings.deadlines)
    report = reports.assemble(iso, officer.court, counts, judge_id)
    if format == "csv":
        return Response(
            reports.to_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="weekly-{iso}.csv"'},
        )
    return report
