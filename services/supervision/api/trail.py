"""Supervision's HTTP surface: the audit trail, an officer's actions, exports."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from services.supervision import case_refs
from services.supervision import reads as queries
from services.supervision.api.models import CaseTrail, OfficerActions, TrailEntry
from services.supervision.reads import TrailFilter
from services.supervision.trail.chain import escape, unescape
from services.supervision.trail.names import NAMING_EVENTS, OFFICER_FIELDS, Names
from services.supervision.trail.sentences import sentence
from shared import openapi
from shared.app import Runtime, runtime
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.errors import Forbidden, NotFound
from shared.text import BIGINT_MAX

router = APIRouter(tags=["监管 supervision"])
WATCHERS = (Role.SUPERVISOR, Role.BUREAU_CHIEF, Role.VICE_PRESIDENT, Role.PRESIDENT, Role.ADMIN)
Watcher = Annotated[Principal, Depends(require_roles(*WATCHERS, rule=POWERS_LIST))]
Staff = Annotated[Principal, Depends(require_roles(*(r.value for r in Role), rule=POWERS_LIST))]
# A case's trail and deadlines: the watchers, and a judge for their own cases (issue 18).
CaseReader = Annotated[Principal, Depends(require_roles(*WATCHERS, Role.JUDGE, rule=POWERS_LIST))]
Rt = Annotated[Runtime, Depends(runtime)]
Format = Annotated[Literal["csv", "json"], Query(description="csv（UTF-8 带 BOM，便于表格软件打开）或 json（数组）")]
CSV = "text/csv; charset=utf-8"
# The export answers CSV or a JSON array of the entries the timeline routes answer (their schema is
# in the document's components through those routes).
EXPORT = openapi.body_as(
    CSV, "审计轨迹（format=csv：CSV，UTF-8 带 BOM；format=json：JSON 数组，每项同轨迹查询的事件）；以附件形式流式下载"
)
EXPORT[200]["content"]["application/json"] = {
    "schema": {"type": "array", "items": {"$ref": f"#/components/schemas/{TrailEntry.__name__}"}}
}


class TrailQuery:
    """The timeline filters shared by the list and the export endpoints."""

    def __init__(
        self,
        officer: Annotated[str | None, Query(description="经办人员（actor id）")] = None,
        role: Annotated[str | None, Query(description="行为时的角色，如 judge")] = None,
        service: Annotated[list[str] | None, Query(description="产生事件的服务，如 asset_search，可重复")] = None,
        event_type: Annotated[list[str] | None, Query(description="事件类型，可重复")] = None,
        since: Annotated[datetime | None, Query(description="发生时间起（含）")] = None,
        until: Annotated[datetime | None, Query(description="发生时间止（不含）")] = None,
    ) -> None:
        self.officer, self.role, self.services = officer, role, service or []
        self.event_types = event_type or []
        self.since, self.until = since, until

    def filter(self, court: str, **extra: Any) -> TrailFilter:
        return TrailFilter(
            court=court,
            officer=self.officer,
            role=self.role,
            producers=self.services,
            event_types=self.event_types,
            since=self.since,
            until=self.until,
            **extra,
        )


Filters = Annotated[TrailQuery, Depends()]


_UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9._-]")


def attachment(filename: str) -> str:
    """A ``Content-Disposition`` for a download named after what the path names (an officer's or a
    case's id, any text): the name as given when it is plain ASCII, else an ASCII stand-in and the
    exact name percent-encoded (RFC 6266 ``filename*``). A newline or a non-Latin-1 character in a
    header would otherwise make the server drop the connection."""
    plain = _UNSAFE_IN_FILENAME.sub("_", filename)
    if plain == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _export(rt: Runtime, flt: TrailFilter, fmt: str, name: str) -> StreamingResponse:
    media = CSV if fmt == "csv" else "application/json"
    return StreamingResponse(
        queries.stream(rt.pool, flt, fmt),
        media_type=media,
        headers={"Content-Disposition": attachment(f"{name}.{fmt}")},
    )


async def readable_case(rt: Runtime, ref: str, officer: Principal) -> str:
    """The case id that ``ref`` (an id or a case number such as （2026）黔01执1号) names, if the caller
    may read it: a watcher any case of the court; a judge only the cases the trail assigns to them
    (403 otherwise, naming the powers list). Another court's case is answered as an unknown one."""
    case_id = await case_refs.resolve(rt.pool, officer.court, ref)
    if not await queries.case_exists(rt.pool, case_id, officer.court):
        raise NotFound("监管轨迹中没有该案件（或不属于本院）", code="case_not_found")
    if not officer.has(*WATCHERS) and await case_refs.judge_of(rt.pool, officer.court, case_id) != officer.officer_id:
        raise Forbidden("承办法官只能查看本人承办案件的轨迹与期限", code="not_own_case", rule=POWERS_LIST)
    return case_id


async def names_for(rt: Runtime, court: str, rows: list[dict[str, Any]]) -> Names:
    """What the rows' events name, as the trail of their cases tells it (trail/names.py): the naming
    events of those cases (queries, assets, leads, tasks …, not only the page shown), and the name
    each officer or agency the rows mention last acted under in the court."""
    # the rows hold values as published (NUL and all); the table holds them escaped (trail/chain.py)
    case_ids = sorted({escape(str(r["case_id"])) for r in rows})
    naming = await rt.pool.fetch(
        "SELECT case_id, event_type, payload, actor_kind, actor_id, actor_name FROM audit_trail"
        " WHERE court = $1 AND case_id = ANY($2::text[]) AND event_type = ANY($3::text[]) ORDER BY case_id, seq",
        court, case_ids, list(NAMING_EVENTS),
    )
    ids: set[str] = set()
    for r in rows:
        payload = r.get("payload") or {}
        for key, value in payload.items():
            if key in OFFICER_FIELDS or key == "agency_id":
                values = value if isinstance(value, list) else [value]
                ids.update(escape(v) for v in values if isinstance(v, str) and v)
    known = await rt.pool.fetch(
        "SELECT i.id, n.actor_kind, n.actor_name FROM unnest($2::text[]) AS i(id) CROSS JOIN LATERAL"
        " (SELECT actor_kind, actor_name FROM audit_trail WHERE actor_id = i.id AND court = $1"
        " AND actor_name IS NOT NULL AND actor_kind IN ('officer', 'agency') ORDER BY occurred_at DESC LIMIT 1) n",
        court, sorted(ids),
    )
    seen = [{"actor_kind": k["actor_kind"], "actor_id": unescape(k["id"]), "actor_name": unescape(k["actor_name"])}
            for k in known]
    return Names.from_rows([*seen, *(dict(r) for r in naming), *rows])


async def with_text(rt: Runtime, court: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each entry with its plain-Chinese sentence (``text``) beside the recorded summary."""
    names = await names_for(rt, court, rows) if rows else None
    for row in rows:
        row["text"] = sentence(row["event_type"], row.get("payload") or {}, names)
    return rows


@router.get(
    "/cases/{case_id}/trail",
    summary="案件审计轨迹（按日志顺序，含哈希链；可按人员、角色、服务、类型、时间筛选）",
    response_model_exclude_unset=True,  # an entry's ``escaped`` is sent only when true
)
async def case_trail(
    case_id: str,
    officer: CaseReader,
    rt: Rt,
    filters: Filters,
    after_seq: Annotated[int | None, Query(ge=0, le=BIGINT_MAX, description="只返回该序号之后的事件（分页）")] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> CaseTrail:
    case_id = await readable_case(rt, case_id, officer)
    rows = await queries.fetch(rt.pool, filters.filter(officer.court, case_id=case_id, after_seq=after_seq), limit)
    number = (await case_refs.numbers(rt.pool, officer.court, [case_id])).get(case_id)
    return CaseTrail.model_validate({"case_id": case_id, "case_number": number,
                                     "events": await with_text(rt, officer.court, rows)})


@router.get("/cases/{case_id}/trail/export", summary="导出案件审计轨迹（CSV 或 JSON，流式）", responses=EXPORT)
async def export_case_trail(
    case_id: str, officer: Watcher, rt: Rt, filters: Filters, format: Format = "csv"
) -> StreamingResponse:
    case_id = await readable_case(rt, case_id, officer)
    return _export(rt, filters.filter(officer.court, case_id=case_id), format, f"trail-{case_id}")


def _may_see_officer(principal: Principal, officer_id: str) -> None:
    if principal.officer_id != officer_id and not principal.has(*WATCHERS):
        raise Forbidden("只能查看本人的操作记录（监管及院局领导可查看他人）", code="role_not_allowed")


@router.get(
    "/officers/{officer_id}/actions",
    summary="某人员在本院各案件中的全部操作（按时间）",
    response_model_exclude_unset=True,  # an entry's ``escaped`` is sent only when true
)
async def officer_actions(
    officer_id: str,
    principal: Staff,
    rt: Rt,
    filters: Filters,
    case_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> OfficerActions:
    _may_see_officer(principal, officer_id)
    filters.officer = officer_id
    rows = await queries.fetch(rt.pool, filters.filter(principal.court, case_id=case_id), limit)
    return OfficerActions.model_validate({"officer_id": officer_id,
                                         "actions": await with_text(rt, principal.court, rows)})


@router.get(
    "/officers/{officer_id}/actions/export", summary="导出某人员的操作记录（CSV 或 JSON，流式）", responses=EXPORT
)
async def export_officer_actions(
    officer_id: str, principal: Staff, rt: Rt, filters: Filters, format: Format = "csv"
) -> StreamingResponse:
    _may_see_officer(principal, officer_id)
    filters.officer = officer_id
    return _export(rt, filters.filter(principal.court), format, f"actions-{officer_id}")
