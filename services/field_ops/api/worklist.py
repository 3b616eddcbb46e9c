"""我的待办 in field_ops (shared/worklist.py).

- field_officer / field_lead: the tasks they accepted and must carry out and report, and the tasks
  routed to their teams that nobody has accepted yet — each by the judge's deadline.
- judge: tasks of their own cases sent back by the field team (to reissue or drop), and field
  proposals (e.g. a lead needing a field check) waiting for their instruction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from services.field_ops.api.tasks import Rt
from shared import clock
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.labels import label
from shared.worklist import Limit, Offset, Work, Worklist, worklist

router = APIRouter(tags=["我的待办 worklist"])
Staff = Annotated[Principal, Depends(require_roles(*[r.value for r in Role], rule=POWERS_LIST))]
_COLS = "t.task_id, t.case_id, t.kind, t.region_name, t.deadline, t.team_name, t.status, t.assignee, f.case_number"


def _what(r: Mapping[str, Any]) -> str:
    return f"{label('field_kind', r['kind'])}（{r['region_name']}）"


async def collect(request: Request, rt: Rt, officer: Principal, today: date) -> list[Work]:
    court, me = officer.court, officer.officer_id
    work: list[Work] = []
    async with rt.pool.acquire() as conn:
        if officer.has(Role.FIELD_OFFICER, Role.FIELD_LEAD):
            role = Role.FIELD_OFFICER if officer.has(Role.FIELD_OFFICER) else Role.FIELD_LEAD
            table = request.app.state.settings.routing_for(court)  # None: no field teams configured here
            teams = sorted(table.teams_of(me)) if table is not None else []
            rows = await conn.fetch(
                f"SELECT {_COLS} FROM fo_tasks t LEFT JOIN case_facts f ON f.case_id = t.case_id WHERE t.court = $1"
                " AND ((t.status = 'accepted' AND t.assignee = $2) OR (t.status = 'routed' AND t.team_id = ANY($3)))",
                court, me, teams,
            )
            for r in rows:
                tid = r["task_id"]
                if r["status"] == "accepted":
                    work.append(Work("task_report", role, r["case_id"], r["case_number"],
                                     f"办理并回报外勤任务：{_what(r)}",
                                     r["deadline"], "POST", f"/tasks/{tid}/report", "回报结果", ref=tid,
                                     detail=f"记录一次外出：POST /tasks/{tid}/attempts"))
                else:
                    work.append(Work("task_accept", role, r["case_id"], r["case_number"],
                                     f"接受{r['team_name']}的外勤任务：{_what(r)}", r["deadline"],
                                     "POST", f"/tasks/{tid}/accept", "接受任务", ref=tid))
        if officer.has(Role.JUDGE):
            rows = await conn.fetch(
                f"SELECT {_COLS}, t.return_reason FROM fo_tasks t LEFT JOIN case_facts f ON f.case_id = t.case_id"
                " WHERE t.court = $1 AND t.judge_id = $2 AND t.status = 'returned'",
                court, me,
            )
            for r in rows:
                work.append(Work("task_returned", Role.JUDGE, r["case_id"], r["case_number"],
                                 f"外勤任务被退回（{r['return_reason']}）：重新下达或另行处理 {_what(r)}", None,
                                 "POST", f"/cases/{r['case_id']}/instructions", "重新下达指令", ref=r["task_id"]))
            rows = await conn.fetch(
                "SELECT p.proposal_id, p.case_id, p.kind, p.reason, f.case_number FROM fo_proposals p"
                " JOIN case_facts f ON f.case_id = p.case_id WHERE f.court = $1 AND f.judge_id = $2"
                " AND p.status = 'open'",
                court, me,
            )
            for r in rows:
                work.append(Work("proposal", Role.JUDGE, r["case_id"], r["case_number"],
                                 f"决定外勤建议：{label('field_kind', r['kind'])}（{r['reason']}）", None,
                                 "POST", f"/cases/{r['case_id']}/instructions", "下达外勤指令", ref=r["proposal_id"]))
    return work


@router.get("/worklist", summary="我的待办（按令牌中的人员、角色、法院；按期限排序，分页）")
async def my_worklist(request: Request, officer: Staff, rt: Rt, limit: Limit = 50, offset: Offset = 0) -> Worklist:
    today = clock.today()
    return worklist(officer, "field_ops", await collect(request, rt, officer, today), today, limit, offset)
