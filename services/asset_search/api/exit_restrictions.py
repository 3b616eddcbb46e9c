"""Exit restrictions (限制出境, 民诉法 2023 art. 266) as asset_search knows them: what was sent to the border
authority for each of a case's restrictions (the restriction and its lifting) and the authority's receipts
(docs/rules.md §9). The restriction's state is its latest request's: awaiting the receipt, effective, or
refused — a refused receipt is also on the case judge's 我的待办 (api/worklist.py) until a later request
for the same restriction supersedes it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import Field

from services.asset_search.api.staff import Reader, Rt, case_row
from shared.openapi import ResponseModel

router = APIRouter(tags=["查控 asset search"])

Status = Literal["requested", "effective", "refused", "lift_requested", "lifted", "lift_refused"]
STATUS_ZH: dict[str, str] = {
    "requested": "已请求边控机关限制出境，待回执", "effective": "限制出境已生效",
    "refused": "边控机关未能办理限制出境（须处理）", "lift_requested": "已请求解除限制出境，待回执",
    "lifted": "限制出境已解除", "lift_refused": "边控机关未能办理解除（须处理）",
}
REFUSED = ("refused", "lift_refused")


class ExitRequestOut(ResponseModel):
    request_id: str
    action: Literal["restrict", "lift"] = Field(description="restrict 限制出境 / lift 解除限制出境")
    agency_id: str = Field(description="边控机关（联动单位编号）")
    requested_at: datetime
    delivery_status: str | None = Field(description="送达状态：pending 待送达 / delivered 已送达 / …")
    outcome: Literal["effective", "refused"] | None = Field(
        description="回执：effective 已生效 / refused 未能办理；空为待回执")
    effective_date: date | None
    reason: str | None = Field(description="边控机关未能办理的理由")
    confirmed_at: datetime | None


class ExitRestrictionOut(ResponseModel):
    restriction_id: str = Field(description="限制出境决定编号（立案服务）")
    subject_name: str
    status: Status
    status_zh: str
    needs_action: bool = Field(description="回执为未能办理，须承办法官处理（亦列入其我的待办）")
    requests: list[ExitRequestOut] = Field(description="发往边控机关的请求及回执，按时间排序")


class ExitRestrictions(ResponseModel):
    case_id: str
    restrictions: list[ExitRestrictionOut]


def restriction_status(latest_action: str, latest_outcome: str | None) -> str:
    """The restriction's state is its latest request's (a restriction, or its lifting) and that request's receipt."""
    if latest_action == "lift":
        return {"effective": "lifted", "refused": "lift_refused"}.get(latest_outcome or "", "lift_requested")
    return {"effective": "effective", "refused": "refused"}.get(latest_outcome or "", "requested")


def group(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of exit_requests (ordered by request time) grouped per restriction, each with its state."""
    by_id: dict[str, dict[str, Any]] = {}
    for r in rows:
        item = by_id.setdefault(r["restriction_id"], {"restriction_id": r["restriction_id"],
                                                      "subject_name": r["subject_name"], "requests": []})
        item["requests"].append({k: r.get(k) for k in ExitRequestOut.model_fields})
    for item in by_id.values():
        last = item["requests"][-1]
        item["status"] = restriction_status(last["action"], last["outcome"])
        item["status_zh"] = STATUS_ZH[item["status"]]
        item["needs_action"] = item["status"] in REFUSED
    return list(by_id.values())


@router.get("/cases/{case_id}/exit-restrictions", summary="本案限制出境：发往边控机关的请求、回执与解除")
async def exit_restrictions(case_id: str, officer: Reader, rt: Rt) -> ExitRestrictions:
    await case_row(rt, officer, case_id)
    rows = await rt.pool.fetch(
        "SELECT e.*, d.status AS delivery_status FROM exit_requests e"
        " LEFT JOIN deliveries d ON d.request_id = e.request_id"
        " WHERE e.case_id = $1 ORDER BY e.requested_at, e.request_id", case_id)
    return ExitRestrictions.model_validate({"case_id": case_id, "restrictions": group([dict(r) for r in rows])})
