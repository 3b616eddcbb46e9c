"""Test fixtures: the real PostgreSQL and Kafka (started by the project), private per run.

Every run gets its own databases (prefix ``t<run>_``) and topics, so tests never see data of
``make run`` or of another run, and nothing is truncated.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from datetime import date
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
            run_coro(stack.delete_topics(bootstrap, [sys_.topic, sys_.dead_letter_topic]))
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
