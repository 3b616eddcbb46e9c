"""Disposal's read model of its own disposals, updated inline with each append (same transaction)."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from shared.envelope import Envelope

_STATUS = {
    "disposal.reference_price_fixed": "priced",
    "disposal.auction_scheduled": "auction_scheduled",
    "disposal.direct_sale_completed": "sold",
    "disposal.sale_ruling_signed": "ruling_signed",
}


async def project(conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None:
    for env in envelopes:
        p = env.payload
        if env.event_type == "disposal.disposal_decided":
            await conn.execute(
                "INSERT INTO disposals (disposal_id, case_id, asset_id, status, updated_at)"
                " VALUES ($1, $2, $3, 'decided', $4)",
                p["disposal_id"], env.case_id, p["asset_id"], env.recorded_at,
            )
        elif env.event_type == "disposal.auction_ended":
            await conn.execute(
                "UPDATE disposals SET status = $2, sale_price_fen = $3, updated_at = $4 WHERE disposal_id = $1",
                p["disposal_id"], f"auction_{p['result']}", p.get("price_fen"), env.recorded_at,
            )
        elif env.event_type == "disposal.price_objection_ruled" and p.get("upheld"):
            # An upheld objection strikes the reference price down: back to "decided" (as the disposal's
            # own state says), until a new price is fixed.
            await conn.execute(
                "UPDATE disposals SET status = 'decided', updated_at = $2 WHERE disposal_id = $1",
                p["disposal_id"], env.recorded_at,
            )
        elif env.event_type == "disposal.disposal_concluded":
            await conn.execute(
                "UPDATE disposals SET status = 'concluded', outcome = $2, updated_at = $3 WHERE disposal_id = $1",
                p["disposal_id"], p["outcome"], env.recorded_at,
            )
        elif env.event_type in _STATUS:
            await conn.execute(
                "UPDATE disposals SET status = $2, sale_price_fen = coalesce($3, sale_price_fen), updated_at = $4"
                " WHERE disposal_id = $1",
                p["disposal_id"], _STATUS[env.event_type], p.get("price_fen"), env.recorded_at,
            )
