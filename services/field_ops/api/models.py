"""field_ops's request bodies: full validation, each wrong field named in Chinese."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, field_validator, model_validator

from services.field_ops.domain.routing import InstructionKind, region_name
from services.field_ops.events import AssetKind, EvidenceItem, FoundAsset, FoundPerson, Outcome, Target
from shared.identity import check_credit_code, check_resident_id
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
