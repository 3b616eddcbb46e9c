"""Administration: rebuild the projection (in the background, with progress), verify it, and the
dead letters (each a possible hole in the trail) with their acknowledgement."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import Field

from services.supervision.api.models_admin import DeadLetter, DeadLetters, RebuildRun, RebuildStarted, Verification
from services.supervision.api.trail import Rt, Watcher
from services.supervision.rebuild.engine import Rebuild
from services.supervision.rebuild.pipeline import Progress, RebuildAborted
from services.supervision.rebuild.verify import verify
from services.supervision.settings import Settings
from services.supervision.trail import dead_letters
from shared.app import Runtime
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.errors import Conflict, NotFound
from shared.text import BIGINT_MAX, RequestModel

router = APIRouter(tags=["监管 运维 supervision admin"])
Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN, rule=POWERS_LIST))]
Acknowledger = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR, Role.ADMIN, rule=POWERS_LIST))]


async def _run(rt: Runtime, run_id: uuid.UUID, require_identical: bool) -> None:
    settings: Settings = rt.settings  # type: ignore[assignment]
    last = [0.0]

    def report_progress(p: Progress) -> None:
        if time.monotonic() - last[0] > 0.5:
            last[0] = time.monotonic()
            rt.extras["rebuild_progress"] = p.to_json()

    rebuild = Rebuild(rt.pool, settings, on_progress=report_progress, require_identical=require_identical)
    try:
        report = await rebuild.run()
        status, body = "swapped", report
    except RebuildAborted as exc:
        status, body = "aborted", {"reason": str(exc)}
    except Exception as exc:  # reported on the run; the live projection is untouched
        status, body = "failed", {"reason": repr(exc)}
    body["progress"] = rebuild.progress.to_json()
    await rt.pool.execute(
        "UPDATE rebuild_runs SET status = $2, report = $3, finished_at = now() WHERE run_id = $1", run_id, status, body
    )
    rt.extras.pop("rebuild_progress", None)


@router.post("/admin/rebuild", status_code=202, summary="从 case-events 第一条重放重建监管投影，校验后原子切换")
async def start_rebuild(officer: Admin, rt: Rt, require_identical: bool = True) -> RebuildStarted:
    task = rt.extras.get("rebuild_task")
    if isinstance(task, asyncio.Task) and not task.done():
        raise Conflict("已有重建任务在进行", code="rebuild_running")
    run_id = uuid.uuid4()
    await rt.pool.execute("INSERT INTO rebuild_runs (run_id, status) VALUES ($1, 'running')", run_id)
    rt.extras["rebuild_task"] = asyncio.create_task(_run(rt, run_id, require_identical), name="rebuild")
    return RebuildStarted(run_id=str(run_id), status="running")


@router.get(
    "/admin/rebuild/{run_id}",
    summary="重建进度与结果",
    response_model_exclude_unset=True,  # progress only while running; a report's fields as it has them
)
async def rebuild_status(run_id: uuid.UUID, officer: Admin, rt: Rt) -> RebuildRun:
    row = await rt.pool.fetchrow(
        "SELECT run_id::text, status, started_at, finished_at, report FROM rebuild_runs WHERE run_id = $1", run_id
    )
    if row is None:
        raise NotFound("没有该重建任务", code="rebuild_not_found")
    out = dict(row)
    if out["status"] == "running":
        out["progress"] = rt.extras.get("rebuild_progress")
    return RebuildRun.model_validate(out)


@router.post("/admin/verify", summary="校验实时投影：流版本连续、哈希链完整、没有未确认的死信，并给出摘要")
async def verify_live(officer: Admin, rt: Rt) -> Verification:
    async with rt.pool.acquire() as conn:
        return Verification.model_validate((await verify(conn, "public", dead_letters=True)).to_json())


@router.get("/dead-letters", summary="未能记入审计轨迹的消息（死信）：位置、案件、原因与确认情况")
async def list_dead_letters(
    officer: Watcher,
    rt: Rt,
    state: Literal["open", "acknowledged", "all"] = "open",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> DeadLetters:
    """Not a court's data: a message that is not an envelope names no court, so every watcher sees
    them all (the ops dashboard shows a banner while any is open)."""
    async with rt.pool.acquire() as conn, conn.transaction(readonly=True):
        count = await dead_letters.open_count(conn)
        rows = await dead_letters.listed(conn, state=state, limit=limit)
    return DeadLetters.model_validate(
        {"unacknowledged": count, "dead_letters": [dead_letters.described(r) for r in rows]}
    )


class AcknowledgementIn(RequestModel):
    """核查死信后的确认：为何可以不再视为轨迹缺口（如已确认为无关数据、已由重建补入轨迹）。"""

    reason: str = Field(min_length=2, max_length=2000, description="核查结论与确认理由")


@router.post(
    "/admin/dead-letters/{dead_letter_id}/acknowledgement",
    status_code=201,
    summary="确认已核查的死信（记录确认人、角色与理由）；全部确认后监管服务恢复就绪",
)
async def acknowledge_dead_letter(
    dead_letter_id: Annotated[int, Path(ge=1, le=BIGINT_MAX)], body: AcknowledgementIn, officer: Acknowledger, rt: Rt
) -> DeadLetter:
    return DeadLetter.model_validate(await dead_letters.acknowledge(rt.pool, dead_letter_id, officer, body.reason))
