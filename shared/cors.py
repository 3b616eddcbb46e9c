"""Cross-origin reads for the court's own pages (docs/architecture.md §1: services never call each
other; a person's browser may). Supervision's 我的待办 page gathers the caller's worklist from every
service's ``GET /worklist`` in the browser, with the caller's own token: each service lets the origins
named in ``CORS_ALLOW_ORIGINS`` read its GET routes — no other method, no cookies (the token travels in
the Authorization header, so a page of another origin has nothing to borrow). No origins, no CORS.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

PREFLIGHT_MAX_AGE_S = 600


def install(app: FastAPI, origins: Sequence[str]) -> None:
    """Let ``origins`` read the app's GET routes from a browser (a no-op without origins)."""
    if not origins:
        return
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(origins),
        allow_methods=["GET"],
        allow_headers=["Authorization", "X-Correlation-Id"],
        expose_headers=["X-Correlation-Id"],
        allow_credentials=False,
        max_age=PREFLIGHT_MAX_AGE_S,
    )
