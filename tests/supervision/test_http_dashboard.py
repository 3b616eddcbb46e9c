"""The 执行指挥中心 dashboard in a real headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from deploy._common import run_dir
from deploy.system import System
from shared import clock
from tests.conftest import token
from tests.supervision.helpers import Story, publish, wait_trail
from tests.waits import drained, poll

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
COURT = "粤0304"  # a court of its own (no other test's cases): the board shows court-wide figures
# The stories below live in 2026: the API and the page are both asked for that year, not for the
# default period (the current court year), so the test does not depend on the day it runs.
PERIOD = {"from": "2026-01-01", "to": "2026-12-31"}
WATCHER = {"Authorization": f"Bearer {token('sup-yd', ['supervisor'], COURT)}"}

try:
    from playwright.async_api import Page, async_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    async_playwright = None  # type: ignore[assignment]

pytestmark = pytest.mark.skipif(
    async_playwright is None or not Path(CHROMIUM).exists(),
    reason=f"needs the Python playwright package and Debian's chromium at {CHROMIUM} (deploy/setup.sh installs it)",
)


def pct(r: dict[str, Any]) -> str:
    return "—" if r["value"] is None else f"{r['value'] * 100:.1f}%"


def days(m: dict[str, Any]) -> str:
    return "—" if m["value"] is None else f"{m['value']:.1f} 天"


def story(judge: str, track: str, team: str) -> Story:
    s = Story(court=COURT).on("2026-03-02")
    s.registered()
    s.add("intake.case_assigned", "system", None, judge_id=judge, team_id=team, track=track, assigned_by="system")
    return s


async def given_a_court(system: System, http: httpx.AsyncClient) -> tuple[list[Story], str]:
    bank, team = f"yd-bank-{uuid.uuid4().hex[:6]}", f"yd-team-{uuid.uuid4().hex[:6]}"
    paid = story("yd-j1", "fast", team)
    paid.add("disposal.funds_received", "fin-1", "finance_officer", amount_fen=12_345_600, source="voluntary_payment")
    paid.on("2026-03-25").add(
        "intake.case_closed",
        "chief",
        "bureau_chief",
        closure_type="执行完毕",
        judge_id="yd-j1",
        approved_by="chief",
        closed_on="2026-03-25",
        track="fast",
        claim_amount_fen=12_345_600,
    )
    zb = story("yd-j2", "ordinary", team)
    zb.add("asset_search.query_dispatched", query_id=f"q-{bank}", agency_id=bank, agency_kind="bank_deposit")
    zb.add("asset_search.agency_answered", query_id=f"q-{bank}", agency_id=bank, outcome="nothing_found")
    zb.on("2026-04-20").add(
        "intake.case_closed",
        "yd-j2",
        "judge",
        closure_type="终本",
        judge_id="yd-j2",
        approved_by="yd-j2",
        closed_on="2026-04-20",
        track="ordinary",
    )
    late = story("yd-j3", "ordinary", team)
    await publish(system, paid.envelopes + zb.envelopes + late.envelopes)
    for s in (paid, zb, late):
        await wait_trail(http, system, s.case_id, len(s.envelopes), headers=WATCHER)

    async def zb_findings() -> list[dict[str, Any]]:
        r = await http.get(f"{system.url('supervision')}/findings", headers=WATCHER, params={"case_id": zb.case_id})
        assert r.status_code == 200, r.text
        return list(r.json()["findings"])

    await poll(zb_findings, "the 终本 case's findings", timeout=30)
    await drained(http, system)  # and every reaction to the three cases is in
    return [paid, zb, late], bank


async def tile(page: Page, kpi: str) -> str:
    return (await page.inner_text(f'[data-kpi="{kpi}"] .value')).strip()


async def snapshot(http: httpx.AsyncClient, base: str) -> tuple[Any, Any, Any, Any]:
    api = (await http.get(f"{base}/indicators", headers=WATCHER, params=PERIOD)).json()
    overdue = (await http.get(f"{base}/indicators/overdue", headers=WATCHER)).json()
    findings = (await http.get(f"{base}/findings", headers=WATCHER)).json()["findings"]
    board = (await http.get(f"{base}/deadlines", headers=WATCHER, params={"status": "overdue"})).json()["deadlines"]
    return api, overdue, findings, board


async def test_the_dashboard_shows_the_figures_of_the_api_and_is_screenshotted(
    system: System, http: httpx.AsyncClient, run_id: str
) -> None:
    base = system.url("supervision")
    api0, overdue0, findings0, _ = await snapshot(http, base)  # what earlier runs left in the court
    cases, bank = await given_a_court(system, http)
    zb = cases[1]
    api, overdue, findings, board = await snapshot(http, base)
    trail = (await http.get(f"{base}/cases/{zb.case_id}/trail", headers=WATCHER)).json()["events"]
    t, t0 = api["totals"], api0["totals"]
    assert (t["received"] - t0["received"], t["closed"] - t0["closed"], t["pending"] - t0["pending"]) == (3, 2, 1)
    # The paid case (its payout, watched after closure) and the open case have a node past due since
    # March: at the last level of escalation by now. The 终本 case's nodes ended with its closure, and
    # its 6-monthly re-search counts from asset_search's search of today (docs/rules.md §2.6).
    assert overdue["cases"] - overdue0["cases"] == 2
    assert {k: overdue["by_level"][k] - overdue0["by_level"][k] for k in overdue["by_level"]} == {
        "1": 0, "2": 0, "3": 0, "4": 2
    }
    # One finding more in the court: the 终本 its own judge approved.
    assert [(f["case_id"], f["rule_id"]) for f in findings if f not in findings0] == [(zb.case_id, "互相制约-6")]
    assert len(findings) == len(findings0) + 1

    shots = run_dir() / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="dashboard-chromium-")
    try:
        async with async_playwright() as p:
            ctx = await p.chromium.launch_persistent_context(
                profile,
                executable_path=CHROMIUM,
                headless=True,
                args=ARGS,
                viewport={"width": 1920, "height": 1080},
                locale="zh-CN",
            )
            page = await ctx.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))

            # Without a token: the login box, and no data.
            await page.goto(f"{base}/dashboard")
            await page.wait_for_selector("#login:not([hidden])")
            assert await page.is_hidden("#board")
            # With ?token=: kept in sessionStorage, removed from the address bar, the board fills in.
            period = f"from={PERIOD['from']}&to={PERIOD['to']}"
            await page.goto(f"{base}/dashboard?token={WATCHER['Authorization'][7:]}&refresh=2&{period}")
            await page.wait_for_function("Number(document.body.dataset.refreshes || 0) >= 1", timeout=20_000)
            assert "token=" not in page.url
            assert await page.evaluate("sessionStorage.getItem('supervision.dashboard.token')") is not None

            # The whole system keeps running (other tests' cases, the deadline scanner), so compare a
            # fresh API snapshot with the page's next refresh, a few times if they straddle a change.
            for attempt in range(5):
                api, overdue, findings, board = await snapshot(http, base)
                t = api["totals"]
                before = int(await page.evaluate("document.body.dataset.refreshes"))
                await page.wait_for_function(f"Number(document.body.dataset.refreshes) > {before}", timeout=20_000)
                try:
                    assert await tile(page, "received") == str(t["received"])
                    assert await tile(page, "closed") == str(t["closed"])
                    for kpi in (
                        "结案率",
                        "执行完毕率",
                        "实际执结率",
                        "执行到位率",
                        "法定期限内结案率",
                        "终本率",
                        "终本合格率",
                    ):
                        assert await tile(page, kpi) == pct(t[kpi]), kpi
                    assert await tile(page, "结案平均用时") == days(t["结案平均用时"])
                    assert await tile(page, "overdue") == str(overdue["cases"])
                    for track in ("fast", "ordinary"):
                        cells = await page.locator(f'#track-table tr[data-track="{track}"] td').all_inner_texts()
                        tr = api["tracks"][track]
                        assert cells[1:] == [
                            str(tr["received"]),
                            str(tr["closed"]),
                            pct(tr["share_of_closures"]),
                            days(tr["mean_days_to_close"]),
                        ]
                    assert await page.locator("#chart-tracks svg rect").count() >= 4  # the bars are drawn
                    for level in (1, 2, 3, 4):
                        shown = await page.inner_text(f'[data-level="{level}"] .count')
                        assert shown == str(sum(1 for d in board if d["escalation_level"] == level))
                    assert await page.inner_text("#findings-count") == str(len(findings))
                    break
                except AssertionError:
                    if attempt == 4:
                        raise
            assert bank in await page.inner_text("#agencies")
            # 涉执信访 · 司法救助: the figures of /indicators/petitions for the same period.
            pet = (await http.get(f"{base}/indicators/petitions", headers=WATCHER, params=PERIOD)).json()["totals"]
            shown = await page.inner_text("#petitions")
            assert "案访比" in shown and "息访率" in shown and "不计入执行到位" in shown
            assert f"在执案件 {pet['cases_under_enforcement']} 件" in shown

            # The case timeline: click the finding (named by its case number), see the case's trail.
            number = zb.envelopes[0].payload["case_number"]
            await page.locator("#findings li", has_text=number).first.click()
            # Other services may still be reacting to the case (the whole system runs): at least these.
            await page.wait_for_function(f"document.querySelectorAll('#timeline li').length >= {len(trail)}")
            assert "结案：终结本次执行程序" in await page.inner_text("#timeline")  # 终本, in full

            # It refreshes by itself.
            before = int(await page.evaluate("document.body.dataset.refreshes"))
            await page.wait_for_function(f"Number(document.body.dataset.refreshes) > {before}", timeout=10_000)

            shot = shots / f"dashboard-{run_id}.png"
            await page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000
            assert not errors, errors
            assert all(u.startswith(base) for u in requests), [u for u in requests if not u.startswith(base)]

            # A wrong token sends the user back to the login box.
            await page.evaluate("sessionStorage.setItem('supervision.dashboard.token', 'not-a-token')")
            await page.reload()
            await page.wait_for_selector("#login:not([hidden])")
            await page.fill("#token-input", WATCHER["Authorization"][7:])
            await page.click("#login-button")
            await page.wait_for_selector("#board:not([hidden])")
            await page.wait_for_function("document.body.dataset.refreshes >= 1")
            # The badge shows a moved clock (make test's New Year pass) and is absent on the real clock
            # (the drill clock's own test: tests/e2e/test_http_drill_clock.py).
            assert await page.is_hidden("#clock") is not clock.CLOCK.moved
            await ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
