"""Routes of the ops dashboard: the page and its assets, served from this package (no CDN).

The page itself is public static HTML; every figure it shows comes from the JSON APIs, which keep
requiring a watcher's token (entered in the page's login box or passed once as ``?token=``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse

from shared.errors import NotFound
from shared.labels import label

STATIC = Path(__file__).parent / "static"
ASSETS = {p.name: p for p in STATIC.iterdir() if p.is_file() and p.suffix in (".js", ".css", ".svg")}
MEDIA = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
NO_CACHE = {"Cache-Control": "no-cache"}

router = APIRouter(tags=["指挥中心看板 dashboard"])


@router.get("/dashboard", include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8", headers=NO_CACHE)


@router.get("/dashboard/worklist", include_in_schema=False)
async def worklist_page() -> FileResponse:
    """我的待办: a small page listing supervision's ``/worklist`` for the token it is given."""
    return FileResponse(STATIC / "worklist.html", media_type="text/html; charset=utf-8", headers=NO_CACHE)


@router.get("/dashboard/worklist/sources", include_in_schema=False)
async def worklist_sources(request: Request) -> dict[str, list[dict[str, str]]]:
    """Where the 我的待办 page reads the caller's lists: supervision's own (this origin) and each
    configured service's ``GET /worklist`` (the browser calls them with the caller's token; CORS)."""
    configured: dict[str, str] = request.app.state.settings.worklist_sources
    sources = [{"service": "supervision", "name": label("service", "supervision"), "url": ""}]
    sources += [{"service": svc, "name": label("service", svc), "url": url.rstrip("/")}
                for svc, url in configured.items() if svc != "supervision" and url]
    return {"sources": sources}


@router.get("/dashboard/", include_in_schema=False)
async def page_slash(request: Request) -> RedirectResponse:
    query = request.url.query
    return RedirectResponse("/dashboard" + (f"?{query}" if query else ""))


@router.get("/dashboard/static/{name}", include_in_schema=False)
async def asset(name: str) -> FileResponse:
    path = ASSETS.get(name)
    if path is None:
        raise NotFound("没有该看板资源", code="asset_not_found")
    return FileResponse(path, media_type=MEDIA[path.suffix], headers=NO_CACHE)
