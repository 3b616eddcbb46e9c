"""Facts a command needs from intake's own read models, read inside the command's transaction."""

from __future__ import annotations

import asyncpg

from services.intake.config import ClosurePolicy
from services.intake.domain.commands import ClosureFacts
from shared.disposal_chances import unsold_chances_needed
from shared.periods import Pause

OPEN_STATUSES = ("registered", "in_progress", "suspended", "postponed", "closure_proposed")  # = 0003 migration


async def judge_loads(conn: asyncpg.Connection, court: str) -> dict[str, int]:
    """Open cases per judge of a court (the least-loaded assignment reads this).

    ``judge_open_cases`` is kept by a trigger on ``cases`` (migration 0003) in the writer's own
    transaction, so it always equals counting the court's open cases per judge.
    """
    rows = await conn.fetch(
        "SELECT judge_id, open_cases FROM judge_open_cases WHERE court = $1 AND open_cases > 0", court
    )
    return {r["judge_id"]: int(r["open_cases"]) for r in rows}


async def handlers(conn: asyncpg.Connection, case_id: str) -> frozenset[str]:
    """Everyone who acted on a case, in any service, and every judge it was ever assigned to."""
    rows = await conn.fetch("SELECT officer_id FROM case_actors WHERE case_id = $1", case_id)
    return frozenset(r["officer_id"] for r in rows)


async def closure_facts(conn: asyncpg.Connection, case_id: str, policy: ClosurePolicy) -> ClosureFacts:
    queries = await conn.fetch(
        "SELECT query_id, coalesce(agency_kind, agency_id, '?') AS kind, outcome FROM ext_queries"
        " WHERE case_id = $1 ORDER BY query_id",
        case_id,
    )
    leads = await conn.fetch(
        "SELECT lead_id FROM ext_leads WHERE case_id = $1 AND NOT verified ORDER BY lead_id", case_id
    )
    reports = await conn.fetchval("SELECT count(*) FROM ext_field_reports WHERE case_id = $1", case_id)
    assets = await conn.fetch(
        "SELECT asset_id, coalesce(asset_kind, '') AS kind, resolution, unsold_rounds FROM ext_assets"
        " WHERE case_id = $1 ORDER BY asset_id",
        case_id,
    )
    unresolved = tuple(  # the unsold chances disposal needs before a release too (one table)
        a["asset_id"] for a in assets
        if a["resolution"] is None and a["unsold_rounds"] < unsold_chances_needed(a["kind"])
    )
    paid = await conn.fetchval("SELECT paid_in_full FROM cases WHERE case_id = $1", case_id)
    controls = await conn.fetch(
        "SELECT control_id FROM ext_controls WHERE case_id = $1 AND active ORDER BY control_id", case_id)
    disposals = await conn.fetch(
        "SELECT disposal_id FROM ext_disposals WHERE case_id = $1 AND NOT concluded ORDER BY disposal_id", case_id)
    return ClosureFacts(
        queries=tuple((q["query_id"], q["kind"], q["outcome"]) for q in queries),
        unverified_leads=tuple(r["lead_id"] for r in leads),
        field_reports=int(reports or 0),
        unresolved_assets=unresolved,
        paid_in_full=bool(paid),
        active_controls=tuple(r["control_id"] for r in controls),
        open_disposals=tuple(r["disposal_id"] for r in disposals),
    )


async def tolled(conn: asyncpg.Connection, case_id: str) -> tuple[Pause, ...]:
    """The case's reference-price and auction periods, learnt from disposal (严格审限规定 art. 9)."""
    rows = await conn.fetch(
        "SELECT ref, reason, start_on, end_on FROM ext_tolling WHERE case_id = $1 ORDER BY start_on, ref", case_id
    )
    return tuple(Pause(r["start_on"], r["end_on"], r["reason"], r["ref"]) for r in rows)


# An objection reviewer's own review steps are no handling of the case (互相制约-8).
REVIEW_STEPS = ("intake.objection_decided", "intake.objection_hearing_held")


async def acted_on_case(conn: asyncpg.Connection, case_id: str) -> frozenset[str]:
    """Officers who acted on the case by something other than an objection review (their first act,
    as ``case_actors`` keeps it; supervision's rule 8 checks every act over the trail)."""
    rows = await conn.fetch(
        "SELECT officer_id FROM case_actors WHERE case_id = $1 AND first_event_type <> ALL($2::text[])",
        case_id, list(REVIEW_STEPS),
    )
    return frozenset(r["officer_id"] for r in rows)
