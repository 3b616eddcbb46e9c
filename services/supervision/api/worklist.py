"""我的待办 in supervision (shared/worklist.py), and the label table for the screens.

- judge: every open node of their own cases with its due date (the deadline engine, docs/rules.md
  §3), each pointing at the command of the service that does it (intake, asset_search, disposal).
- bureau_chief / vice_president / president: the overdue nodes escalated to their level (四级督办:
  level 2 执行局长, 3 分管副院长, 4 院长; ``ESCALATION_DAYS``), to chase.
- team_lead: the overdue nodes escalated to level 1 or above (团队长督办) of the cases whose latest
  assignment names them as the team's lead (intake.case_assigned v2 ``team_lead_id``: intake's roster
  knows the leads, supervision only what the events say). A case assigned before v2 names no lead and
  is on no team lead's list (its leaders' levels 2–4 still are).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter

from services.supervision import case_refs
from services.supervision.api.trail import Rt, Staff
from services.supervision.domain.deadlines import escalation_level
from services.supervision.settings import Settings
from shared import clock
from shared.auth import Principal, Role
from shared.labels import all_tables
from shared.openapi import ResponseModel
from shared.worklist import Limit, Offset, Work, Worklist, worklist

router = APIRouter(tags=["我的待办 worklist"])
LEADER_LEVELS = {Role.BUREAU_CHIEF: 2, Role.VICE_PRESIDENT: 3, Role.PRESIDENT: 4}


def _command(node: str, key: str, case_id: str) -> tuple[str, str, str, str]:
    """(service, method, path, label) of what completes a node; the case's deadlines otherwise."""
    ref = key.split(":", 2)[1] if ":" in key else ""
    table: dict[str, tuple[str, str, str, str]] = {
        "notice": ("intake", "POST", f"/cases/{case_id}/notices", "制作并签发执行通知书"),
        "close": ("intake", "POST", f"/cases/{case_id}/closure", "提请结案"),
        "fast_target": ("intake", "POST", f"/cases/{case_id}/closure", "提请结案"),
        "first_search": ("asset_search", "GET", f"/cases/{case_id}/search", "查看查控进度"),
        "investigation": ("asset_search", "GET", f"/cases/{case_id}/search", "查看查控进度"),
        "zhongben_search": ("asset_search", "GET", f"/cases/{case_id}/search", "查看查控进度"),
        "verify_lead": ("asset_search", "POST", f"/cases/{case_id}/leads/{ref}/verification", "登记核查结果"),
        "renew": ("asset_search", "POST", f"/cases/{case_id}/controls/{ref}/renewal", "裁定续行"),
        "price_start": ("disposal", "POST", f"/cases/{case_id}/disposals", "决定处置"),
        "sale_start": ("disposal", "POST", f"/disposals/{ref}/auction-terms", "确定拍卖条件"),
        "payout": ("disposal", "GET", f"/cases/{case_id}/ledger", "查看执行款"),
    }
    return table.get(node, ("supervision", "GET", f"/cases/{case_id}/deadlines", "查看期限"))


def _judge_item(r: Any, number: str | None) -> Work:
    service, method, path, action = _command(r["node"], r["key"], r["case_id"])
    return Work(f"node:{r['node']}", Role.JUDGE, r["case_id"], number, f"{r['title']}（{r['source']}）", r["due"],
                method, path, action, ref=r["key"], service=service)  # type: ignore[arg-type]


def _leader_item(role: str, r: Any, number: str | None, today: date, level: int) -> Work:
    overdue = (today - r["due"]).days
    return Work("escalation", role, r["case_id"], number,
                f"{level}级督办：{r['title']}已超期 {overdue} 天（承办法官 {r['judge_id'] or '未分案'}）", r["due"],
                "GET", f"/cases/{r['case_id']}/trail", "查看案件轨迹", ref=r["key"],
                detail=f"期限依据：{r['source']}")


async def collect(rt: Rt, officer: Principal, today: date) -> list[Work]:
    settings: Settings = rt.settings  # type: ignore[assignment]
    court, me = officer.court, officer.officer_id
    cols = "case_id, key, node, title, source, due, judge_id"
    rows: list[Any] = []
    work: list[Work] = []
    if officer.has(Role.JUDGE):
        rows = await rt.pool.fetch(
            f"SELECT {cols} FROM deadlines WHERE court = $1 AND judge_id = $2 AND completed_on IS NULL"
            " AND due IS NOT NULL", court, me)
    leader = [r for r in LEADER_LEVELS if officer.has(r)]
    late: list[Any] = []
    if leader:
        late = await rt.pool.fetch(
            f"SELECT {cols} FROM deadlines WHERE court = $1 AND completed_on IS NULL AND due < $2", court, today)
    team: list[Any] = []
    if officer.has(Role.TEAM_LEAD):
        team = await rt.pool.fetch(
            f"SELECT {', '.join('d.' + c for c in cols.split(', '))} FROM deadlines d JOIN LATERAL ("
            " SELECT payload->>'team_lead_id' AS lead FROM audit_trail a WHERE a.court = d.court"
            " AND a.case_id = d.case_id AND a.event_type = 'intake.case_assigned' ORDER BY a.seq DESC LIMIT 1"
            ") l ON true WHERE d.court = $1 AND d.completed_on IS NULL AND d.due < $2 AND l.lead = $3",
            court, today, me)
    names = await case_refs.numbers(rt.pool, court, [r["case_id"] for r in [*rows, *late, *team]])
    work += [_judge_item(r, names.get(r["case_id"])) for r in rows]
    for r in team:
        level = escalation_level((today - r["due"]).days, settings.deadlines.escalation_days)
        if level >= 1:
            work.append(_leader_item(Role.TEAM_LEAD, r, names.get(r["case_id"]), today, level))
    if leader:
        role = max(leader, key=lambda r: LEADER_LEVELS[r])
        floor = min(LEADER_LEVELS[r] for r in leader)
        for r in late:
            level = escalation_level((today - r["due"]).days, settings.deadlines.escalation_days)
            if level >= floor:
                work.append(_leader_item(role, r, names.get(r["case_id"]), today, level))
    return work


@router.get("/worklist", summary="我的待办（按令牌中的人员、角色、法院；按期限排序，分页）")
async def my_worklist(officer: Staff, rt: Rt, limit: Limit = 50, offset: Offset = 0) -> Worklist:
    today = clock.today()
    return worklist(officer, "supervision", await collect(rt, officer, today), today, limit, offset)


class Labels(ResponseModel):
    """各类代码的中文名称（角色、快执/普执、协助单位类型、控制措施、结案方式、期限节点等），一张表。"""

    tables: dict[str, dict[str, str]]


@router.get("/labels", summary="代码的中文名称表（看板与待办页面据此显示中文）")
async def labels(officer: Staff) -> Labels:
    return Labels.model_validate({"tables": all_tables()})
