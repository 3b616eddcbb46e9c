"""Composition root of the supervision service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.supervision.alerts.notifications import dispatch_job
from services.supervision.alerts.scanner import scan_job, wake_scanner
from services.supervision.api import ROUTERS
from services.supervision.api.checks import publish_earlier_years, store_year
from services.supervision.consumer import build_reactions
from services.supervision.indicators.store import backfill_facts
from services.supervision.readiness import trail_check
from services.supervision.settings import Settings
from shared.app import create_service_app

# What the app applies after shared/migrations (a test migrates a scratch database the same way)
MIGRATIONS = (Path(__file__).parent / "migrations",)

def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        settings,
        title="监管服务 supervision",
        description="执行指挥中心：全量审计轨迹（哈希链）、互相制约检查、期限与督办（提醒、超期、四级督办通知）、"
        "周报、投影重建与校验。",
        routers=ROUTERS,
        migrations=MIGRATIONS,
        reactions=build_reactions(settings),
        background=[scan_job, dispatch_job],
        readiness={"trail": trail_check},
        on_startup=[publish_earlier_years, backfill_facts],
        on_clock_move=wake_scanner,
        on_calendar_load=store_year,
    )
    return app
