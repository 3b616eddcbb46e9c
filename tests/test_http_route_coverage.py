"""Every route of every service answered a test: a route that no test called successfully fails the suite.

**The routes** are those of each of the five services' FastAPI apps (``services.<name>.main:create_app``,
built without starting them): every method and path template, the ops routes ``/healthz``, ``/readyz``
and ``/metrics`` included. Not checked: the documentation FastAPI generates (``/openapi.json``,
``/docs``, ``/docs/oauth2-redirect``, ``/redoc`` and the ``/docs-assets`` files: the framework's code, not
this project's; ``tests/e2e/test_http_openapi.py`` and ``test_http_docs_offline.py`` test them), ``HEAD``
(answered by the ``GET`` handler) and the agency simulator (a stand-in for the linkage agencies, not a
court service). A route of the project that should not need a test goes in ``EXEMPT`` with its reason.

**A call counts** when a test sent it with httpx (any client: ``tests/conftest.py`` records every request
and its status at httpx's transports) to a process of the session's ``system`` (the five services and
any extra instance started through it, e.g. ``intake@b``; or of a system of its own a test registered
in ``tests.conftest.OTHER_SYSTEMS``, e.g. the drill clock's), and it was answered 2xx, or 3xx for a route
that redirects (``/dashboard/``). The path is matched to its route template the way Starlette routes it
(the first route of the app whose method and path match). Not counted: the agency simulator's own
calls (so ``/agency/controls/{control_id}/confirmation`` needs a test of its own), a browser driven
by Playwright, the contract test's generated requests (sent with ``requests``: they check shapes, not
meaning), services a test starts on its own outside ``system``.

**When it runs:** last (``pytest_collection_finish`` in ``tests/conftest.py``), and only when the whole
suite was selected: a path or node id narrower than ``tests/``, ``-k``/``-m``/``--deselect``/``--lf``/
``--sw``/``--ignore``, or ``TEST_SERVICES`` skip it with the reason. ``ROUTE_COVERAGE=always`` runs it
on any selection (to see what a subset leaves uncovered), e.g.::

    ROUTE_COVERAGE=always TEST_PORT_OFFSET=2000 .venv/bin/python -m pytest -q \\
        tests/test_http_route_coverage.py tests/intake/test_http_lifecycle.py
"""

from __future__ import annotations

import importlib
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.routing import compile_path

try:
    from fastapi.routing import iter_route_contexts  # FastAPI ≥ 0.16x keeps included routers as such
except ImportError:  # older FastAPI: ``app.routes`` is already the flat list of routes
    def iter_route_contexts(routes: Any) -> Any:  # type: ignore[no-redef]
        return routes

from deploy.system import SERVICES, System
from tests.conftest import OTHER_SYSTEMS, ROUTE_CALLS, partial_selection

CHECKED = tuple(s.name for s in SERVICES if not s.app)  # the five services; the simulator has its own app
PROJECT = ("services.", "shared.")  # where a route's endpoint is written when the route is the project's
EXEMPT: dict[tuple[str, str, str], str] = {}  # (service, method, path template) → why no test needs to call it


@dataclass(frozen=True)
class Route:
    service: str
    method: str
    path: str
    pattern: re.Pattern[str]

    def __str__(self) -> str:
        return f"{self.service} {self.method} {self.path}"


def routes_of(service: str) -> list[Route]:
    """The service's routes in the app's matching order (one per method)."""
    app = importlib.import_module(f"services.{service}.main").create_app()
    out = []
    for context in iter_route_contexts(app.routes):
        if not getattr(context.endpoint, "__module__", "").startswith(PROJECT):
            continue  # FastAPI's documentation routes and the docs' static files
        pattern = compile_path(context.path)[0]
        out.extend(Route(service, m, context.path, pattern) for m in sorted(context.methods or ()) if m != "HEAD")
    return out


def served(routes: list[Route], method: str, path: str) -> Route | None:
    """The route Starlette would hand the request to: the first whose method and path match."""
    return next((r for r in routes if r.method == method and r.pattern.fullmatch(path)), None)


@pytest.fixture(scope="session")
def whole_suite(request: pytest.FixtureRequest) -> None:
    """Skips the check before the system is started when only part of the suite was selected."""
    reasons = partial_selection(request.config)
    if reasons and os.environ.get("ROUTE_COVERAGE") != "always":
        pytest.skip("route coverage is checked on the whole suite only (ROUTE_COVERAGE=always forces it): "
                    + "; ".join(reasons))


def test_every_route_of_every_service_answered_a_test(whole_suite: None, system: System) -> None:
    routes = {service: routes_of(service) for service in CHECKED}
    unknown = set(EXEMPT) - {(r.service, r.method, r.path) for rs in routes.values() for r in rs}
    assert not unknown, f"EXEMPT names routes that no longer exist: {sorted(unknown)}"
    service_at = {port: name.split("@")[0] for sys_ in (system, *OTHER_SYSTEMS) for name, port in sys_.ports.items()}
    answered: dict[Route, set[int]] = defaultdict(set)
    for port, method, path, status in sorted(ROUTE_CALLS):
        service = service_at.get(port)
        route = served(routes[service], method, path) if service in routes else None
        if route is not None:
            answered[route].add(status)
    uncovered = [
        r for rs in routes.values() for r in rs
        if (r.service, r.method, r.path) not in EXEMPT and not any(200 <= s < 400 for s in answered[r])
    ]
    listed = "\n".join(
        f"  {r}" + (f"   (answered only {sorted(answered[r])})" if answered[r] else "") for r in uncovered
    )
    if uncovered:
        pytest.fail(f"{len(uncovered)} routes answered no test with a 2xx:\n{listed}", pytrace=False)
