"""The import record (docs/import.md §1): one case of a court's old system, as a JSON Lines line.

Intake's part (application … closure) is checked and imported by intake
(``services/intake/importing/records.py``); the sections ``search``, ``controls``, ``receipts`` and
``payouts`` are checked here too (``shared.import_sections``: a record wrong anywhere is refused
whole) and imported by asset_search and disposal.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from services.intake import events as ev
from services.intake.api.filing import MAX_CLAIM_FEN, BasisIn, PartyIn
from shared.import_disposals import DisposalRec
from shared.import_sections import ControlRec, PayoutRec, ReceiptRec, SearchRec
from shared.text import RequestModel

Day = date  # a field may be called ``date``
# The sections intake does not import itself: left out of its fingerprint (each service keeps its own).
OTHER_SECTIONS = frozenset({"search", "controls", "receipts", "payouts", "disposals"})

Officer = Annotated[str, Field(min_length=1, max_length=64, description="工号")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Hash = Annotated[str, Field(pattern=r"^(sha256:)?[0-9a-f]{64}$", description="内容哈希（sha256）")]


class ApplicationRec(RequestModel):
    """执行申请：当事人、执行依据、执行标的、申请日期。"""

    applicant: PartyIn
    respondent: PartyIn
    basis: BasisIn
    claim_amount_fen: Annotated[int, Field(strict=True, gt=0, le=MAX_CLAIM_FEN)] = Field(
        description="执行标的金额，单位：分（整数）")
    application_date: date = Field(description="申请日期")
    service_address_confirmed: bool = Field(default=False, description="送达地址已确认")
    real_estate_disposal_expected: bool = Field(default=False, description="预计需要处置不动产")


class RegistrationRec(RequestModel):
    date: Day = Field(description="立案日期（案号年度应与之相同）")
    by: Officer | None = Field(default=None, description="立案人员工号；缺省为导入人员")


class TriageRec(RequestModel):
    track: Literal["fast", "ordinary"] = Field(description="fast 简案快执 / ordinary 普通程序")
    date: Day | None = Field(default=None, description="分流日期；缺省为立案日期")
    by: Officer | None = Field(default=None, description="分流人员工号；缺省为导入人员")


class AssignmentRec(RequestModel):
    judge_id: Officer = Field(description="承办法官工号")
    team_id: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        default=None, description="承办团队；缺省按本院名册查找该法官所在团队")
    date: Day = Field(description="分案日期")
    by: Officer | None = Field(default=None, description="分案人员工号；缺省为导入人员")


class NoticeRec(RequestModel):
    kind: ev.NoticeKind = Field(description="enforcement_notice 执行通知书+报告财产令 / "
                                            "consumption_restriction 限制消费令 / blacklisting 失信决定")
    signed_on: date = Field(description="签发日期")
    signed_by: Officer | None = Field(default=None, description="签发法官；缺省为承办法官")
    prepared_by: Officer | None = Field(default=None, description="制作人员；缺省为导入人员")
    document_hash: Hash | None = Field(default=None, description="文书内容哈希；旧系统没有时省略")
    service_method: Literal["electronic", "post"] | None = Field(
        default=None, description="electronic 电子送达 / post 邮寄送达；旧系统未记录时省略")


class PauseRec(RequestModel):
    kind: Literal["suspension", "postponement"] = Field(description="suspension 中止执行 / postponement 暂缓执行")
    from_: date = Field(alias="from", description="开始日期")
    until: date | None = Field(default=None, description="暂缓期限（暂缓执行必填）")
    to: date | None = Field(default=None, description="结束（恢复）日期；尚未结束时省略")
    reason: Text = Field(description="理由")
    lift_reason: Text | None = Field(default=None, description="结束理由；缺省为“导入：旧系统记录已结束”")
    by: Officer | None = Field(default=None, description="决定人；缺省为承办法官")


class InterviewRec(RequestModel):
    date: Day = Field(description="约谈申请执行人的日期")
    by: Officer | None = Field(default=None, description="约谈人；缺省为承办法官")
    summary_hash: Hash | None = Field(default=None, description="约谈笔录哈希；旧系统没有时省略")


class ClosureRec(RequestModel):
    type: ev.ClosureType = Field(description="结案方式：执行完毕 / 终本 / 终结执行 / 销案 / 不予执行 / 驳回申请")
    date: Day = Field(description="结案日期")
    approved_by: Officer = Field(description="批准结案的人员工号")
    judge_id: Officer | None = Field(default=None, description="提请结案的法官；缺省为承办法官")
    reason: Text = Field(default="旧系统结案（导入）", description="结案理由")


class ImportRecord(RequestModel):
    """一个旧存或已结案件（JSON Lines 的一行）。格式与规则见 docs/import.md。"""

    court: str = Field(description="法院代字，应为本院，如 黔01")
    case_number: str = Field(min_length=1, max_length=100, description="原案号，如 （2025）黔01执1234号")
    application: ApplicationRec
    registration: RegistrationRec
    triage: TriageRec
    assignment: AssignmentRec | None = Field(default=None, description="分案；尚未分案的在办案件可省略，已结案件必填")
    notices: list[NoticeRec] = Field(default_factory=list, max_length=50, description="已签发的文书")
    pauses: list[PauseRec] = Field(default_factory=list, max_length=50, description="中止、暂缓（按时间顺序，不重叠）")
    interview: InterviewRec | None = Field(default=None, description="约谈申请执行人")
    closure: ClosureRec | None = Field(default=None, description="结案；在办案件省略")
    # Sections other services import (asset_search, disposal); intake checks them with the rest.
    search: SearchRec | None = Field(default=None, description="旧系统的网络查控（发起、反馈日期，协助单位类型）")
    controls: list[ControlRec] = Field(default_factory=list, max_length=100,
                                       description="控制措施（冻结、查封、扣押、扣划）")
    receipts: list[ReceiptRec] = Field(default_factory=list, max_length=500, description="执行款到账")
    payouts: list[PayoutRec] = Field(default_factory=list, max_length=500, description="执行款发放")
    disposals: list[DisposalRec] = Field(default_factory=list, max_length=100,
                                         description="财产处置（决定、参考价、拍卖、变卖、以物抵债、解除、成交裁定）")
