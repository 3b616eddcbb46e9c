"""Composition root of the supervision service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.supervision import api, api_admin, api_checks
from services.supervision.settings import SupervisionSettings
from services.supervision.trail import reactions
from shared.app import create_service_app


def create_app(settings: SupervisionSettings | None = None) -> FastAPI:
    settings = settings or SupervisionSettings()
    return create_service_app(
        settings,
        title="监管服务 supervision",
        description="执行指挥中心：全量审计轨迹（哈希链）、互相制约检查、期限与督办、投影重建与校验。",
        routers=[api.router, api_checks.router, api_admin.router],
        migrations=[Path(__file__).parent / "migrations"],
        reactions=reactions,
    )
