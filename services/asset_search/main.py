"""Composition root of asset_search."""

from __future__ import annotations

from fastapi import FastAPI

from shared.app import create_service_app
from services.asset_search.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="查控服务 asset_search",
        description="查人找物：向联动单位网络查询、接收结果、冻结/查封/扣划。",
        routers=[],
    )
