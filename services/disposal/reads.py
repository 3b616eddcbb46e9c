"""Reads of disposal's own tables: the facts a command needs, gathered inside its transaction."""

from __future__ import annotations

import asyncpg

from services.disposal.domain.commands import AssetStanding, AssetView, CaseFacts, CaseView


async def case_view(conn: asyncpg.Connection | asyncpg.Pool, case_id: str) -> CaseView | None:
    row = await conn.fetchrow("SELECT court, judge_id, registered_by FROM case_facts WHERE case_id = $1", case_id)
    if row is None or row["court"] is None:
        return None
    return CaseView(case_id, row["court"], row["judge_id"], row["registered_by"])


async def case_facts(conn: asyncpg.Connection | asyncpg.Pool, case_id: str) -> CaseFacts | None:
    # 迟延履行利息解释 2014 art. 1: interest runs from the day after the performance deadline; a
    # basis without one is due when it takes effect.
    row = await conn.fetchrow(
        "SELECT claim_amount_fen, coalesce(performance_deadline, basis_effective_date) AS deadline"
        " FROM case_facts WHERE case_id = $1", case_id,
    )
    if row is None or row["claim_amount_fen"] is None or row["deadline"] is None:
        return None
    return CaseFacts(int(row["claim_amount_fen"]), row["deadline"])


async def asset_view(conn: asyncpg.Connection, case_id: str, asset_id: str) -> AssetView | None:
    """The asset's active controls in this case; None when nothing controls it here."""
    controls = await conn.fetch(
        "SELECT control_id, asset_kind, controlled_by, requested_by FROM asset_controls"
        " WHERE case_id = $1 AND asset_id = $2 AND status = 'active' ORDER BY control_id",
        case_id, asset_id,
    )
    if not controls:
        return None
    kind = next((r["asset_kind"] for r in controls if r["asset_kind"]), None) or await conn.fetchval(
        "SELECT asset_kind FROM found_assets WHERE asset_id = $1", asset_id
    )
    rows = await conn.fetch(
        "SELECT status, decided_on FROM asset_objections WHERE case_id = $1 AND asset_id = $2", case_id, asset_id,
    )
    objections = {r["status"] for r in rows}
    active = await conn.fetchval(
        "SELECT disposal_id FROM disposals WHERE case_id = $1 AND asset_id = $2 AND outcome IS NULL LIMIT 1",
        case_id, asset_id,
    )
    return AssetView(
        asset_id=asset_id,
        asset_kind=kind or "movable",
        control_ids=tuple(r["control_id"] for r in controls),
        controlled_by=tuple(sorted({p for r in controls for p in (r["controlled_by"], r["requested_by"]) if p})),
        pending_objection="pending" in objections,
        active_disposal_id=active,
        objection_upheld="upheld" in objections,
        rejected_on=tuple(sorted(r["decided_on"] for r in rows if r["status"] == "rejected" and r["decided_on"])),
    )


async def asset_standing(conn: asyncpg.Connection, case_id: str, asset_id: str) -> AssetStanding:
    """Where the asset stands in this case now: every control of it and every objection naming it."""
    controls = await conn.fetch(
        "SELECT control_id, status FROM asset_controls WHERE case_id = $1 AND asset_id = $2 ORDER BY control_id",
        case_id, asset_id,
    )
    objections = await conn.fetch(
        "SELECT objection_id, status, decided_on FROM asset_objections WHERE case_id = $1 AND asset_id = $2"
        " ORDER BY objection_id", case_id, asset_id,
    )
    return AssetStanding(
        asset_id=asset_id,
        controls=tuple((r["control_id"], r["status"]) for r in controls),
        objections=tuple((r["objection_id"], r["status"], r["decided_on"]) for r in objections),
    )


async def disposal_case(conn: asyncpg.Connection | asyncpg.Pool, disposal_id: str) -> str | None:
    case_id: str | None = await conn.fetchval("SELECT case_id FROM disposals WHERE disposal_id = $1", disposal_id)
    return case_id


async def disposal_asset(conn: asyncpg.Connection | asyncpg.Pool, disposal_id: str) -> tuple[str, str] | None:
    """The case and the asset of a disposal (from the ``disposals`` read model)."""
    row = await conn.fetchrow("SELECT case_id, asset_id FROM disposals WHERE disposal_id = $1", disposal_id)
    return None if row is None else (row["case_id"], row["asset_id"])
