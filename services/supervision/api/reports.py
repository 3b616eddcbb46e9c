"""HTTP surface of the weekly report (JSON and CSV)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from services.supervision.api.models_indicators import WeeklyReport
from services.supervision.api.trail import CSV, WATCHERS, Rt, attachment
from services.supervision.indicators import reports
from services.supervision.indicators.reports import IsoWeek
from services.supervision.settings import Settings
from shared import openapi
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.envelope import now_shanghai
from shared.errors import FieldError, Forbidden, InvalidInput

router = APIRouter(tags=["监管 supervision"])
Reader = Annotated[Principal, Depends(require_roles(*WATCHERS, Role.TEAM_LEAD, Role.JUDGE, rule=POWERS_LIST))]
# format=csv answers the same rows as CSV (beside the JSON body the response model documents).
AS_CSV = openapi.body_as(
    CSV, "周报（format=json：JSON；format=csv：每名法官、每个团队一行的 CSV，UTF-8 带 BOM，以附件下载）"
)


@router.get(
    "/reports/weekly",
    summary="周报：每名法官、每个团队的收案、结案、未结、各节点超期、检查发现",
    response_model=WeeklyReport,
    responses=AS_CSV,
)
async def weekly(
    officer: Reader,
    rt: Rt,
    week: Annotated[str | None, Query(description="ISO 周，如 2026-W10；默认本周")] = None,
    judge_id: Annotated[str | None, Query(description="只看这名法官")] = None,
    format: Annotated[Literal["json", "csv"], Query(description="json 或 csv（附件下载）")] = "json",
) -> WeeklyReport | Response:
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
            media_type=CSV,
            headers={"Content-Disposition": attachment(f"weekly-{iso}.csv")},
        )
    return WeeklyReport.model_validate(report)
