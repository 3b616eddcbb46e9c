"""Plain Chinese on the screens, in a real headless Chromium (issue 18): the dashboard finds a case by
its number typed with ASCII brackets and shows its timeline as sentences; its 超期 tile and track table
agree with /indicators under the track filter; the 我的待办 page lists a judge's work by case number,
gathered in the browser from every service's GET /worklist (services never call each other: each lets
the page's origin read its GET routes, shared/cors.py)."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from typing import Any

import httpx

from deploy._common import run_dir
from deploy.system import System
from shared import clock
from shared.labels import label
from tests.conftest import auth
from tests.intake.conftest import register
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
    # the cases are dated 2026, the real search's answers today (by the court clock, which make test's New
    # Year pass moves into 2027 while it runs): the period covers both
    period = {"from": PERIOD["from"], "to": max(PERIOD["to"], clock.today().isoformat())}
    watcher = auth("wl-sup", "supervisor", court=COURT)
    judge_id = f"wl-pj-{uuid.uuid4().hex[:6]}"
    fast, number = a_case(judge_id, COURT, "fast")
    ordinary, _ = a_case("wl-page-other", COURT, "ordinary")
    await publish(system, fast.envelopes + ordinary.envelopes)
    for s in (fast, ordinary):
        await wait_story(http, system, s, headers=watcher)
    api = (await http.get(f"{base}/indicators", headers=watcher, params={**period, "track": "fast"})).json()
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
            await page.goto(f"{base}/dashboard?token={token}&track=fast&from={period['from']}&to={period['to']}")
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
                r = await http.get(f"{base}/indicators/agencies", headers=watcher, params=period)
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


async def test_the_worklist_page_gathers_the_callers_work_from_every_service(
    system: System, http: httpx.AsyncClient, run_id: str
) -> None:
    base = system.url("supervision")
    sources = (await http.get(f"{base}/dashboard/worklist/sources")).json()["sources"]
    assert [s["service"] for s in sources] == ["supervision", "intake", "asset_search", "disposal", "field_ops"]
    assert [s["name"] for s in sources] == ["监管", "立案", "查控", "处置", "外勤"]
    assert sources[1]["url"] == system.url("intake") and sources[0]["url"] == ""
    # Each service lets the page's origin read (GET only, the token in the header, no cookies); no other.
    origin = system.page_origins[0]
    for svc in ("intake", "asset_search", "disposal", "field_ops"):
        pre = await http.options(f"{system.url(svc)}/worklist", headers={
            "Origin": origin, "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization"})
        assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == origin, (svc, pre.text)
        assert "access-control-allow-credentials" not in pre.headers
    foreign = await http.options(f"{system.url('intake')}/worklist", headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "GET"})
    assert foreign.status_code == 400 and "access-control-allow-origin" not in foreign.headers
    post = await http.options(f"{system.url('intake')}/cases", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST"})
    assert post.status_code == 400  # the page only reads

    # A case registered and assigned in intake: its judge's close-by date is intake's work, its nodes
    # are supervision's — one page shows both, by case number, each marked with its service.
    case = await register(http, system)
    judge = auth(case["judge_id"], "judge")

    async def nodes() -> list[dict[str, Any]]:
        r = await http.get(f"{base}/worklist", headers=judge, params={"limit": 500})
        return [i for i in r.json()["items"] if i["case_id"] == case["case_id"]]

    await poll(nodes, "the case's nodes on supervision's worklist", timeout=60)
    shots = run_dir() / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="worklist-all-chromium-")
    try:
        async with async_playwright() as p:
            ctx = await browser(p, profile)
            page = await ctx.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            await page.goto(f"{base}/dashboard/worklist?token={judge['Authorization'][7:]}")
            await page.wait_for_selector("body[data-loaded]")
            mine = page.locator(f'#items tr[data-case="{case["case_id"]}"]')
            services = {s for i in range(await mine.count()) for s in
                        (await mine.nth(i).get_attribute("data-service") or "").split()}
            assert {"intake", "supervision"} <= services, services
            # The closure is due on both lists (intake owns the command, supervision watches the node):
            # one row, in intake's words, naming both services.
            close = page.locator(f'#items tr[data-case="{case["case_id"]}"][data-kind="case_close"]')
            assert await close.count() == 1
            assert set((await close.get_attribute("data-service") or "").split()) == {"intake", "supervision"}
            text = await close.inner_text()
            assert case["case_number"] in text and "在法定期限内办结本案" in text and "提请结案：POST /cases/" in text
            assert "监管 · 立案" in text
            assert await page.locator(f'#items tr[data-case="{case["case_id"]}"]').filter(
                has_text="提请结案：POST /cases/").count() == 1
            assert "立案" in await page.inner_text("#sources") and "监管" in await page.inner_text("#sources")
            assert await page.is_hidden("#error")
            await page.screenshot(path=str(shots / f"worklist-all-services-{run_id}.png"), full_page=True)
            assert not errors, errors
            await ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
