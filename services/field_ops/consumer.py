"""What field_ops does when other services' events arrive (tolerant reader of their payloads).

- intake's registration, assignment and closure tell it each case's court, number, current judge
  and whether it is closed (the judge check of every instruction reads this);
- asset_search's request for an on-site check of an applicant's lead, intake's notice that
  must be served by hand, and intake's approved detention, become proposals that wait for the judge.
"""

from __future__ import annotations

from typing import Any, Literal

from services.field_ops.domain.routing import region_name
from services.field_ops.events import ProposalReceived, Target
from shared import case_facts
from shared.envelope import derived_event_id
from shared.payload import text
from shared.reactions import ReactionContext, Reactions

# The case's facts (court, number, judge, team, closure) first: the handlers below read them.
reactions = case_facts.add_to(Reactions())

BY_HAND = frozenset({"by_hand", "in_person", "personal", "直接送达"})


@reactions.on("asset_search.field_check_requested")
async def field_check_requested(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    await _propose(
        ctx, kind="investigate", target=_target(p.get("target")), region=p.get("region"),
        reason=str(p.get("reason") or "申请执行人财产线索需现场核查"), lead_id=text(p.get("lead_id")),
    )


@reactions.on("intake.notice_issued")
async def notice_issued(ctx: ReactionContext) -> None:
    p = ctx.envelope.payload
    if str(p.get("service_method") or "") not in BY_HAND:
        return
    recipient = p.get("recipient") or {"kind": "person", "description": "受送达人"}
    await _propose(
        ctx, kind="serve_documents", target=_target(recipient), region=p.get("region"),
        reason=f"文书（{p.get('notice_kind', '通知书')}）需直接送达",
        document_hash=text(p.get("document_hash")),
    )


@reactions.on("intake.measure_approved")
async def measure_approved(ctx: ReactionContext) -> None:
    """An approved detention (民诉法 art. 119) becomes a ``detain`` proposal waiting for the judge's
    instruction; the decision is kept for the instruction and the 互相制约-14 check."""
    p = ctx.envelope.payload
    days = p.get("detention_days")
    if not isinstance(days, int) or days < 1:
        return  # a fine alone: nothing for the field centre
    measure_id = str(p.get("measure_id"))
    await ctx.conn.execute(
        "INSERT INTO fo_measures (measure_id, case_id, court, decision_number, detention_days, judge_id, approved_by)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (measure_id) DO NOTHING",
        measure_id, ctx.envelope.case_id, ctx.envelope.court, str(p.get("decision_number") or ""), days,
        str(p.get("judge_id") or ""), str(p.get("approved_by") or ""),
    )
    raw = p.get("subject")
    subject: dict[str, Any] = raw if isinstance(raw, dict) else {}
    target = Target(kind="person", description=str(subject.get("name") or "被拘留人"),
                    id_number=text(subject.get("id_number")))
    await _propose(ctx, kind="detain", target=target, region=p.get("region"),
                   reason=f"司法拘留决定书 {p.get('decision_number')}：拘留 {days} 日，送交公安机关看管",
                   measure_id=measure_id)


@reactions.on("intake.measure_reconsideration_decided")
async def reconsideration_decided(ctx: ReactionContext) -> None:
    """The higher court changed the days or revoked the detention: the custody follows the decision."""
    p = ctx.envelope.payload
    days = p.get("detention_days")
    await ctx.conn.execute(
        "UPDATE fo_measures SET revoked = $2, detention_days = COALESCE($3, detention_days), updated_at = now()"
        " WHERE measure_id = $1",
        str(p.get("measure_id")), p.get("result") == "revoked", days if isinstance(days, int) and days > 0 else None,
    )


@reactions.on("intake.measure_early_release_approved")
async def early_release_approved(ctx: ReactionContext) -> None:
    """The president approved an early release (民诉法解释 art. 182): the custody may now end early."""
    p = ctx.envelope.payload
    approved_on = p.get("approved_on")
    await ctx.conn.execute(
        "UPDATE fo_measures SET early_release_approved_on = $2::text::date, early_release_approved_by = $3,"
        " updated_at = now() WHERE measure_id = $1",
        str(p.get("measure_id")), str(approved_on) if approved_on else None, str(p.get("approved_by") or ""),
    )


async def _propose(ctx: ReactionContext, *, kind: str, target: Target | None, region: Any, reason: str,
                   lead_id: str | None = None, document_hash: str | None = None,
                   measure_id: str | None = None) -> None:
    env = ctx.envelope
    proposal_id = str(derived_event_id(env.event_id, 0, "field_ops:proposal"))
    region_code = _valid_region(region)
    await ctx.conn.execute(
        "INSERT INTO fo_proposals (proposal_id, case_id, court, kind, target, region, reason, lead_id,"
        " document_hash, source_event_type, source_event_id, received_at, measure_id)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) ON CONFLICT (proposal_id) DO NOTHING",
        proposal_id, env.case_id, env.court, kind, target.model_dump() if target else None, region_code,
        reason, lead_id, document_hash, env.event_type, str(env.event_id), env.occurred_at, measure_id,
    )
    await ctx.emit(f"field_ops.proposal:{proposal_id}", [ProposalReceived(
        proposal_id=proposal_id, source_event_id=str(env.event_id), source_event_type=env.event_type,
        kind=kind, target=target, region=region_code, reason=reason, lead_id=lead_id,
        document_hash=document_hash,
    )])


def _valid_region(value: Any) -> str | None:
    try:
        region_name(str(value))
    except ValueError:
        return None
    return str(value)


def _target(raw: Any) -> Target | None:
    """Whatever the other service sent, as a target the judge can start from (or nothing)."""
    if isinstance(raw, str) and raw.strip():
        return Target(kind="address", description=raw.strip())
    if not isinstance(raw, dict):
        return None
    kind: Literal["person", "asset", "address"] = "asset"
    if raw.get("kind") in ("person", "address"):
        kind = "person" if raw["kind"] == "person" else "address"
    description = raw.get("description") or raw.get("name") or raw.get("address") or raw.get("identifier")
    if not description:
        return None
    return Target(kind=kind, description=str(description), id_number=text(raw.get("id_number")),
                  address=text(raw.get("address")))
