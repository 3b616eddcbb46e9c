"""Staff view of the linkage agencies: registry, pause switch, breaker, response times, overdue queries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import Field

from services.asset_search.api import models as m
from services.asset_search.execution import registry_of
from shared import clock
from shared.app import Runtime, runtime
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.errors import NotFound
from shared.text import RequestModel

router = APIRouter(prefix="/agencies", tags=["联动单位管理 agencies"])
Rt = Annotated[Runtime, Depends(runtime)]
Watcher = Annotated[Principal, Depends(require_roles(
    Role.SEARCH_OFFICER, Role.JUDGE, Role.SUPERVISOR, Role.BUREAU_CHIEF, Role.ADMIN, rule=POWERS_LIST))]
Operator = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.BUREAU_CHIEF, rule=POWERS_LIST))]

_STATS = """
SELECT agency_id,
       count(*) AS queries,
       count(*) FILTER (WHERE status = 'answered') AS answered,
       count(*) FILTER (WHERE status <> 'answered') AS open,
       count(*) FILTER (WHERE status <> 'answered' AND due_at < $1) AS overdue_open,
       count(*) FILTER (WHERE late) AS answered_late,
       round(avg(extract(epoch FROM first_answer_at - dispatched_at))::numeric, 3)::float AS avg_response_s,
       round(max(extract(epoch FROM first_answer_at - dispatched_at))::numeric, 3)::float AS max_response_s
FROM queries GROUP BY agency_id
"""


class PauseIn(RequestModel):
    reason: str = Field(min_length=1, max_length=500)


@router.get("", summary="联动单位：配置、暂停开关、熔断状态、响应时间与逾期")
async def list_agencies(officer: Watcher, rt: Rt) -> m.AgencyList:
    states = {r["agency_id"]: dict(r) for r in await rt.pool.fetch("SELECT * FROM agency_state")}
    stats = {r["agency_id"]: dict(r) for r in await rt.pool.fetch(_STATS, clock.now())}
    pending = {r["agency_id"]: r["n"] for r in await rt.pool.fetch(
        "SELECT agency_id, count(*) AS n FROM deliveries WHERE status = 'pending' GROUP BY agency_id")}
    out = []
    for a in registry_of(rt).all():
        st = states.get(a.id, {})
        open_until = st.get("open_until")
        out.append({
            "id": a.id, "name": a.name, "kind": a.kind, "channel": a.channel,
            "paused": a.paused or bool(st.get("paused")), "paused_in_configuration": a.paused,
            "pause_reason": st.get("pause_reason"), "answer_within_s": a.answer_within_s,
            "breaker": {
                "consecutive_failures": st.get("consecutive_failures", 0),
                "open_until": open_until, "last_error": st.get("last_error"),
                "last_success_at": st.get("last_success_at"),
            },
            "pending_requests": pending.get(a.id, 0),
            "stats": {k: v for k, v in stats.get(a.id, {}).items() if k != "agency_id"},
        })
    return m.AgencyList.model_validate({"agencies": out})


@router.get("/overdue-queries", summary="逾期未复的查询")
async def overdue_queries(officer: Watcher, rt: Rt) -> m.OverdueQueries:
    rows = await rt.pool.fetch(
        "SELECT query_id, case_id, agency_id, agency_kind, round, dispatched_at, due_at, status FROM queries"
        " WHERE status <> 'answered' AND due_at < $1 ORDER BY due_at LIMIT 500", clock.now())  # business time
    return m.OverdueQueries.model_validate({"queries": [dict(r) for r in rows]})


async def _switch(rt: Runtime, officer: Principal, agency_id: str, paused: bool, reason: str | None) -> m.AgencySwitch:
    if registry_of(rt).get(agency_id) is None:
        raise NotFound("没有该联动单位", code="agency_not_found")
    await rt.pool.execute(
        "INSERT INTO agency_state (agency_id, paused, paused_by, pause_reason, paused_at) VALUES ($1,$2,$3,$4,now())"
        " ON CONFLICT (agency_id) DO UPDATE SET paused = $2, paused_by = $3, pause_reason = $4, paused_at = now()",
        agency_id, paused, officer.officer_id, reason,
    )
    return m.AgencySwitch(agency_id=agency_id, paused=paused)


@router.post("/{agency_id}/pause", summary="暂停向该单位发送请求（请求排队等待，不丢失）")
async def pause(agency_id: str, body: PauseIn, officer: Operator, rt: Rt) -> m.AgencySwitch:
    return await _switch(rt, officer, agency_id, True, body.reason)


@router.post("/{agency_id}/resume", summary="恢复向该单位发送请求")
async def resume(agency_id: str, officer: Operator, rt: Rt) -> m.AgencySwitch:
    return await _switch(rt, officer, agency_id, False, None)
