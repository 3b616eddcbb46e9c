"""HTTP: import a court's existing cases (旧存 and closed cases) from its old system (docs/import.md)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from services.intake.api.common import Rt, config
from services.intake.importing.apply import import_batch
from services.intake.importing.models import ImportRecord
from services.intake.importing.records import IMPORTER_ROLE, Importer
from shared import clock
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.envelope import Actor
from shared.importing import ImportReport, body_doc, read_lines, report
from shared.openapi import problems

router = APIRouter(tags=["旧案导入 import"])
Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN, rule=POWERS_LIST))]

_BODY_DOC = body_doc(ImportRecord.model_json_schema(), "")


@router.post(
    "/admin/imports",
    summary="导入旧存和已结案件（逐条报告：imported / unchanged / refused / conflict）",
    description="把本院旧系统中的案件连同原案号和原日期导入：收案、立案、繁简分流、分案、文书、中止暂缓、约谈、结案，"
                "记为与在线办理相同的事件，发生时间为原业务日期 09:00（北京时间），操作人为导入人员（角色 importer），"
                "关联编号 import:<批次>。有错误的记录不导入任何内容；重复导入不作改动；案号已被使用的记录不导入。",
    openapi_extra=_BODY_DOC,
    responses=problems(413),
)
async def import_cases(
    request: Request, officer: Admin, rt: Rt,
    batch: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9._:-]{1,64}$",
                                       description="批次编号（字母、数字和 . _ : -）；缺省自动生成")] = None,
    first_line: Annotated[int, Query(ge=1, le=1_000_000_000,
                                     description="本次请求第一条记录在文件中的行号（分批提交时用）")] = 1,
) -> ImportReport:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    lines = read_lines(await request.body(), media_type, first_line)
    batch = batch or uuid.uuid4().hex[:12]
    who = Importer(officer_id=officer.officer_id, name=officer.name, court=officer.court, today=clock.today(),
                   roster=config(request).roster(officer.court))
    actor = Actor(kind="officer", id=officer.officer_id, name=officer.name, role=IMPORTER_ROLE, court=officer.court)
    outcomes = await import_batch(rt.pool, rt.store, lines, who, actor, f"import:{batch}", batch)
    return report(batch, outcomes)
