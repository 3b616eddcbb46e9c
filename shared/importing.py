"""Importing a court's existing cases (docs/import.md): what every service's import shares.

Intake imports a record's own history (``services/intake/importing``); asset_search and disposal
import their sections of the same record (search and controls; money) at their own
``POST /admin/imports``. The conventions are one: deterministic ids from the court and the original
case number, events dated by the original business day (09:00 Asia/Shanghai) and attributed to the
importing officer in the role ``importer`` with correlation id ``import:<batch>``; a per-record report
(line, status, every error with its field and a Chinese message); nothing of a wrong record written;
a record imported before with the same content "unchanged", with other content a "conflict". This
module holds those parts: ids and instants, the body's records, the report, and :func:`apply_sections`,
the batch machinery of a service that writes one stream section per case (the ledger
``import_ledger`` of its own database records what went in).
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal

import asyncpg
import orjson
from pydantic import Field

from shared import clock, metrics
from shared.clock import SHANGHAI
from shared.envelope import Actor, Envelope
from shared.errors import DomainError, FieldError, InvalidInput
from shared.events import DomainEvent
from shared.eventstore import EventStore
from shared.openapi import ResponseModel

# uuid5 namespace of imported cases and their events: the same court + case number + step always
# gives the same id, whoever imports it, in whichever service, and however often.
IMPORT_NAMESPACE = uuid.UUID("3b8f0c52-6a0e-4c1d-9f3e-7d2a41c6e9b0")
# The role recorded on every imported event (the envelope's actor): a reader of the trail sees at a
# glance that the step was brought in from the old system, not done in this one.
IMPORTER_ROLE = "importer"
# An imported step happened on its original date; the old systems keep dates, not times: 09:00
# Asia/Shanghai (a court's working morning) stands for "that day".
TIME_OF_DAY = time(9, 0)
MAX_RECORDS = 2000  # per request; the body is also bounded by the service's body limit
NDJSON = ("application/x-ndjson", "application/jsonl", "application/jsonlines", "application/x-jsonlines")

Status = Literal["imported", "unchanged", "refused", "conflict"]


def case_id_for(court: str, case_number: str) -> str:
    return str(uuid.uuid5(IMPORT_NAMESPACE, f"case|{court}|{case_number}"))


def event_id(court: str, case_number: str, step: str) -> uuid.UUID:
    return uuid.uuid5(IMPORT_NAMESPACE, f"event|{court}|{case_number}|{step}")


def item_id(kind: str, court: str, case_number: str, key: str) -> str:
    """A deterministic id of something a record names (a notice, a query, a control, a payout)."""
    return str(uuid.uuid5(IMPORT_NAMESPACE, f"{kind}|{court}|{case_number}|{key}"))


def business_instant(day: date) -> datetime:
    return datetime.combine(day, TIME_OF_DAY, tzinfo=SHANGHAI)


def fingerprint(data: Any) -> str:
    """sha256 of JSON data with sorted keys: same content, same hash."""
    return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()


class RecordRefused(Exception):
    """The record cannot be imported: every error found, each naming its field."""

    def __init__(self, errors: list[FieldError], case_number: str | None = None) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors
        self.case_number = case_number


# ---- the body's records ---------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One input record: its line in the file (or position in the array) and its parsed JSON, or
    why it could not be read."""

    line: int
    value: Any = None
    error: FieldError | None = None


@dataclass
class Outcome:
    line: int
    status: Status
    case_id: str | None = None
    case_number: str | None = None
    errors: list[FieldError] = field(default_factory=list)


class UnsupportedMediaType(DomainError):
    kind = "invalid"
    code = "unsupported_media_type"


class TooManyRecords(DomainError):
    kind = "too_large"
    code = "too_many_records"


def read_lines(body: bytes, media_type: str, first_line: int) -> list[Line]:
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


# ---- the report -----------------------------------------------------------------------------


class RecordError(ResponseModel):
    field: str = Field(description="字段路径，如 application.respondent.id_number；整行的问题为空字符串")
    message: str = Field(description="中文说明")
    code: str = Field(description="稳定的问题代码")


class RecordOutcome(ResponseModel):
    line: int = Field(description="行号（JSON Lines：文件中的行号，从 first_line 起算；"
                                  "JSON 数组：序号，从 first_line 起）")
    status: Status = Field(
        description="imported 已导入 / unchanged 此前已导入、内容相同，未作改动 / refused 有错误，未导入任何内容 / "
                    "conflict 案号已被使用（本系统已有记录，或此前导入的内容不同），未导入")
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


def report(batch: str, outcomes: Sequence[Outcome]) -> ImportReport:
    counts: dict[str, Any] = {s: 0 for s in ("imported", "unchanged", "refused", "conflict")}
    for o in outcomes:
        counts[o.status] += 1
    return ImportReport.model_validate({
        "batch": batch, "correlation_id": f"import:{batch}",
        "records": [{"line": o.line, "status": o.status, "case_id": o.case_id, "case_number": o.case_number,
                     "errors": [dict(e) for e in o.errors]} for o in outcomes],
        "totals": {"total": len(outcomes), **counts},
    })


def inline_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON schema with its nested models written in place (no ``$defs``): the OpenAPI document
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


def body_doc(record_schema: dict[str, Any], what: str) -> dict[str, Any]:
    record = inline_schema(record_schema)
    return {"requestBody": {
        "required": True,
        "description": f"JSON Lines（application/x-ndjson：每行一个案件，空行忽略）或 JSON 数组（application/json），"
                       f"每次最多 {MAX_RECORDS} 条。{what}格式见 docs/import.md。",
        "content": {
            "application/x-ndjson": {"schema": record},
            "application/json": {"schema": {"type": "array", "minItems": 1, "maxItems": MAX_RECORDS,
                                            "items": record}},
        },
    }}


# ---- one service's section of each record ---------------------------------------------------


@dataclass
class SectionPlan:
    """A checked record's part for one service: its events in one stream, in order, with their
    business days, and the events of the case's other streams in that service (``more``: e.g. one
    stream per disposal), each in order. No events at all: the record has nothing for this service."""

    court: str
    case_number: str
    case_id: str
    stream_id: str
    record_hash: str
    events: list[tuple[str, date, DomainEvent]]  # (step, business day, payload)
    more: list[tuple[str, list[tuple[str, date, DomainEvent]]]] = field(default_factory=list)  # (stream, events)

    @property
    def streams(self) -> list[str]:
        return [s for s, evs in ((self.stream_id, self.events), *self.more) if evs]

    @property
    def has_events(self) -> bool:
        return bool(self.events) or any(evs for _, evs in self.more)

    def envelopes(self, producer: str, actor: Actor, correlation_id: str, recorded_at: datetime) -> list[Envelope]:
        return [
            Envelope(
                event_id=event_id(self.court, self.case_number, step), event_type=e.event_type,
                schema_version=e.schema_version, case_id=self.case_id, stream_id=stream,
                stream_version=i, occurred_at=business_instant(day), recorded_at=recorded_at, producer=producer,
                actor=actor, court=self.court, correlation_id=correlation_id, causation_id=None,
                payload=e.model_dump(mode="json"),
            )
            for stream, evs in ((self.stream_id, self.events), *self.more)
            for i, (step, day, e) in enumerate(evs, start=1)
        ]


Projector = Callable[[asyncpg.Connection, Sequence[Envelope]], Awaitable[None]]
AfterWrite = Callable[[asyncpg.Connection, Sequence[SectionPlan]], Awaitable[None]]

_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(c, 0)) FROM unnest($1::text[]) AS c ORDER BY c"
_LEDGER_READ = "SELECT case_id, record_hash, batch, line FROM import_ledger WHERE case_id = ANY($1::text[])"
_STREAMS = "SELECT DISTINCT stream_id FROM events WHERE stream_id = ANY($1::text[])"
_LEDGER_WRITE = """
INSERT INTO import_ledger (case_id, court, case_number, record_hash, batch, line, imported_by)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[])
"""


async def apply_sections(
    pool: asyncpg.Pool, store: EventStore, lines: Sequence[Line], plan: Callable[[Any], SectionPlan], *,
    producer: str, actor: Actor, batch: str, project: Projector, after: AfterWrite | None = None,
    what: str = "记录",
) -> list[Outcome]:
    """Apply one service's section of each record of a batch in one transaction; say per line what
    became of it. A record without anything for this service is "unchanged"; a case whose stream
    already holds events this import did not write is a "conflict" (``stream_not_empty``)."""
    outcomes: list[Outcome] = []
    plans: list[tuple[Line, SectionPlan]] = []
    for ln in lines:
        if ln.error is not None:
            outcomes.append(Outcome(ln.line, "refused", errors=[ln.error]))
            continue
        try:
            p = plan(ln.value)
        except RecordRefused as exc:
            outcomes.append(Outcome(ln.line, "refused", case_number=exc.case_number, errors=exc.errors))
            continue
        if p.has_events:
            plans.append((ln, p))
        else:
            outcomes.append(Outcome(ln.line, "unchanged", p.case_id, p.case_number))
    if not plans:
        return sorted(outcomes, key=lambda o: o.line)
    written: list[Envelope] = []
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(_LOCK, sorted({p.case_id for _, p in plans}))
        known = {r["case_id"]: r for r in await conn.fetch(_LEDGER_READ, [p.case_id for _, p in plans])}
        used = {r["stream_id"] for r in await conn.fetch(_STREAMS, [s for _, p in plans for s in p.streams])}
        fresh: list[tuple[Line, SectionPlan]] = []
        in_batch: dict[str, tuple[str, int]] = {}
        for ln, p in plans:
            prior, earlier = known.get(p.case_id), in_batch.get(p.case_id)
            if prior is not None or earlier is not None:
                if prior is not None:
                    first_hash, where = prior["record_hash"], f"已于批次 {prior['batch']}（第 {prior['line']} 行）导入"
                else:
                    assert earlier is not None
                    first_hash, where = earlier[0], f"在本批第 {earlier[1]} 行已出现"
                if first_hash == p.record_hash:
                    outcomes.append(Outcome(ln.line, "unchanged", p.case_id, p.case_number))
                else:
                    outcomes.append(Outcome(ln.line, "conflict", p.case_id, p.case_number, [FieldError(
                        "case_number", f"案号 {p.case_number} 的{what}{where}，内容与本行不同；未导入。"
                        "如需更正，请联系系统管理员", "content_differs")]))
            elif used.intersection(p.streams):
                outcomes.append(Outcome(ln.line, "conflict", p.case_id, p.case_number, [FieldError(
                    "case_number", f"案号 {p.case_number} 在本系统中已有{what}，不能再导入", "stream_not_empty")]))
            else:
                in_batch[p.case_id] = (p.record_hash, ln.line)
                fresh.append((ln, p))
        if fresh:
            now = clock.now()
            correlation_id = f"import:{batch}"
            written = [e for _, p in fresh for e in p.envelopes(producer, actor, correlation_id, now)]
            await store.write(conn, written)
            await project(conn, written)
            if after is not None:
                await after(conn, [p for _, p in fresh])
            await conn.execute(
                _LEDGER_WRITE, [p.case_id for _, p in fresh], [p.court for _, p in fresh],
                [p.case_number for _, p in fresh], [p.record_hash for _, p in fresh], [batch] * len(fresh),
                [ln.line for ln, _ in fresh], [actor.id] * len(fresh),
            )
            outcomes += [Outcome(ln.line, "imported", p.case_id, p.case_number) for ln, p in fresh]
    if written:
        store.committed()
        for event_type, n in Counter(e.event_type for e in written).items():
            metrics.EVENTS_APPENDED.labels(producer, event_type).inc(n)
    return sorted(outcomes, key=lambda o: o.line)

