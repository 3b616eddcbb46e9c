"""Intake's HTTP surface: request → command (+ time, ids, actor) → shared runner → response."""

from services.intake.api import filing, lifecycle, linked, queries

ROUTERS = [filing.router, lifecycle.router, linked.router, queries.router]

__all__ = ["ROUTERS"]
