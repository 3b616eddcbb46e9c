"""Composition root of field_ops."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.field_ops import events as _events  # noqa: F401  (registers the event types)
from services.field_ops.api import ROUTERS
from services.field_ops.consumer import reactions
from services.field_ops.projections import project
from services.field_ops.settings import Settings
from shared import case_facts
from shared.app import create_service_app

# What the app applies after shared/migrations (a test migrates a scratch database the same way)
MIGRATIONS = (case_facts.MIGRATIONS, Path(__file__).parent / "migrations")

def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="外勤服务 field_ops",
        description="外勤事务中心：依承办法官指令开展线下调查、现场查封、送达、搜查、传唤；"
        "登记指令、按区划与事项分派四个外勤组、执行、报告与证据。",
        routers=ROUTERS,
        migrations=MIGRATIONS,
        reactions=reactions,
        projector=project,
    )
