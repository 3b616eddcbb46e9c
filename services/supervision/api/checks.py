"""HTTP surface of the checks: 互相制约 findings, deadlines with their status, holiday schedules."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import Field, model_validator

from services.supervision import case_refs
from services.supervision.api.models import (
    CaseDeadlines,
    Findings,
    Holidays,
    HolidaysLoaded,
    OpenDeadlines,
    Rules,
)
from services.supervision.api.trail import CaseReader, Rt, Watcher, readable_case
from services.supervision.domain.deadlines import escalation_level, status
from services.supervision.domain.findings import RULES
from services.supervision.domain.ruleset import ruleset_version
from services.supervision.settings import Settings
from services.supervision.trail.checks import load_context, refresh_case, save_year
from services.supervision.trail.integrity import RECORD_RULES
from shared.app import Runtime
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.calendar_topic import CalendarFollower, CalendarYear, calendar_topic, publish_year
from shared.clock import SHANGHAI
from shared.envelope import now_shanghai
from shared.errors import FieldError, InvalidInput
from shared.text import RequestModel

router = APIRouter(tags=["监管 supervision"])
Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN, rule=POWERS_LIST))]
LEVELS = {1: "团队长", 2: "执行局长", 3: "分管副院长", 4: "院长"}


@router.get("/rules", summary="检查规则集（互相制约规则与审计轨迹自身的检查，含版本）")
async def rules(officer: Watcher) -> Rules:
    kinds = [("互相制约", r) for r in RULES] + [("轨迹", r) for r in RECORD_RULES]
    return Rules.model_validate({
        "ruleset_version": ruleset_version([*RULES, *RECORD_RULES]),
        "rules": [
            {"rule_id": r.rule_id, "version": r.version, "kind": kind, "title": r.title, "source": r.source}
            for kind, r in kinds
        ],
    })


@router.get("/findings", summary="互相制约检查发现（本院）")
async def findings(
    officer: Watcher,
    rt: Rt,
    case_id: str | None = None,
    rule_id: str | None = None,
    person: Annotated[str | None, Query(description="涉及人员")] = None,
    track: Annotated[Literal["fast", "ordinary"] | None, Query(description="快执 fast / 普执 ordinary")] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> Findings:
    clauses: list[str] = ["court = $1"]
    args: list[Any] = [officer.court]
    if case_id:
        case_id = await case_refs.resolve(rt.pool, officer.court, case_id)  # a case number will do
    if track:
        args.append(sorted(c for c, t in (await case_refs.tracks(rt.pool, officer.court)).items() if t == track))
        clauses.append(f"case_id = ANY(${len(args)}::text[])")
    for column, value in (("case_id", case_id), ("rule_id", rule_id)):
        if value:
            args.append(value)
            clauses.append(f"{column} = ${len(args)}")
    if person:
        args.append(person)
        clauses.append(f"${len(args)} = ANY(people)")
    rows = await rt.pool.fetch(
        "SELECT finding_id::text, rule_id, rule_version, case_id, people, event_ids, message, raised_at"
        f" FROM findings WHERE {' AND '.join(clauses)} ORDER BY raised_at, finding_id LIMIT {limit}",
        *args,
    )
    names = await case_refs.numbers(rt.pool, officer.court, (r["case_id"] for r in rows))
    return Findings.model_validate({"findings": [dict(r) | {"case_number": names.get(r["case_id"])} for r in rows]})


def as_it_stood(as_of: date | None, param: str) -> list[str]:
    """SQL conditions for deadlines open on ``as_of`` (bound to ``param``): started by then and not
    done by then. Without ``as_of`` (today): not done, which the partial index ``deadlines_open_idx``
    serves."""
    if as_of is None:
        return ["completed_on IS NULL"]
    return [f"start_date <= {param}", f"(completed_on IS NULL OR completed_on > {param})"]


def _with_status(row: Any, today: date, settings: Settings) -> dict[str, Any]:
    d = dict(row)
    for k in ("start_date", "due", "completed_on"):
        d[k] = d[k].isoformat() if d[k] else None
    d["status"] = status(d, today, settings.deadlines.warning_days_for(d["node"]))
    overdue = (today - row["due"]).days if d["status"] == "overdue" else 0
    d["days_overdue"] = overdue
    d["escalation_level"] = escalation_level(overdue, settings.deadlines.escalation_days)
    d["escalated_to"] = LEVELS.get(d["escalation_level"])
    return d


_DEADLINE_COLUMNS = (
    "case_id, key, node, judge_id, team_id, title, source, start_date, start_event_id, due, completed_on,"
    " completed_event_id, explanation, fallback_calendar, paused"
)


@router.get("/cases/{case_id}/deadlines", summary="案件各节点期限（含计算说明、状态、督办级别）")
async def case_deadlines(
    case_id: str,
    officer: CaseReader,
    rt: Rt,
    as_of: Annotated[date | None, Query(description="按此日期判断状态，默认今天")] = None,
) -> CaseDeadlines:
    today = as_of or now_shanghai().date()
    case_id = await readable_case(rt, case_id, officer)
    number = (await case_refs.numbers(rt.pool, officer.court, [case_id])).get(case_id)
    rows = await rt.pool.fetch(
        f"SELECT {_DEADLINE_COLUMNS} FROM deadlines WHERE case_id = $1 AND court = $2 ORDER BY start_date, key",
        case_id,
        officer.court,
    )
    settings: Settings = rt.settings  # type: ignore[assignment]
    return CaseDeadlines.model_validate({
        "case_id": case_id,
        "case_number": number,
        "as_of": today.isoformat(),
        "deadlines": [_with_status(r, today, settings) | {"case_number": number}
                      for r in rows if as_of is None or r["start_date"] <= as_of],
    })


@router.get("/deadlines", summary="本院临期、超期节点（督办看板）")
async def open_deadlines(
    officer: Watcher,
    rt: Rt,
    status_: Annotated[Literal["warning", "overdue"], Query(alias="status")] = "overdue",
    as_of: date | None = None,
    judge_id: str | None = None,
    team_id: str | None = None,
    track: Annotated[Literal["fast", "ordinary"] | None, Query(description="快执 fast / 普执 ordinary")] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> OpenDeadlines:
    settings: Settings = rt.settings  # type: ignore[assignment]
    today = as_of or now_shanghai().date()
    # The status is decided in SQL, before the LIMIT, exactly as ``status`` decides it: as it stood
    # on ``as_of`` (started by then, not done by then), overdue past its due date, warning within its
    # node's warning days. A page of 1000 is 1000 deadlines of the asked status.
    args: list[Any] = [officer.court, today]
    clauses = ["court = $1", *as_it_stood(as_of, "$2"), "due IS NOT NULL"]
    if status_ == "overdue":
        clauses.append("due < $2")
    else:
        nodes = sorted(settings.deadlines.node_warning_days)
        args += [nodes, [settings.deadlines.node_warning_days[n] for n in nodes], settings.deadlines.warning_days]
        clauses.append("due >= $2 AND due - $2 <= COALESCE((SELECT w FROM unnest($3::text[], $4::int[]) AS t(n, w)"
                       " WHERE t.n = node), $5)")
    for column, value in (("judge_id", judge_id), ("team_id", team_id)):
        if value:
            args.append(value)
            clauses.append(f"{column} = ${len(args)}")
    if track:
        args.append(sorted(c for c, t in (await case_refs.tracks(rt.pool, officer.court)).items() if t == track))
        clauses.append(f"case_id = ANY(${len(args)}::text[])")
    rows = await rt.pool.fetch(
        f"SELECT {_DEADLINE_COLUMNS} FROM deadlines WHERE {' AND '.join(clauses)} ORDER BY due, case_id, key"
        f" LIMIT {limit}",
        *args,
    )
    names = await case_refs.numbers(rt.pool, officer.court, (r["case_id"] for r in rows))
    items = [d | {"case_number": names.get(d["case_id"])}
             for d in (_with_status(r, today, settings) for r in rows) if d["status"] == status_]
    return OpenDeadlines.model_validate({"as_of": today.isoformat(), "status": status_, "deadlines": items})


class YearScheduleIn(RequestModel):
    """国务院办公厅公布的某年节假日安排：放假日期与调休上班日期。"""

    holidays: list[date] = Field(description="放假日期（含调休放假的工作日）")
    workdays: list[date] = Field(default_factory=list, description="调休上班的周末日期")
    source: str = Field(default="未注明", min_length=1, max_length=200,
                        description="依据：国务院办公厅关于该年部分节假日安排的通知（文号）")
    reason: str = Field(default="导入当年节假日安排", min_length=1, max_length=500, description="导入理由")

    @model_validator(mode="after")
    def _consistent(self) -> YearScheduleIn:
        clash = set(self.holidays) & set(self.workdays)
        if clash:
            raise ValueError(f"同一日期不能既放假又上班：{sorted(d.isoformat() for d in clash)}")
        return self


@router.get("/admin/holidays", summary="已导入的节假日安排")
async def list_holidays(officer: Admin, rt: Rt) -> Holidays:
    rows = await rt.pool.fetch("SELECT year, holidays, workdays, loaded_by, loaded_at, source, reason, event_id"
                               " FROM holiday_years ORDER BY 1")
    return Holidays.model_validate({"years": [dict(r) for r in rows]})


@router.put("/admin/holidays/{year}",
            summary="导入某年节假日安排：各服务与模拟器一秒内随之采用（节假日记录），并重算所有案件期限")
async def load_holidays(year: int, body: YearScheduleIn, officer: Admin, rt: Rt) -> HolidaysLoaded:
    wrong = [
        FieldError(f"{name}[{i}]", f"日期 {d.isoformat()} 不在 {year} 年", "wrong_year")
        for name, days in (("holidays", body.holidays), ("workdays", body.workdays))
        for i, d in enumerate(days)
        if d.year != year
    ]
    if not 2000 <= year <= 2100 or wrong:
        raise InvalidInput("节假日安排与年份不符", errors=wrong or [FieldError("year", "年份应在2000至2100之间")])
    settings: Settings = rt.settings  # type: ignore[assignment]
    # One calendar for every service: the load is a record on the calendar topic, which every process
    # of every service applies (shared/calendar_topic.py); this process's copy goes into holiday_years.
    record = CalendarYear(
        event_id=uuid.uuid4(), year=year, holidays=sorted(set(body.holidays)), workdays=sorted(set(body.workdays)),
        source=body.source, actor_id=officer.officer_id, actor_name=officer.name, reason=body.reason,
        recorded_at=datetime.now(SHANGHAI),  # when it was loaded (the wall clock, as for a clock move)
    )
    await publish_year(rt.producer, calendar_topic(rt.settings.case_events_topic), record)
    follower: CalendarFollower | None = rt.extras.get("calendar")
    if follower is not None:
        await follower.applied(record.event_id, within_s=10)
    async with rt.pool.acquire() as conn:
        await save_year(conn, record)  # applied already, normally: a no-op then
    recomputed = await recompute_all(rt, settings)
    return HolidaysLoaded.model_validate({
        "year": year,
        "holidays": len(record.holidays),
        "workdays": len(record.workdays),
        "cases_recomputed": recomputed,
        "event_id": record.event_id,
        "source": record.source,
    })


async def store_year(rt: Runtime, record: CalendarYear) -> None:
    """Every supervision process keeps its copy of each load (``on_calendar_load``)."""
    async with rt.pool.acquire() as conn:
        await save_year(conn, record)


async def publish_earlier_years(rt: Runtime) -> None:
    """At start-up (after the calendar topic was applied): a year in ``holiday_years`` that was loaded
    before the calendar topic existed (no record id) is published once, so every service has it too."""
    rows = await rt.pool.fetch("SELECT year, holidays, workdays, loaded_by, loaded_at, source, reason"
                               " FROM holiday_years WHERE event_id IS NULL ORDER BY year")
    follower: CalendarFollower | None = rt.extras.get("calendar")
    for r in rows:
        record = CalendarYear(
            event_id=uuid.uuid4(), year=r["year"], holidays=list(r["holidays"]), workdays=list(r["workdays"]),
            source=r["source"] or "未注明（节假日记录建立前导入）", actor_id=r["loaded_by"], actor_name=r["loaded_by"],
            reason=r["reason"] or "节假日记录建立前导入的年份：启动时补发给各服务", recorded_at=r["loaded_at"],
        )
        await publish_year(rt.producer, calendar_topic(rt.settings.case_events_topic), record)
        if follower is not None:
            await follower.applied(record.event_id, within_s=10)


async def recompute_all(rt: Rt, settings: Settings) -> int:
    """Refresh every case's deadlines (and findings) with the current calendar, case by case."""
    from services.supervision.trail.record import PROJECTION_LOCK

    count = 0
    async with rt.pool.acquire() as reader:
        case_ids = [r["case_id"] for r in await reader.fetch("SELECT case_id FROM case_heads ORDER BY case_id")]
    for case_id in case_ids:
        async with rt.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock_shared($1)", PROJECTION_LOCK)
            await refresh_case(conn, "public", case_id, await load_context(conn, settings.deadlines))
        count += 1
    return count
