"""The route ``POST /admin/imports`` of a service that imports its section of the import records
(docs/import.md §4): the same body, batch and report as intake's, its own events."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from shared import clock
from shared.app import Runtime, runtime
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.envelope import Actor
from shared.importing import (
    IMPORTER_ROLE,
    AfterWrite,
    ImportReport,
    Projector,
    SectionPlan,
    apply_sections,
    body_doc,
    read_lines,
    report,
)
from shared.openapi import problems

Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN, rule=POWERS_LIST))]
Rt = Annotated[Runtime, Depends(runtime)]
Planner = Callable[[Any, str, date, str], SectionPlan]  # (record, the officer's court, today, officer id) → plan


def import_router(
    *, producer: str, tag: str, summary: str, description: str, record_model: type[BaseModel], what: str,
    plan: Planner, project_of: Callable[[Runtime], Projector], after: AfterWrite | None = None,
) -> APIRouter:
    """A router with the service's ``POST /admin/imports`` (admin of the court imported)."""
    router = APIRouter(tags=[tag])

    @router.post("/admin/imports", summary=summary, description=description,
                 openapi_extra=body_doc(record_model.model_json_schema(), what), responses=problems(413))
    async def import_records(
        request: Request, officer: Admin, rt: Rt,
        batch: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9._:-]{1,64}$",
                                           description="批次编号（字母、数字和 . _ : -）；缺省自动生成")] = None,
        first_line: Annotated[int, Query(ge=1, le=1_000_000_000,
                                         description="本次请求第一条记录在文件中的行号（分批提交时用）")] = 1,
    ) -> ImportReport:
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        lines = read_lines(await request.body(), media_type, first_line)
        batch = batch or uuid.uuid4().hex[:12]
        today = clock.today()
        actor = Actor(kind="officer", id=officer.officer_id, name=officer.name, role=IMPORTER_ROLE,
                      court=officer.court)
        outcomes = await apply_sections(
            rt.pool, rt.store, lines, lambda raw: plan(raw, officer.court, today, officer.officer_id),
            producer=producer, actor=actor, batch=batch, project=project_of(rt), after=after, what=what,
        )
        return report(batch, outcomes)

    return router
