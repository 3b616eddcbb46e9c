"""Supervision's HTTP surface: the audit trail."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from shared.app import Runtime, runtime
from shared.auth import Principal, Role, require_roles
from shared.errors import NotFound

router = APIRouter(tags=["监管 supervision"])
Watcher = Annotated[
    Principal,
    Depends(require_roles(Role.SUPERVISOR, Role.BUREAU_CHIEF, Role.VICE_PRESIDENT, Role.PRESIDENT, Role.ADMIN)),
]
Rt = Annotated[Runtime, Depends(runtime)]


@router.get("/cases/{case_id}/trail", summary="案件审计轨迹（按日志顺序，含哈希链）")
async def case_trail(case_id: str, officer: Watcher, rt: Rt) -> dict[str, Any]:
    rows = await rt.pool.fetch(
        "SELECT seq, event_id, event_type, schema_version, producer, stream_id, stream_version, actor_kind,"
        " actor_id, actor_name, actor_role, court, occurred_at, recorded_at, correlation_id, causation_id,"
        " summary, payload, encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash"
        " FROM audit_trail WHERE case_id = $1 ORDER BY seq",
        case_id,
    )
    if not rows:
        raise NotFound("监管轨迹中没有该案件", code="case_not_found")
    return {"case_id": case_id, "events": [dict(r) for r in rows]}
