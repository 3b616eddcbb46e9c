"""Composition root of disposal."""

from __future__ import annotations

from fastapi import FastAPI

from shared.app import create_service_app
from services.disposal.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="财产处置服务 disposal",
        description="财产处置中心：参考价、网络司法拍卖、变卖、以物抵债，以及一案一账号执行款。",
        routers=[],
    )
