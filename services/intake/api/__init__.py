"""Intake's HTTP surface: request → command (+ time, ids, actor) → shared runner → response."""

from services.intake.api import cases, contacts, filing, lifecycle, linked, measures

ROUTERS = [filing.router, lifecycle.router, linked.router, cases.router, contacts.router, measures.router]

__all__ = ["ROUTERS"]
