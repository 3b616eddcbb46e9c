"""Reading a service's 我的待办 (``GET /worklist``, shared/worklist.py) in the HTTP tests."""

from __future__ import annotations

from typing import Any

import httpx


async def worklist(http: httpx.AsyncClient, base: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Every item of the caller's worklist on the service at ``base`` (all pages), checking the order."""
    items: list[dict[str, Any]] = []
    while True:
        r = await http.get(f"{base}/worklist", headers=headers, params={"limit": 500, "offset": len(items)})
        assert r.status_code == 200, r.text
        body = r.json()
        items += body["items"]
        if len(items) >= body["total"] or not body["items"]:
            break
    dated = [i["due"] for i in items if i["due"] is not None]
    assert dated == sorted(dated), "worklist not sorted by due date"
    assert all(i["due"] is not None for i in items[: len(dated)]), "undated items come last"
    return items


async def of_case(http: httpx.AsyncClient, base: str, headers: dict[str, str], case_id: str) -> list[dict[str, Any]]:
    """The caller's items about one case."""
    return [i for i in await worklist(http, base, headers) if i["case_id"] == case_id]


def kinds(items: list[dict[str, Any]]) -> list[str]:
    return sorted(i["kind"] for i in items)
