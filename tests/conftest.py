"""Test fixtures: the real PostgreSQL and Kafka (started by the project), private per run.

Every run gets its own databases (prefix ``t<run>_``) and topics, so tests never see data of
``make run`` or of another run, and nothing is truncated.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from deploy import stack
from deploy.system import SERVICES, System, database_url
from shared import clock
from shared.auth import mint_token
from shared.settings import ServiceSettings

RUN_ID = os.environ.get("TEST_RUN_ID") or secrets.token_hex(3)
PORT_OFFSET = int(os.environ.get("TEST_PORT_OFFSET", "10000"))


# Fixtures that reach a real part (PostgreSQL, Kafka, a service process). A test that uses none of
# them, directly or through another fixture, is a pure test: marked ``unit`` and run by `make test-unit`.
REAL_PARTS = frozenset({"stack_parts", "system"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the pure tests, and hold the naming scheme: in a service's folder and in e2e/, a test
    module is ``test_http_<topic>.py`` when its tests run against the real system, ``test_<topic>.py``
    when they are pure (integration/ tests the machinery on real parts and keeps plain names)."""
    misnamed = set()
    for item in items:
        real = bool(REAL_PARTS & set(getattr(item, "fixturenames", ())))
        if not real:
            item.add_marker(pytest.mark.unit)
        folder, name = item.path.parent.name, item.path.name
        if folder not in ("integration", "unit", "tests") and name.startswith("test_http_") != real:
            misnamed.add(f"{folder}/{name}")
    if misnamed:
        raise pytest.UsageError(f"test modules named against the scheme (test_http_* = real parts): {sorted(misnamed)}")


# ---- route coverage: every route of every service must have answered a test --------------------------
# tests/test_http_route_coverage.py is the check; here is what it needs from the session: the requests the
# tests sent (recorded client-side, below), how much of the suite was selected, and to run last.

TESTS_DIR = Path(__file__).resolve().parent
ROUTE_CHECK = TESTS_DIR / "test_http_route_coverage.py"
ROUTE_CALLS: set[tuple[int, str, str, int]] = set()
# Systems of their own a test module starts beside the session's (e.g. the drill clock's): their
# processes' calls count for the route coverage too (tests/test_http_route_coverage.py).
OTHER_SYSTEMS: list[Any] = []
"""``(port, method, path, status)`` of every request this test process sent with httpx to a local port."""
_DESELECTED: list[str] = []


def _record_call(request: httpx.Request, response: httpx.Response) -> None:
    if request.url.host in ("127.0.0.1", "localhost") and request.url.port is not None:
        ROUTE_CALLS.add((request.url.port, request.method, request.url.path, response.status_code))


def _record_httpx_calls() -> None:
    """Wrap httpx's two network transports (every httpx client and ``httpx.get`` send through them), so
    each request and the status it got are noted, whichever client a test or helper built. Requests
    sent otherwise (the contract test's generated calls, a browser driven by Playwright, the agency
    simulator's own process) are not tests asserting on an answer and are not recorded."""
    if getattr(httpx.HTTPTransport.handle_request, "records_route_calls", False):
        return
    sync_handle = httpx.HTTPTransport.handle_request
    async_handle = httpx.AsyncHTTPTransport.handle_async_request

    def handle_request(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        response = sync_handle(self, request)
        _record_call(request, response)
        return response

    async def handle_async_request(self: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
        response = await async_handle(self, request)
        _record_call(request, response)
        return response

    handle_request.records_route_calls = True  # type: ignore[attr-defined]
    httpx.HTTPTransport.handle_request = handle_request  # type: ignore[method-assign]
    httpx.AsyncHTTPTransport.handle_async_request = handle_async_request  # type: ignore[method-assign]


_record_httpx_calls()


def pytest_deselected(items: list[pytest.Item]) -> None:
    _DESELECTED.extend(item.nodeid for item in items)


def pytest_collection_finish(session: pytest.Session) -> None:
    """The route check runs after every other test, whatever reordered them (e.g. ``--ff``)."""
    session.items.sort(key=lambda item: item.path == ROUTE_CHECK)


def partial_selection(config: pytest.Config) -> list[str]:
    """Why this session is not the whole suite (empty when it is): an argument naming less than
    tests/, deselected tests (``-k``, ``-m``, ``--deselect``, ``--lf``), ignored paths, last-failed
    or stepwise runs, or only some services started (``TEST_SERVICES``)."""
    reasons = []
    testpaths = config.args_source == pytest.Config.ArgsSource.TESTPATHS  # no argument: ``testpaths``
    root = config.rootpath if testpaths else config.invocation_params.dir
    for arg in config.args:
        path, _, inner = arg.partition("::")
        if inner or (root / path).resolve() not in (TESTS_DIR, config.rootpath.resolve()):
            reasons.append(f"only {arg} was collected")
    if _DESELECTED:
        reasons.append(f"{len(_DESELECTED)} tests were deselected")
    for option, flag in (("ignore", "--ignore"), ("ignore_glob", "--ignore-glob"), ("lf", "--lf"),
                         ("stepwise", "--sw")):
        if config.getoption(option, default=None):
            reasons.append(f"{flag} was given")
    if os.environ.get("TEST_SERVICES"):
        reasons.append(f"only the services {os.environ['TEST_SERVICES']} were started")
    return reasons


@pytest.fixture(scope="session")
def stack_parts() -> Iterator[tuple[str, str]]:
    """(server DSN, Kafka bootstrap) of the real parts; started if needed, and then stopped after."""
    before = stack.status()
    parts = stack.ensure_postgres(), stack.ensure_kafka()
    yield parts
    if before["kafka"]["mode"] == "private" and not before["kafka"]["running"]:
        stack.stop_kafka()
    if before["postgres"]["mode"] == "private" and not before["postgres"]["running"]:
        stack.stop_postgres()


@pytest.fixture(scope="session")
def run_id() -> str:
    return RUN_ID


@pytest.fixture(scope="session")
def system(stack_parts: tuple[str, str]) -> Iterator[System]:
    """All five services running as real processes on a private copy of the databases and topics."""
    server_dsn, bootstrap = stack_parts
    sys_ = System(
        server_dsn,
        bootstrap,
        f"t{RUN_ID}_",
        f"case-events-t{RUN_ID}",
        f"case-events-t{RUN_ID}.dlt",
        port_offset=PORT_OFFSET,
    )
    from deploy._common import run_coro

    run_coro(sys_.prepare(partitions=12))
    wanted = os.environ.get("TEST_SERVICES")  # e.g. "intake,supervision" while others are rebuilt
    for svc in SERVICES:
        if not wanted or svc.name in wanted.split(","):
            sys_.start(svc.name)
    try:
        sys_.wait_ready(timeout=120)
        yield sys_
    finally:
        sys_.stop_all()
        if not os.environ.get("KEEP_TEST_DATA"):
            run_coro(stack.delete_topics(bootstrap, sys_.topics))
            run_coro(stack.delete_databases(server_dsn, [sys_.db_name(s.name) for s in SERVICES]))


_SETTINGS = ServiceSettings()


def token(officer_id: str, roles: list[str], court: str = "黔01", name: str | None = None) -> str:
    return mint_token(_SETTINGS, officer_id=officer_id, name=name or officer_id, roles=roles, court=court)


def auth(officer_id: str, *roles: str, court: str = "黔01") -> dict[str, str]:
    """Authorization header for an officer with ``roles``."""
    return {"Authorization": f"Bearer {token(officer_id, list(roles), court)}"}


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


def court_years_since(start: date) -> str:
    """The court years from ``start`` to now, as a regex alternation: a case number carries the year
    of the court clock when it was given, and a test may straddle New Year (Shanghai time)."""
    return "|".join(str(y) for y in range(start.year, clock.today().year + 1))


def scratch_database(server_dsn: str, name: str) -> str:
    """A fresh private database for one test module (dropped by the caller)."""
    from deploy._common import run_coro

    run_coro(stack.create_databases(server_dsn, [name]))
    return database_url(server_dsn, name)


def valid_case(**overrides: Any) -> dict[str, Any]:
    """A registration request that passes every check (real check digits)."""
    body: dict[str, Any] = {
        "court": "黔01",
        "case_type": "执",
        "applicant": {"kind": "organisation", "name": "贵州某某建材有限公司", "id_number": "91110000600037341L"},
        "respondent": {"kind": "person", "name": "王某", "id_number": "11010519491231002X"},
        "basis": {
            "kind": "judgment",
            "issuing_body": "贵阳市南明区人民法院",
            "document_number": "（2025）黔0102民初1234号",
            "effective_date": "2025-09-01",
            "performance_deadline": "2025-09-15",
        },
        "claim_amount_fen": 12_345_600,
        "application_date": "2026-11-20",
    }
    body.update(overrides)
    return body


def case_applied_on(day: date, **overrides: Any) -> dict[str, Any]:
    """``valid_case`` dated by the court clock: applied for two days before ``day`` (usually
    ``clock.today()``), on a judgment in force for three months whose performance period ended 76 days
    before ``day``."""
    basis = {
        "kind": "judgment",
        "issuing_body": "贵阳市南明区人民法院",
        "document_number": f"（{(day - timedelta(days=150)).year}）黔0102民初1234号",
        "effective_date": (day - timedelta(days=90)).isoformat(),
        "performance_deadline": (day - timedelta(days=76)).isoformat(),
    }
    return valid_case(**{"basis": basis, "application_date": (day - timedelta(days=2)).isoformat(), **overrides})
