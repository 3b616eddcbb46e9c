"""The app factory: one composition root per service process.

``create_service_app`` wires the database pool and migrations, the event store and command
runner, the Kafka producer, the outbox relay and (if the service declares reactions) the consumer
runner, plus ``/healthz``, ``/readyz``, ``/metrics``, problem+json errors, JSON logs with
correlation ids and request metrics. Nothing connects at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer, TopicPartition
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared import clock, cors, db, metrics, openapi
from shared.bus import build_producer
from shared.calendar_topic import CalendarFollower, CalendarYear, calendar_topic
from shared.calendar_topic import describe as describe_calendar
from shared.clock_topic import ClockFollower, ClockMove, clock_topic
from shared.clock_topic import describe as describe_clock
from shared.commands import CommandRunner, Projector
from shared.consumer import ConsumerRunner
from shared.eventstore import EventStore
from shared.logs import configure_logging
from shared.problems import install_error_handlers, problem
from shared.reactions import Reactions
from shared.relay import OutboxRelay, outbox_backlog
from shared.settings import ServiceSettings
from shared.tasks import Supervisor
from shared.text import url_problems

log = structlog.get_logger("app")


@dataclass
class Runtime:
    """Everything a service's routes and reactions need, built in the lifespan."""

    settings: ServiceSettings
    pool: asyncpg.Pool
    store: EventStore
    commands: CommandRunner
    producer: AIOKafkaProducer
    relay: OutboxRelay
    consumer: ConsumerRunner | None
    loops: Supervisor
    extras: dict[str, Any] = field(default_factory=dict)


Hook = Callable[[Runtime], Awaitable[None]]
# A service's own readiness check: (ok, what /readyz shows under the check's name). ``ok`` False
# with every shared check passing makes the service "degraded": it runs and serves, yet a person
# must look (supervision: a dead letter may be a hole in the trail).
ReadinessCheck = Callable[[Runtime], Awaitable[tuple[bool, Any]]]


CONSUMER_STUCK_S = 300.0  # /readyz: a consumer loop that has not polled for this long is not ready
RETRY_AFTER_S = 5  # what a 503 asks a client to wait: PostgreSQL restarts in 5-10 s
UNAVAILABLE_DETAIL = ("数据库暂时无法访问（可能正在重启），请稍后重试；"
                      "写操作请带同一 Idempotency-Key 重试，不会重复办理")


def _too_large(limit: int) -> StarletteHTTPException:
    return StarletteHTTPException(413, detail=f"请求内容过大：最多 {limit} 字节")


class RequestContextMiddleware:
    """Correlation id in and out, request metrics, one log line per failed request; request bodies
    over ``max_body_bytes`` refused with 413 before they are read; an unexpected error answered 500
    problem+json with the correlation id (logged with its traceback), the connection kept."""

    def __init__(self, app: ASGIApp, service: str, max_body_bytes: int = 1_048_576) -> None:
        self.app = app
        self.service = service
        self.max_body = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        correlation = (headers.get(b"x-correlation-id") or b"").decode()[:100] or str(uuid.uuid4())
        scope.setdefault("state", {})["correlation_id"] = correlation
        structlog.contextvars.bind_contextvars(correlation_id=correlation)
        start = time.perf_counter()
        status_holder = [500]
        started = [False]
        received = [0]

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                started[0] = True
                status_holder[0] = message["status"]
                message.setdefault("headers", []).append((b"x-correlation-id", correlation.encode()))
            await send(message)

        async def limited_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                received[0] += len(message.get("body", b""))
                if received[0] > self.max_body:
                    raise _too_large(self.max_body)
            return message

        try:
            declared = int(headers.get(b"content-length") or 0)
        except ValueError:
            declared = 0
        try:
            refused = url_problems(scope.get("path", ""), scope.get("query_string", b""))
            if refused:
                invalid = problem(422, "invalid_input", "请求地址或查询参数包含不能接受的字符", errors=refused,
                                  instance=None, correlation_id=correlation)
                await invalid(scope, receive, send_wrapper)
                return
            if declared > self.max_body:
                too_large = problem(413, "payload_too_large", _too_large(self.max_body).detail,
                                    instance=scope.get("path"), correlation_id=correlation)
                await too_large(scope, receive, send_wrapper)
                return
            await self.app(scope, limited_receive, send_wrapper)
        except Exception as exc:
            if db.unavailable(exc) and not started[0]:
                # An outage, not a bug: one line, no traceback, and a client that may retry.
                log.warning("database_unavailable", method=scope.get("method"), path=scope.get("path"),
                            error=type(exc).__name__)
                metrics.DB_UNAVAILABLE.labels(self.service).inc()
                down = problem(503, "database_unavailable", UNAVAILABLE_DETAIL, instance=scope.get("path"),
                               correlation_id=correlation,
                               headers={"Retry-After": str(RETRY_AFTER_S)})
                await down(scope, receive, send_wrapper)
                return
            log.exception("unhandled_error", method=scope.get("method"), path=scope.get("path"))
            if started[0]:
                raise
            failed = problem(500, "internal_error", "系统内部错误，请稍后重试；如持续出现请联系运维人员并提供关联编号",
                             instance=scope.get("path"), correlation_id=correlation)
            await failed(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            elapsed = time.perf_counter() - start
            method = scope.get("method", "")
            metrics.HTTP_REQUESTS.labels(self.service, method, path, str(status_holder[0])).inc()
            metrics.HTTP_LATENCY.labels(self.service, method, path).observe(elapsed)
            if status_holder[0] >= 500:
                log.error("request_failed", method=method, path=scope.get("path"), status=status_holder[0])
            structlog.contextvars.unbind_contextvars("correlation_id")


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    migrations: Sequence[Path] = (),
    reactions: Reactions | None = None,
    projector: Projector | None = None,
    on_startup: Sequence[Hook] = (),
    background: Sequence[Callable[[Runtime], Coroutine[Any, Any, None]]] = (),
    readiness: Mapping[str, ReadinessCheck] | None = None,
    on_clock_move: Callable[[Runtime, ClockMove], Awaitable[None]] | None = None,
    on_calendar_load: Callable[[Runtime, CalendarYear], Awaitable[None]] | None = None,
) -> FastAPI:
    """Build a service's FastAPI app; I/O starts only when the app's lifespan starts.

    With a drill clock (``COURT_CLOCK_DRILL``) the process follows the clock topic: it applies every
    move made so far before it serves, then each new one (``on_clock_move`` runs after it). Always,
    it follows the calendar topic the same way: every holiday year loaded so far goes into its court
    calendar (``shared.holidays.COURT``) before it serves (``on_calendar_load`` runs after each)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.service_name, settings.log_level, settings.log_json)
        pool = await db.create_pool(settings.database_url, min_size=settings.db_pool_min, max_size=settings.db_pool_max)
        await db.migrate(pool, db.SHARED_MIGRATIONS, *migrations)
        store = EventStore(notify_channel="outbox")
        producer = build_producer(settings.kafka_bootstrap_servers, f"{settings.service_name}-producer")
        await producer.start()
        relay = OutboxRelay(
            dsn=settings.database_url,
            service=settings.service_name,
            producer=producer,
            topic=settings.case_events_topic,
            batch_size=settings.relay_batch_size,
            poll_interval_s=settings.relay_poll_interval_s,
            lock_retry_s=settings.relay_lock_retry_s,
        )
        consumer = None
        if reactions:
            consumer = ConsumerRunner(
                service=settings.service_name,
                pool=pool,
                reactions=reactions,
                store=store,
                bootstrap=settings.kafka_bootstrap_servers,
                topic=settings.case_events_topic,
                group_id=settings.group_id,
                dead_letter_topic=settings.dead_letter_topic,
                producer=producer,
                max_retries=settings.consumer_max_retries,
                retry_backoff_s=settings.consumer_retry_backoff_s,
                batch_max=settings.consumer_batch_max,
                linger_s=settings.consumer_linger_ms / 1000,
            )
        rt = Runtime(
            settings,
            pool,
            store,
            CommandRunner(settings.service_name, pool, store, projector, settings.state_cache_size),
            producer,
            relay,
            consumer,
            Supervisor(settings.service_name, dead_after_s=settings.task_dead_after_s),
        )
        app.state.runtime = rt
        if clock.CLOCK.drill:
            follower = ClockFollower(
                settings.kafka_bootstrap_servers, clock_topic(settings.case_events_topic),
                on_move=functools.partial(on_clock_move, rt) if on_clock_move else None,
            )
            rt.extras["clock"] = follower
            rt.loops.start("court_clock", follower.run)
            if not await follower.wait_caught_up(15):
                log.warning("court_clock_not_caught_up", topic=follower.topic)
        calendar = CalendarFollower(
            settings.kafka_bootstrap_servers, calendar_topic(settings.case_events_topic),
            on_load=functools.partial(on_calendar_load, rt) if on_calendar_load else None,
        )
        rt.extras["calendar"] = calendar
        rt.loops.start("court_calendar", calendar.run)
        if not await calendar.wait_caught_up(15):
            log.warning("court_calendar_not_caught_up", topic=calendar.topic)
        for hook in on_startup:
            await hook(rt)
        if settings.relay_enabled:
            store.attach_relay(lambda: relay.status.is_leader, relay.wake, pool)
            rt.loops.start("relay", relay.run)
        if consumer is not None:
            rt.loops.start("consumer", consumer.run)
        for job in background:
            rt.loops.start(getattr(job, "__name__", "job"), functools.partial(job, rt))
        log.info("service_started", service=settings.service_name)
        try:
            yield
        finally:
            await rt.loops.stop()
            with contextlib.suppress(Exception):
                await producer.stop()
            await pool.close()
            log.info("service_stopped", service=settings.service_name)

    # /docs and /redoc serve Swagger UI and ReDoc from the installed package, not a CDN: a court's
    # intranet has no internet.
    app = FastAPIOffline(title=title, description=description, version="0.1.0", lifespan=lifespan,
                         static_url="/docs-assets", favicon_url="/docs-assets/favicon.png")
    openapi.install(app)
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware, service=settings.service_name,
                       max_body_bytes=settings.max_body_bytes)
    cors.install(app, settings.cors_origins)  # outermost: a preflight is answered before anything else
    app.include_router(_ops_router(settings, readiness or {}))
    for router in routers:
        app.include_router(router)
    return app


async def runtime(request: Request) -> Runtime:
    """The service's runtime (FastAPI dependency)."""
    rt: Runtime = request.app.state.runtime
    return rt


async def _kafka_state(producer: AIOKafkaProducer, topic: str) -> str:
    """"ok", or what is wrong with the case-events topic as the brokers see it now."""
    cluster = await producer.client.fetch_all_metadata()
    partitions = cluster.partitions_for_topic(topic)
    if not partitions:
        return "topic_missing"
    leaderless = [p for p in partitions if cluster.leader_for_partition(TopicPartition(topic, p)) in (None, -1)]
    return f"partitions_without_leader:{len(leaderless)}" if leaderless else "ok"


def _ops_router(settings: ServiceSettings, own_checks: Mapping[str, ReadinessCheck]) -> APIRouter:
    router = APIRouter(tags=["运维 ops"])

    @router.get("/healthz", summary="进程存活：后台循环（转发、消费、定时任务）是否在反复失败",
                responses={503: {"description": "有后台循环持续失败：应重启本进程",
                                 "content": {"application/json": {"schema": {"type": "object"}}}}})
    async def healthz(request: Request) -> JSONResponse:
        rt: Runtime | None = getattr(request.app.state, "runtime", None)
        healthy = rt is None or rt.loops.healthy()
        body = {"status": "ok" if healthy else "unhealthy", "service": settings.service_name,
                "loops": rt.loops.describe() if rt else {}}
        return JSONResponse(body, status_code=200 if healthy else 503)

    @router.get("/readyz", summary="就绪：数据库、Kafka、转发积压、消费滞后、后台循环",
                responses={503: {"description": "未就绪（not_ready）或降级（degraded：可用，但需人工处理）",
                                 "content": {"application/json": {"schema": {"type": "object"}}}}})
    async def readyz(request: Request) -> JSONResponse:
        rt: Runtime = request.app.state.runtime
        checks: dict[str, Any] = {}
        ok = True
        try:
            await asyncio.wait_for(rt.pool.fetchval("SELECT 1"), 2)
            checks["database"] = "ok"
            checks["relay_backlog"] = await outbox_backlog(rt.pool)
        except Exception as exc:
            ok = False
            checks["database"] = "unavailable"
            log.warning("readiness_database_unavailable", error=repr(exc))
        try:
            # A fresh metadata request to the brokers: the producer's cached metadata would say
            # "ok" through a whole outage.
            checks["kafka"] = await asyncio.wait_for(_kafka_state(rt.producer, settings.case_events_topic), 3)
        except Exception as exc:
            checks["kafka"] = "unavailable"
            log.warning("readiness_kafka_unavailable", error=repr(exc))
        ok = ok and checks["kafka"] == "ok"
        checks["relay_leader"] = rt.relay.status.is_leader
        checks["relay_published"] = rt.relay.status.published
        if rt.consumer is not None:
            st = rt.consumer.status
            checks["consumer"] = {
                "running": st.running,
                "lag": st.lag,
                "partitions": st.assigned,
                "applied": st.applied,
                "duplicates": st.duplicates,
                "dead_lettered": st.dead_lettered,
                "last_error": (st.last_error or "").split("(", 1)[0] or None,  # the kind; details in the log
                "since_poll_s": st.since_poll_s(),
            }
            # A running loop that has not come back from a batch for minutes is stuck, not busy.
            ok = ok and st.running and (st.since_poll_s() < CONSUMER_STUCK_S or checks["database"] != "ok")
        checks["loops"] = rt.loops.describe()
        ok = ok and all(loop["running"] for loop in checks["loops"].values())
        # A drill's moved clock is visible here, and whether this process applied every move.
        checks["court_clock"] = describe_clock(rt.extras.get("clock"))
        # The holiday years this process counts periods with: loaded by an administrator, or the package.
        checks["calendar"] = describe_calendar(rt.extras.get("calendar"))
        ok = ok and checks["calendar"]["caught_up"] is not False  # not yet every load applied: wrong due dates
        own_ok = True
        for name, check in own_checks.items():
            passed, checks[name] = await check(rt)
            own_ok = own_ok and passed
        status = "ready" if ok and own_ok else "degraded" if ok else "not_ready"
        return JSONResponse({"status": status, "checks": checks}, status_code=200 if status == "ready" else 503)

    @router.get("/metrics", summary="Prometheus 指标", response_class=PlainTextResponse,
                responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}})
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
