"""Running search-file commands: from HTTP, from the background jobs, and inside reactions."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.asset_search.agencies.registry import AgencyRegistry
from services.asset_search.domain.decider import SearchFileDecider, stream_id
from services.asset_search.projections import Projector
from shared.app import Runtime
from shared.commands import CommandMeta, CommandResult, IdempotencyRequest, Prepare, fold
from shared.envelope import Actor, Envelope, now_shanghai
from shared.reactions import ReactionContext

DECIDER = SearchFileDecider()
SYSTEM = Actor(kind="system", id="asset_search", name="查控系统")


def registry_of(rt: Runtime) -> AgencyRegistry:
    reg: AgencyRegistry = rt.extras["registry"]
    return reg


def default_respond(result: CommandResult[Any]) -> tuple[int, dict[str, Any]]:
    return 200, {"version": result.version, "events": [e.event_type for e in result.events]}


async def execute(
    rt: Runtime,
    *,
    case_id: str,
    court: str,
    actor: Actor,
    build: Callable[[datetime], object],
    respond: Callable[[CommandResult[Any]], tuple[int, dict[str, Any]]] = default_respond,
    prepare: Prepare | None = None,
    idempotency: IdempotencyRequest | None = None,
    correlation_id: str | None = None,
    causation_id: str | None = None,
) -> tuple[int, dict[str, Any]]:
    """One command on the case's search file; ``build(now)`` makes the command with the command's time."""
    meta = CommandMeta(actor=actor, court=court, now=now_shanghai(),
                       correlation_id=correlation_id or str(uuid.uuid4()), causation_id=causation_id)
    return await rt.commands.execute(
        stream_id=stream_id(case_id), case_id=case_id, decider=DECIDER, command=build(meta.now),
        meta=meta, respond=respond, prepare=prepare, idempotency=idempotency,
    )


async def decide_in_reaction(
    ctx: ReactionContext, projector: Projector, command: object, *, court: str
) -> list[Envelope]:
    """Decide a command caused by a consumed event: derived ids, same transaction, read models too."""
    case_id = ctx.envelope.case_id
    stream = stream_id(case_id)
    await ctx.store.lock_case(ctx.conn, case_id)
    history = await ctx.store.load(ctx.conn, stream)
    events = list(DECIDER.decide(command, fold(DECIDER, history)))
    if not events:
        return []
    await ctx.emit(stream, events, court=court, actor=SYSTEM)
    new = (await ctx.store.load(ctx.conn, stream))[len(history):]
    await projector(ctx.conn, new)
    return new
