"""asset_search tests: a test registry and fast timings, handed to the processes through the environment.

The ``system`` fixture starts every service with ``os.environ``; setting the variables here, at
collection time, gives asset_search and the simulator the same test registry (short answer windows,
a small rate limit on one agency) and short backoff, breaker and sweep intervals.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from deploy.system import System
from services.asset_search.settings import DEV_AGENCIES

TEST_AGENCIES = Path(tempfile.gettempdir()) / f"asset_search_agencies_{os.getpid()}.json"
RATE_LIMITED_AGENCY = "maritime-registry"  # 10 requests per second in the test registry
QUICK_AGENCY = "online-payment"  # must answer within 2 s in the test registry


def _write_test_registry() -> None:
    registry = orjson.loads(DEV_AGENCIES.read_bytes())
    for agency in registry["agencies"]:
        if agency["id"] == RATE_LIMITED_AGENCY:
            agency.update(rate_limit=10, rate_window_s=1)
        if agency["id"] == QUICK_AGENCY:
            agency["answer_within_s"] = 2
    TEST_AGENCIES.write_bytes(orjson.dumps(registry))


_write_test_registry()
os.environ.update({
    "ASSET_SEARCH_AGENCIES_FILE": str(TEST_AGENCIES),
    "ASSET_SEARCH_AGENCY_MAX_BODY_BYTES": "65536",
    "ASSET_SEARCH_DELIVERY_BACKOFF_BASE_S": "0.2",
    "ASSET_SEARCH_DELIVERY_BACKOFF_MAX_S": "1",
    "ASSET_SEARCH_BREAKER_THRESHOLD": "3",
    "ASSET_SEARCH_BREAKER_COOLDOWN_S": "2",
    "ASSET_SEARCH_SWEEP_INTERVAL_S": "0.5",
    "ASSET_SEARCH_RELAY_POLL_INTERVAL_S": "0.2",
    "SIMULATOR_POLL_INTERVAL_S": "0.3",
})


@pytest.fixture(scope="session")
async def producer(system: System) -> AsyncIterator[AIOKafkaProducer]:
    p = AIOKafkaProducer(bootstrap_servers=system.bootstrap, acks="all", enable_idempotence=True)
    await p.start()
    try:
        yield p
    finally:
        await p.stop()
