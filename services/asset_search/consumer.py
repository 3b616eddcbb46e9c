"""What asset_search does when intake's events arrive (tolerant reader of their payloads)."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import orjson
import structlog

from services.asset_search import events as ev
from services.asset_search.agencies.registry import AgencyRegistry
from services.asset_search.domain.border import RequestExitRestriction
from services.asset_search.domain.commands import AgencyTarget, DispatchSearch, RecordLead, RecordOnSiteSeizure
from services.asset_search.domain.rules import MAX_CONTROL_YEARS, research_dates
from services.asset_search.execution import decide_in_reaction
from services.asset_search.projections import Projector
from shared import case_facts, clock
from shared.envelope import SHANGHAI, derived_event_id
from shared.importing import IMPORTER_ROLE
from shared.reactions import ReactionContext, Reactions

IMPORTED = IMPORTER_ROLE  # the actor role of events imported from a court's old system
log = structlog.get_logger("asset_search.consumer")


def targets(registry: AgencyRegistry) -> tuple[AgencyTarget, ...]:
    """Every registered agency but the border authority gets the query (paused ones too: their queries wait)."""
    return tuple(AgencyTarget(a.id, a.kind, a.channel, a.answer_within_s) for a in registry.searchable())


def on_site_command(p: dict[str, Any]) -> RecordOnSiteSeizure | None:
    """field_ops' seizure as a command (tolerant reader); None when it names no usable asset."""
    kind = str(p.get("asset_kind") or "")
    try:
        seal_date = date.fromisoformat(str(p.get("seal_date"))[:10])
    except ValueError:
        return None
    if kind not in MAX_CONTROL_YEARS or not p.get("asset_id") or not p.get("seized_by"):
        return None
    value = p.get("value_fen")
    return RecordOnSiteSeizure(
        asset_id=str(p["asset_id"]), asset_kind=kind, description=str(p.get("description") or ""),
        identifier=p.get("identifier"), location=p.get("location"),
        value_fen=int(value) if value is not None else None, seized_by=str(p["seized_by"]),
        seal_date=seal_date, task_id=str(p.get("task_id") or ""), instruction_id=str(p.get("instruction_id") or ""),
        judge_id=str(p.get("judge_id") or ""),
        raw_hash=hashlib.sha256(orjson.dumps(p, option=orjson.OPT_SORT_KEYS)).hexdigest(),
    )


def _subject(raw: Any) -> ev.Subject | None:
    if not isinstance(raw, dict) or not raw.get("name"):
        return None
    return ev.Subject(kind=str(raw.get("kind") or "person"), name=str(raw["name"]),
                      id_number=str(raw.get("id_number") or ""))


def build_reactions(registry: AgencyRegistry, projector: Projector) -> Reactions:
    # The case's facts (court, number, respondent, judge, closure) first: the handlers below read them.
    reactions = case_facts.add_to(Reactions())

    async def dispatch_first_round(ctx: ReactionContext, assigned_event_id: str) -> None:
        """Round 1 to every agency; the query ids derive from the assignment that asked for it."""
        env = ctx.envelope
        row = await ctx.conn.fetchrow(
            "SELECT court, case_number, respondent FROM case_facts WHERE case_id = $1", env.case_id
        )
        respondent = row["respondent"] if row else None
        if not respondent:
            # Assigned before its registration arrived: park it; case_registered dispatches it.
            await ctx.conn.execute(
                "INSERT INTO search_pending (case_id, assigned_event_id) VALUES ($1, $2)"
                " ON CONFLICT (case_id) DO UPDATE SET assigned_event_id = EXCLUDED.assigned_event_id",
                env.case_id, assigned_event_id,
            )
            log.info("search_parked_until_registration", case_id=env.case_id)
            return
        agencies = targets(registry)
        command = DispatchSearch(
            query_ids=tuple(str(derived_event_id(assigned_event_id, i, "query")) for i in range(len(agencies))),
            agencies=agencies,
            subject=ev.Subject(kind=respondent.get("kind", "person"), name=respondent.get("name", ""),
                               id_number=respondent.get("id_number", "")),
            case_number=row["case_number"], reason="case_assigned", now=env.occurred_at, round=1,
        )
        await decide_in_reaction(ctx, projector, command, court=row["court"] or env.court)
        await ctx.conn.execute("DELETE FROM search_pending WHERE case_id = $1", env.case_id)

    @reactions.on("intake.case_registered")
    async def case_registered(ctx: ReactionContext) -> None:
        pending = await ctx.conn.fetchval(
            "SELECT assigned_event_id FROM search_pending WHERE case_id = $1", ctx.envelope.case_id
        )
        if pending:
            await dispatch_first_round(ctx, str(pending))

    @reactions.on("intake.case_assigned")
    async def case_assigned(ctx: ReactionContext) -> None:
        # A re-assignment (previous_judge_id) only changes the judge (in case_facts): round 1 went out
        # already, and the search file dispatches a round once, so nothing more is sent.
        if ctx.envelope.actor.role == IMPORTED:
            # An assignment brought in from the court's old system (docs/import.md): its searches
            # happened there, years ago perhaps; the judge orders a new one if the case needs it.
            log.info("imported_assignment_not_searched", case_id=ctx.envelope.case_id)
            return
        await dispatch_first_round(ctx, str(ctx.envelope.event_id))

    @reactions.on("field_ops.asset_seized_on_site")
    async def seized_on_site(ctx: ReactionContext) -> None:
        env = ctx.envelope
        command = on_site_command(env.payload)
        if command is None:
            log.warning("on_site_seizure_not_recorded", case_id=env.case_id, event_id=str(env.event_id))
            return
        await ctx.conn.execute(
            "INSERT INTO case_facts (case_id, court) VALUES ($1,$2) ON CONFLICT (case_id) DO NOTHING",
            env.case_id, env.court,
        )
        await decide_in_reaction(ctx, projector, command, court=env.court)

    @reactions.on("intake.case_closed")
    async def case_closed(ctx: ReactionContext) -> None:
        env, p = ctx.envelope, ctx.envelope.payload
        closed_on = env.occurred_at.astimezone(SHANGHAI).date()
        if p.get("closure_type") == "终本":
            base = await ctx.conn.fetchval(
                "SELECT coalesce(max(round), 0) FROM queries WHERE case_id = $1", env.case_id
            )
            dates = research_dates(closed_on)
            # An imported closure (docs/import.md §2b): the rounds whose day passed in the old system are not
            # caught up on all at once; the schedule starts at the next round due after today (court clock),
            # numbered as the next round of the case (base_round - skipped + next_index + 1 = base + 1).
            skipped = 0
            if env.actor.role == IMPORTED:
                skipped = sum(1 for d in dates if d <= clock.today())
                base = max(int(base), 1)  # its round 1 is the old system's search, imported or not (yet)
            await ctx.conn.execute(
                "INSERT INTO research_schedule (case_id, closed_on, due_dates, base_round, next_index)"
                " VALUES ($1,$2,$3,$4,$5) ON CONFLICT (case_id) DO NOTHING",
                env.case_id, closed_on, dates, int(base) - skipped, skipped,
            )
        else:
            await ctx.conn.execute("UPDATE research_schedule SET stopped = true WHERE case_id = $1", env.case_id)

    @reactions.on("intake.reward_lead_received")
    async def reward_lead(ctx: ReactionContext) -> None:
        """A lead given in answer to a reward notice (悬赏, 财产调查规定 art. 21 ff.) is an asset lead like
        the applicant's own: recorded under the lead id intake gave it, verified within 7 days."""
        env, p = ctx.envelope, ctx.envelope.payload
        if not p.get("lead_id"):
            return
        try:
            received = date.fromisoformat(str(p.get("received_on"))[:10])
        except ValueError:
            received = env.occurred_at.astimezone(SHANGHAI).date()
        kind = p.get("asset_kind")
        command = RecordLead(
            lead_id=str(p["lead_id"]), urgent=False,
            description=f"悬赏线索（提供人 {p.get('informant') or '匿名'}）：{p.get('description') or ''}",
            asset_kind=str(kind) if kind in MAX_CONTROL_YEARS else None, target=str(p.get("target") or ""),
            region=p.get("region"), officer_id=str(p.get("recorded_by") or "system"), today=received,
        )
        await ctx.conn.execute(
            "INSERT INTO case_facts (case_id, court) VALUES ($1,$2) ON CONFLICT (case_id) DO NOTHING",
            env.case_id, env.court,
        )
        await decide_in_reaction(ctx, projector, command, court=env.court)

    async def exit_request(ctx: ReactionContext, action: str) -> None:
        """intake's exit restriction or its lifting → a request to the border authority (限制出境, 民诉法 art. 266)."""
        env, p = ctx.envelope, ctx.envelope.payload
        agency = registry.border()
        if agency is None or not p.get("restriction_id"):
            log.warning("exit_restriction_not_sent", case_id=env.case_id, reason="no border agency configured")
            return
        row = await ctx.conn.fetchrow("SELECT court, case_number, respondent FROM case_facts WHERE case_id = $1",
                                      env.case_id)
        # A decision names the person; a lifting lifts the restriction the earlier request named.
        named = p.get("subject") if action == "restrict" and isinstance(p.get("subject"), dict) else None
        debtor = row["respondent"] if row is not None and row["respondent"] else None
        command = RequestExitRestriction(
            request_id=str(derived_event_id(env.event_id, 0, "asset_search:exit")),
            restriction_id=str(p["restriction_id"]), action=action, agency_id=agency.id,
            subject=_subject(named), case_number=row["case_number"] if row else None,
            fallback_subject=_subject(debtor),
        )
        await ctx.conn.execute(
            "INSERT INTO case_facts (case_id, court) VALUES ($1,$2) ON CONFLICT (case_id) DO NOTHING",
            env.case_id, env.court,
        )
        await decide_in_reaction(ctx, projector, command, court=(row["court"] if row else None) or env.court)

    @reactions.on("intake.exit_restriction_decided")
    async def exit_restriction_decided(ctx: ReactionContext) -> None:
        await exit_request(ctx, "restrict")

    @reactions.on("intake.exit_restriction_lifted")
    async def exit_restriction_lifted(ctx: ReactionContext) -> None:
        await exit_request(ctx, "lift")

    @reactions.on("intake.case_resumed")
    async def case_resumed(ctx: ReactionContext) -> None:
        # The resumed case (执恢) gets its own search when it is assigned; the old one stops here.
        await ctx.conn.execute("UPDATE research_schedule SET stopped = true WHERE case_id = $1", ctx.envelope.case_id)

    return reactions
