"""我的待办 in asset_search (shared/worklist.py).

- search_officer: the applicants' asset leads to verify, each by its due date (7 days, 3 if urgent:
  执行工作规定; rules.LEAD_DAYS), and the cases whose online queries still wait for an agency, by the
  first query's due date (to chase the agency, 网络查控规定).
- judge: the same leads of their own cases (a judge may verify them too), and the controls of their
  own cases expiring within 30 days, to renew before they lapse (查扣冻规定 art. 29; 民诉法解释 art. 485);
  an exit restriction (or its lifting) the border authority refused, to act on (decide again, or take
  it up with the authority) — until a later request for the same restriction supersedes it (民诉法 art. 266).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Depends

from services.asset_search.api.staff import Rt
from shared import clock
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.labels import label
from shared.worklist import Limit, Offset, Work, Worklist, worklist

router = APIRouter(tags=["我的待办 worklist"])
Staff = Annotated[Principal, Depends(require_roles(*[r.value for r in Role], rule=POWERS_LIST))]
RENEW_WITHIN_DAYS = 30


async def collect(rt: Rt, officer: Principal, today: date) -> list[Work]:
    court, me = officer.court, officer.officer_id
    searcher, judge = officer.has(Role.SEARCH_OFFICER), officer.has(Role.JUDGE)
    work: list[Work] = []
    if not (searcher or judge):
        return work
    async with rt.pool.acquire() as conn:
        leads = await conn.fetch(
            "SELECT l.lead_id, l.case_id, l.urgent, l.description, l.due_date, f.case_number, f.judge_id"
            " FROM leads l JOIN case_facts f ON f.case_id = l.case_id WHERE f.court = $1 AND l.status = 'open'"
            " AND ($2 OR f.judge_id = $3)",
            court, searcher, me,
        )
        for r in leads:
            role = Role.SEARCH_OFFICER if searcher else Role.JUDGE
            work.append(Work("lead_verify", role, r["case_id"], r["case_number"],
                             f"核查申请人提供的财产线索{'（紧急）' if r['urgent'] else ''}：{r['description']}",
                             r["due_date"],
                             "POST", f"/cases/{r['case_id']}/leads/{r['lead_id']}/verification", "登记核查结果",
                             ref=r["lead_id"]))
        if searcher:
            rows = await conn.fetch(
                "SELECT q.case_id, f.case_number, count(*) AS waiting, count(*) FILTER (WHERE q.overdue) AS late,"
                " min(q.due_at) AS first_due, array_agg(DISTINCT q.agency_kind ORDER BY q.agency_kind) AS kinds"
                " FROM queries q JOIN case_facts f ON f.case_id = q.case_id"
                " WHERE f.court = $1 AND q.status <> 'answered' GROUP BY q.case_id, f.case_number",
                court,
            )
            for r in rows:
                kinds = "、".join(label("agency_kind", k) for k in r["kinds"])
                late = f"，其中 {r['late']} 个已逾期" if r["late"] else ""
                work.append(Work("queries_due", Role.SEARCH_OFFICER, r["case_id"], r["case_number"],
                                 f"跟进协助单位答复：{r['waiting']} 个查询未答复{late}（{kinds}）",
                                 r["first_due"].astimezone(clock.SHANGHAI).date(),
                                 "GET", f"/cases/{r['case_id']}/search", "查看查控进度"))
        if judge:
            rows = await conn.fetch(
                "SELECT c.control_id, c.case_id, c.asset_id, c.asset_kind, c.measure, c.expiry_date, f.case_number"
                " FROM controls c JOIN case_facts f ON f.case_id = c.case_id WHERE f.court = $1 AND f.judge_id = $2"
                " AND c.status = 'effective' AND NOT c.renewal_pending AND c.expiry_date IS NOT NULL"
                " AND c.expiry_date <= $3",
                court, me, today + timedelta(days=RENEW_WITHIN_DAYS),
            )
            for r in rows:
                work.append(Work("control_renew", Role.JUDGE, r["case_id"], r["case_number"],
                                 f"续行{label('measure', r['measure'])}（{label('asset_kind', r['asset_kind'])}，"
                                 f"财产 {r['asset_id']}），到期前办理", r["expiry_date"],
                                 "POST", f"/cases/{r['case_id']}/controls/{r['control_id']}/renewal", "裁定续行",
                                 ref=r["control_id"]))
            work += await _refused_exit_restrictions(conn, court, me)
    return work


async def _refused_exit_restrictions(conn: asyncpg.Connection, court: str, judge_id: str) -> list[Work]:
    """The judge's cases whose exit restriction's latest request came back refused by the border authority."""
    rows = await conn.fetch(
        "SELECT DISTINCT ON (e.restriction_id) e.*, f.case_number FROM exit_requests e"
        " JOIN case_facts f ON f.case_id = e.case_id WHERE f.court = $1 AND f.judge_id = $2"
        " ORDER BY e.restriction_id, e.requested_at DESC, e.request_id DESC", court, judge_id)
    work = []
    for r in rows:
        if r["outcome"] != "refused":
            continue
        what = "解除限制出境" if r["action"] == "lift" else "限制出境"
        work.append(Work("exit_restriction_refused", Role.JUDGE, r["case_id"], r["case_number"],
                         f"边控机关未能办理{what}：{r['subject_name']}（{r['reason'] or '未说明理由'}），请核实后处理",
                         r["confirmed_at"].astimezone(clock.SHANGHAI).date() if r["confirmed_at"] else None,
                         "GET", f"/cases/{r['case_id']}/exit-restrictions", "查看边控回执",
                         ref=r["request_id"]))
    return work


@router.get("/worklist", summary="我的待办（按令牌中的人员、角色、法院；按期限排序，分页）")
async def my_worklist(officer: Staff, rt: Rt, limit: Limit = 50, offset: Offset = 0) -> Worklist:
    today = clock.today()
    return worklist(officer, "asset_search", await collect(rt, officer, today), today, limit, offset)
