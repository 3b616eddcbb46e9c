"""Every service's ops routes, as an operator or a load balancer uses them: liveness, readiness and
the Prometheus metrics, which count each answered request by route template and status."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from deploy.system import System
from shared import clock

SERVICES = ("intake", "asset_search", "disposal", "field_ops", "supervision")


async def healthz_answered(http: httpx.AsyncClient, base: str, service: str) -> float:
    """How many ``GET /healthz`` the service has answered 200, by its own ``/metrics``."""
    r = await http.get(f"{base}/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain"), r.text
    wanted = {"service": service, "method": "GET", "route": "/healthz", "status": "200"}
    return sum(s.value for family in text_string_to_metric_families(r.text) if family.name == "http_requests"
               for s in family.samples if s.name == "http_requests_total" and s.labels == wanted)


async def test_every_service_is_live_ready_and_counts_its_requests(system: System, http: httpx.AsyncClient) -> None:
    for service in SERVICES:
        base = system.url(service)
        before = await healthz_answered(http, base, service)
        for _ in range(2):
            live = await http.get(f"{base}/healthz")
            assert live.status_code == 200, live.text
            assert (live.json()["status"], live.json()["service"]) == ("ok", service)
        assert await healthz_answered(http, base, service) == before + 2, service

        ready = await http.get(f"{base}/readyz")
        assert ready.status_code == 200, ready.text
        checks = ready.json()["checks"]
        assert (ready.json()["status"], checks["database"], checks["kafka"]) == ("ready", "ok", "ok"), service
        assert checks["consumer"]["running"] is True, service
        assert 0 <= checks["consumer"]["since_poll_s"] < 5, service  # the loop polls every half second
        assert checks["court_clock"]["moved"] is clock.CLOCK.moved, service
