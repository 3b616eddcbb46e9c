"""field_ops's queries: routing table, a team's queue, a task with its history, workload, overdue,
a case's proposals and field history. Read models only; overdue is computed at read time."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from services.field_ops.api import models as m
from services.field_ops.api.instructions import case_not_found, check_court, routing_table, task_not_found
from services.field_ops.domain.decider import stream_id
from shared import openapi
from shared.app import Runtime, runtime
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.envelope import Envelope, now_shanghai
from shared.errors import NotFound
from shared.events import REGISTRY

router = APIRouter(tags=["外勤查询 field_ops queries"])
Reader = Annotated[Principal, Depends(require_roles(
    Role.JUDGE, Role.FIELD_OFFICER, Role.FIELD_LEAD, Role.TEAM_LEAD, Role.SUPERVISOR, Role.BUREAU_CHIEF,
    Role.VICE_PRESIDENT, Role.PRESIDENT, Role.ADMIN, rule=POWERS_LIST,
))]
Rt = Annotated[Runtime, Depends(runtime)]

_TASK_COLUMNS = (
    "task_id, instruction_id, case_id, court, kind, target, region, region_name, deadline, notes, judge_id,"
    " proposal_id, team_id, team_name, status, assignee, attempts, outcome, late, return_reason, issued_at,"
    " updated_at, version, (status IN ('routed', 'accepted') AND deadline < $1::date) AS overdue"
)
StatusFilter = Literal["open", "all", "routed", "accepted", "reported", "returned"]
AsOf = Annotated[date | None, Query(description="按该日判断逾期（默认今天），可用于预看即将逾期的任务")]


def _status_clause(status: StatusFilter) -> str:
    if status == "open":
        return "status IN ('routed', 'accepted')"
    if status == "all":
        return "true"
    return f"status = '{status}'"  # a Literal: one of four fixed words


def history_entry(env: Envelope) -> dict[str, Any]:
    try:
        summary = REGISTRY.parse(env).summary()
    except Exception:
        summary = env.event_type
    return {
        "event_id": str(env.event_id), "event_type": env.event_type, "occurred_at": env.occurred_at,
        "actor_id": env.actor.id, "actor_role": env.actor.role, "summary": summary, "payload": env.payload,
    }


NO_TEAMS = openapi.problems(409)  # routing_not_configured: the court has no field teams configured


@router.get("/teams", summary="本院外勤组与路由表（本院未配置外勤组时 409）", responses=NO_TEAMS)
async def teams(request: Request, officer: Reader) -> m.TeamsOut:
    table = routing_table(request, officer.court)
    return m.TeamsOut.model_validate({
        "court": table.court,
        "teams": [t.model_dump() for t in table.teams],
        "rules": [{**r.model_dump(), "description": r.describe()} for r in table.rules],
    })


@router.get("/teams/{team_id}/queue", summary="外勤组任务队列（按期限排序，含逾期标记）", responses=NO_TEAMS)
async def team_queue(
    team_id: str, request: Request, officer: Reader, rt: Rt,
    status: StatusFilter = "open", overdue: bool | None = Query(default=None, description="只看逾期/未逾期"),
    as_of: AsOf = None,
) -> m.TeamQueue:
    table = routing_table(request, officer.court)
    team = table.team(team_id)
    if team is None:
        raise NotFound("本院没有这个外勤组", code="team_not_found")
    rows = await rt.pool.fetch(
        f"SELECT {_TASK_COLUMNS} FROM fo_tasks WHERE court = $2 AND team_id = $3 AND {_status_clause(status)}"
        " ORDER BY deadline, issued_at",
        as_of or now_shanghai().date(), officer.court, team_id,
    )
    tasks = [dict(r) for r in rows if overdue is None or r["overdue"] == overdue]
    return m.TeamQueue.model_validate({"team_id": team_id, "team_name": team.name, "count": len(tasks),
                                       "tasks": tasks})


@router.get("/tasks/overdue", summary="本院逾期未完成的外勤任务")
async def overdue_tasks(officer: Reader, rt: Rt, as_of: AsOf = None) -> m.OverdueTasks:
    rows = await rt.pool.fetch(
        f"SELECT {_TASK_COLUMNS} FROM fo_tasks WHERE court = $2 AND status IN ('routed', 'accepted')"
        " AND deadline < $1::date ORDER BY deadline",
        as_of or now_shanghai().date(), officer.court,
    )
    return m.OverdueTasks.model_validate({"count": len(rows), "tasks": [dict(r) for r in rows]})


@router.get("/tasks/{task_id}", summary="外勤任务及其全部经过")
async def task_detail(task_id: str, officer: Reader, rt: Rt) -> m.TaskDetail:
    row = await rt.pool.fetchrow(f"SELECT {_TASK_COLUMNS} FROM fo_tasks WHERE task_id = $2",
                                 now_shanghai().date(), task_id)
    if row is None:
        raise task_not_found()
    check_court(officer, row["court"], task_not_found)
    async with rt.pool.acquire() as conn:
        history = await rt.store.load(conn, stream_id(row["instruction_id"]))
    return m.TaskDetail.model_validate({**dict(row), "history": [history_entry(e) for e in history]})


@router.get("/workload", summary="各外勤组及成员的工作量（待接受、执行中、已报告、退回、逾期）", responses=NO_TEAMS)
async def workload(request: Request, officer: Reader, rt: Rt, as_of: AsOf = None) -> m.Workload:
    table = routing_table(request, officer.court)
    today = as_of or now_shanghai().date()
    by_team = {r["team_id"]: dict(r) for r in await rt.pool.fetch(
        "SELECT team_id, count(*) FILTER (WHERE status = 'routed') AS routed,"
        " count(*) FILTER (WHERE status = 'accepted') AS accepted,"
        " count(*) FILTER (WHERE status = 'reported') AS reported,"
        " count(*) FILTER (WHERE status = 'returned') AS returned,"
        " count(*) FILTER (WHERE status IN ('routed', 'accepted') AND deadline < $1::date) AS overdue"
        " FROM fo_tasks WHERE court = $2 GROUP BY team_id",
        today, officer.court,
    )}
    by_member = {(r["team_id"], r["assignee"]): dict(r) for r in await rt.pool.fetch(
        "SELECT team_id, assignee, count(*) FILTER (WHERE status = 'accepted') AS in_progress,"
        " count(*) FILTER (WHERE status = 'reported') AS reported,"
        " count(*) FILTER (WHERE status = 'returned') AS returned,"
        " coalesce(sum(attempts), 0) AS attempts,"
        " count(*) FILTER (WHERE status = 'accepted' AND deadline < $1::date) AS overdue"
        " FROM fo_tasks WHERE court = $2 AND assignee IS NOT NULL GROUP BY team_id, assignee",
        today, officer.court,
    )}
    zero_team = {"routed": 0, "accepted": 0, "reported": 0, "returned": 0, "overdue": 0}
    zero_member = {"in_progress": 0, "reported": 0, "returned": 0, "attempts": 0, "overdue": 0}
    out = []
    for team in table.teams:
        counts = {k: int(v) for k, v in by_team.get(team.team_id, zero_team).items() if k != "team_id"}
        members = []
        for member in (*team.lead_ids, *team.member_ids):
            load = by_member.get((team.team_id, member), zero_member)
            members.append({"officer_id": member, "lead": member in team.lead_ids,
                            **{k: int(load[k]) for k in zero_member}})
        out.append({"team_id": team.team_id, "team_name": team.name, **counts, "members": members})
    return m.Workload.model_validate({"court": officer.court, "as_of": today.isoformat(), "teams": out})


@router.get("/cases/{case_id}/proposals", summary="本案待法官决定的外勤建议")
async def case_proposals(
    case_id: str, officer: Reader, rt: Rt, status: Literal["open", "all"] = "open"
) -> m.CaseProposals:
    rows = await rt.pool.fetch(
        "SELECT * FROM fo_proposals WHERE case_id = $1 AND ($2 = 'all' OR status = 'open')"
        " ORDER BY received_at",
        case_id, status,
    )
    for r in rows:
        check_court(officer, r["court"], case_not_found)
    return m.CaseProposals.model_validate({"case_id": case_id, "proposals": [dict(r) for r in rows]})


@router.get("/cases/{case_id}/field-history", summary="本案外勤全部经过：建议、指令、任务与事件")
async def case_field_history(case_id: str, officer: Reader, rt: Rt) -> m.FieldHistory:
    case = await rt.pool.fetchrow("SELECT * FROM case_facts WHERE case_id = $1", case_id)
    check_court(officer, case["court"] if case else None, case_not_found)
    tasks = await rt.pool.fetch(
        f"SELECT {_TASK_COLUMNS} FROM fo_tasks WHERE case_id = $2 ORDER BY issued_at",
        now_shanghai().date(), case_id,
    )
    proposals = await rt.pool.fetch(
        "SELECT * FROM fo_proposals WHERE case_id = $1 ORDER BY received_at", case_id
    )
    if case is None and not tasks and not proposals:
        raise case_not_found()
    for t in tasks:
        check_court(officer, t["court"], case_not_found)
    async with rt.pool.acquire() as conn:
        events = await rt.store.case_events(conn, case_id)
    return m.FieldHistory.model_validate({
        "case_id": case_id,
        "case_number": case["case_number"] if case else None,
        "judge_id": case["judge_id"] if case else None,
        "closed": bool(case and case["closed"]),
        "proposals": [dict(p) for p in proposals],
        "tasks": [dict(t) for t in tasks],
        "history": [history_entry(e) for e in events],
    })
