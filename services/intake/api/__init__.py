"""Intake's HTTP surface: request → command (+ time, ids, actor) → shared runner → response."""

from services.intake.api import cases, contacts, filing, lifecycle, linked, measures, worklist

ROUTERS = [filing.router, lifecycle.router, linked.router, cases.router, contacts.router, measures.router,
           worklist.router]

__all__ = ["ROUTERS"]
