"""A case's facts from intake's events, kept the same way by every service that needs them.

asset_search, disposal and field_ops each need to know a case's court, number, current judge and
team, and whether (and how, and when) it was closed; some also its claim, respondent and basis
dates. They read intake's events for it. This module is that reader, once: ``add_to(reactions)``
registers its handlers (before the service's own handlers of the same events, so those see the
facts), and ``MIGRATIONS`` is the table it keeps (``case_facts``), listed in the service's
migrations. Events may arrive in any order (an assignment before its registration): every handler
upserts only its own columns.
"""

from __future__ import annotations

from pathlib import Path

from shared.envelope import SHANGHAI
from shared.payload import integer, iso_date, text
from shared.reactions import ReactionContext, Reactions

MIGRATIONS = Path(__file__).parent / "case_facts_migrations"

COLUMNS = (
    "case_id, court, case_number, case_type, claim_amount_fen, respondent, registered_by, registered_on,"
    " performance_deadline, basis_effective_date, judge_id, team_id, closure_type, closed_on, closed"
)


async def case_registered(ctx: ReactionContext) -> None:
    env, p = ctx.envelope, ctx.envelope.payload
    raw_basis = p.get("basis")
    basis: dict[str, object] = raw_basis if isinstance(raw_basis, dict) else {}
    respondent = p.get("respondent") if isinstance(p.get("respondent"), dict) else None
    await ctx.conn.execute(
        "INSERT INTO case_facts (case_id, court, case_number, case_type, claim_amount_fen, respondent,"
        " registered_by, registered_on, performance_deadline, basis_effective_date)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (case_id) DO UPDATE SET court = EXCLUDED.court,"
        " case_number = EXCLUDED.case_number, case_type = EXCLUDED.case_type,"
        " claim_amount_fen = EXCLUDED.claim_amount_fen, respondent = EXCLUDED.respondent,"
        " registered_by = EXCLUDED.registered_by, registered_on = EXCLUDED.registered_on,"
        " performance_deadline = EXCLUDED.performance_deadline,"
        " basis_effective_date = EXCLUDED.basis_effective_date, updated_at = now()",
        env.case_id, text(p.get("court")) or env.court, text(p.get("case_number")), text(p.get("case_type")),
        integer(p.get("claim_amount_fen")), respondent, text(p.get("registered_by")),
        iso_date(p.get("registered_on")) or env.occurred_at.astimezone(SHANGHAI).date(),
        iso_date(basis.get("performance_deadline")), iso_date(basis.get("effective_date")),
    )


async def case_assigned(ctx: ReactionContext) -> None:
    env, p = ctx.envelope, ctx.envelope.payload
    await ctx.conn.execute(
        "INSERT INTO case_facts (case_id, court, judge_id, team_id) VALUES ($1,$2,$3,$4)"
        " ON CONFLICT (case_id) DO UPDATE SET judge_id = EXCLUDED.judge_id, team_id = EXCLUDED.team_id,"
        " court = coalesce(case_facts.court, EXCLUDED.court), updated_at = now()",
        env.case_id, env.court, text(p.get("judge_id")), text(p.get("team_id")),
    )


async def case_closed(ctx: ReactionContext) -> None:
    env, p = ctx.envelope, ctx.envelope.payload
    closed_on = iso_date(p.get("closed_on")) or env.occurred_at.astimezone(SHANGHAI).date()
    await ctx.conn.execute(
        "INSERT INTO case_facts (case_id, court, closure_type, closed_on, closed) VALUES ($1,$2,$3,$4,true)"
        " ON CONFLICT (case_id) DO UPDATE SET closure_type = EXCLUDED.closure_type,"
        " closed_on = EXCLUDED.closed_on, closed = true, updated_at = now()",
        env.case_id, env.court, text(p.get("closure_type")), closed_on,
    )


def add_to(reactions: Reactions) -> Reactions:
    """Register the case-facts handlers on ``reactions`` (call before the service's own)."""
    reactions.on("intake.case_registered")(case_registered)
    reactions.on("intake.case_assigned")(case_assigned)
    reactions.on("intake.case_closed")(case_closed)
    return reactions
