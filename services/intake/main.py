"""Composition root of the intake service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.intake import events as _events  # noqa: F401  (registers the event types)
from services.intake.api import ROUTERS
from services.intake.consumer import reactions
from services.intake.importing import http as imports
from services.intake.projections import project
from services.intake.settings import Settings
from shared.app import create_service_app

# What the app applies after shared/migrations (a test migrates a scratch database the same way)
MIGRATIONS = (Path(__file__).parent / "migrations",)

def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="立案服务 intake",
        description="执行立案服务中心：立案登记、案号、繁简分流、分案、文书、结案与恢复执行。",
        routers=[*ROUTERS, imports.router],
        migrations=MIGRATIONS,
        projector=project,
        reactions=reactions,
    )
