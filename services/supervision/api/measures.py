"""HTTP: coercive measures (罚款、拘留) on the dashboard — counts per month and per judge for a period,
from the trail (docs/rules.md §9). Included by the indicators router (api/indicators.py, at its end)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from services.supervision.api.indicators import From, To, _entries, _period
from services.supervision.api.trail import Rt, Watcher
from services.supervision.domain.entries import Entry
from services.supervision.indicators.measures import MEASURE_EVENTS, measure_counts
from shared.openapi import ResponseModel

router: APIRouter = APIRouter(tags=["质效指标 indicators"])


class MeasureTotals(ResponseModel):
    proposed: int = Field(description="提请（按提请日期）")
    approved: int = Field(description="院长批准（按批准日期）")
    rejected: int = Field(description="不批准")
    fines: int = Field(description="批准的罚款")
    detentions: int = Field(description="批准的拘留")
    fine_fen: int = Field(description="批准的罚款金额合计（分）")
    reconsiderations_decided: int = Field(description="上级法院作出的复议决定")
    custody_started: int = Field(description="送交看管（外勤执行拘留）")
    released_early: int = Field(description="提前解除拘留")
    referrals: int = Field(description="拒执罪移送公安机关")
    private_prosecutions: int = Field(description="申请执行人拒执罪自诉")
    rewards_granted: int = Field(description="准许悬赏")
    exposures: int = Field(description="曝光")


class MeasureMonth(ResponseModel):
    month: str = Field(description="YYYY-MM")
    proposed: int
    approved: int
    fines: int
    detentions: int
    fine_fen: int


class MeasureJudge(ResponseModel):
    judge_id: str
    proposed: int
    approved: int
    detentions: int
    fines: int


class MeasureIndicators(ResponseModel):
    """强制措施（罚款、拘留）：按月、按法官统计。"""

    court: str
    period: dict[str, str] = Field(description="统计期间 {from, to}")
    totals: MeasureTotals
    by_month: list[MeasureMonth]
    by_judge: list[MeasureJudge]


@router.get("/indicators/measures", summary="强制措施（罚款、拘留）：按月、按法官统计（本院）")
async def measure_indicators(officer: Watcher, rt: Rt, start: From = None, end: To = None) -> MeasureIndicators:
    period = _period(start, end)
    cases: list[list[Entry]] = []
    async with rt.pool.acquire() as conn, conn.transaction(readonly=True):
        async for entry in _entries(conn, officer.court, MEASURE_EVENTS):
            if not cases or cases[-1][-1].case_id != entry.case_id:
                cases.append([])
            cases[-1].append(entry)
    counts = measure_counts(cases, period.start, period.end)
    return MeasureIndicators.model_validate({
        "court": officer.court, "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        **counts,
    })
