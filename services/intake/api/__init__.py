"""Intake's HTTP surface: request → command (+ time, ids, actor) → shared runner → response."""

from services.intake.api import aid, cases, coercive, contacts, filing, lifecycle, linked, measures, petitions, worklist

ROUTERS = [filing.router, lifecycle.router, linked.router, cases.router, contacts.router, measures.router,
           coercive.router, worklist.router, petitions.router, aid.router]

__all__ = ["ROUTERS"]
