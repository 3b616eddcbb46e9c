"""The versioned 互相制约 rule set: every rule module registered, one entry point."""

from __future__ import annotations

from collections.abc import Sequence

import services.supervision.domain.rules_assets
import services.supervision.domain.rules_people
from services.supervision.domain.entries import Entry
from services.supervision.domain.findings import RULES, Context, Finding, Found, Rule, ruleset_version

__all__ = ["RULES", "Context", "Finding", "check_case", "ruleset_version"]
_ = services.supervision.domain.rules_assets


def check_case(entries: Sequence[Entry], ctx: Context, rules: Sequence[Rule] | None = None) -> list[Finding]:
    """Every finding of every rule over one case's trail (entries in log order).

    Supervision's own events (its findings) are not re-checked.
    """
    trail = [e for e in entries if not e.event_type.startswith("supervision.")]
    if not trail:
        return []
    out: list[Finding] = []
    for r in rules if rules is not None else RULES:
        found = Found(r.rule_id, r.version, trail[0].case_id)
        r.check(trail, ctx, found)
        out.extend(found.items)
    return out
