"""asset_search's read models, updated inline with each append (same transaction).

Requests to agencies (queries, control requests, renewals, release notices) become rows of
``deliveries`` here, so a request exists exactly when the event that asks for it does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import asyncpg

from services.asset_search.agencies.registry import AgencyRegistry
from services.asset_search.events import FIELD_AGENCY
from shared.envelope import Envelope
from shared.importing import IMPORTER_ROLE

Projector = Callable[[asyncpg.Connection, Sequence[Envelope]], Awaitable[None]]


def make_projector(registry: AgencyRegistry) -> Projector:
    async def project(conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None:
        for env in envelopes:
            handler = _HANDLERS.get(env.event_type)
            if handler is not None:
                await handler(conn, env, env.payload, registry)

    return project


async def _request(
    conn: asyncpg.Connection, env: Envelope, registry: AgencyRegistry, *,
    request_id: str, kind: str, agency_id: str, ref_id: str, body: dict[str, Any],
) -> None:
    if env.actor.role == IMPORTER_ROLE:
        return  # history brought in from the old system (docs/import.md): nothing is sent to an agency
    agency = registry.get(agency_id)
    channel = agency.channel if agency else "pull"
    await conn.execute(
        "INSERT INTO deliveries (request_id, case_id, agency_id, channel, request_kind, ref_id, body)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING",
        request_id, env.case_id, agency_id, channel, kind, ref_id,
        {"request_id": request_id, "kind": kind, "agency_id": agency_id, "case_id": env.case_id,
         "court": env.court, **body},
    )


async def _query_dispatched(conn: asyncpg.Connection, env: Envelope, p: dict[str, Any], reg: AgencyRegistry) -> None:
    await conn.execute(
        "INSERT INTO queries (query_id, case_id, agency_id, agency_kind, round, reason, dispatched_at, due_at)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7::text::timestamptz,$8::text::timestamptz) ON CONFLICT DO NOTHING",
        p["query_id"], env.case_id, p["agency_id"], p["agency_kind"], p["round"], p["reason"],
        p["dispatched_at"], p["due_at"],
    )
    await _request(conn, env, reg, request_id=p["query_id"], kind="query", agency_id=p["agency_id"],
                   ref_id=p["query_id"], body={
                       "query_id": p["query_id"], "agency_kind": p["agency_kind"], "round": p["round"],
                       "subject": p["subject"], "case_number": p.get("case_number"), "due_at": p["due_at"],
                   })


async def _exit_requested(conn: asyncpg.Connection, env: Envelope, p: dict[str, Any], reg: AgencyRegistry) -> None:
    await conn.execute(
        "INSERT INTO exit_requests (request_id, restriction_id, case_id, action, agency_id, subject_name, requested_at)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING",
        p["request_id"], p["restriction_id"], env.case_id, p["action"], p["agency_id"], p["subject_name"],
        env.occurred_at,
    )
    await _request(conn, env, reg, request_id=p["request_id"], kind="exit_restriction", agency_id=p["agency_id"],
                   ref_id=p["request_id"], body={
                       "restriction_id": p["restriction_id"], "action": p["action"], "subject": p["subject"],
                       "case_number": p.get("case_number"),
                   })


async def _exit_confirmed(conn: asyncpg.Connection, env: Envelope, p: dict[str, Any], reg: AgencyRegistry) -> None:
    await conn.execute(
        "UPDATE exit_requests SET outcome = $2, effective_date = $3::text::date, reason = $4, confirmed_at = $5"
        " WHERE request_id = $1",
        p["request_id"], p["outcome"], p.get("effective_date"), p.get("reason"), env.occurred_at,
    )


async def _delivered(conn: asyncpg.Connection, env: Envelope, p: dict[str, Any], reg: AgencyRegistry) -> None:
    await conn.execute(
        "UPDATE deliveries SET status = 'delivered', delivered_at = $2, lease_until = NULL, attempts = $3"
        " WHERE request_id = $1", p["request_id"], env.occurred_at, p["attempts"],
    )
    if p["request_kind"] == "query":
        await conn.execute("UPDATE queries SET delivered_at = coalesce(delivered_at, $2) WHERE query_id = $1",
                           p["ref_id"], env.occurred_at)


async def _answered(conn: asyncpg.Connection, env: Envelope, p: dict[str, Any], reg: AgencyRegistry) -> None:
    complete = p["outcome"] != "partial"
    await conn.execute(
        "UPDATE queries SET answers = answers + 1, first_answer_at = coalesce(first_answer_at, $2),"
        " status = CASE WHEN $3 THEN 'answered' ELSE 'partial' END,"
        " completed_at = CASE WHEN $3 THEN coalesce(completed_at, $2) ELSE completed_at END,"
        " late = late OR $4 WHERE query_id = $1",
        p["query_id"], env.occurred_at, complete, p["late"],
    )


async def _overdue(conn: asyncpg.Connection, env: Envelope, p: dict[str, Any], reg: AgencyRegistry) -> None:
    await conn.execute("UPDATE queries SET overdue = true WHERE query_id = $1", p["query_id"])


async def _asset_found(conn: asyncpg.Connection, env: Envelope, p: dict[str, Any], reg: AgencyRegistry) -> None:
    await conn.execute(
        "INSERT INTO assets (asset_id, case_id, asset_kind, identifier, holder_id, holder_name, value_fen,"
        " location, encumbrances, existing_seizures, agency_id, query_id, found_at, updated_at)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$13) ON CONFLICT DO NOTHING",
        p["asset_id"], env.case_id, p["asset_kind"], p["identifier"], p["holder_id"], p["holder_name"],
        p["value_fen"], p["location"], p["encumbrances"], p["existing_seizures"], p["agency_id"],
        p["query_id"], env.occurred_at,
    )


async def _field_asset(conn: asyncpg.Connection, env: Envelope, p: dict[str, Any], reg: AgencyRegistry) -> None:
    await conn.execute(
        "INSERT INTO assets (asset_id, case_id, asset_kind, identifier, value_fen, location, agency_id, query_id,"
        " found_at, updated_at, source, description) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9,'on_site',$10)"
        " ON CONFLICT DO NOTHING",
        p["asset_id"], env.case_id, p["asset_kind"], p.get("identifier") or p["description"], p.get("value_fen"),
        p.get("location"), FIELD_AGENCY, p["task_id"], env.occurred_at, p["description"],
    )


async def _asset_updated(conn: asyncpg.Connection, env: Envelope, p: dict[str, Any], reg: AgencyRegistry) -> None:
    await conn.execute(
        "UPDATE assets SET value_fen = $2, encumbrances = $3, existing_seizures = $4, reports = reports + 1,"
        " updated_at = $5 WHERE asset_id = $1",
        p["asset_id"], p["value_fen"], p["encumbrances"], p["existing_seizures"], env.occurred_at,
    )


async def _control_ordered(conn: asyncpg.Connection, env: Envelope, p: dict[str, Any], reg: AgencyRegistry) -> None:
    await conn.execute(
        "INSERT INTO controls (control_id, case_id, asset_id, asset_kind, measure, agency_id, status,"
        " amount_limit_fen, control_value_fen, judge_id, ruling_number, over_control_reason, ordered_at,"
        " updated_at, origin, requested_by, instruction_id)"
        " VALUES ($1,$2,$3,$4,$5,$6,'ordered',$7,$8,$9,$10,$11,$12,$12,$13,$14,$15) ON CONFLICT DO NOTHING",
        p["control_id"], env.case_id, p["asset_id"], p["asset_kind"], p["measure"], p["agency_id"],
        p["amount_limit_fen"], p["control_value_fen"], p["judge_id"], p["ruling_number"],
        p.get("over_control_reason"), env.occurred_at, p.get("origin") or "ruling",
        p.get("requested_by") or p["judge_id"], p.get("instruction_id"),
    )
    if p["agency_id"] == FIELD_AGENCY:
        return  # sealed on site by the field team: nothing to send to an agency
    asset = await conn.fetchrow(
        "SELECT identifier, holder_id, holder_name FROM assets WHERE asset_id = $1", p["asset_id"]
    )
    await _request(conn, env, reg, request_id=f"{p['control_id']}.order", kind="control",
                   agency_id=p["agency_id"], ref_id=p["control_id"], body={
                       "control_id": p["control_id"], "measure": p["measure"], "asset_kind": p["asset_kind"],
                       "asset": dict(asset) if asset else {"asset_id": p["asset_id"]},
                       "amount_limit_fen": p["amount_limit_fen"], "ruling_number": p["ruling_number"],
                   })


async def _control_confirmed(conn: asyncpg.Connection, env: Envelope, p: dict[str, Any], reg: AgencyRegistry) -> None:
    await conn.execute(
        "UPDATE controls SET status = CASE WHEN $2::int IS NULL THEN 'effective' ELSE 'queued' END,"
        " queue_position = $2, effective_date = $3::text::date, expiry_date = $4::text::date,"
        " amount_fen = $5, updated_at = $6, controlled_by = $7, controller_kind = $8,"
        " requested_by = coalesce($9, requested_by) WHERE control_id = $1",
        p["control_id"], p["queue_position"], p["effective_date"], p["expiry_date"], p["amount_fen"],
        env.occurred_at, p["controlled_by"], p.get("controller_kind") or "agency", p.get("requested_by"),
    )


async def _control_status(conn: asyncpg.Connection, env: Envelope, p: dict[str, Any], reg: AgencyRegistry) -> None:
    status = {"asset_search.control_refused": "refused", "asset_search.control_released": "released",
              "asset_search.control_lapsed": "lapsed"}[env.event_type]
    await conn.execute("UPDATE controls SET status = $2, updated_at = $3 WHERE control_id = $1",
                       p["control_id"], status, env.occurred_at)
    if status == "released" and p["agency_id"] != FIELD_AGENCY:
        await conn.execute("UPDATE deliveries SET status = 'cancelled' WHERE request_id = $1 AND status = 'pending'",
                           f"{p['control_id']}.order")
        await _request(conn, env, reg, request_id=f"{p['control_id']}.release", kind="release",
                       agency_id=p["agency_id"], ref_id=p["control_id"], body={
                           "control_id": p["control_id"], "ruling_number": p["ruling_number"],
                           "reason": p["reason"]})


async def _renewal_ordered(conn: asyncpg.Connection, env: Envelope, p: dict[str, Any], reg: AgencyRegistry) -> None:
    row = await conn.fetchrow(
        "UPDATE controls SET renewal_pending = true, updated_at = $2 WHERE control_id = $1"
        " RETURNING expiry_date, measure, asset_kind", p["control_id"], env.occurred_at,
    )
    await _request(conn, env, reg, request_id=f"{p['control_id']}.renewal.{env.stream_version}", kind="renewal",
                   agency_id=p["agency_id"], ref_id=p["control_id"], body={
                       "control_id": p["control_id"], "ruling_number": p["ruling_number"],
                       "measure": row["measure"] if row else None, "asset_kind": row["asset_kind"] if row else None,
                       "current_expiry_date": row["expiry_date"].isoformat() if row and row["expiry_date"] else None,
                   })


async def _renewed(conn: asyncpg.Connection, env: Envelope, p: dict[str, Any], reg: AgencyRegistry) -> None:
    await conn.execute(
        "UPDATE controls SET renewal_pending = false, expiry_date = $2::text::date, updated_at = $3"
        " WHERE control_id = $1", p["control_id"], p["expiry_date"], env.occurred_at,
    )


async def _lead_recorded(conn: asyncpg.Connection, env: Envelope, p: dict[str, Any], reg: AgencyRegistry) -> None:
    await conn.execute(
        "INSERT INTO leads (lead_id, case_id, urgent, description, asset_kind, target, region, due_date,"
        " recorded_by, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8::text::date,$9,$10) ON CONFLICT DO NOTHING",
        p["lead_id"], env.case_id, p["urgent"], p["description"], p["asset_kind"], p["target"], p["region"],
        p["due_date"], p["recorded_by"], env.occurred_at,
    )


async def _lead_verified(conn: asyncpg.Connection, env: Envelope, p: dict[str, Any], reg: AgencyRegistry) -> None:
    await conn.execute(
        "UPDATE leads SET status = 'verified', outcome = $2, late = $3, verified_by = $4, verified_at = $5"
        " WHERE lead_id = $1", p["lead_id"], p["outcome"], p["late"], p["verified_by"], env.occurred_at,
    )


Handler = Callable[[asyncpg.Connection, Envelope, dict[str, Any], AgencyRegistry], Awaitable[None]]
_HANDLERS: dict[str, Handler] = {
    "asset_search.query_dispatched": _query_dispatched,
    "asset_search.request_delivered": _delivered,
    "asset_search.agency_answered": _answered,
    "asset_search.query_overdue": _overdue,
    "asset_search.asset_found": _asset_found,
    "asset_search.asset_updated": _asset_updated,
    "asset_search.field_asset_recorded": _field_asset,
    "asset_search.control_ordered": _control_ordered,
    "asset_search.control_confirmed": _control_confirmed,
    "asset_search.control_refused": _control_status,
    "asset_search.control_released": _control_status,
    "asset_search.control_lapsed": _control_status,
    "asset_search.control_renewal_ordered": _renewal_ordered,
    "asset_search.control_renewed": _renewed,
    "asset_search.lead_recorded": _lead_recorded,
    "asset_search.lead_verified": _lead_verified,
    "asset_search.exit_restriction_requested": _exit_requested,
    "asset_search.exit_restriction_confirmed": _exit_confirmed,
}
