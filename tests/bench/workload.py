"""Fixed, seeded workloads: HTTP registration requests and realistic event histories.

The events are copies of what intake really recorded for one ``POST /cases`` (captured over HTTP
from a running intake, so they follow whatever the service produces today), given fresh case ids
and event ids from a seeded generator.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import orjson

from shared.envelope import Envelope
from tests.bench.env import BenchContext, say
from tests.bench.loadgen import build_request

CLERK = ("bench-clerk-01", ["intake_clerk"], "黔01")


def case_body(i: int, rng: random.Random) -> dict[str, Any]:
    """A registration that passes every check (real check digits), varied per ``i``."""
    return {
        "court": "黔01",
        "case_type": "执",
        "applicant": {
            "kind": "organisation", "name": f"贵州某某建材有限公司{i % 97}", "id_number": "91110000600037341L",
        },
        "respondent": {"kind": "person", "name": "王某", "id_number": "11010519491231002X"},
        "basis": {
            "kind": rng.choice(["judgment", "mediation", "arbitral_award"]),
            "issuing_body": "贵阳市南明区人民法院",
            "document_number": f"（2025）黔0102民初{10000 + i}号",
            "effective_date": "2025-09-01",
            "performance_deadline": "2025-09-15",
        },
        "claim_amount_fen": rng.randrange(100_000, 50_000_000),
        "application_date": "2026-11-20",
        "service_address_confirmed": rng.random() < 0.5,
    }


def registration_requests(ctx: BenchContext, port: int, n: int, salt: int = 0) -> list[bytes]:
    """``n`` pre-built ``POST /cases`` requests (same seed, same bytes, every run)."""
    rng = random.Random(ctx.seed * 1_000_003 + salt)
    officer, roles, court = CLERK
    headers = {
        "Authorization": f"Bearer {ctx.token(officer, roles, court)}",
        "Content-Type": "application/json",
    }
    host = f"127.0.0.1:{port}"
    return [build_request("POST", "/cases", host, orjson.dumps(case_body(i, rng)), headers) for i in range(n)]


def contact_requests(ctx: BenchContext, port: int, case_id: str, n: int, start: int = 0) -> list[bytes]:
    """``n`` ``PUT …/parties/applicant/contact`` requests on one case, switching the applicant's SMS
    choice each time: one event on the case's stream per command (a long stream grows by ``n``)."""
    officer, roles, court = CLERK
    headers = {
        "Authorization": f"Bearer {ctx.token(officer, roles, court)}",
        "Content-Type": "application/json",
    }
    host = f"127.0.0.1:{port}"
    path = f"/cases/{case_id}/parties/applicant/contact"
    return [build_request("PUT", path, host, orjson.dumps({"sms_opt_out": (start + i) % 2 == 0}), headers)
            for i in range(n)]


async def capture_templates(ctx: BenchContext, intake_dsn: str) -> list[dict[str, Any]]:
    """The envelopes of the first registered case in an intake database, in stream order."""
    conn = await asyncpg.connect(intake_dsn)
    try:
        case_id = await conn.fetchval("SELECT case_id FROM events ORDER BY position LIMIT 1")
        rows = await conn.fetch("SELECT envelope::text AS e FROM events WHERE case_id = $1 ORDER BY position", case_id)
    finally:
        await conn.close()
    return [orjson.loads(r["e"]) for r in rows]


async def ensure_templates(ctx: BenchContext) -> list[dict[str, Any]]:
    """Templates captured earlier in this run, or captured now from a short-lived intake."""
    if ctx.templates:
        return ctx.templates
    say("  capturing event templates from a real intake (one POST /cases)")
    async with ctx.system("tpl", ["intake"]) as sys_:
        officer, roles, court = CLERK
        async with httpx.AsyncClient(timeout=30) as http:
            r = await http.post(
                f"{sys_.url('intake')}/cases",
                json=case_body(0, random.Random(ctx.seed)),
                headers={"Authorization": f"Bearer {ctx.token(officer, roles, court)}"},
            )
            r.raise_for_status()
        ctx.templates = await capture_templates(ctx, sys_.dsn("intake"))
    return ctx.templates


class History:
    """Realistic histories: case after case, each a fresh copy of the template events."""

    def __init__(self, templates: list[dict[str, Any]], seed: int) -> None:
        if not templates:
            raise ValueError("no event templates")
        self.templates = templates
        self.rng = random.Random(seed)
        self.template_case = str(templates[0]["case_id"])

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def case(self) -> list[dict[str, Any]]:
        """One new case's events (dicts in envelope shape), stream versions as recorded."""
        case_id = self._uuid()
        out = []
        for t in self.templates:
            d = dict(t)
            d["event_id"] = self._uuid()
            d["case_id"] = case_id
            d["stream_id"] = str(t["stream_id"]).replace(self.template_case, case_id)
            d["correlation_id"] = case_id
            payload = t.get("payload")
            if isinstance(payload, dict) and payload.get("case_id") == self.template_case:
                d["payload"] = {**payload, "case_id": case_id}
            out.append(d)
        return out

    def events(self, n: int) -> Iterator[dict[str, Any]]:
        """``n`` events, whole cases in order (the last case may be cut short)."""
        produced = 0
        while produced < n:
            for d in self.case():
                if produced >= n:
                    return
                produced += 1
                yield d

    def single(self, stream_prefix: str, i: int) -> Envelope:
        """A one-event stream of its own (for single-event append transactions)."""
        d = dict(self.templates[0])
        case_id = self._uuid()
        d.update(event_id=self._uuid(), case_id=case_id, stream_id=f"{stream_prefix}:{case_id}", stream_version=1)
        return Envelope.model_validate(d)

    def batch(self, stream_prefix: str, size: int) -> list[Envelope]:
        """One stream of ``size`` events (versions 1..size) for a batched append."""
        case_id = self._uuid()
        stream_id = f"{stream_prefix}:{case_id}"
        out = []
        for v in range(1, size + 1):
            d = dict(self.templates[(v - 1) % len(self.templates)])
            d.update(event_id=self._uuid(), case_id=case_id, stream_id=stream_id, stream_version=v)
            out.append(Envelope.model_validate(d))
        return out
