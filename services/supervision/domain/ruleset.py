"""The versioned 互相制约 rule set: every rule module registered, one entry point."""

from __future__ import annotations

from collections.abc import Sequence

import services.supervision.domain.rules_assets
import services.supervision.domain.rules_people
from services.supervision.domain.entries import Entry
from services.supervision.domain.findings import RULES, Context, Finding, Found, Rule, ruleset_version

__all__ = ["RULES", "Context", "Finding", "case_trail", "check_case", "ruleset_version", "run_rule"]
_ = services.supervision.domain.rules_assets


def case_trail(entries: Sequence[Entry]) -> list[Entry]:
    """What the rules read of a case's trail: every event but supervision's own (its findings)."""
    return [e for e in entries if not e.event_type.startswith("supervision.")]


def run_rule(r: Rule, trail: Sequence[Entry], ctx: Context) -> list[Finding]:
    """One rule's findings over a (non-empty) ``case_trail``."""
    found = Found(r.rule_id, r.version, trail[0].case_id)
    r.check(trail, ctx, found)
    return found.items


def check_case(entries: Sequence[Entry], ctx: Context, rules: Sequence[Rule] | None = None) -> list[Finding]:
    """Every finding of every rule over one case's trail (entries in log order).

    Supervision's own events (its findings) are not re-checked.
    """
    trail = case_trail(entries)
    if not trail:
        return []
    return [f for r in (rules if rules is not None else RULES) for f in run_rule(r, trail, ctx)]
