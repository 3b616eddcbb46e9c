"""HTTP queries: a case's state and history, lists, lookups, workload."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Query, Request

from services.intake.api.common import DECIDER, Rt, Staff, config
from services.intake.api.models import CaseDetail, CaseList, CaseRow, JudgeWorkload, PartyCases, TeamWorkload
from services.intake.domain.closure import closure_due
from services.intake.domain.decider import stream_id
from services.intake.reads import OPEN_STATUSES, closure_facts, tolled
from shared import clock
from shared.auth import Principal
from shared.commands import fold
from shared.courts import CASE_TYPES, parse_case_number
from shared.errors import Forbidden, InvalidInput, NotFound, in_court
from shared.events import REGISTRY

router = APIRouter(tags=["查询 queries"])

COLUMNS = (
    "case_id, case_number, court, case_type, status, track, judge_id, team_id, applicant_name, applicant_id,"
    " respondent_name, respondent_id, claim_amount_fen, application_date, decide_by, registered_on,"
    " registered_by, limitation_warning, missing, supplement_deadline, closure_type, closed_on,"
    " linked_case_id, resumed_as, paid_in_full, version, updated_at"
)


def _own_court(officer: Principal, court: str | None) -> str:
    """A list or a workload filtered by court: only the caller's own (权责清单-本院)."""
    court = court or officer.court
    if court != officer.court:
        raise Forbidden("只能查询本院的案件", code="other_court", rule="权责清单-本院")
    return court


def _row(r: Any) -> dict[str, Any]:
    out = dict(r)
    out["case_type_name"] = CASE_TYPES.get(out["case_type"])
    return out


@router.get("/cases/{case_id}", summary="案件当前状态与办理经过")
async def get_case(case_id: str, request: Request, officer: Staff, rt: Rt) -> CaseDetail:
    async with rt.pool.acquire() as conn:
        row = await conn.fetchrow(f"SELECT {COLUMNS} FROM cases WHERE case_id = $1", case_id)
        if row is None or not in_court(officer.court, row["court"]):  # another court's: as if absent
            raise NotFound("未找到该案件", code="case_not_found")
        history = await rt.store.load(conn, stream_id(case_id))
        facts = await closure_facts(conn, case_id, config(request).closure)
        paused = await tolled(conn, case_id)
    state = fold(DECIDER, history)
    out = _row(row)
    out["closure_due"] = closure_due(state, clock.today(), paused) if state.registered_on else None
    out["notices"] = [{"notice_id": n.notice_id, "kind": n.kind, "document_hash": n.document_hash,
                       "prepared_by": n.prepared_by, "signed_by": n.signed_by} for n in state.notices]
    out["interviewed"] = state.interviewed
    out["facts"] = {
        "queries": len(facts.queries),
        "queries_unanswered": sum(1 for q in facts.queries if q[2] is None),
        "unverified_leads": list(facts.unverified_leads),
        "field_reports": facts.field_reports,
        "unresolved_assets": list(facts.unresolved_assets),
    }
    out["history"] = [
        {"version": e.stream_version, "event_type": e.event_type, "occurred_at": e.occurred_at,
         "actor_id": e.actor.id, "actor_role": e.actor.role, "summary": REGISTRY.parse(e).summary()}
        for e in history
    ]
    return CaseDetail.model_validate(out)


@router.get("/cases", summary="案件列表（按法院、轨道、状态、法官、团队、日期筛选）")
async def list_cases(
    officer: Staff, rt: Rt,
    court: str | None = None,
    track: Literal["fast", "ordinary"] | None = None,
    status: str | None = None,
    judge_id: str | None = None,
    team_id: str | None = None,
    case_type: str | None = None,
    registered_from: date | None = Query(default=None, description="立案日期起"),
    registered_to: date | None = Query(default=None, description="立案日期止"),
    limit: int = Query(default=50, ge=1, le=500),
    offset: int = Query(default=0, ge=0, le=1_000_000),
) -> CaseList:
    where: list[str] = ["court = $1"]
    args: list[Any] = [_own_court(officer, court)]
    for col, val in (("track", track), ("status", status), ("judge_id", judge_id), ("team_id", team_id),
                     ("case_type", case_type)):
        if val is not None:
            args.append(val)
            where.append(f"{col} = ${len(args)}")
    if registered_from is not None:
        args.append(registered_from)
        where.append(f"registered_on >= ${len(args)}")
    if registered_to is not None:
        args.append(registered_to)
        where.append(f"registered_on <= ${len(args)}")
    cond = " AND ".join(where)
    total = await rt.pool.fetchval(f"SELECT count(*) FROM cases WHERE {cond}", *args)
    rows = await rt.pool.fetch(
        f"SELECT {COLUMNS} FROM cases WHERE {cond} ORDER BY registered_on DESC NULLS LAST, case_number"
        f" LIMIT {limit} OFFSET {offset}", *args,
    )
    return CaseList.model_validate({"total": total, "items": [_row(r) for r in rows]})


@router.get("/cases/by-number/{case_number}", summary="按案号查询（半角括号亦可）")
async def by_number(case_number: str, officer: Staff, rt: Rt) -> CaseRow:
    try:
        number = str(parse_case_number(case_number))
    except ValueError as exc:
        raise InvalidInput(str(exc), code="invalid_case_number") from None
    row = await rt.pool.fetchrow(f"SELECT {COLUMNS} FROM cases WHERE case_number = $1", number)
    if row is None or not in_court(officer.court, row["court"]):  # another court's: as if absent
        raise NotFound(f"未找到案号为 {number} 的案件", code="case_not_found")
    return CaseRow.model_validate(_row(row))


@router.get("/parties/{id_number}/cases", summary="按当事人证件号（身份证号/统一社会信用代码）查询案件")
async def by_party(id_number: str, officer: Staff, rt: Rt) -> PartyCases:
    key = id_number.strip().upper()
    rows = await rt.pool.fetch(
        f"SELECT {COLUMNS} FROM cases WHERE court = $2 AND (respondent_id = $1 OR applicant_id = $1)"
        " ORDER BY registered_on DESC NULLS LAST",
        key, officer.court,
    )
    return PartyCases.model_validate({
        "id_number": key,
        "items": [_row(r) | {"party_role": "respondent" if r["respondent_id"] == key else "applicant"} for r in rows],
    })


async def _loads(rt: Rt, court: str) -> dict[str, dict[str, int]]:
    rows = await rt.pool.fetch(
        "SELECT judge_id, status, count(*) AS n FROM cases WHERE court = $1 AND judge_id IS NOT NULL"
        " GROUP BY judge_id, status",
        court,
    )
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        out.setdefault(r["judge_id"], {})[r["status"]] = int(r["n"])
    return out


@router.get("/workload/judges", summary="法官办案量（在办、已结）")
async def judge_workload(request: Request, officer: Staff, rt: Rt, court: str | None = None) -> JudgeWorkload:
    court = _own_court(officer, court)
    roster = config(request).roster(court)
    loads = await _loads(rt, court)
    judges = sorted(roster.judges() | set(loads))
    items = []
    for j in judges:
        by_status = loads.get(j, {})
        team = roster.team_of(j)
        items.append({"judge_id": j, "team_id": team.team_id if team else None,
                      "open": sum(n for s, n in by_status.items() if s in OPEN_STATUSES),
                      "closed": by_status.get("closed", 0), "by_status": by_status})
    return JudgeWorkload.model_validate({"court": court, "judges": items})


@router.get("/workload/teams", summary="团队办案量")
async def team_workload(request: Request, officer: Staff, rt: Rt, court: str | None = None) -> TeamWorkload:
    court = _own_court(officer, court)
    roster = config(request).roster(court)
    loads = await _loads(rt, court)
    items = []
    for t in roster.teams:
        open_ = sum(n for j in t.judges for s, n in loads.get(j, {}).items() if s in OPEN_STATUSES)
        closed = sum(loads.get(j, {}).get("closed", 0) for j in t.judges)
        items.append({"team_id": t.team_id, "name": t.name, "track": t.track, "lead_id": t.lead_id,
                      "judges": list(t.judges), "open": open_, "closed": closed})
    return TeamWorkload.model_validate({"court": court, "teams": items})
