"""Composition root of the supervision service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from shared.app import create_service_app
from services.supervision.api import router
from services.supervision.settings import SupervisionSettings
from services.supervision.trail import reactions


def create_app(settings: SupervisionSettings | None = None) -> FastAPI:
    settings = settings or SupervisionSettings()
    return create_service_app(
        settings,
        title="监管服务 supervision",
        description="执行指挥中心：全量审计轨迹（哈希链）、互相制约检查、期限与督办、质效指标。",
        routers=[router],
        migrations=[Path(__file__).parent / "migrations"],
        reactions=reactions,
    )
