"""The simulator's process: receives pushed requests, polls the pull channel, answers signed.

Knobs (``PUT /knobs``, or ``SIMULATOR_KNOBS`` as JSON at start) decide per agency and/or per case:
delays, late answers, partial-then-complete, corrections, nothing found, refused deliveries,
control outcomes (effective / queued / refused) and dates.

The control endpoints (``/knobs``, ``/journal``) take a staff bearer token with the ``admin`` role
(the same tokens as the services: ``JWT_SECRET`` or ``JWT_PUBLIC_KEY``, issuer, audience); without
one they answer 401 problem+json, with another role 403. What the simulator receives from the court
is checked as the agencies check it: by the court's signature.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import orjson
import structlog
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import AliasChoices, BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.asset_search.agencies import signing
from services.asset_search.agencies.registry import AgencyConfig, AgencyRegistry
from services.asset_search.domain.rules import max_expiry
from services.asset_search.settings import DEV_AGENCIES
from services.asset_search.simulator.behaviour import Knobs, answers_for, items_for
from shared import clock
from shared.auth import POWERS_LIST, Role, require_roles
from shared.calendar_topic import CalendarFollower, calendar_topic
from shared.calendar_topic import describe as describe_calendar
from shared.clock_topic import ClockFollower, clock_topic
from shared.clock_topic import describe as describe_clock
from shared.problems import install_error_handlers
from shared.settings import ServiceSettings
from shared.topic_follower import follow_forever

log = structlog.get_logger("simulator")


class SimulatorSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SIMULATOR_", extra="ignore", populate_by_name=True)

    asset_search_url: str = "http://127.0.0.1:8102"
    agencies_file: Path = Field(
        default=DEV_AGENCIES, validation_alias=AliasChoices("SIMULATOR_AGENCIES_FILE", "ASSET_SEARCH_AGENCIES_FILE")
    )
    poll_interval_s: float = 0.5
    knobs: str = "{}"  # JSON: {"<agency_id or *>": {...knobs}}


class KnobsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency_id: str = "*"
    case_id: str = "*"
    knobs: Knobs


class Simulator:
    def __init__(self, settings: SimulatorSettings) -> None:
        self.settings = settings
        self.registry = AgencyRegistry.load(settings.agencies_file)
        self.knobs: dict[tuple[str, str], Knobs] = {
            ("*", agency): Knobs.model_validate(k) for agency, k in orjson.loads(settings.knobs).items()
        }
        self.failures_left: dict[tuple[str, str], int] = {}
        self.client = httpx.AsyncClient(timeout=10)
        self.tasks: set[asyncio.Task[None]] = set()
        self.taken: set[str] = set()
        self.journal: list[dict[str, Any]] = []

    def knobs_for(self, agency_id: str, case_id: str) -> tuple[tuple[str, str], Knobs]:
        for key in ((case_id, agency_id), (case_id, "*"), ("*", agency_id), ("*", "*")):
            if key in self.knobs:
                return key, self.knobs[key]
        return ("*", "*"), Knobs()

    def set_knobs(self, body: KnobsIn) -> None:
        key = (body.case_id, body.agency_id)
        self.knobs[key] = body.knobs
        self.failures_left[key] = body.knobs.fail_deliveries

    def refuse_delivery(self, agency_id: str, case_id: str) -> bool:
        key, knobs = self.knobs_for(agency_id, case_id)
        left = self.failures_left.get(key, knobs.fail_deliveries)
        if left > 0:
            self.failures_left[key] = left - 1
            return True
        return random.random() < knobs.error_rate

    def spawn(self, agency: AgencyConfig, request: dict[str, Any]) -> None:
        task = asyncio.create_task(self.handle(agency, request))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def send(
        self, agency: AgencyConfig, path: str, body: dict[str, Any] | None, method: str = "POST"
    ) -> httpx.Response | None:
        """A signed request to asset_search, retried with the same message id on 429/5xx/transport errors."""
        raw = orjson.dumps(body) if body is not None else b""
        message_id = f"msg_{uuid.uuid4().hex}"
        url = self.settings.asset_search_url.rstrip("/") + path
        for attempt in range(8):
            headers = signing.signed_headers(agency.id, agency.signing_secret, raw, timestamp=int(time.time()),
                                             message_id=message_id)
            try:
                r = await self.client.request(method, url, content=raw if body is not None else None, headers=headers)
            except httpx.HTTPError:
                await asyncio.sleep(min(5.0, 0.2 * 2**attempt))
                continue
            if r.status_code == 429:
                await asyncio.sleep(float(r.headers.get("retry-after", "1")))
                continue
            if r.status_code >= 500:
                await asyncio.sleep(min(5.0, 0.2 * 2**attempt))
                continue
            self.journal.append({"agency_id": agency.id, "path": path, "status": r.status_code})
            del self.journal[:-500]
            return r
        return None

    async def handle(self, agency: AgencyConfig, req: dict[str, Any]) -> None:
        _, knobs = self.knobs_for(agency.id, req.get("case_id", "*"))
        await asyncio.sleep(knobs.late_s if knobs.late_s is not None else knobs.delay_s)
        kind = req.get("kind")
        if kind == "query":
            for body in answers_for(knobs, req["case_id"], req["agency_kind"], req.get("subject") or {}):
                await self.send(agency, f"/agency/queries/{req['query_id']}/results", body)
                await asyncio.sleep(knobs.delay_s)
        elif kind == "control":
            confirmation = self._confirmation(knobs, req)
            await self.send(agency, f"/agency/controls/{req['control_id']}/confirmation", confirmation)
        elif kind == "exit_restriction":  # the border authority: a restriction or its lifting takes effect
            await self.send(agency, f"/agency/exit-restrictions/{req['request_id']}/confirmation",
                            {"outcome": "effective", "effective_date": clock.today().isoformat()})
        elif kind == "renewal":
            given = req.get("current_expiry_date")
            current = date.fromisoformat(given) if given else clock.today()
            expiry = knobs.renewal_expiry_date or max_expiry(req["asset_kind"], current)
            await self.send(agency, f"/agency/controls/{req['control_id']}/confirmation",
                            {"outcome": "effective", "expiry_date": expiry.isoformat()})

    def _confirmation(self, knobs: Knobs, req: dict[str, Any]) -> dict[str, Any]:
        if knobs.control_outcome == "refused":
            return {"outcome": "refused", "reason": "账户已销户"}
        effective = knobs.control_effective_date or clock.today()
        out: dict[str, Any] = {"outcome": knobs.control_outcome, "effective_date": effective.isoformat()}
        if knobs.control_outcome == "queued":
            out["queue_position"] = 2
        if req["measure"] != "deduct":
            expiry = knobs.control_expiry_date or max_expiry(req["asset_kind"], effective)
            out["expiry_date"] = expiry.isoformat()
        identifier = (req.get("asset") or {}).get("identifier")
        held = next((i["value_fen"] for i in items_for(req["case_id"], req["asset_kind"], {})
                     if i["identifier"] == identifier), None)
        limit = req.get("amount_limit_fen")
        if req["measure"] in ("freeze", "deduct") and (held is not None or limit is not None):
            out["amount_fen"] = min(v for v in (held, limit) if v is not None)
        return out

    async def poll(self) -> None:
        """The pull channel: every pull agency lists, takes and handles its pending requests."""
        while True:
            for agency in self.registry.all():
                if agency.channel != "pull":
                    continue
                with contextlib.suppress(Exception):
                    r = await self.send(agency, "/agency/requests", None, method="GET")
                    if r is None or r.status_code != 200:
                        continue
                    for req in r.json()["requests"]:
                        if req["request_id"] in self.taken:
                            continue
                        t = await self.send(agency, f"/agency/requests/{req['request_id']}/take", {})
                        if t is not None and t.status_code == 200:
                            self.taken.add(req["request_id"])
                            self.spawn(agency, req)
            await asyncio.sleep(self.settings.poll_interval_s)


async def _follow(follower: ClockFollower) -> None:
    """Follow the clock topic for ever (again after a broker error)."""
    while True:
        try:
            await follower.run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("court_clock_follow_failed", error=repr(exc))
            await asyncio.sleep(1)


def create_app(settings: SimulatorSettings | None = None) -> FastAPI:
    settings = settings or SimulatorSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        sim = Simulator(settings)
        app.state.sim = sim
        poller = asyncio.create_task(sim.poll())
        follower: asyncio.Task[None] | None = None
        if clock.CLOCK.drill:  # the agencies live on the court's drill clock too
            common = ServiceSettings(service_name="simulator")
            app.state.clock = ClockFollower(common.kafka_bootstrap_servers, clock_topic(common.case_events_topic))
            follower = asyncio.create_task(_follow(app.state.clock))
            await app.state.clock.wait_caught_up(15)
        # The court's holiday calendar, as every service has it (shared/calendar_topic.py), always.
        common = ServiceSettings(service_name="simulator")
        app.state.calendar = CalendarFollower(common.kafka_bootstrap_servers, calendar_topic(common.case_events_topic))
        calendar = asyncio.create_task(follow_forever(app.state.calendar))
        await app.state.calendar.wait_caught_up(15)
        try:
            yield
        finally:
            calendar.cancel()
            if follower is not None:
                follower.cancel()
            poller.cancel()
            for t in list(sim.tasks):
                t.cancel()
            await sim.client.aclose()

    app = FastAPI(title="联动单位模拟器 simulator", version="0.1.0", lifespan=lifespan)
    app.state.settings = ServiceSettings(service_name="simulator")  # how staff tokens are checked
    install_error_handlers(app)
    operator = [Depends(require_roles(Role.ADMIN, rule=POWERS_LIST))]  # the control endpoints: an administrator's token

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": "simulator"}

    @app.get("/readyz")
    async def readyz() -> dict[str, Any]:
        return {"status": "ready", "checks": {"court_clock": describe_clock(getattr(app.state, "clock", None)),
                                              "calendar": describe_calendar(getattr(app.state, "calendar", None))}}

    @app.post("/agencies/{agency_id}/requests", status_code=202, summary="接收法院推送的请求（验签）")
    async def receive(agency_id: str, request: Request) -> JSONResponse:
        sim: Simulator = request.app.state.sim
        agency = sim.registry.get(agency_id)
        if agency is None:
            return JSONResponse({"error": "unknown agency"}, status_code=404)
        body = await request.body()
        h = request.headers
        try:
            signing.verify(agency.secrets, h.get("webhook-id", ""), h.get("webhook-timestamp", ""),
                           h.get("webhook-signature", ""), body, now=time.time(), tolerance_s=300)
        except signing.SignatureError as exc:
            return JSONResponse({"error": exc.code}, status_code=401)
        req = orjson.loads(body)
        if sim.refuse_delivery(agency_id, req.get("case_id", "*")):
            return JSONResponse({"error": "simulated outage"}, status_code=503)
        if req["request_id"] not in sim.taken:
            sim.taken.add(req["request_id"])
            sim.spawn(agency, req)
        return JSONResponse({"accepted": req["request_id"]}, status_code=202)

    @app.put("/knobs", summary="设置模拟行为（按单位、按案件）", dependencies=operator)
    async def put_knobs(body: KnobsIn, request: Request) -> dict[str, Any]:
        request.app.state.sim.set_knobs(body)
        return {"ok": True}

    @app.delete("/knobs", summary="恢复默认行为", dependencies=operator)
    async def reset_knobs(request: Request) -> dict[str, Any]:
        sim: Simulator = request.app.state.sim
        sim.knobs.clear()
        sim.failures_left.clear()
        return {"ok": True}

    @app.get("/knobs", summary="当前模拟行为", dependencies=operator)
    async def get_knobs(request: Request) -> dict[str, Any]:
        sim: Simulator = request.app.state.sim
        return {f"{c}/{a}": k.model_dump(mode="json") for (c, a), k in sim.knobs.items()}

    @app.get("/journal", summary="模拟器最近发出的请求", dependencies=operator)
    async def journal(request: Request) -> list[dict[str, Any]]:
        return list(request.app.state.sim.journal)

    return app
