"""What intake learns from other services' events (tolerant reader, names from docs/events.md).

Only the facts intake's own rules need: the 终本 conditions (search answered, leads verified,
offline investigation, assets realised or shown undisposable), 执行完毕 (claim paid in full), and
who acted on a case (reviewers of resumptions and objections must not be among them).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg

from shared.envelope import SHANGHAI
from shared.payload import text
from shared.reactions import Handler, ReactionContext, Reactions


class _IntakeReactions(Reactions):
    """Intake's own events need nothing here: the inline projection already recorded their actors
    when they were appended. Leaving them without a handler spares an inbox row and a transaction
    per event (the runner skips events no handler wants)."""

    def handlers_for(self, event_type: str) -> list[Handler]:
        handlers = super().handlers_for(event_type)
        if event_type.startswith("intake."):
            return [h for h in handlers if h is not record_actor]
        return handlers


reactions = _IntakeReactions()


@reactions.on_any
async def record_actor(ctx: ReactionContext) -> None:
    env = ctx.envelope
    if env.producer == "intake" or env.actor.kind != "officer":
        return  # intake's own events are projected inline when they are appended
    await ctx.conn.execute(
        "INSERT INTO case_actors (case_id, officer_id, role, first_event_type) VALUES ($1,$2,$3,$4)"
        " ON CONFLICT DO NOTHING",
        env.case_id, env.actor.id, env.actor.role, env.event_type,
    )


@reactions.on("asset_search.query_dispatched")
async def query_dispatched(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    await ctx.conn.execute(
        "INSERT INTO ext_queries (case_id, query_id, agency_id, agency_kind) VALUES ($1,$2,$3,$4)"
        " ON CONFLICT (case_id, query_id) DO UPDATE SET agency_id = coalesce(ext_queries.agency_id,"
        " EXCLUDED.agency_id), agency_kind = coalesce(ext_queries.agency_kind, EXCLUDED.agency_kind)",
        ctx.envelope.case_id, text(p.get("query_id")), text(p.get("agency_id")), text(p.get("agency_kind")),
    )


@reactions.on("asset_search.agency_answered")
async def agency_answered(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    await ctx.conn.execute(
        "INSERT INTO ext_queries (case_id, query_id, agency_id, agency_kind, outcome) VALUES ($1,$2,$3,$4,$5)"
        " ON CONFLICT (case_id, query_id) DO UPDATE SET outcome = EXCLUDED.outcome,"
        " agency_kind = coalesce(EXCLUDED.agency_kind, ext_queries.agency_kind)",
        ctx.envelope.case_id, text(p.get("query_id")), text(p.get("agency_id")), text(p.get("agency_kind")),
        text(p.get("outcome")),
    )


@reactions.on("asset_search.lead_recorded", "asset_search.lead_verified")
async def lead(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    # a lead sent on to a field check is not verified until a later verification says so
    verified = ctx.envelope.event_type == "asset_search.lead_verified" and p.get("outcome") != "needs_field_check"
    await ctx.conn.execute(
        "INSERT INTO ext_leads (case_id, lead_id, verified, outcome) VALUES ($1,$2,$3,$4)"
        " ON CONFLICT (case_id, lead_id) DO UPDATE SET verified = ext_leads.verified OR EXCLUDED.verified,"
        " outcome = coalesce(EXCLUDED.outcome, ext_leads.outcome)",
        ctx.envelope.case_id, text(p.get("lead_id")), verified, text(p.get("outcome")),
    )


async def _asset(conn: asyncpg.Connection, case_id: str, asset_id: str | None, kind: str | None) -> None:
    if asset_id:
        await conn.execute(
            "INSERT INTO ext_assets (case_id, asset_id, asset_kind) VALUES ($1,$2,$3) ON CONFLICT (case_id,"
            " asset_id) DO UPDATE SET asset_kind = coalesce(ext_assets.asset_kind, EXCLUDED.asset_kind)",
            case_id, asset_id, kind,
        )


async def _resolve(conn: asyncpg.Connection, case_id: str, asset_id: str | None, how: str | None) -> None:
    if asset_id and how:
        await _asset(conn, case_id, asset_id, None)
        await conn.execute(
            "UPDATE ext_assets SET resolution = $3 WHERE case_id = $1 AND asset_id = $2", case_id, asset_id, how
        )


@reactions.on("asset_search.asset_found", "field_ops.asset_seized_on_site")
async def asset_found(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    await _asset(ctx.conn, ctx.envelope.case_id, text(p.get("asset_id")), text(p.get("asset_kind")))


@reactions.on("asset_search.deduction_confirmed")
async def deducted(ctx: ReactionContext) -> None:
    await _resolve(ctx.conn, ctx.envelope.case_id, text(ctx.envelope.payload.get("asset_id")), "deducted")


@reactions.on("field_ops.task_reported")
async def field_report(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    await ctx.conn.execute(
        "INSERT INTO ext_field_reports (case_id, task_id, outcome) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING",
        ctx.envelope.case_id, text(p.get("task_id")) or str(ctx.envelope.event_id), text(p.get("outcome")),
    )
    for found in p.get("found_assets") or []:
        if isinstance(found, dict):
            await _asset(ctx.conn, ctx.envelope.case_id, text(found.get("asset_id")), text(found.get("asset_kind")))


@reactions.on("disposal.disposal_decided")
async def disposal_decided(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    if p.get("disposal_id") and p.get("asset_id"):
        # the kind decides how many unsold rounds make an asset "could not be disposed of"
        await _asset(ctx.conn, ctx.envelope.case_id, text(p.get("asset_id")), text(p.get("asset_kind")))
        await ctx.conn.execute(
            "INSERT INTO ext_disposals (case_id, disposal_id, asset_id) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING",
            ctx.envelope.case_id, text(p.get("disposal_id")), text(p.get("asset_id")),
        )


async def _asset_of(conn: asyncpg.Connection, case_id: str, p: dict[str, Any]) -> str | None:
    if p.get("asset_id"):
        return text(p.get("asset_id"))
    if p.get("disposal_id"):
        found = await conn.fetchval(
            "SELECT asset_id FROM ext_disposals WHERE case_id = $1 AND disposal_id = $2",
            case_id, text(p.get("disposal_id")),
        )
        if found:
            return str(found)
    if p.get("auction_id"):
        found = await conn.fetchval(
            "SELECT coalesce(a.asset_id, d.asset_id) FROM ext_auctions a LEFT JOIN ext_disposals d"
            " ON d.case_id = a.case_id AND d.disposal_id = a.disposal_id"
            " WHERE a.case_id = $1 AND a.auction_id = $2",
            case_id, text(p.get("auction_id")),
        )
        return str(found) if found else None
    return None


@reactions.on("disposal.auction_scheduled")
async def auction_scheduled(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    if p.get("auction_id"):
        await ctx.conn.execute(
            "INSERT INTO ext_auctions (case_id, auction_id, disposal_id, asset_id) VALUES ($1,$2,$3,$4)"
            " ON CONFLICT DO NOTHING",
            ctx.envelope.case_id, text(p.get("auction_id")), text(p.get("disposal_id")), text(p.get("asset_id")),
        )


@reactions.on("disposal.auction_ended")
async def auction_ended(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    asset_id = await _asset_of(ctx.conn, ctx.envelope.case_id, p)
    if asset_id is None:
        return
    await _asset(ctx.conn, ctx.envelope.case_id, asset_id, None)
    if p.get("result") == "unsold":
        await ctx.conn.execute(
            "UPDATE ext_assets SET unsold_rounds = unsold_rounds + 1 WHERE case_id = $1 AND asset_id = $2",
            ctx.envelope.case_id, asset_id,
        )
    elif p.get("result") == "sold":
        await _resolve(ctx.conn, ctx.envelope.case_id, asset_id, "sold")


@reactions.on("disposal.online_sale_unsold")
async def online_sale_unsold(ctx: ReactionContext) -> None:
    """A 60-day online 变卖 with no buyer counts as one more unsold chance (for real estate and other
    property rights the third, 拍卖变卖规定 art. 25; 法明传〔2017〕455号)."""
    asset_id = await _asset_of(ctx.conn, ctx.envelope.case_id, ctx.envelope.payload)
    if asset_id is None:
        return
    await _asset(ctx.conn, ctx.envelope.case_id, asset_id, None)
    await ctx.conn.execute(
        "UPDATE ext_assets SET unsold_rounds = unsold_rounds + 1 WHERE case_id = $1 AND asset_id = $2",
        ctx.envelope.case_id, asset_id,
    )


@reactions.on("disposal.disposal_concluded")
async def disposal_concluded(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    asset_id = await _asset_of(ctx.conn, ctx.envelope.case_id, p)
    await _resolve(ctx.conn, ctx.envelope.case_id, asset_id, text(p.get("outcome")))


@reactions.on("disposal.claim_paid_in_full")
async def claim_paid(ctx: ReactionContext) -> None:
    await ctx.conn.execute("UPDATE cases SET paid_in_full = true WHERE case_id = $1", ctx.envelope.case_id)


def _shanghai_day(value: Any) -> date | None:
    """The Asia/Shanghai date of an ISO date or instant (as supervision's Entry.date_of reads it)."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value).astimezone(SHANGHAI).date()
    except ValueError:
        return None


async def _tolling(ctx: ReactionContext, ref: str, reason: str, start: date | None, end: date | None) -> None:
    if start is None:
        return
    await ctx.conn.execute(
        "INSERT INTO ext_tolling (case_id, ref, reason, start_on, end_on) VALUES ($1,$2,$3,$4,$5)"
        " ON CONFLICT (case_id, ref) DO UPDATE SET end_on = coalesce(EXCLUDED.end_on, ext_tolling.end_on)",
        ctx.envelope.case_id, ref, reason, start, end,
    )


# 严格审限规定 art. 9: the reference-price procedure and each auction round do not count toward the 6
# months. Intake keeps the same intervals supervision's close node tolls (its tolling_pauses), each
# from the business date on the event, so the close-by date is one date (docs/rules.md §3).
@reactions.on("disposal.disposal_decided")
async def price_period_began(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    await _tolling(ctx, f"price:{text(p.get('disposal_id'))}", "确定参考价（评估）期间",
                   _shanghai_day(p.get("decided_on")) or ctx.envelope.occurred_at.astimezone(SHANGHAI).date(), None)


@reactions.on("disposal.reference_price_fixed")
async def price_period_ended(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    fixed = _shanghai_day(p.get("determined_on")) or ctx.envelope.occurred_at.astimezone(SHANGHAI).date()
    await ctx.conn.execute(
        "UPDATE ext_tolling SET end_on = $3 WHERE case_id = $1 AND ref = $2 AND end_on IS NULL",
        ctx.envelope.case_id, f"price:{text(p.get('disposal_id'))}", fixed,
    )


@reactions.on("disposal.auction_scheduled")
async def auction_period(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    round_ = p.get("round") or 1
    await _tolling(ctx, f"auction:{text(p.get('auction_id'))}", f"拍卖公告及拍卖期间（第{round_}次）",
                   _shanghai_day(p.get("announcement_start")) or ctx.envelope.occurred_at.astimezone(SHANGHAI).date(),
                   _shanghai_day(p.get("bidding_end")))


@reactions.on("disposal.online_sale_announced")
async def online_sale_period(ctx: ReactionContext) -> None:
    """网络变卖 from its announcement to the end of its 60 days (a sale before then ends it that day)."""
    p = ctx.envelope.payload
    await _tolling(ctx, f"online_sale:{text(p.get('disposal_id'))}", "网络变卖公告及变卖期间",
                   _shanghai_day(p.get("announced_on")) or ctx.envelope.occurred_at.astimezone(SHANGHAI).date(),
                   _shanghai_day(p.get("sale_end")))


@reactions.on("disposal.direct_sale_completed")
async def online_sale_sold(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    sold = _shanghai_day(p.get("sold_on"))
    if sold is not None:
        await ctx.conn.execute(
            "UPDATE ext_tolling SET end_on = least(end_on, $3) WHERE case_id = $1 AND ref = $2",
            ctx.envelope.case_id, f"online_sale:{text(p.get('disposal_id'))}", sold,
        )


# What is still moving when a case is closed (docs/rules.md §5): controls in effect, disposals open.
@reactions.on("asset_search.control_confirmed", "asset_search.control_renewed")
async def control_in_effect(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    await ctx.conn.execute(
        "INSERT INTO ext_controls (case_id, control_id, asset_id, active) VALUES ($1,$2,$3,true)"
        " ON CONFLICT (case_id, control_id) DO UPDATE SET active = true",
        ctx.envelope.case_id, text(p.get("control_id")), text(p.get("asset_id")),
    )


@reactions.on("asset_search.control_released", "asset_search.control_lapsed")
async def control_ended(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    await ctx.conn.execute(
        "INSERT INTO ext_controls (case_id, control_id, asset_id, active) VALUES ($1,$2,$3,false)"
        " ON CONFLICT (case_id, control_id) DO UPDATE SET active = false",
        ctx.envelope.case_id, text(p.get("control_id")), text(p.get("asset_id")),
    )


@reactions.on("disposal.disposal_concluded")
async def disposal_closed(ctx: ReactionContext) -> None:
    await ctx.conn.execute(
        "UPDATE ext_disposals SET concluded = true WHERE case_id = $1 AND disposal_id = $2",
        ctx.envelope.case_id, text(ctx.envelope.payload.get("disposal_id")),
    )
