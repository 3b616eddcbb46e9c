"""HTTP: a party's mobile number and SMS choice, changed after the application (each an event)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field, field_validator, model_validator

from services.intake.api.common import Body, Rt, run
from services.intake.api.models import CaseWritten
from services.intake.domain import commands as c
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.contact import check_mobile

router = APIRouter(tags=["当事人联系方式 contacts"])
# The counter records what a party tells it; the affairs centre and the case's judge keep it current.
ContactDesk = Annotated[
    Principal, Depends(require_roles(Role.INTAKE_CLERK, Role.AFFAIRS_CLERK, Role.JUDGE, rule=POWERS_LIST))
]


class ContactIn(Body):
    """手机号与短信通知选择；未填的项不变。mobile 为 null 表示删除已登记的手机号。"""

    mobile: str | None = Field(default=None, description="手机号（大陆 11 位）；null：删除")
    sms_opt_out: bool | None = Field(default=None, description="true：拒收节点推送短信；false：恢复接收")

    @field_validator("mobile")
    @classmethod
    def _check_mobile(cls, v: str | None) -> str | None:
        return None if v is None else check_mobile(v)

    @model_validator(mode="after")
    def _something(self) -> ContactIn:
        if not self.model_fields_set & {"mobile", "sms_opt_out"}:
            raise ValueError("手机号（mobile）与短信通知选择（sms_opt_out）至少填一项")
        return self


@router.put("/cases/{case_id}/parties/{party}/contact", summary="变更当事人手机号或短信通知选择（每项一个事件）")
async def change_contact(case_id: str, party: Literal["applicant", "respondent"], body: ContactIn,
                         request: Request, response: Response, officer: ContactDesk, rt: Rt) -> CaseWritten:
    role = next(r for r in (Role.JUDGE, Role.AFFAIRS_CLERK, Role.INTAKE_CLERK) if officer.has(r))
    mobile_given = "mobile" in body.model_fields_set
    return await run(request, response, rt, officer, role, case_id,
                     lambda w: c.ChangePartyContact(w, party, mobile=body.mobile,
                                                    clear_mobile=mobile_given and body.mobile is None,
                                                    sms_opt_out=body.sms_opt_out), out=CaseWritten)
