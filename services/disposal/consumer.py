"""What disposal does when events arrive (tolerant reader: only the payload fields it needs).

- intake's registration, assignment and closure → ``case_facts`` (shared/case_facts.py: claim, basis
  dates, current judge, closure);
- asset_search's and field_ops' control events → ``asset_controls`` (what is under control in
  which case, and who controlled it); intake's objections → ``asset_objections``;
- asset_search's deductions and disposal's own offsets in kind → money in on the case account
  (derived ``disposal.funds_received`` with deterministic ids, via the ledger's own decider).
"""

from __future__ import annotations

from typing import Any

import asyncpg

from services.disposal.domain.commands import ReceiveFunds
from services.disposal.domain.decider import LedgerDecider, ledger_stream_id
from services.disposal.reads import case_facts
from shared import case_facts as shared_case_facts
from shared.commands import fold
from shared.envelope import SHANGHAI
from shared.importing import IMPORTER_ROLE
from shared.payload import iso_date, text
from shared.reactions import ReactionContext, Reactions

# The case's facts (court, number, claim, basis dates, judge, closure) first: the handlers below read them.
reactions = shared_case_facts.add_to(Reactions())
LEDGER = LedgerDecider()


@reactions.on("asset_search.asset_found")
async def asset_found(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    await ctx.conn.execute(
        "INSERT INTO found_assets (asset_id, case_id, asset_kind, value_fen) VALUES ($1,$2,$3,$4)"
        " ON CONFLICT (asset_id) DO UPDATE SET asset_kind = EXCLUDED.asset_kind, value_fen = EXCLUDED.value_fen",
        p["asset_id"], ctx.envelope.case_id, p.get("asset_kind"), p.get("value_fen"),
    )


async def _control(conn: asyncpg.Connection, case_id: str, control_id: str, p: dict[str, Any],
                   controlled_by: str | None, requested_by: str | None, measure: str | None = None) -> None:
    await conn.execute(
        "INSERT INTO asset_controls (control_id, case_id, asset_id, asset_kind, measure, controlled_by, status,"
        " expiry_date, requested_by) VALUES ($1,$2,$3,$4,$5,$6,'active',$7,$8) ON CONFLICT (control_id) DO UPDATE"
        " SET status = 'active', expiry_date = coalesce(EXCLUDED.expiry_date, asset_controls.expiry_date),"
        " asset_kind = coalesce(EXCLUDED.asset_kind, asset_controls.asset_kind),"
        " controlled_by = coalesce(EXCLUDED.controlled_by, asset_controls.controlled_by),"
        " requested_by = coalesce(EXCLUDED.requested_by, asset_controls.requested_by), updated_at = now()",
        control_id, case_id, p["asset_id"], p.get("asset_kind"), measure or p.get("measure"), controlled_by,
        iso_date(p.get("expiry_date")), requested_by,
    )


def _officer(ctx: ReactionContext) -> str | None:
    return ctx.envelope.actor.id if ctx.envelope.actor.kind == "officer" else None


@reactions.on("asset_search.control_ordered")
async def control_ordered(ctx: ReactionContext) -> None:
    """Who put the control in motion: the officer who requested it (v2 ``requested_by``; v1: the
    ruling judge) and the officer who sent the order, when that is someone else."""
    p = ctx.envelope.payload
    requester = text(p.get("requested_by")) or text(p.get("judge_id")) or _officer(ctx)
    await ctx.conn.execute(
        "INSERT INTO asset_controls (control_id, case_id, asset_id, asset_kind, measure, controlled_by,"
        " requested_by, status) VALUES ($1,$2,$3,$4,$5,$6,$7,'ordered') ON CONFLICT (control_id) DO UPDATE SET"
        " controlled_by = coalesce(asset_controls.controlled_by, EXCLUDED.controlled_by),"
        " requested_by = coalesce(asset_controls.requested_by, EXCLUDED.requested_by), updated_at = now()",
        str(p["control_id"]), ctx.envelope.case_id, p["asset_id"], p.get("asset_kind"), p.get("measure"),
        _officer(ctx), requester,
    )


@reactions.on("asset_search.control_confirmed")
async def control_confirmed(ctx: ReactionContext) -> None:
    # controlled_by names a person only when controller_kind says "officer" (a field officer who
    # sealed the asset); an agency's confirmation names the agency. v1 events had no
    # controller_kind: there an officer actor was the person.
    env, p = ctx.envelope, ctx.envelope.payload
    kind = p.get("controller_kind")
    person = kind == "officer" or (kind is None and env.actor.kind == "officer")
    by = (text(p.get("controlled_by")) or _officer(ctx)) if person else None
    await _control(ctx.conn, env.case_id, str(p["control_id"]), p, by, text(p.get("requested_by")))


@reactions.on("field_ops.asset_seized_on_site")
async def seized_on_site(ctx: ReactionContext) -> None:
    # The same control asset_search records for this seizure (control id field_ops:<asset_id>).
    env, p = ctx.envelope, ctx.envelope.payload
    control_id = str(p.get("control_id") or f"field_ops:{p['asset_id']}")
    await _control(ctx.conn, env.case_id, control_id, p, text(p.get("seized_by")) or _officer(ctx),
                   text(p.get("judge_id")), measure=p.get("measure") or "seize")


@reactions.on("asset_search.control_renewed")
async def control_renewed(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    await ctx.conn.execute(
        "UPDATE asset_controls SET expiry_date = $2, status = 'active', updated_at = now() WHERE control_id = $1",
        str(p["control_id"]), iso_date(p.get("expiry_date")),
    )


@reactions.on("asset_search.control_released", "asset_search.control_lapsed")
async def control_ended(ctx: ReactionContext) -> None:
    status = "released" if ctx.envelope.event_type.endswith("released") else "lapsed"
    await ctx.conn.execute(
        "UPDATE asset_controls SET status = $2, updated_at = now() WHERE control_id = $1",
        str(ctx.envelope.payload["control_id"]), status,
    )


def _objection_assets(p: dict[str, Any]) -> list[str]:
    assets = p.get("asset_ids") or ([p["asset_id"]] if p.get("asset_id") else [])
    return [str(a) for a in assets]


@reactions.on("intake.objection_registered")
async def objection_registered(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    objection_id = str(p.get("objection_case_id") or p.get("objection_id") or ctx.envelope.event_id)
    for asset_id in _objection_assets(p):
        await ctx.conn.execute(
            "INSERT INTO asset_objections (objection_id, case_id, asset_id, status) VALUES ($1,$2,$3,'pending')"
            " ON CONFLICT DO NOTHING",
            objection_id, ctx.envelope.case_id, asset_id,
        )


@reactions.on("intake.objection_decided")
async def objection_closed(ctx: ReactionContext) -> None:
    # Withdrawn: the asset may be disposed of again; rejected: again, 15 days after the rejection
    # (民诉法解释 art. 463, counted from decided_on); upheld: it stays out (民诉法 art. 238).
    p = ctx.envelope.payload
    objection_id = str(p.get("objection_case_id") or p.get("objection_id") or "")
    outcome = p.get("outcome")
    status = outcome if outcome in ("upheld", "rejected", "withdrawn") else "closed"
    decided_on = iso_date(p.get("decided_on")) or ctx.envelope.occurred_at.astimezone(SHANGHAI).date()
    await ctx.conn.execute(
        "UPDATE asset_objections SET status = $3, decided_on = $4 WHERE objection_id = $1 AND case_id = $2",
        objection_id, ctx.envelope.case_id, status, decided_on,
    )


async def _money_in(ctx: ReactionContext, command: ReceiveFunds) -> None:
    case_id = ctx.envelope.case_id
    await ctx.store.lock_case(ctx.conn, case_id)
    state = fold(LEDGER, await ctx.store.load(ctx.conn, ledger_stream_id(case_id)))
    events = LEDGER.decide(command, state)
    if events:
        await ctx.emit(ledger_stream_id(case_id), events)


@reactions.on("asset_search.deduction_confirmed")
async def deduction_confirmed(ctx: ReactionContext) -> None:
    env = ctx.envelope
    if env.actor.role == IMPORTER_ROLE:
        return  # an imported deduction (docs/import.md §2c): its money is the record's receipt, imported here
    facts = await case_facts(ctx.conn, env.case_id)
    await _money_in(ctx, ReceiveFunds(
        entry_id=f"deduction:{env.event_id}", amount_fen=int(env.payload["amount_fen"]), source="bank_deduction",
        received_on=env.occurred_at.astimezone(SHANGHAI).date(), officer_id=env.actor.id, facts=facts,
        control_id=env.payload.get("control_id"),
    ))


@reactions.on("disposal.disposal_concluded")
async def offset_in_kind(ctx: ReactionContext) -> None:
    """以物抵债: the applicant takes the asset at its value, which counts as paid (in kind)."""
    env = ctx.envelope
    if env.payload.get("outcome") != "offset_in_kind":
        return
    facts = await case_facts(ctx.conn, env.case_id)
    await _money_in(ctx, ReceiveFunds(
        entry_id=f"offset:{env.payload['disposal_id']}", amount_fen=int(env.payload["price_fen"]),
        source="offset_in_kind", in_kind=True, received_on=env.occurred_at.astimezone(SHANGHAI).date(),
        officer_id=env.actor.id, facts=facts, disposal_id=env.payload["disposal_id"],
    ))


@reactions.on("intake.judicial_aid_decided")
async def judicial_aid_decided(ctx: ReactionContext) -> None:
    """A granted aid (国家司法救助) may be paid through the case account once reported for its funds."""
    p = ctx.envelope.payload
    if not p.get("granted"):
        return
    await ctx.conn.execute(
        "INSERT INTO judicial_aid_grants (aid_id, case_id, amount_fen) VALUES ($1,$2,$3)"
        " ON CONFLICT (aid_id) DO UPDATE SET amount_fen = EXCLUDED.amount_fen",
        p["aid_id"], ctx.envelope.case_id, int(p["amount_fen"]),
    )


@reactions.on("intake.judicial_aid_funds_requested")
async def judicial_aid_funds_requested(ctx: ReactionContext) -> None:
    await ctx.conn.execute("UPDATE judicial_aid_grants SET reported = true WHERE aid_id = $1",
                           ctx.envelope.payload["aid_id"])
