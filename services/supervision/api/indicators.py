"""HTTP surface of the 质效指标 (docs/rules.md §8) and the ops dashboard's routes.

The figures are counted on read from supervision's own projections: ``indicator_facts`` (each
case's inputs, kept with its findings and deadlines as the trail is written, and rebuilt with them:
indicators/store.py), the deadline projection (overdue nodes) and the trail (agencies' answers).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Query

from services.supervision.api.checks import as_it_stood
from services.supervision.api.models_indicators import Agencies, IndicatorCases, Indicators, Overdue
from services.supervision.api.trail import Rt, Watcher
from services.supervision.dashboard.routes import router as dashboard_router
from services.supervision.domain.entries import ENTRY_COLUMNS, Entry, entry_from_row
from services.supervision.indicators import agencies as agencies_fig
from services.supervision.indicators import figures as ind
from services.supervision.indicators import store as facts_store
from services.supervision.settings import Settings
from shared.envelope import now_shanghai
from shared.errors import FieldError, InvalidInput

router = APIRouter(tags=["质效指标 indicators"])
router.include_router(dashboard_router)

From = Annotated[date | None, Query(alias="from", description="期间起（含），默认本年1月1日")]
To = Annotated[date | None, Query(alias="to", description="期间止（含），默认今天")]


def _period(start: date | None, end: date | None) -> ind.Period:
    today = now_shanghai().date()
    end = end or today
    start = start or date(end.year, 1, 1)
    if start > end:
        raise InvalidInput("统计期间有误", errors=[FieldError("from", "期间起不能晚于期间止", "after_end")])
    return ind.Period(start, end)


async def _entries(conn: asyncpg.Connection, court: str, types: tuple[str, ...]) -> AsyncIterator[Entry]:
    """The court's trail entries of ``types``, per case in log order (a server-side cursor)."""
    async for row in conn.cursor(
        f"SELECT {ENTRY_COLUMNS} FROM audit_trail WHERE court = $1 AND event_type = ANY($2::text[])"
        " ORDER BY case_id, seq",
        court,
        list(types),
        prefetch=1000,
    ):
        yield entry_from_row(row)


async def load_facts(rt: Rt, court: str, **narrowed: Any) -> list[ind.CaseFacts]:
    """The court's cases' indicator inputs (``indicator_facts``, kept as the trail is written)."""
    async with rt.pool.acquire() as conn:
        return await facts_store.load(conn, court, **narrowed)


@router.get(
    "/indicators",
    summary="质效指标（本院；可按快执/普执、团队、法官筛选与分组）",
    response_model_exclude_unset=True,  # groups (and each group's key) only when grouped
)
async def get_indicators(
    officer: Watcher,
    rt: Rt,
    start: From = None,
    end: To = None,
    track: Literal["fast", "ordinary"] | None = None,
    team_id: str | None = None,
    judge_id: str | None = None,
    group_by: Annotated[Literal["track", "team", "judge"] | None, Query(description="分组维度")] = None,
) -> Indicators:
    period = _period(start, end)
    # Counted by PostgreSQL per track, group and closure type (indicators/store.py), added up here.
    rows = await facts_store.tallies(rt.pool, officer.court, period, group_by=group_by,
                                     track=track, team_id=team_id, judge_id=judge_id)
    totals, tracks, groups = facts_store.assemble(rows, group_by)
    body: dict[str, Any] = {
        "court": officer.court,
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "filters": {"track": track, "team_id": team_id, "judge_id": judge_id},
        "totals": totals,
        "tracks": tracks,
    }
    if group_by:
        body["groups"] = groups
    return Indicators.model_validate(body)


@router.get("/indicators/cases", summary="指标的逐案输入（立案、结案类型、标的、到位金额、期限、终本检查）")
async def indicator_inputs(
    officer: Watcher,
    rt: Rt,
    start: From = None,
    end: To = None,
    closed_only: bool = False,
) -> IndicatorCases:
    period = _period(start, end)
    chosen = await load_facts(rt, officer.court, period=period, closed_only=closed_only)
    return IndicatorCases.model_validate({
        "court": officer.court,
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "cases": [f.to_json() for f in chosen],
    })


@router.get("/indicators/overdue", summary="超期案件：按节点、团队、法官、督办级别（可按快执/普执、团队、法官筛选）")
async def overdue(
    officer: Watcher,
    rt: Rt,
    as_of: date | None = None,
    track: Literal["fast", "ordinary"] | None = None,
    team_id: str | None = None,
    judge_id: str | None = None,
) -> Overdue:
    settings: Settings = rt.settings  # type: ignore[assignment]
    today = as_of or now_shanghai().date()
    # Counted by PostgreSQL (indicators/store.py), with the same filters as /indicators, so the
    # dashboard's 超期 tile agrees with its other tiles.
    figures = await facts_store.overdue(rt.pool, officer.court, today, as_it_stood(as_of, "$2"),
                                        settings.deadlines.escalation_days,
                                        track=track, team_id=team_id, judge_id=judge_id)
    return Overdue.model_validate(figures)


@router.get("/indicators/agencies", summary="协助单位（联动单位）答复用时")
async def agencies(officer: Watcher, rt: Rt, start: From = None, end: To = None) -> Agencies:
    period = _period(start, end)
    async with rt.pool.acquire() as conn, conn.transaction(readonly=True):
        # The drill clock's moves (docs/import.md §6): time it skipped is not counted as the agencies'.
        follower = rt.extras.get("clock")
        skipped = [(m.moved_from, m.moved_to) for m in (follower.moves if follower is not None else [])]
        # each query's dispatch and first answer paired by PostgreSQL (indicators/store.py)
        rows = agencies_fig.agency_times(await facts_store.query_pairs(conn, officer.court, period), period, skipped)
        # Each agency's name as its own answers recorded it: the screens show 不动产登记中心, not an id.
        names = {r["actor_id"]: r["actor_name"] for r in await conn.fetch(
            "SELECT DISTINCT ON (actor_id) actor_id, actor_name FROM audit_trail WHERE court = $1"
            " AND event_type = 'asset_search.agency_answered' AND actor_kind = 'agency' AND actor_name IS NOT NULL"
            " ORDER BY actor_id, seq DESC", officer.court)}
        rows = [r | {"agency_name": names.get(r["agency_id"])} for r in rows]
    return Agencies.model_validate({
        "court": officer.court,
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "agencies": rows,
    })


# Coercive measures' counts (docs/rules.md §9): their own module, on this router (imported last: it
# uses the period and trail helpers above).
from services.supervision.api import measures as _measures  # noqa: E402

router.include_router(_measures.router)
