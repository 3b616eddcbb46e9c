"""Composition root of field_ops."""

from __future__ import annotations

from fastapi import FastAPI

from shared.app import create_service_app
from services.field_ops.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="外勤服务 field_ops",
        description="外勤事务中心：依承办法官指令开展线下调查、现场查封、送达、搜查。",
        routers=[],
    )
