"""HTTP: petition (涉执信访) and judicial aid (国家司法救助) indicators for any period, per team and judge
(services/supervision/indicators/petitions.py): the cases from ``indicator_facts``, the petitions and
aid applications folded from the trail on read."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from services.supervision.api.indicators import From, To, _entries, _period
from services.supervision.api.trail import Rt, Watcher
from services.supervision.indicators import petitions as pi
from services.supervision.indicators import store as facts_store
from shared.openapi import ResponseModel

router = APIRouter(tags=["质效指标 indicators"])


class Ratio(ResponseModel):
    value: float | None = Field(description="比率（分母为 0 时为 null）")
    numerator: int
    denominator: int


class AidFigures(ResponseModel):
    applications: int = Field(description="期间内收到的司法救助申请")
    decided: int = Field(description="期间内作出的救助决定")
    granted_cases: int = Field(description="决定给予救助的案件数")
    granted_fen: int = Field(description="决定救助金额合计（分）")
    paid_cases: int = Field(description="期间内经案款账户发放救助金的申请数")
    paid_fen: int = Field(description="期间内发放的救助金合计（分）；不计入执行到位")


class PetitionFigures(ResponseModel):
    petitions: int = Field(description="期间内收到的涉执信访件数")
    cases_under_enforcement: int = Field(description="期间内在执案件数（案访比的分母）")
    case_petition_ratio: Ratio = Field(description="案访比：信访件数 ÷ 在执案件数")
    closure_rate: Ratio = Field(description="办结率：期间内收到的信访中已办结的比例")
    stop_rate: Ratio = Field(description="息访率：期间内办结的信访中信访人息访的比例")
    accepted_in_time: Ratio = Field(description="按期受理率：15 日内受理告知")
    closed_in_time: Ratio = Field(description="按期办结率：60 日（延长后 90 日）内办结")
    outcomes: dict[str, int] = Field(description="期间内办结的信访按办理结果计数")
    judicial_aid: AidFigures


class PetitionGroup(PetitionFigures):
    key: str


class PetitionIndicators(ResponseModel):
    court: str
    period: dict[str, str]
    totals: PetitionFigures
    groups: list[PetitionGroup] | None = None


@router.get("/indicators/petitions",
            summary="涉执信访与司法救助指标：案访比、息访率、办结率、救助案件与金额（可按团队、法官分组）",
            response_model_exclude_unset=True)  # groups only when grouped
async def petition_indicators(
    officer: Watcher,
    rt: Rt,
    start: From = None,
    end: To = None,
    group_by: Annotated[Literal["team", "judge"] | None, Query(description="分组维度")] = None,
    team_id: str | None = None,
    judge_id: str | None = None,
) -> PetitionIndicators:
    period = _period(start, end)
    async with rt.pool.acquire() as conn:  # only what the petition figures read of each case
        cases = await facts_store.load(conn, officer.court, columns=pi.CASE_FIELDS)
    async with rt.pool.acquire() as conn, conn.transaction(readonly=True):
        petitions, aids = pi.fold([e async for e in _entries(conn, officer.court, pi.EVENTS)])
    petitions, aids, cases = pi.select(petitions, aids, cases, team_id=team_id, judge_id=judge_id)
    body: dict[str, Any] = {
        "court": officer.court,
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "totals": pi.figures(petitions, aids, cases, period),
    }
    if group_by:
        body["groups"] = pi.grouped(petitions, aids, cases, period, group_by)
    return PetitionIndicators.model_validate(body)
