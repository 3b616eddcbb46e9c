"""HTTP: objection (执异) indicators for any period (services/supervision/indicators/objections.py;
computed on read from the trail, nothing stored). 执异 cases are not in /indicators' enforcement
figures: they have their own here."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from services.supervision.api.indicators import From, To, _entries, _period
from services.supervision.api.petitions import Ratio
from services.supervision.api.trail import Rt, Watcher
from services.supervision.indicators import objections as oi
from shared.openapi import ResponseModel

router = APIRouter(tags=["质效指标 indicators"])


class ObjectionFigures(ResponseModel):
    received: int = Field(description="收案：期间内收到书面异议的执行异议件数")
    decided: int = Field(description="审结：期间内作出审查结论或撤回的件数")
    pending: int = Field(description="未结：期末尚未审结的件数")
    overdue_pending: int = Field(description="超审限未结：期末未审结且已过十五日审查期限的件数")
    decided_in_time: Ratio = Field(description="审限内审结率：自收到书面异议之日起十五日内审结（民诉法第236条）")
    hearing_rate: Ratio = Field(description="听证率：审结的异议中举行过听证的比例（执行异议复议规定第12条）")
    upheld_rate: Ratio = Field(description="异议成立率：异议成立 ÷（成立 + 驳回）")
    mean_days: float | None = Field(description="平均审查用时（日）：收到异议至审结；无审结为 null")
    outcomes: dict[str, int] = Field(description="审结方式计数：upheld 成立 / rejected 驳回 / withdrawn 撤回")
    closed: int = Field(description="结案：期间内结案的执异案件数（执异案件以审查结论之日结案，与审结相同）")
    closed_missing: int = Field(
        description="期间内审结但其执异案件未结案的件数（此前登记的审结，没有执异案件的结案）；应为 0")


class ObjectionIndicators(ResponseModel):
    court: str
    period: dict[str, str]
    totals: ObjectionFigures


@router.get("/indicators/objections",
            summary="执行异议（执异）指标：收案、审结、审限内审结率、听证率、异议成立率（不计入执行结案率）")
async def objection_indicators(officer: Watcher, rt: Rt, start: From = None, end: To = None) -> ObjectionIndicators:
    period = _period(start, end)
    async with rt.pool.acquire() as conn, conn.transaction(readonly=True):
        objections = oi.fold([e async for e in _entries(conn, officer.court, oi.EVENTS)])
    body: dict[str, Any] = {
        "court": officer.court,
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "totals": oi.figures(objections, period),
    }
    return ObjectionIndicators.model_validate(body)
