"""Plain Chinese on the screens, in a real headless Chromium (issue 18): the dashboard finds a case by
its number typed with ASCII brackets and shows its timeline as sentences; its 超期 tile and track table
agree with /indicators under the track filter; the 我的待办 page lists a judge's work by case number."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from typing import Any

import httpx

from deploy._common import run_dir
from deploy.system import System
from shared.labels import label
from tests.conftest import auth
from tests.supervision.helpers import publish, wait_story
from tests.supervision.test_http_dashboard import ARGS, CHROMIUM, async_playwright, pytestmark  # noqa: F401
from tests.supervision.test_http_worklist import a_case
from tests.waits import poll

COURT = "粤0307"  # a court of its own: the tiles count these cases only
PERIOD = {"from": "2026-01-01", "to": "2026-12-31"}


async def browser(p: Any, profile: str) -> Any:
    return await p.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, headless=True, args=ARGS, viewport={"width": 1600, "height": 1000},
        locale="zh-CN",
    )


async def test_the_dashboard_speaks_plain_chinese_and_the_worklist_page_lists_a_judges_work(
    system: System, http: httpx.AsyncClient, run_id: str
) -> None:
    base = system.url("supervision")
    watcher = auth("wl-sup", "supervisor", court=COURT)
    judge_id = f"wl-pj-{uuid.uuid4().hex[:6]}"
    fast, number = a_case(judge_id, COURT, "fast")
    ordinary, _ = a_case("wl-page-other", COURT, "ordinary")
    await publish(system, fast.envelopes + ordinary.envelopes)
    for s in (fast, ordinary):
        await wait_story(http, system, s, headers=watcher)
    api = (await http.get(f"{base}/indicators", headers=watcher, params={**PERIOD, "track": "fast"})).json()
    overdue = (await http.get(f"{base}/indicators/overdue", headers=watcher, params={"track": "fast"})).json()
    assert overdue["cases"] == 1 and api["totals"]["received"] == 1

    shots = run_dir() / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="worklist-chromium-")
    try:
        async with async_playwright() as p:
            ctx = await browser(p, profile)
            page = await ctx.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            token = watcher["Authorization"][7:]
            await page.goto(f"{base}/dashboard?token={token}&track=fast&from={PERIOD['from']}&to={PERIOD['to']}")
            await page.wait_for_function("Number(document.body.dataset.refreshes || 0) >= 1", timeout=20_000)
            # Under the track filter every tile counts the same cases: 收案 1, 超期 1 (not the court's 2).
            assert (await page.inner_text('[data-kpi="received"] .value')).strip() == "1"
            assert (await page.inner_text('[data-kpi="overdue"] .value')).strip() == str(overdue["cases"])
            total = await page.locator('#track-table tr[data-track="total"] td').all_inner_texts()
            assert total[:2] == ["合计", "1"]  # 收案 = 快执 + 普执 + 未分流, equal to the tile
            # The escalation board names the case by its number.
            assert number in await page.inner_text("#levels")
            # The agencies by name and kind, once the real search's answers are in (the whole system runs).
            async def named() -> list[dict[str, Any]]:
                r = await http.get(f"{base}/indicators/agencies", headers=watcher, params=PERIOD)
                return [a for a in r.json()["agencies"] if a["agency_name"]]

            first = (await poll(named, "an agency's answer with its name", timeout=60))[0]
            await page.wait_for_function(
                f"document.querySelector('#agencies').innerText.includes({first['agency_name']!r})", timeout=20_000)
            assert label("agency_kind", first["agency_kind"]) in await page.inner_text("#agencies")

            # A case number typed with ASCII brackets finds the case; the timeline reads as sentences.
            await page.fill("#timeline-case", number.replace("（", "(").replace("）", ")"))
            await page.click("#timeline-form button")
            await page.wait_for_function(f"document.querySelectorAll('#timeline li').length >= {len(fast.envelopes)}")
            timeline = await page.inner_text("#timeline")
            assert f"立案登记，案号 {number}，执行标的 123,456.00 元" in timeline
            assert "对象 地址 南明区某路1号" in timeline and "{'" not in timeline and "None" not in timeline
            assert "（承办法官）" in timeline  # roles in Chinese
            assert await page.inner_text("#timeline-title") == f"案号 {number}"
            await page.locator("#timeline").scroll_into_view_if_needed()
            await page.screenshot(path=str(shots / f"dashboard-plain-chinese-{run_id}.png"), full_page=True)

            # 我的待办 for the case's judge: their open nodes, by case number, the overdue ones marked.
            page = await ctx.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            judge_token = auth(judge_id, "judge", court=COURT)["Authorization"][7:]
            await page.goto(f"{base}/dashboard/worklist?token={judge_token}")
            await page.wait_for_selector("body[data-loaded]")
            assert "token=" not in page.url
            rows = page.locator(f'#items tr[data-case="{fast.case_id}"]')
            assert await rows.count() >= 2  # at least the notice and the close-by date
            text = await page.inner_text("#items")
            assert number in text and "已超期" in text and "发出执行通知书及报告财产令" in text
            assert "提请结案：POST /cases/" in text
            assert await page.locator(f'#items tr[data-case="{ordinary.case_id}"]').count() == 0  # not theirs
            assert judge_id in await page.inner_text("#who") and "承办法官" in await page.inner_text("#who")
            await page.screenshot(path=str(shots / f"worklist-judge-{run_id}.png"), full_page=True)

            # A token without any role of the court's staff list is sent back to the login box.
            await page.evaluate("sessionStorage.setItem('supervision.dashboard.token', 'not-a-token')")
            await page.reload()
            await page.wait_for_selector("#login:not([hidden])")
            assert not errors, errors
            await ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
