"""field_ops's request bodies (full validation, each wrong field named in Chinese) and response bodies."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar

from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, Field, field_validator, model_validator

from services.field_ops.domain.routing import InstructionKind, region_name
from services.field_ops.events import AssetKind, EvidenceItem, FoundAsset, FoundPerson, Outcome, Target
from shared.identity import check_credit_code, check_resident_id
from shared.openapi import ResponseModel
from shared.text import RequestModel

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")
Text = Annotated[str, Field(min_length=1, max_length=500)]
LongText = Annotated[str, Field(min_length=1, max_length=4000)]


class _In(RequestModel):
    """Base of field_ops' request bodies (shared/text.py: only storable text, ints within bigint)."""


def _check_party_id(value: str | None) -> str | None:
    """A person's 居民身份证号 or an organisation's 统一社会信用代码."""
    if value is None or not value.strip():
        return None
    try:
        return check_resident_id(value)
    except ValueError as person_error:
        try:
            return check_credit_code(value)
        except ValueError:
            raise person_error from None


class TargetIn(_In):
    kind: Literal["person", "asset", "address"] = Field(description="person 人 / asset 财产 / address 地址")
    description: Text = Field(description="姓名、财产描述或地址说明")
    id_number: str | None = Field(default=None, description="身份证号或统一社会信用代码（对人时可填）")
    address: str | None = Field(default=None, max_length=500)

    @field_validator("id_number")
    @classmethod
    def _id(cls, v: str | None) -> str | None:
        return _check_party_id(v)

    def record(self) -> Target:
        return Target(**self.model_dump())


class InstructionIn(_In):
    """外勤指令：事项、对象、行政区划、完成期限、备注。"""

    kind: InstructionKind = Field(
        description="investigate 调查 / seize_on_site 现场查封 / serve_documents 送达 /"
                    " search_premises 搜查 / summon 传唤 / other 其他"
    )
    target: TargetIn
    region: str = Field(description="行政区划代码（6 位，GB/T 2260），如 520102")
    deadline: date = Field(description="完成期限（日期）")
    notes: str | None = Field(default=None, max_length=4000)
    proposal_id: str | None = Field(default=None, description="由待决外勤建议转成指令时填写")

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        region_name(v)
        return v


class EvidenceIn(_In):
    content_hash: str = Field(description="文件内容的 SHA-256（64 位十六进制）")
    media_type: str = Field(description="媒体类型，如 image/jpeg")
    taken_at: AwareDatetime = Field(description="拍摄/形成时间（带时区）")
    place: Text = Field(description="地点")
    description: str | None = Field(default=None, max_length=500)

    @field_validator("content_hash")
    @classmethod
    def _hash(cls, v: str) -> str:
        v = v.lower()
        if not _SHA256.match(v):
            raise ValueError("内容哈希应为 64 位十六进制的 SHA-256 值")
        return v

    @field_validator("media_type")
    @classmethod
    def _media(cls, v: str) -> str:
        v = v.lower()
        if not _MEDIA_TYPE.match(v):
            raise ValueError("媒体类型格式应如 image/jpeg")
        return v

    def record(self) -> EvidenceItem:
        return EvidenceItem(**self.model_dump())


class FoundAssetIn(_In):
    asset_kind: AssetKind
    description: Text
    identifier: str | None = Field(default=None, max_length=200, description="车牌号、编号等")
    location: str | None = Field(default=None, max_length=500)
    value_fen: Annotated[int, Field(strict=True, ge=0)] | None = Field(default=None, description="估值（分）")
    seized: bool = Field(default=False, description="是否已现场查封/扣押")
    seal_date: date | None = Field(default=None, description="查封日期（现场查封时必填）")

    @model_validator(mode="after")
    def _seal_date(self) -> FoundAssetIn:
        if self.seized and self.seal_date is None:
            raise ValueError("已查封的财产必须填写查封日期 seal_date")
        return self

    def record(self) -> FoundAsset:
        return FoundAsset(asset_id=str(uuid.uuid4()), **self.model_dump())


class FoundPersonIn(_In):
    name: Text
    id_number: str | None = None
    address: str | None = Field(default=None, max_length=500)
    note: str | None = Field(default=None, max_length=2000)

    @field_validator("id_number")
    @classmethod
    def _id(cls, v: str | None) -> str | None:
        return _check_party_id(v)

    def record(self) -> FoundPerson:
        return FoundPerson(**self.model_dump())


class AttemptIn(_In):
    attempted_at: AwareDatetime
    place: Text
    note: LongText
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=200)


class ReportIn(_In):
    outcome: Outcome = Field(description="completed 完成 / partially_completed 部分完成 / not_found 未找到 /"
                                         " failed 未能执行")
    details: LongText = Field(description="执行经过与结果")
    found_assets: list[FoundAssetIn] = Field(default_factory=list, max_length=200)
    found_persons: list[FoundPersonIn] = Field(default_factory=list, max_length=200)
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=500)


class RerouteIn(_In):
    team_id: str = Field(min_length=1, description="改派到的外勤组")
    reason: str = Field(max_length=2000, description="改派理由（必填）")


class ReturnIn(_In):
    reason: str = Field(max_length=2000, description="退回理由（必填）")


# ---- response bodies (shared.openapi.ResponseModel: a field a route sends but its model does not
# declare is a 500, so these cannot fall behind the routes) ------------------------------------------

M = TypeVar("M", bound=ResponseModel)
TaskStatus = Literal["routed", "accepted", "reported", "returned"]


def conforming(model: type[M], response: JSONResponse) -> JSONResponse:
    """A command's answer (shared.api.run_command builds the JSONResponse with its ETag and Location),
    checked against the model the route documents: FastAPI does not validate a Response a route
    returns itself, so a field the model does not declare is refused here (a 500), as elsewhere."""
    if response.status_code < 300:
        model.model_validate_json(bytes(response.body))
    return response


class TargetOut(ResponseModel):
    """外勤对象。"""

    kind: Literal["person", "asset", "address"] = Field(description="person 人 / asset 财产 / address 地址")
    description: str = Field(description="姓名、财产描述或地址说明")
    id_number: str | None = Field(description="身份证号或统一社会信用代码")
    address: str | None = Field(description="地址")


class CommandEvent(ResponseModel):
    """本次命令记录的一个事件。"""

    event_id: str = Field(description="事件编号（UUID）")
    event_type: str = Field(description="事件类型，如 field_ops.task_accepted")
    payload: dict[str, Any] = Field(description="事件内容（随事件类型而不同）")


class TaskAnswer(ResponseModel):
    """命令执行后的任务状态。"""

    instruction_id: str = Field(description="外勤指令编号")
    task_id: str = Field(description="外勤任务编号")
    status: TaskStatus = Field(description="routed 已分派待接受 / accepted 执行中 / reported 已报告 / returned 已退回")
    team_id: str = Field(description="承办的外勤组")
    assignee: str | None = Field(description="接受任务的外勤人员工号（尚未接受为空）")
    attempts: int = Field(description="已记录的执行次数")
    deadline: date = Field(description="完成期限")
    version: int = Field(description="指令的版本号（同响应头 ETag）")
    events: list[CommandEvent] = Field(description="本次记录的事件")


class InstructionAnswer(TaskAnswer):
    """指令已登记并分派（响应头 Location 指向新任务）。"""

    team_name: str = Field(description="分派到的外勤组名称")
    routing_rule: str = Field(description="命中的路由规则（说明）")


class TeamOut(ResponseModel):
    """一个外勤组。"""

    team_id: str
    name: str = Field(description="组名")
    lead_ids: list[str] = Field(description="组长工号")
    member_ids: list[str] = Field(description="组员工号")


class RuleOut(ResponseModel):
    """一条路由规则（按顺序匹配，第一条命中的生效）。"""

    team_id: str = Field(description="分派到的外勤组")
    region_prefixes: list[str] = Field(description="行政区划代码前缀（空：任何区划）")
    kinds: list[InstructionKind] = Field(description="事项（空：任何事项）")
    description: str = Field(description="规则说明")


class TeamsOut(ResponseModel):
    """本院外勤组与路由表。"""

    court: str = Field(description="法院代码")
    teams: list[TeamOut]
    rules: list[RuleOut] = Field(description="路由规则，最后一条为兜底规则")


class TaskRow(ResponseModel):
    """一个外勤任务（含按查询日计算的逾期标记）。"""

    task_id: str
    instruction_id: str
    case_id: str
    court: str = Field(description="法院代码")
    kind: InstructionKind = Field(description="事项")
    target: TargetOut
    region: str = Field(description="行政区划代码")
    region_name: str = Field(description="行政区划名称")
    deadline: date = Field(description="完成期限")
    notes: str | None = Field(description="法官备注")
    judge_id: str = Field(description="下达指令的法官工号")
    proposal_id: str | None = Field(description="由哪条外勤建议转成")
    team_id: str = Field(description="承办的外勤组")
    team_name: str = Field(description="外勤组名称")
    status: TaskStatus = Field(description="routed 已分派待接受 / accepted 执行中 / reported 已报告 / returned 已退回")
    assignee: str | None = Field(description="接受任务的外勤人员工号")
    attempts: int = Field(description="已记录的执行次数")
    outcome: Outcome | None = Field(description="报告的结果（未报告为空）")
    late: bool = Field(description="报告是否逾期")
    return_reason: str | None = Field(description="退回理由")
    issued_at: datetime = Field(description="下达时间")
    updated_at: datetime = Field(description="最近更新时间")
    version: int = Field(description="指令的版本号（If-Match 用）")
    overdue: bool = Field(description="按查询日（as_of，默认今天）是否已逾期未完成")


class HistoryEntry(ResponseModel):
    """经过中的一个事件。"""

    event_id: str = Field(description="事件编号（UUID）")
    event_type: str = Field(description="事件类型")
    occurred_at: datetime = Field(description="发生时间")
    actor_id: str = Field(description="操作者（工号、联动单位或系统）")
    actor_role: str | None = Field(description="操作者当时的角色")
    summary: str = Field(description="中文摘要")
    payload: dict[str, Any] = Field(description="事件内容（随事件类型而不同）")


class TaskDetail(TaskRow):
    """外勤任务及其全部经过。"""

    history: list[HistoryEntry] = Field(description="指令与任务的全部事件，按先后")


class TeamQueue(ResponseModel):
    """外勤组的任务队列（按期限排序）。"""

    team_id: str
    team_name: str = Field(description="外勤组名称")
    count: int = Field(description="任务数")
    tasks: list[TaskRow]


class OverdueTasks(ResponseModel):
    """本院逾期未完成的外勤任务（按期限）。"""

    count: int = Field(description="任务数")
    tasks: list[TaskRow]


class MemberLoad(ResponseModel):
    """一名外勤人员的工作量。"""

    officer_id: str = Field(description="工号")
    lead: bool = Field(description="是否组长")
    in_progress: int = Field(description="执行中")
    reported: int = Field(description="已报告")
    returned: int = Field(description="已退回")
    attempts: int = Field(description="执行次数合计")
    overdue: int = Field(description="执行中且已逾期")


class TeamLoad(ResponseModel):
    """一个外勤组的工作量。"""

    team_id: str
    team_name: str = Field(description="外勤组名称")
    routed: int = Field(description="待接受")
    accepted: int = Field(description="执行中")
    reported: int = Field(description="已报告")
    returned: int = Field(description="已退回")
    overdue: int = Field(description="未完成且已逾期")
    members: list[MemberLoad] = Field(description="组长在前，组员在后")


class Workload(ResponseModel):
    """各外勤组及成员的工作量。"""

    court: str = Field(description="法院代码")
    as_of: date = Field(description="判断逾期所按的日期")
    teams: list[TeamLoad]


class ProposalRow(ResponseModel):
    """一条待法官决定的外勤建议（来自线索核查或需直接送达的文书）。"""

    proposal_id: str
    case_id: str
    court: str = Field(description="法院代码")
    kind: InstructionKind = Field(
        description="建议的事项：investigate 现场调查 / serve_documents 送达文书 / detain 司法拘留")
    target: TargetOut | None = Field(description="对象（来源事件未能给出时为空）")
    region: str | None = Field(description="行政区划代码（来源事件未给出有效代码时为空）")
    reason: str = Field(description="建议理由")
    lead_id: str | None = Field(description="所依据的财产线索")
    document_hash: str | None = Field(description="需送达文书的哈希")
    source_event_type: str = Field(description="来源事件类型")
    source_event_id: str = Field(description="来源事件编号")
    status: Literal["open", "instructed"] = Field(description="open 待决定 / instructed 已转为指令")
    measure_id: str | None = Field(default=None, description="所依据的拘留决定（intake 强制措施编号，仅 detain）")
    instruction_id: str | None = Field(description="转成的外勤指令")
    received_at: datetime = Field(description="收到时间")


class CaseProposals(ResponseModel):
    """本案的外勤建议（按收到先后）。"""

    case_id: str
    proposals: list[ProposalRow]


class FieldHistory(ResponseModel):
    """本案外勤全部经过。"""

    case_id: str
    case_number: str | None = Field(description="案号（外勤中心尚不知该案时为空）")
    judge_id: str | None = Field(description="现承办法官工号")
    closed: bool = Field(description="是否已结案")
    proposals: list[ProposalRow] = Field(description="外勤建议（含已转为指令的）")
    tasks: list[TaskRow] = Field(description="外勤任务（按下达时间）")
    history: list[HistoryEntry] = Field(description="本案全部事件（含其他部门的），按先后")
