"""Supervision's HTTP surface: the trail, checks and deadlines, escalation, indicators, reports, admin."""

from services.supervision.api import (
    admin,
    checks,
    clock,
    escalation,
    indicators,
    lookup,
    objections,
    petitions,
    reports,
    trail,
    worklist,
)

ROUTERS = [
    trail.router, checks.router, admin.router, indicators.router, escalation.router, reports.router, clock.router,
    worklist.router, lookup.router, petitions.router, objections.router,
]

__all__ = ["ROUTERS"]
