"""Composition root of disposal."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.disposal import events as _events  # noqa: F401  (registers the event types)
from services.disposal.api import ROUTERS
from services.disposal.consumer import reactions
from services.disposal.projections import project
from services.disposal.settings import Settings
from shared import case_facts
from shared.app import create_service_app

# What the app applies after shared/migrations (a test migrates a scratch database the same way)
MIGRATIONS = (case_facts.MIGRATIONS, Path(__file__).parent / "migrations")

def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="财产处置服务 disposal",
        description="财产处置中心：参考价、网络司法拍卖、变卖、以物抵债，以及一案一账号执行款。",
        routers=ROUTERS,
        migrations=MIGRATIONS,
        reactions=reactions,
        projector=project,
    )
