"""Composition root of asset_search."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.asset_search import events as _events  # noqa: F401  (registers the event types)
from services.asset_search.agencies.delivery import delivery_worker
from services.asset_search.agencies.registry import AgencyRegistry
from services.asset_search.api import ROUTERS
from services.asset_search.api.agency import RateLimited
from services.asset_search.consumer import build_reactions
from services.asset_search.jobs import housekeeping
from services.asset_search.projections import make_projector
from services.asset_search.settings import Settings
from shared import case_facts
from shared.app import Runtime, create_service_app
from shared.problems import problem

# What the app applies after shared/migrations (a test migrates a scratch database the same way)
MIGRATIONS = (case_facts.MIGRATIONS, Path(__file__).parent / "migrations")

def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    registry = AgencyRegistry.load(settings.agencies_file, settings.simulator_url)
    projector = make_projector(registry)

    async def remember_registry(rt: Runtime) -> None:
        rt.extras["registry"] = registry

    app = create_service_app(
        settings,
        title="查控服务 asset_search",
        description="查人找物：向联动单位网络查询、接收结果、冻结/查封/扣划。",
        routers=ROUTERS,
        migrations=MIGRATIONS,
        reactions=build_reactions(registry, projector),
        projector=projector,
        on_startup=[remember_registry],
        background=[delivery_worker, housekeeping],
    )
    app.state.registry = registry

    @app.exception_handler(RateLimited)
    async def _rate_limited(request: Request, exc: RateLimited) -> JSONResponse:
        return problem(429, exc.code, exc.message, instance=request.url.path,
                       headers={"Retry-After": str(exc.retry_after_s)}, retry_after_s=exc.retry_after_s)

    return app
