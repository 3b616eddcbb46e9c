"""Read models of petitions and judicial aid (``petitions``, ``judicial_aids``), written inline with
their streams' appends (the same transaction). The ``cases`` row is not touched by them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from shared.envelope import Envelope

PETITION_STREAM = "intake.petition:"
AID_STREAM = "intake.aid:"


def is_petition_or_aid(env: Envelope) -> bool:
    return env.stream_id.startswith((PETITION_STREAM, AID_STREAM))


def _petition_sets(env: Envelope) -> dict[str, Any]:
    p, t = env.payload, env.event_type
    if t == "intake.petition_acknowledged":
        return {"status": "acknowledged", "acknowledged_on": p["acknowledged_on"], "conclude_by": p["conclude_by"]}
    if t == "intake.petition_extended":
        return {"conclude_by": p["conclude_by"]}
    if t == "intake.petition_closed":
        return {"status": "closed", "outcome": p["outcome"], "petition_stopped": p["petition_stopped"],
                "closed_on": p["closed_on"], "aid_id": p.get("aid_id")}
    return {}


def _aid_sets(env: Envelope) -> dict[str, Any]:
    p, t = env.payload, env.event_type
    if t == "intake.judicial_aid_examined":
        return {"status": "examined"}
    if t == "intake.judicial_aid_decided":
        return {"status": "decided", "granted": p["granted"], "amount_fen": p["amount_fen"],
                "decided_on": p["decided_on"]}
    if t == "intake.judicial_aid_funds_requested":
        return {"status": "reported"}
    return {}


def _dates(values: dict[str, Any]) -> dict[str, Any]:
    from datetime import date

    return {k: date.fromisoformat(v) if isinstance(v, str) and k.endswith(("_on", "_by")) else v
            for k, v in values.items()}


async def _update(conn: asyncpg.Connection, table: str, key: str, ident: str, sets: dict[str, Any]) -> None:
    sets = _dates(sets)
    cols = ", ".join(f"{n} = ${i}" for i, n in enumerate(sets, start=2))
    await conn.execute(f"UPDATE {table} SET {cols} WHERE {key} = $1", ident, *sets.values())


async def project_petitions(conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None:
    for env in envelopes:
        p, t = env.payload, env.event_type
        if t == "intake.petition_registered":
            await conn.execute(
                "INSERT INTO petitions (petition_id, case_id, court, status, officer_id, team_id, received_on,"
                " accept_by, version) VALUES ($1,$2,$3,'registered',$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING",
                p["petition_id"], env.case_id, p["court"], p.get("officer_id"), p.get("team_id"),
                *_dates({"received_on": p["received_on"], "accept_by": p["accept_by"]}).values(), env.stream_version)
        elif t == "intake.judicial_aid_applied":
            await conn.execute(
                "INSERT INTO judicial_aids (aid_id, case_id, court, status, petition_id, amount_requested_fen,"
                " applied_on, version) VALUES ($1,$2,$3,'applied',$4,$5,$6,$7) ON CONFLICT DO NOTHING",
                p["aid_id"], env.case_id, p["court"], p.get("petition_id"), p["amount_requested_fen"],
                _dates({"applied_on": p["applied_on"]})["applied_on"], env.stream_version)
        elif env.stream_id.startswith(PETITION_STREAM):
            await _update(conn, "petitions", "petition_id", p["petition_id"],
                          {**_petition_sets(env), "version": env.stream_version})
        elif env.stream_id.startswith(AID_STREAM):
            await _update(conn, "judicial_aids", "aid_id", p["aid_id"],
                          {**_aid_sets(env), "version": env.stream_version})
