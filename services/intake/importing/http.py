"""HTTP: import a court's existing cases (旧存 and closed cases) from its old system (docs/import.md)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Request
from pydantic import Field

from services.intake.api.common import Rt, config
from services.intake.importing.apply import Line, import_batch
from services.intake.importing.records import IMPORTER_ROLE, Importer, ImportRecord
from shared import clock
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.envelope import Actor
from shared.errors import DomainError, FieldError, InvalidInput
from shared.openapi import ResponseModel, problems

router = APIRouter(tags=["旧案导入 import"])
Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN, rule=POWERS_LIST))]

MAX_RECORDS = 2000  # per request; the body is also bounded (INTAKE_MAX_BODY_BYTES, 1 MiB by default)
NDJSON = ("application/x-ndjson", "application/jsonl", "application/jsonlines", "application/x-jsonlines")


class UnsupportedMediaType(DomainError):
    kind = "invalid"
    code = "unsupported_media_type"


class TooManyRecords(DomainError):
    kind = "too_large"
    code = "too_many_records"


class RecordError(ResponseModel):
    field: str = Field(description="字段路径，如 application.respondent.id_number；整行的问题为空字符串")
    message: str = Field(description="中文说明")
    code: str = Field(description="稳定的问题代码")


class RecordOutcome(ResponseModel):
    line: int = Field(description="行号（JSON Lines：文件中的行号，从 first_line 起算；"
                                  "JSON 数组：序号，从 first_line 起）")
    status: Literal["imported", "unchanged", "refused", "conflict"] = Field(
        description="imported 已导入 / unchanged 此前已导入、内容相同，未作改动 / refused 有错误，未导入任何内容 / "
                    "conflict 案号已被使用（本系统立案，或此前导入的内容不同），未导入")
    case_id: str | None = Field(description="案件编号（由法院代字和案号确定，重复导入不变）；记录无法读取时为 null")
    case_number: str | None = Field(description="案号（规范写法，全角括号）；无法读取时为记录中的原文或 null")
    errors: list[RecordError] = Field(description="全部问题（refused、conflict）；其余为空")


class ImportTotals(ResponseModel):
    total: int = Field(description="本次请求的记录数（不含空行）")
    imported: int
    unchanged: int
    refused: int
    conflict: int


class ImportReport(ResponseModel):
    """逐条导入结果与合计。"""

    batch: str = Field(description="批次编号")
    correlation_id: str = Field(description="导入事件的关联编号：import:<批次编号>")
    records: list[RecordOutcome] = Field(description="每条记录的结果（按行号）")
    totals: ImportTotals


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """The record's JSON schema with its nested models written in place (no ``$defs``): the document
    is built from it more than once, and nothing of it may be moved out."""
    defs = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(defs[node["$ref"].rsplit("/", 1)[-1]])
            return {k: walk(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return dict(walk(schema))


_RECORD = _inline(ImportRecord.model_json_schema())
_BODY_DOC = {"requestBody": {
    "required": True,
    "description": "JSON Lines（application/x-ndjson：每行一个案件，空行忽略）或 JSON 数组（application/json），"
                   f"每次最多 {MAX_RECORDS} 条。格式见 docs/import.md。",
    "content": {
        "application/x-ndjson": {"schema": _RECORD},
        "application/json": {"schema": {"type": "array", "minItems": 1, "maxItems": MAX_RECORDS, "items": _RECORD}},
    },
}}


def _lines(body: bytes, media_type: str, first_line: int) -> list[Line]:
    """The records of the body, each with its line, or the reason that line cannot be read."""
    out: list[Line] = []
    if media_type in NDJSON:
        for i, raw in enumerate(body.split(b"\n")):
            if not raw.strip():
                continue
            try:
                out.append(Line(first_line + i, orjson.loads(raw)))
            except orjson.JSONDecodeError as exc:
                why = f"该行不是合法的 JSON（第 {exc.colno} 个字符附近），请检查括号、引号和逗号"
                out.append(Line(first_line + i, error=FieldError("", why, "json_invalid")))
    elif media_type == "application/json":
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise InvalidInput("请求体不是合法的 JSON", code="malformed_body",
                               errors=[FieldError("body", "应为案件记录的 JSON 数组", "json_invalid")]) from None
        if not isinstance(value, list):
            raise InvalidInput("请求体应为案件记录的 JSON 数组", code="malformed_body",
                               errors=[FieldError("body", "应为 JSON 数组", "list_type")])
        out = [Line(first_line + i, v) for i, v in enumerate(value)]
    else:
        raise UnsupportedMediaType(
            f"不支持的内容类型 {media_type or '（未指定）'}："
            "应为 application/x-ndjson（JSON Lines）或 application/json（数组）")
    if not out:
        raise InvalidInput("没有案件记录", code="no_records", errors=[FieldError("body", "至少 1 条记录", "too_short")])
    if len(out) > MAX_RECORDS:
        raise TooManyRecords(f"每次最多导入 {MAX_RECORDS} 条记录（本次 {len(out)} 条）；请分批提交",
                             extra={"max_records": MAX_RECORDS})
    return out


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
    lines = _lines(await request.body(), media_type, first_line)
    batch = batch or uuid.uuid4().hex[:12]
    who = Importer(officer_id=officer.officer_id, name=officer.name, court=officer.court, today=clock.today(),
                   roster=config(request).roster(officer.court))
    actor = Actor(kind="officer", id=officer.officer_id, name=officer.name, role=IMPORTER_ROLE, court=officer.court)
    outcomes = await import_batch(rt.pool, rt.store, lines, who, actor, f"import:{batch}", batch)
    counts: dict[str, Any] = {s: 0 for s in ("imported", "unchanged", "refused", "conflict")}
    for o in outcomes:
        counts[o.status] += 1
    return ImportReport.model_validate({
        "batch": batch, "correlation_id": f"import:{batch}",
        "records": [{"line": o.line, "status": o.status, "case_id": o.case_id, "case_number": o.case_number,
                     "errors": [dict(e) for e in o.errors]} for o in outcomes],
        "totals": {"total": len(outcomes), **counts},
    })
