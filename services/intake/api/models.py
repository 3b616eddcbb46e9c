"""What intake's routes answer: the response bodies, field by field (issue 13).

Each model lists exactly what its route sends (``ResponseModel`` refuses an undeclared field), so the
OpenAPI document cannot fall behind the code. Money in fen (整数，单位：分); dates ISO; instants with
their offset, written as the service has always written them (``2026-08-01T10:00:00.123456+00:00``).

Nullability follows where the value comes from: a command's answer is the case's state after it; a
query's row is the ``cases`` read model (migrations 0001/0002: the columns added later are nullable,
and rows written before them hold null there).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, PlainSerializer, WithJsonSchema

from services.intake.events import ClosureType, MaterialClass, NoticeKind, ObjectionClosureType, Track
from shared.openapi import ResponseModel

# An instant as ``datetime.isoformat()`` writes it (``+00:00``, not pydantic's ``Z``): the JSON stays
# byte for byte what clients received before the bodies were typed.
Instant = Annotated[
    datetime,
    PlainSerializer(lambda v: v.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
CaseType = Literal["执", "执恢", "执保", "执异"]
CaseStatus = Literal["awaiting_supplement", "applied", "refused", "registered", "in_progress", "suspended",
                     "postponed", "closure_proposed", "closed"]

_CASE_TYPE = "案件类型代字：执 首次执行 / 执恢 恢复执行 / 执保 财产保全执行 / 执异 执行异议"
_STATUS = ("awaiting_supplement 待补正材料 / applied 已收案待立案 / refused 不予受理 / registered 已立案待分案 / "
           "in_progress 执行中 / suspended 中止执行 / postponed 暂缓执行 / closure_proposed 结案审批中 / closed 已结案")
_TRACK = "繁简分流：fast 简案快执 / ordinary 普通程序；尚未分流为 null"
_CLOSURE = "结案方式：执行完毕 / 终本（终结本次执行程序） / 终结执行 / 销案 / 不予执行 / 驳回申请"


class MissingItem(ResponseModel):
    """一次性告知的一项欠缺材料。"""

    material_class: MaterialClass = Field(
        description="application_form 申请书 / basis_document 执行依据及生效证明 / identity 身份证明及授权 / "
                    "asset_leads 财产线索")
    kind: str = Field(description="材料种类，如 application、basis_copy、id_card")
    description: str = Field(description="欠缺什么（中文，可直接告知当事人）")


# ---- a command's answer ----------------------------------------------------------------------


class CaseWritten(ResponseModel):
    """命令执行后的案件概要（``ETag`` 响应头带同一版本号）。"""

    case_id: str = Field(description="案件编号（收案时生成，立案前后不变）")
    case_number: str | None = Field(description="案号，如 （2026）黔01执123号；立案前为 null")
    case_type: CaseType = Field(description=_CASE_TYPE)
    court: str = Field(description="法院代字，如 黔01")
    status: CaseStatus = Field(description="案件状态：" + _STATUS)
    track: Track | None = Field(description=_TRACK)
    judge_id: str | None = Field(description="承办法官工号；尚未分案（或名册中无可分配的法官）为 null")
    team_id: str | None = Field(description="承办团队；尚未分案为 null")
    limitation_warning: bool = Field(description="立案时提示：申请可能已超过申请执行时效")
    version: int = Field(description="命令执行后案件的版本号；下次修改时可作为 If-Match 发送")
    events: list[str] = Field(description="本次命令记录的事件类型，如 intake.case_registered")


class ApplicationReceived(CaseWritten):
    """收取执行申请的结果：材料不全时一次性告知全部欠缺材料及补正期限。"""

    missing: list[MissingItem] = Field(description="欠缺的材料（一次性告知）；齐全为空")
    decide_by: date = Field(description="应在此日期前决定立案或不予受理（收到申请后 7 日内）")
    supplement_deadline: date | None = Field(description="补正期限；材料齐全为 null")


class CounterRegistered(CaseWritten):
    """当场立案的结果（材料齐全才能立案，因此 missing 总为空）。"""

    missing: list[MissingItem] = Field(description="欠缺的材料；当场立案成功时为空")


class NewCase(ResponseModel):
    """新立的关联案件（执恢 / 执异）。"""

    case_id: str = Field(description="新案件编号")
    case_number: str = Field(description="新案件的案号")
    case_type: Literal["执恢", "执异"] = Field(description="执恢 恢复执行 / 执异 执行异议")
    status: CaseStatus = Field(description="新案件状态（已立案；已分案为 in_progress）")
    track: Track | None = Field(description=_TRACK + "（执异案件不分流）")
    judge_id: str | None = Field(description="承办法官工号；未分案为 null（执异案件由合议庭审查，不分案）")
    team_id: str | None = Field(description="承办团队；未分案为 null")
    linked_case_id: str = Field(description="原案件编号")
    events: list[str] = Field(description="新案件记录的事件类型")


class LinkedWritten(ResponseModel):
    """原案件记录决定、同时新立关联案件（同一事务）。"""

    case_id: str = Field(description="原案件编号")
    version: int = Field(description="原案件命令执行后的版本号")
    events: list[str] = Field(description="原案件本次记录的事件类型")
    new_case: NewCase


# ---- queries ---------------------------------------------------------------------------------


class CaseRow(ResponseModel):
    """案件读模型的一行（列表与查询共用）。"""

    case_id: str = Field(description="案件编号")
    case_number: str | None = Field(description="案号；立案前（或不予受理）为 null")
    court: str = Field(description="法院代字")
    case_type: CaseType = Field(description=_CASE_TYPE)
    status: CaseStatus = Field(description="案件状态：" + _STATUS)
    track: Track | None = Field(description=_TRACK)
    judge_id: str | None = Field(description="承办法官工号；尚未分案为 null")
    team_id: str | None = Field(description="承办团队；尚未分案为 null")
    applicant_name: str = Field(description="申请执行人姓名或名称")
    applicant_id: str | None = Field(description="申请执行人证件号（早期数据可能为 null）")
    respondent_name: str = Field(description="被执行人姓名或名称")
    respondent_id: str = Field(description="被执行人证件号（身份证号或统一社会信用代码）")
    claim_amount_fen: int = Field(description="执行标的金额，单位：分")
    application_date: date = Field(description="申请日期")
    decide_by: date | None = Field(description="应决定立案与否的日期（早期数据可能为 null）")
    registered_on: date | None = Field(description="立案日期；未立案为 null")
    registered_by: str | None = Field(description="立案人员工号；未立案为 null")
    limitation_warning: bool = Field(description="立案时提示：申请可能已超过申请执行时效")
    missing: list[MissingItem] = Field(description="尚欠缺的材料；齐全为空")
    supplement_deadline: date | None = Field(description="补正期限；未要求补正为 null")
    closure_type: ClosureType | ObjectionClosureType | None = Field(
        description=_CLOSURE + "；执行异议（执异）案件以审查裁定结案：裁定异议成立 / 裁定驳回异议 / "
                               "裁定准许撤回异议；未结案为 null")
    closed_on: date | None = Field(description="结案日期；未结案为 null")
    linked_case_id: str | None = Field(description="关联的原案件编号（执恢、执异案件）；否则为 null")
    resumed_as: str | None = Field(description="恢复执行后新立的执恢案件编号；未恢复为 null")
    paid_in_full: bool = Field(description="执行款台账显示已足额支付")
    version: int = Field(description="案件版本号（可作为 If-Match 发送）")
    updated_at: Instant | None = Field(description="读模型最后更新时间（早期数据可能为 null）")
    case_type_name: str = Field(description="案件类型名称，如 首次执行")


class CaseNotice(ResponseModel):
    notice_id: str = Field(description="文书编号")
    kind: NoticeKind = Field(
        description="enforcement_notice 执行通知书+报告财产令 / consumption_restriction 限制消费令 / "
                    "blacklisting 失信决定")
    document_hash: str = Field(description="文书内容哈希")
    prepared_by: str = Field(description="制作人员工号（事务中心）")
    signed_by: str | None = Field(description="签发法官工号；尚未签发为 null")


class ClosureFactsOut(ResponseModel):
    """结案（终本）所需的外部事实：查控、线索、外勤、财产。"""

    queries: int = Field(description="网络查控的查询数")
    queries_unanswered: int = Field(description="尚未答复的查询数")
    unverified_leads: list[str] = Field(description="尚未核查的财产线索编号")
    field_reports: int = Field(description="外勤调查报告数")
    unresolved_assets: list[str] = Field(description="已发现但尚未处置完毕的财产编号")


class HistoryEntry(ResponseModel):
    version: int = Field(description="事件在案件流中的序号（从 1 起）")
    event_type: str = Field(description="事件类型，如 intake.case_registered")
    occurred_at: Instant = Field(description="发生时间")
    actor_id: str = Field(description="操作人工号（系统操作为服务名）")
    actor_role: str | None = Field(description="操作人当时的角色；系统操作为 null")
    summary: str = Field(description="中文摘要")


class CaseDetail(CaseRow):
    """案件当前状态与办理经过。"""

    closure_due: date | None = Field(description="执行期限届满日（立案后 6 个月，加批准的延长，扣除中止、暂缓期间）；"
                                                 "未立案为 null")
    notices: list[CaseNotice] = Field(description="已制作的文书（含签发情况）")
    interviewed: bool = Field(description="是否已约谈申请执行人")
    facts: ClosureFactsOut
    history: list[HistoryEntry] = Field(description="办理经过（按版本号顺序）")


class CaseList(ResponseModel):
    total: int = Field(description="符合条件的案件总数（不受 limit/offset 影响）")
    items: list[CaseRow] = Field(description="本页案件（立案日期倒序）")


class PartyCaseRow(CaseRow):
    party_role: Literal["respondent", "applicant"] = Field(
        description="该证件号在本案中的身份：respondent 被执行人 / applicant 申请执行人")


class PartyCases(ResponseModel):
    id_number: str = Field(description="查询的证件号（去空格、转大写后）")
    items: list[PartyCaseRow] = Field(description="本院涉及该当事人的案件（立案日期倒序）")


class JudgeLoad(ResponseModel):
    judge_id: str = Field(description="法官工号")
    team_id: str | None = Field(description="所在团队；不在当前名册中为 null")
    open: int = Field(description="在办案件数")
    closed: int = Field(description="已结案件数")
    by_status: dict[CaseStatus, int] = Field(description="按案件状态的案件数（没有的状态不列出）")


class JudgeWorkload(ResponseModel):
    court: str = Field(description="法院代字")
    judges: list[JudgeLoad] = Field(description="名册中的法官及有案件的法官（按工号排序）")


class TeamLoad(ResponseModel):
    team_id: str = Field(description="团队编号")
    name: str = Field(description="团队名称")
    track: Track = Field(description="fast 简案快执团队 / ordinary 普通程序团队")
    lead_id: str = Field(description="团队长工号")
    judges: list[str] = Field(description="团队法官工号")
    open: int = Field(description="在办案件数")
    closed: int = Field(description="已结案件数")


class TeamWorkload(ResponseModel):
    court: str = Field(description="法院代字")
    teams: list[TeamLoad] = Field(description="名册中的团队")
