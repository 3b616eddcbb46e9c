"""`/docs` and `/redoc` work on a court's intranet: no internet, the assets served by the service.

Debian's Chromium (driven by Playwright) opens each service's Swagger UI and ReDoc page with every
request that leaves the service's own address refused, waits until the operations are rendered,
and takes a screenshot (under the run folder's screenshots/). A page that needed a CDN would stay
blank and the wait would fail; any request that tried to leave is listed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from deploy._common import run_dir
from deploy.system import System
from tests.supervision.test_http_dashboard import ARGS, CHROMIUM

try:
    from playwright.async_api import Route, async_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    async_playwright = None  # type: ignore[assignment]

pytestmark = pytest.mark.skipif(
    async_playwright is None or not Path(CHROMIUM).exists(),
    reason=f"needs the Python playwright package and Debian's chromium at {CHROMIUM} (deploy/setup.sh installs it)",
)

# ReDoc's "powered by" badge in the menu's footer is an image on Redocly's CDN, hard-coded in the
# bundle; without it the footer shows no logo and everything else renders.
REDOC_BADGE = "https://cdn.redoc.ly/redoc/logo-mini.svg"
SERVICES = ("intake", "asset_search", "disposal", "field_ops", "supervision")


def _offline(base: str, left: list[str]) -> Any:
    """A route handler: the service's own address passes, anything else is refused and listed."""

    async def handle(route: Route) -> None:
        if route.request.url.startswith(base):
            await route.continue_()
            return
        if route.request.url == REDOC_BADGE:
            await route.abort("internetdisconnected")  # a decoration: the page renders without it
            return
        left.append(route.request.url)
        await route.abort("internetdisconnected")

    return handle


async def test_docs_and_redoc_render_with_the_network_off(system: System) -> None:
    shots = run_dir() / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    left: list[str] = []
    async with async_playwright() as p:
        ctx = await p.chromium.launch_persistent_context(
            tempfile.mkdtemp(prefix="docs-chromium-"), executable_path=CHROMIUM, headless=True, args=ARGS,
            viewport={"width": 1440, "height": 900}, locale="zh-CN",
        )
        try:
            for service in SERVICES:
                base = system.url(service)

                await ctx.route("**/*", _offline(base, left))
                page = await ctx.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))

                await page.goto(f"{base}/docs")
                await page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
                operations = await page.locator(".swagger-ui .opblock").count()
                doc = await (await page.request.get(f"{base}/openapi.json")).json()
                documented = sum(len(item) for item in doc["paths"].values())
                assert operations == documented, (service, operations, documented)
                assert await page.locator(".swagger-ui .info .title").inner_text() != ""
                await page.screenshot(path=str(shots / f"docs-{service}.png"), full_page=False)

                await page.goto(f"{base}/redoc")
                await page.wait_for_selector("[role=menuitem], .menu-content li", timeout=30_000)
                await page.screenshot(path=str(shots / f"redoc-{service}.png"), full_page=False)
                assert errors == [], (service, errors)
                await page.close()
                await ctx.unroute("**/*")
        finally:
            await ctx.close()
    assert left == [], f"the documentation pages tried to leave the service: {left}"
    for service in SERVICES:
        assert (shots / f"docs-{service}.png").stat().st_size > 20_000  # a rendered page, not a blank one
