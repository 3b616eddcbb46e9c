"""asset_search's read models of an imported batch (docs/import.md §2b), in three multi-row statements.

The same rows the per-event projector (``projections.py``) leaves after the same events, computed in
Python from the batch's envelopes: the queries as answered, the assets found, each control as its last
event left it. An import of 500 cases writes some 9,000 events; one statement per event would be most
of the import's time. Imported events ask nothing of any agency, so there are no delivery rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import asyncpg

from shared.envelope import Envelope

_QUERIES = """
INSERT INTO queries (query_id, case_id, agency_id, agency_kind, round, reason, status, dispatched_at, due_at,
                     first_answer_at, completed_at, late, answers)
SELECT q, c, a, k, r, why, st, d, due, fa, ca, l, n FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
    $5::int[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[],
    $12::bool[], $13::int[]) AS t(q, c, a, k, r, why, st, d, due, fa, ca, l, n)
ON CONFLICT DO NOTHING
"""
_ASSETS = """
INSERT INTO assets (asset_id, case_id, asset_kind, identifier, holder_id, holder_name, value_fen, location,
                    encumbrances, existing_seizures, agency_id, query_id, found_at, updated_at)
SELECT i, c, k, ident, NULL, NULL, v, loc, '[]'::jsonb, '[]'::jsonb, a, q, f, f
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[],
            $9::timestamptz[]) AS t(i, c, k, ident, v, loc, a, q, f)
ON CONFLICT DO NOTHING
"""
_CONTROLS = """
INSERT INTO controls (control_id, case_id, asset_id, asset_kind, measure, agency_id, status, amount_limit_fen,
                      control_value_fen, judge_id, ruling_number, effective_date, expiry_date, amount_fen,
                      queue_position, ordered_at, updated_at, origin, requested_by, controlled_by, controller_kind)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                     $8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::date[], $13::date[], $14::bigint[],
                     $15::int[], $16::timestamptz[], $17::timestamptz[], $18::text[], $19::text[], $20::text[],
                     $21::text[])
ON CONFLICT DO NOTHING
"""
_Q_COLS = ("query_id", "case_id", "agency_id", "agency_kind", "round", "reason", "status", "dispatched_at", "due_at",
           "first_answer_at", "completed_at", "late", "answers")
_A_COLS = ("asset_id", "case_id", "asset_kind", "identifier", "value_fen", "location", "agency_id", "query_id",
           "found_at")
_C_COLS = ("control_id", "case_id", "asset_id", "asset_kind", "measure", "agency_id", "status", "amount_limit_fen",
           "control_value_fen", "judge_id", "ruling_number", "effective_date", "expiry_date", "amount_fen",
           "queue_position", "ordered_at", "updated_at", "origin", "requested_by", "controlled_by", "controller_kind")


def rows(envelopes: Sequence[Envelope]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The queries, assets and controls rows the events leave (pure)."""
    queries: dict[str, dict[str, Any]] = {}
    assets: list[dict[str, Any]] = []
    controls: dict[str, dict[str, Any]] = {}
    for env in envelopes:
        p, kind, at = env.payload, env.event_type.split(".", 1)[1], env.occurred_at
        if kind == "query_dispatched":
            queries[p["query_id"]] = {
                "query_id": p["query_id"], "case_id": env.case_id, "agency_id": p["agency_id"],
                "agency_kind": p["agency_kind"], "round": p["round"], "reason": p["reason"], "status": "open",
                "dispatched_at": p["dispatched_at"], "due_at": p["due_at"], "first_answer_at": None,
                "completed_at": None, "late": False, "answers": 0}
        elif kind == "agency_answered":
            q = queries[p["query_id"]]
            complete = p["outcome"] != "partial"
            q.update(answers=q["answers"] + 1, first_answer_at=q["first_answer_at"] or at,
                     status="answered" if complete else "partial", late=q["late"] or p["late"],
                     completed_at=(q["completed_at"] or at) if complete else q["completed_at"])
        elif kind == "asset_found":
            assets.append({"asset_id": p["asset_id"], "case_id": env.case_id, "asset_kind": p["asset_kind"],
                           "identifier": p["identifier"], "value_fen": p["value_fen"], "location": p["location"],
                           "agency_id": p["agency_id"], "query_id": p["query_id"], "found_at": at})
        elif kind == "control_ordered":
            controls[p["control_id"]] = {
                "control_id": p["control_id"], "case_id": env.case_id, "asset_id": p["asset_id"],
                "asset_kind": p["asset_kind"], "measure": p["measure"], "agency_id": p["agency_id"],
                "status": "ordered", "amount_limit_fen": p["amount_limit_fen"],
                "control_value_fen": p["control_value_fen"], "judge_id": p["judge_id"],
                "ruling_number": p["ruling_number"], "effective_date": None, "expiry_date": None, "amount_fen": None,
                "queue_position": None, "ordered_at": at, "updated_at": at, "origin": p.get("origin") or "ruling",
                "requested_by": p.get("requested_by") or p["judge_id"], "controlled_by": None,
                "controller_kind": None}
        elif kind in _CONTROL_STEPS and p.get("control_id") in controls:
            c = controls[p["control_id"]]
            c["updated_at"] = at
            _CONTROL_STEPS[kind](c, p)
    return list(queries.values()), assets, list(controls.values())


def _confirmed(c: dict[str, Any], p: dict[str, Any]) -> None:
    c.update(status="queued" if p["queue_position"] else "effective", queue_position=p["queue_position"],
             effective_date=p["effective_date"], expiry_date=p["expiry_date"], amount_fen=p["amount_fen"],
             controlled_by=p["controlled_by"], controller_kind=p.get("controller_kind") or "agency",
             requested_by=p.get("requested_by") or c["requested_by"])


_CONTROL_STEPS: dict[str, Any] = {
    "control_confirmed": _confirmed,
    "control_renewed": lambda c, p: c.update(expiry_date=p["expiry_date"]),
    "control_released": lambda c, p: c.update(status="released"),
    "control_lapsed": lambda c, p: c.update(status="lapsed"),
    "control_refused": lambda c, p: c.update(status="refused"),
}
_DATES = ("effective_date", "expiry_date")
_INSTANTS = ("dispatched_at", "due_at")


async def project_imported(conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None:
    queries, assets, controls = rows(envelopes)
    for q in queries:
        for k in _INSTANTS:
            q[k] = datetime.fromisoformat(q[k])
    for c in controls:
        for k in _DATES:
            c[k] = date.fromisoformat(c[k]) if c[k] else None
    for sql, cols, table in ((_QUERIES, _Q_COLS, queries), (_ASSETS, _A_COLS, assets), (_CONTROLS, _C_COLS, controls)):
        if table:
            await conn.execute(sql, *([r[k] for r in table] for k in cols))
