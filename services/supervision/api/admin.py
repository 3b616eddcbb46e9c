"""Administration: rebuild the projection (in the background, with progress) and verify it."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from services.supervision.api.trail import Rt
from services.supervision.rebuild.engine import Rebuild
from services.supervision.rebuild.pipeline import Progress, RebuildAborted
from services.supervision.rebuild.verify import verify
from services.supervision.settings import Settings
from shared.app import Runtime
from shared.auth import Principal, Role, require_roles
from shared.errors import Conflict, NotFound

router = APIRouter(tags=["监管 运维 supervision admin"])
Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN))]


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
async def start_rebuild(officer: Admin, rt: Rt, require_identical: bool = True) -> JSONResponse:
    task = rt.extras.get("rebuild_task")
    if isinstance(task, asyncio.Task) and not task.done():
        raise Conflict("已有重建任务在进行", code="rebuild_running")
    run_id = uuid.uuid4()
    await rt.pool.execute("INSERT INTO rebuild_runs (run_id, status) VALUES ($1, 'running')", run_id)
    rt.extras["rebuild_task"] = asyncio.create_task(_run(rt, run_id, require_identical), name="rebuild")
    return JSONResponse({"run_id": str(run_id), "status": "running"}, status_code=202)


@router.get("/admin/rebuild/{run_id}", summary="重建进度与结果")
async def rebuild_status(run_id: uuid.UUID, officer: Admin, rt: Rt) -> dict[str, Any]:
    row = await rt.pool.fetchrow(
        "SELECT run_id::text, status, started_at, finished_at, report FROM rebuild_runs WHERE run_id = $1", run_id
    )
    if row is None:
        raise NotFound("没有该重建任务", code="rebuild_not_found")
    out = dict(row)
    if out["status"] == "running":
        out["progress"] = rt.extras.get("rebuild_progress")
    return out


@router.post("/admin/verify", summary="校验实时投影：流版本连续、哈希链完整，并给出摘要")
async def verify_live(officer: Admin, rt: Rt) -> dict[str, Any]:
    async with rt.pool.acquire() as conn:
        return (await verify(conn, "public")).to_json()
