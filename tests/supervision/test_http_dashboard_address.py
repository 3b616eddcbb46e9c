"""The dashboard's address with a trailing slash leads to the page, its query (token, options) kept."""

from __future__ import annotations

import httpx

from deploy.system import System


async def test_the_dashboard_address_with_a_slash_redirects_to_the_page_keeping_the_query(
    system: System, http: httpx.AsyncClient
) -> None:
    base = system.url("supervision")
    bare = await http.get(f"{base}/dashboard/")
    assert (bare.status_code, bare.headers["location"]) == (307, "/dashboard")
    query = await http.get(f"{base}/dashboard/", params={"token": "abc.def.ghi", "refresh": "30"})
    assert (query.status_code, query.headers["location"]) == (307, "/dashboard?token=abc.def.ghi&refresh=30")
    page = await http.get(f"{base}/dashboard/", params={"refresh": "30"}, follow_redirects=True)
    assert (page.status_code, str(page.url)) == (200, f"{base}/dashboard?refresh=30")
    assert page.headers["content-type"] == "text/html; charset=utf-8" and "<html" in page.text
