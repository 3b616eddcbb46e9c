"""我的待办 in intake (shared/worklist.py): what intake's commands are waiting for from the caller.

- judge: each of their open cases with its close-by date (6 months + extensions + pauses; 执行工作规定
  第17条 / 期限规定 2006 第1条) and the command to propose closure; notices prepared for them to sign.
- vice_president / president: extension requests to approve (期限规定 2006 art. 1: 报请本院院长或
  副院长批准), due by the case's close-by date.
- bureau_chief / vice_president / president: closure proposals (终本 and the others) to approve or
  reject, never of a case they handle (互相制约-6), due by the close-by date.
- president: fines and detentions proposed by a judge, to approve or refuse (民诉法 2023 art. 119:
  决定须经院长批准), never one they proposed (互相制约-13); the law sets no time for it (no due date).
- reviewer: the objections (执行异议) they were named to review, to decide within 15 days of
  receipt of the written objection (民诉法 2023 art. 236): the decide_by the registration recorded, else
  shared.periods.objection_decide_by from the receipt (older events: the day it was registered).
- team_lead: their team's open cases within 30 days of (or past) the close-by date, to supervise.
- affairs_clerk: the enforcement notice to prepare for each newly assigned case, within 3 days of
  assignment (期限规定 art. 4) and at the latest 10 days after the application (民诉法解释 art. 480),
  counted by shared.periods.notice_by as supervision's ``notice`` node counts it (a last day on a rest
  day moved to the next working day, 民诉法 art. 85); the judge then signs.
- intake_clerk: applications to register or refuse within 7 days (执行工作规定第16条), and
  supplements awaited by their deadline (the desk's queue: every clerk of the court sees it).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import asyncpg
from fastapi import APIRouter, Request

from services.intake.api.common import DECIDER, Rt, Staff, config
from services.intake.domain.closure import closure_due
from services.intake.domain.decider import stream_id
from services.intake.domain.filing import CALENDAR
from services.intake.domain.objections import review_due
from services.intake.domain.state import CaseState
from shared import clock
from shared.auth import Principal, Role
from shared.commands import fold
from shared.labels import label
from shared.periods import notice_by
from shared.worklist import Limit, Offset, Work, Worklist, worklist

router = APIRouter(tags=["我的待办 worklist"])
WATCH_DAYS = 30  # a team lead sees cases this close to their close-by date
APPROVERS = (Role.BUREAU_CHIEF, Role.VICE_PRESIDENT, Role.PRESIDENT)


async def _state(conn: asyncpg.Connection, rt: Rt, case_id: str) -> CaseState:
    return fold(DECIDER, await rt.store.load(conn, stream_id(case_id)))


def _judge_work(state: CaseState, today: date) -> list[Work]:
    cid, number = state.case_id or "", state.case_number
    out: list[Work] = []
    for n in state.notices:
        if n.signed_by is None:
            out.append(Work("notice_sign", Role.JUDGE, cid, number, f"签发{label('notice_kind', n.kind)}", None,
                            "POST", f"/cases/{cid}/notices/{n.notice_id}/sign", "签发文书", ref=n.notice_id))
    due = closure_due(state, today)
    if state.status in ("registered", "in_progress"):
        out.append(Work("case_close", Role.JUDGE, cid, number, "在法定期限内办结本案（执行完毕、终本等）", due,
                        "POST", f"/cases/{cid}/closure", "提请结案"))
    elif state.status in ("suspended", "postponed"):
        lift = "suspension" if state.status == "suspended" else "postponement"
        out.append(Work("case_resume", Role.JUDGE, cid, number,
                        f"{label('case_status', state.status)}：事由消除后恢复执行（期限暂停计算）", None,
                        "POST", f"/cases/{cid}/{lift}/lift", "恢复执行"))
    return out


def _approvals(officer: Principal, state: CaseState, today: date) -> list[Work]:
    cid, number = state.case_id or "", state.case_number
    due = closure_due(state, today)
    out: list[Work] = []
    if state.judge_id == officer.officer_id:  # 互相制约-6/-11: never one's own case
        return out
    if state.extension_months_requested and officer.has(Role.VICE_PRESIDENT, Role.PRESIDENT):
        role = Role.PRESIDENT if officer.has(Role.PRESIDENT) else Role.VICE_PRESIDENT
        out.append(Work("extension_approval", role, cid, number,
                        f"审批延长执行期限 {state.extension_months_requested} 个月（承办法官 {state.judge_id}）",
                        due, "POST", f"/cases/{cid}/extension/approve", "批准延长"))
    if state.status == "closure_proposed" and state.proposal is not None and officer.has(*APPROVERS):
        role = next(r for r in APPROVERS if officer.has(r))
        kind = state.proposal.closure_type
        out.append(Work("closure_approval", role, cid, number,
                        f"审批结案：{label('closure_type', kind)}（承办法官 {state.proposal.judge_id}）", due,
                        "POST", f"/cases/{cid}/closure/approve", "批准结案",
                        detail=f"不批准：POST /cases/{cid}/closure/reject"))
    return out


def _desk(row: Any) -> Work:
    cid = row["case_id"]
    if row["status"] == "awaiting_supplement":
        return Work("supplement", Role.INTAKE_CLERK, cid, None, f"等待申请人补正材料（申请人 {row['applicant_name']}）",
                    row["supplement_deadline"], "POST", f"/applications/{cid}/supplements", "登记补正")
    return Work("register", Role.INTAKE_CLERK, cid, None,
                f"立案审查：立案或裁定不予受理（申请人 {row['applicant_name']}）", row["decide_by"],
                "POST", f"/applications/{cid}/register", "立案登记")


async def _pending_extensions(conn: asyncpg.Connection, court: str) -> list[str]:
    rows = await conn.fetch(
        "SELECT c.case_id FROM cases c WHERE c.court = $1 AND c.status <> 'closed' AND EXISTS ("
        " SELECT 1 FROM events r WHERE r.case_id = c.case_id AND r.event_type = 'intake.extension_requested'"
        " AND NOT EXISTS (SELECT 1 FROM events a WHERE a.case_id = c.case_id"
        " AND a.event_type = 'intake.extension_approved' AND a.position > r.position))",
        court,
    )
    return [r["case_id"] for r in rows]


async def _measures(conn: asyncpg.Connection, officer: Principal) -> list[Work]:
    """Fines and detentions proposed and neither approved nor refused yet (the measure streams)."""
    rows = await conn.fetch(
        "SELECT p.case_id, c.case_number, p.envelope->'payload'->>'measure_id' AS measure_id,"
        " p.envelope->'payload'->>'measure_zh' AS what, p.envelope->'payload'->>'proposed_by' AS judge_id"
        " FROM events p JOIN cases c ON c.case_id = p.case_id WHERE c.court = $1"
        " AND p.event_type = 'intake.measure_proposed' AND NOT EXISTS (SELECT 1 FROM events d"
        " WHERE d.case_id = p.case_id AND d.event_type IN ('intake.measure_approved', 'intake.measure_rejected')"
        " AND d.envelope->'payload'->>'measure_id' = p.envelope->'payload'->>'measure_id')",
        officer.court,
    )
    return [
        Work("measure_approval", Role.PRESIDENT, r["case_id"], r["case_number"],
             f"审批强制措施：{r['what']}（承办法官 {r['judge_id']} 提请）", None,
             "POST", f"/cases/{r['case_id']}/measures/{r['measure_id']}/approve", "批准",
             ref=r["measure_id"], detail=f"不批准：POST /cases/{r['case_id']}/measures/{r['measure_id']}/reject")
        for r in rows
        if r["judge_id"] != officer.officer_id  # 互相制约-13
    ]


def objection_due(decide_by: str | None, received_on: str | None, registered_on: date) -> date:
    """The objection's last day: as its registration recorded it (v3), else counted from its receipt
    (or, for an older event without one, the day it was registered) — supervision's objection node."""
    if decide_by:
        return date.fromisoformat(decide_by)
    return review_due(date.fromisoformat(received_on) if received_on else registered_on)


async def _objections(conn: asyncpg.Connection, officer: Principal) -> list[Work]:
    """Objections registered naming the caller as a reviewer and not decided yet."""
    rows = await conn.fetch(
        "SELECT r.case_id, c.case_number, r.envelope->'payload'->>'objection_case_id' AS oid,"
        " r.envelope->'payload'->>'objection_case_number' AS onumber,"
        " r.envelope->'payload'->>'received_on' AS received_on, r.envelope->'payload'->>'decide_by' AS decide_by,"
        " (r.occurred_at AT TIME ZONE 'Asia/Shanghai')::date AS registered_on"
        " FROM events r JOIN cases c ON c.case_id = r.case_id WHERE c.court = $1"
        " AND r.event_type = 'intake.objection_registered' AND (r.envelope->'payload'->'reviewers')::jsonb ? $2"
        " AND NOT EXISTS (SELECT 1 FROM events d WHERE d.case_id = r.case_id"
        " AND d.event_type = 'intake.objection_decided'"
        " AND d.envelope->'payload'->>'objection_case_id' = r.envelope->'payload'->>'objection_case_id')",
        officer.court, officer.officer_id,
    )
    return [
        Work("objection_decision", Role.REVIEWER, r["case_id"], r["case_number"],
             f"审查执行异议 {r['onumber']}（15日内作出裁定）", objection_due(r["decide_by"], r["received_on"],
                                                                 r["registered_on"]),
             "POST", f"/cases/{r['case_id']}/objections/{r['oid']}/decision", "作出异议裁定", ref=r["oid"])
        for r in rows
    ]


async def _notices_to_prepare(conn: asyncpg.Connection, court: str) -> list[Work]:
    rows = await conn.fetch(
        "SELECT c.case_id, c.case_number, c.application_date, c.judge_id,"
        " (a.occurred_at AT TIME ZONE 'Asia/Shanghai')::date AS assigned_on FROM cases c"
        " JOIN LATERAL (SELECT occurred_at FROM events WHERE case_id = c.case_id"
        " AND event_type = 'intake.case_assigned'"
        " ORDER BY position LIMIT 1) a ON true"
        " WHERE c.court = $1 AND c.status IN ('registered', 'in_progress') AND NOT EXISTS (SELECT 1 FROM events n"
        " WHERE n.case_id = c.case_id AND n.event_type = 'intake.notice_prepared'"
        " AND n.envelope->'payload'->>'notice_kind' = 'enforcement_notice')",
        court,
    )
    return [
        Work("notice_prepare", Role.AFFAIRS_CLERK, r["case_id"], r["case_number"],
             f"制作执行通知书及报告财产令，交承办法官 {r['judge_id']} 签发",
             notice_by(r["assigned_on"], r["application_date"], CALENDAR).due,
             "POST", f"/cases/{r['case_id']}/notices", "制作文书")
        for r in rows
    ]


async def collect(officer: Principal, rt: Rt, request: Request, today: date) -> list[Work]:
    work: list[Work] = []
    court, me = officer.court, officer.officer_id
    async with rt.pool.acquire() as conn:
        if officer.has(Role.JUDGE):
            ids = await conn.fetch(
                "SELECT case_id FROM cases WHERE court = $1 AND judge_id = $2 AND status IN"
                " ('registered', 'in_progress', 'suspended', 'postponed')", court, me)
            for r in ids:
                work += _judge_work(await _state(conn, rt, r["case_id"]), today)
        if officer.has(*APPROVERS):
            ids = [r["case_id"] for r in await conn.fetch(
                "SELECT case_id FROM cases WHERE court = $1 AND status = 'closure_proposed'", court)]
            ids += await _pending_extensions(conn, court) if officer.has(Role.VICE_PRESIDENT, Role.PRESIDENT) else []
            for cid in sorted(set(ids)):
                work += _approvals(officer, await _state(conn, rt, cid), today)
        if officer.has(Role.PRESIDENT):
            work += await _measures(conn, officer)
        if officer.has(Role.REVIEWER):
            work += await _objections(conn, officer)
        if officer.has(Role.TEAM_LEAD):
            teams = [t.team_id for t in config(request).roster(court).teams if t.lead_id == me]
            ids = await conn.fetch(
                "SELECT case_id FROM cases WHERE court = $1 AND team_id = ANY($2::text[])"
                " AND status IN ('registered', 'in_progress')", court, teams)
            for r in ids:
                state = await _state(conn, rt, r["case_id"])
                due = closure_due(state, today)
                if due is not None and due <= today + timedelta(days=WATCH_DAYS):
                    work.append(Work("team_watch", Role.TEAM_LEAD, r["case_id"], state.case_number,
                                     f"督促办结：承办法官 {state.judge_id} 的案件临近或超过办结期限", due,
                                     "GET", f"/cases/{r['case_id']}", "查看案件"))
        if officer.has(Role.AFFAIRS_CLERK):
            work += await _notices_to_prepare(conn, court)
        if officer.has(Role.INTAKE_CLERK):
            rows = await conn.fetch(
                "SELECT case_id, status, applicant_name, decide_by, supplement_deadline FROM cases"
                " WHERE court = $1 AND status IN ('applied', 'awaiting_supplement')", court)
            work += [_desk(r) for r in rows]
    return work


@router.get("/worklist", summary="我的待办（按令牌中的人员、角色、法院；按期限排序，分页）")
async def my_worklist(request: Request, officer: Staff, rt: Rt, limit: Limit = 50, offset: Offset = 0) -> Worklist:
    today = clock.today()
    return worklist(officer, "intake", await collect(officer, rt, request, today), today, limit, offset)
