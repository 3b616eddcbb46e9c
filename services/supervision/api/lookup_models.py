"""Response models of the messages record and the parties' look-up (执行公开)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from services.supervision.api.models import Instant
from shared.openapi import ResponseModel
from shared.text import RequestModel


class MessageRecord(ResponseModel):
    notification_id: str = Field(description="通知编号（UUID）")
    kind: str = Field(description="next_node 下一节点推送 / lookup_code 查询验证码 / "
                                  "warning、overdue、escalation 期限提醒与督办")
    template: str = Field(description="短信模板键：next_node、lookup_code、deadline_warning、"
                                      "deadline_overdue、escalation")
    params: dict[str, str] = Field(description="模板参数（验证码已遮蔽）")
    recipient_role: str = Field(description="接收人角色")
    recipient_id: str | None = Field(description="接收人工号或证件号（证件号已遮蔽）；只知岗位时为 null")
    recipient_name: str | None = Field(description="接收人姓名（当事人）")
    mobile: str | None = Field(description="手机号（遮蔽，如 138****0001）；未登记为 null")
    text: str = Field(description="短信正文（验证码已遮蔽）")
    status: Literal["pending", "sent", "failed"] = Field(description="pending 待发送 / sent 已发送 / failed 发送失败")
    attempts: int = Field(ge=0, description="已尝试发送的次数")
    last_error: str | None = Field(description="最近一次发送失败的原因")
    created_at: Instant = Field(description="排入发件箱的时间")
    sent_at: Instant | None = Field(description="发送成功的时间")


class CaseMessages(ResponseModel):
    case_id: str
    messages: list[MessageRecord] = Field(description="本案发出的全部消息（按排入顺序）")


class CodeRequest(RequestModel):
    case_number: str = Field(min_length=3, max_length=100, description="案号，如 （2026）黔01执1号")
    id_number: str = Field(min_length=6, max_length=30, description="本人证件号码（居民身份证号或统一社会信用代码）")


class LookupRequest(CodeRequest):
    code: str = Field(min_length=4, max_length=10, description="短信验证码")


class CodeAccepted(ResponseModel):
    detail: str = Field(description="无论案号与证件号是否相符，答复相同")
    expires_in_s: int = Field(description="验证码有效期（秒）")


class PartyShown(ResponseModel):
    role: Literal["applicant", "respondent"] = Field(description="applicant 申请执行人 / respondent 被执行人")
    name: str | None = Field(description="姓名或名称")
    id_number: str | None = Field(description="证件号码（遮蔽）")


class NodeReached(ResponseModel):
    node: str
    name: str = Field(description="节点名称")
    completed_on: date = Field(description="完成日期")


class NodeAhead(ResponseModel):
    node: str
    name: str = Field(description="节点名称")
    due: date = Field(description="期限届满日")


class PartyCaseView(ResponseModel):
    case_number: str | None = Field(description="案号")
    court: str | None
    you_are: Literal["applicant", "respondent"] = Field(description="查询人在本案中的身份")
    parties: list[PartyShown]
    your_mobile: str | None = Field(description="登记的手机号（遮蔽）")
    closed: str | None = Field(description="结案方式；未结案为 null")
    nodes_reached: list[NodeReached] = Field(description="已完成的节点（按完成日期）")
    next_nodes: list[NodeAhead] = Field(description="未完成的节点及期限（最早到期在前）")
    received_fen: int = Field(description="执行到位金额（分）")
    paid_to_applicant_fen: int = Field(description="已发放给申请执行人的金额（分）")
