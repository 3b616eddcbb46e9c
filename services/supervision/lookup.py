"""执行公开: a party looks up their own case with the case number, their ID number and a one-time code
sent to the mobile number recorded for them at intake.

- Asking for a code answers the same whatever the combination (no oracle): a code goes out only when
  the case number and the ID number name a party of that case who has a recorded number (their
  SMS opt-out concerns pushes, not a code they ask for themselves).
- A code is good for ``lookup.code_ttl_s`` and one read; after ``lookup.code_attempts`` wrong tries it
  is void. A wrong code, an unknown combination and a void code get the same refusal.
- Rate limits (fixed windows of ``lookup.window_s``): code requests per case number, and every
  look-up request per client address; 429 with Retry-After.
- Audit: every code sent, read granted and wrong code refused is a ``supervision.party_lookup_made``
  event in the case's trail (who asked, from where, the ID number and number masked), like the
  staff's reads, which the trail records through their actors.
- The read shows the case's nodes reached, its open nodes and their time limits, the money received
  and paid out to the applicant, and the parties' names (both are named in the enforcement basis)
  with ID numbers masked; no address, no other party's number.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from services.supervision.alerts.notifications import enqueue
from services.supervision.alerts.parties import CaseParties, Party, case_parties
from services.supervision.case_refs import as_case_number
from services.supervision.events import PartyLookupMade
from services.supervision.settings import LookupSettings
from shared.contact import mask_id_number, mask_mobile
from shared.envelope import Actor, Envelope, now_shanghai
from shared.eventstore import EventStore

NAMESPACE = uuid.UUID("6f1c3f1e-2b7a-4d39-9d0e-5a1d6c0f4b18")


def digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def normalise_id(value: str) -> str:
    return "".join(value.split()).upper()


@dataclass(frozen=True)
class Limited(Exception):
    retry_after_s: int


async def hit(conn: asyncpg.Connection | asyncpg.Pool, bucket: str, limit: int, window_s: int,
              now: datetime) -> None:
    """Count one request in ``bucket``'s current window; Limited when it is over ``limit``."""
    epoch = int(now.timestamp())
    start = datetime.fromtimestamp(epoch - epoch % window_s, tz=now.tzinfo)
    hits = await conn.fetchval(
        "INSERT INTO lookup_rate (bucket, window_start, hits) VALUES ($1, $2, 1)"
        " ON CONFLICT (bucket, window_start) DO UPDATE SET hits = lookup_rate.hits + 1 RETURNING hits",
        bucket, start)
    if hits > limit:
        raise Limited(max(1, int((start + timedelta(seconds=window_s) - now).total_seconds()) + 1))


def canonical_number(case_number: str) -> str:
    """The case number as intake writes it (half-width brackets accepted); else as typed, trimmed."""
    return as_case_number(case_number.strip()) or case_number.strip()


async def find_case(pool: asyncpg.Pool, case_number: str) -> str | None:
    return await pool.fetchval(  # type: ignore[no-any-return]
        "SELECT case_id FROM audit_trail WHERE event_type = 'intake.case_registered'"
        " AND payload->>'case_number' = $1 ORDER BY seq LIMIT 1", canonical_number(case_number))


def party_of(parties: CaseParties, id_number: str) -> Party | None:
    wanted = normalise_id(id_number)
    return next((p for p in parties.parties.values() if p.id_number and normalise_id(p.id_number) == wanted), None)


async def audit(conn: asyncpg.Connection, store: EventStore, case_id: str, court: str, party: Party,
                outcome: str, client: str, mobile: str | None = None) -> None:
    """The look-up as an event of the case's ``supervision.lookups`` stream (and so in its trail)."""
    stream = f"supervision.lookups:{case_id}"
    await store.lock_case(conn, case_id)
    version = await store.stream_version(conn, stream)
    event = PartyLookupMade(party=party.role, outcome=outcome, id_number=mask_id_number(party.id_number) or "",
                            client=client[:100], mobile=mask_mobile(mobile))
    now = now_shanghai()
    env = Envelope(
        event_id=uuid.uuid4(), event_type=event.event_type, schema_version=event.schema_version, case_id=case_id,
        stream_id=stream, stream_version=version + 1, occurred_at=now, recorded_at=now, producer="supervision",
        actor=Actor(kind="system", id="supervision", name=f"当事人查询（{party.role}）"), court=court,
        correlation_id=f"lookup:{case_id}", causation_id=None, payload=event.model_dump(mode="json"),
    )
    await store.append(conn, stream, version, [env])


async def send_code(pool: asyncpg.Pool, store: EventStore, cfg: LookupSettings, case_number: str, id_number: str,
                    client: str) -> None:
    """Count the request; when the combination names a party with a number, queue a fresh code."""
    now = now_shanghai()
    await hit(pool, f"client:{client}", cfg.per_client, cfg.window_s, now)
    await hit(pool, f"case:{canonical_number(case_number)}", cfg.per_case, cfg.window_s, now)
    await pool.execute(  # housekeeping: windows long past, codes long expired
        "WITH a AS (DELETE FROM lookup_rate WHERE window_start < $1), b AS (DELETE FROM lookup_codes"
        " WHERE expires_at < $1) SELECT 1", now - timedelta(seconds=2 * cfg.window_s + 86_400))
    case_id = await find_case(pool, case_number)
    if case_id is None:
        return
    parties = await case_parties(pool, case_id)
    party = party_of(parties, id_number)
    if party is None or not party.mobile:
        return
    code = f"{secrets.randbelow(10**6):06d}"
    id_hash = digest(normalise_id(id_number))
    minutes = max(1, cfg.code_ttl_s // 60)
    court = parties.court or ""
    async with pool.acquire() as conn, conn.transaction():
        row_id = await conn.fetchval(
            "INSERT INTO lookup_codes (case_id, case_number, party, id_hash, code_hash, expires_at)"
            " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            case_id, canonical_number(case_number), party.role, id_hash, digest(id_hash, code),
            now + timedelta(seconds=cfg.code_ttl_s))
        message = {
            "notification_id": str(uuid.uuid5(NAMESPACE, f"{case_id}|{row_id}")),
            "kind": "lookup_code",
            "template": "lookup_code",
            "params": {"code": code, "minutes": str(minutes)},
            "recipient": {"role": party.role, "id": party.id_number, "name": party.name, "court": court,
                          "mobile": party.mobile},
            "case_id": case_id,
            "case_number": parties.case_number,
            "court": court,
            "message": f"【执行公开】您查询案件{parties.case_number}的验证码为{code}，{minutes}分钟内有效。",
        }
        await enqueue(conn, None, case_id, court, [message])
        await audit(conn, store, case_id, court, party, "code_sent", client, party.mobile)
    store.committed()


async def verify(pool: asyncpg.Pool, store: EventStore, cfg: LookupSettings, case_number: str, id_number: str,
                 code: str, client: str) -> tuple[str, Party, CaseParties] | None:
    """The case, the party and its parties for a right code (used up); None for anything else."""
    now = now_shanghai()
    await hit(pool, f"client:{client}", cfg.per_client, cfg.window_s, now)
    id_hash = digest(normalise_id(id_number))
    async with pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(
            "SELECT id, case_id, party, code_hash, attempts FROM lookup_codes"
            " WHERE case_number = $1 AND id_hash = $2 AND used_at IS NULL AND expires_at > $3 AND attempts < $4"
            " ORDER BY id DESC LIMIT 1 FOR UPDATE",
            canonical_number(case_number), id_hash, now, cfg.code_attempts)
        if row is None:
            return None
        parties = await case_parties(conn, row["case_id"])
        party = parties.parties[row["party"]]
        court = parties.court or ""
        if not secrets.compare_digest(row["code_hash"], digest(id_hash, code.strip())):
            await conn.execute("UPDATE lookup_codes SET attempts = attempts + 1 WHERE id = $1", row["id"])
            await audit(conn, store, row["case_id"], court, party, "refused", client)
            outcome = None
        else:
            await conn.execute("UPDATE lookup_codes SET used_at = $2 WHERE id = $1", row["id"], now)
            await audit(conn, store, row["case_id"], court, party, "granted", client)
            outcome = (row["case_id"], party, parties)
    store.committed()
    return outcome


async def case_view(pool: asyncpg.Pool, case_id: str, party: Party, parties: CaseParties) -> dict[str, Any]:
    """What the party may see of their case (see the module's note)."""
    nodes = await pool.fetch(
        "SELECT key, node, title, due, completed_on FROM deadlines WHERE case_id = $1 ORDER BY due NULLS LAST, key",
        case_id)
    money = await pool.fetch(
        "SELECT event_type, payload FROM audit_trail WHERE case_id = $1"
        " AND event_type IN ('disposal.funds_received', 'disposal.payout_approved', 'intake.case_closed')"
        " ORDER BY seq", case_id)
    received = sum(int(r["payload"].get("amount_fen") or 0) for r in money
                   if r["event_type"] == "disposal.funds_received")
    paid = sum(int(r["payload"].get("amount_fen") or 0) for r in money
               if r["event_type"] == "disposal.payout_approved" and r["payload"].get("recipient") == "applicant")
    closed = next((r["payload"].get("closure_type") for r in reversed(money)
                   if r["event_type"] == "intake.case_closed"), None)
    reached = sorted((n for n in nodes if n["completed_on"]), key=lambda n: (n["completed_on"], n["key"]))
    upcoming = [n for n in nodes if not n["completed_on"] and n["due"]]
    return {
        "case_number": parties.case_number,
        "court": parties.court,
        "you_are": party.role,
        "parties": [{"role": p.role, "name": p.name, "id_number": mask_id_number(p.id_number)}
                    for p in parties.parties.values()],
        "your_mobile": mask_mobile(party.mobile),
        "closed": closed,
        "nodes_reached": [{"node": n["node"], "name": n["title"], "completed_on": n["completed_on"]}
                          for n in reached],
        "next_nodes": [{"node": n["node"], "name": n["title"], "due": n["due"]} for n in upcoming],
        "received_fen": received,
        "paid_to_applicant_fen": paid,
    }
