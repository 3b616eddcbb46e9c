"""A case's parties as supervision knows them from the trail: who they are (the registration) and
their contact details (intake.party_mobile_recorded / intake.party_sms_opt_out_changed, latest wins)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

PARTIES = ("applicant", "respondent")
_READ = """
SELECT event_type, payload FROM audit_trail
WHERE case_id = $1 AND event_type = ANY($2::text[]) ORDER BY seq
"""
_TYPES = ["intake.application_received", "intake.case_registered", "intake.party_mobile_recorded",
          "intake.party_sms_opt_out_changed"]


@dataclass
class Party:
    role: str  # applicant / respondent
    kind: str | None = None
    name: str | None = None
    id_number: str | None = None
    mobile: str | None = None
    opted_out: bool = False

    @property
    def reachable(self) -> bool:
        """May be sent the pushes of the case's nodes: a number and no opt-out."""
        return bool(self.mobile) and not self.opted_out


@dataclass
class CaseParties:
    case_number: str | None
    court: str | None
    parties: dict[str, Party]


def fold(rows: list[tuple[str, dict[str, Any]]]) -> CaseParties:
    """The parties after the case's intake events (in trail order). Pure; tolerant of missing fields."""
    number = court = None
    parties = {p: Party(p) for p in PARTIES}
    for event_type, payload in rows:
        if event_type in ("intake.application_received", "intake.case_registered"):
            number = payload.get("case_number") or number
            court = payload.get("court") or court
            for role in PARTIES:
                record = payload.get(role)
                if isinstance(record, dict):
                    p = parties[role]
                    p.kind, p.name, p.id_number = record.get("kind"), record.get("name"), record.get("id_number")
        elif payload.get("party") in parties:
            p = parties[payload["party"]]
            if event_type == "intake.party_mobile_recorded":
                p.mobile = payload.get("mobile")
            else:
                p.opted_out = bool(payload.get("opted_out"))
    return CaseParties(number, court, parties)


async def case_parties(conn: asyncpg.Connection | asyncpg.Pool, case_id: str) -> CaseParties:
    rows = await conn.fetch(_READ, case_id, _TYPES)
    return fold([(r["event_type"], r["payload"]) for r in rows])


async def many_case_parties(conn: asyncpg.Connection, case_ids: list[str]) -> dict[str, CaseParties]:
    """``case_parties`` of several cases in one query (a consumer batch's)."""
    rows = await conn.fetch(
        "SELECT case_id, event_type, payload FROM audit_trail"
        " WHERE case_id = ANY($1::text[]) AND event_type = ANY($2::text[]) ORDER BY case_id, seq",
        case_ids, _TYPES,
    )
    by_case: dict[str, list[tuple[str, dict[str, Any]]]] = {c: [] for c in case_ids}
    for r in rows:
        by_case[r["case_id"]].append((r["event_type"], r["payload"]))
    return {c: fold(events) for c, events in by_case.items()}
