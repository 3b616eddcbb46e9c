"""The OpenAPI document a client can trust, built once for every service.

FastAPI documents the success response of each route; what it cannot see is everything the
project adds around the routes. :func:`install` post-processes each service's document so that it
also says, for every operation:

- which credential it takes (``securitySchemes``: the staff bearer token; the linkage agencies'
  signature headers), read from the dependencies the route declares;
- every error status it can answer (sorted), each as ``application/problem+json`` with one ``Problem``
  schema (docs/architecture.md §6): 401/403 where a credential is checked, 404 where the path
  names something, 409 and 422 for a command, 400 and 413 where a body is read, 422 for hostile characters
  in any URL (``shared.text.url_problems``), 500 and 503 (the database out of reach) everywhere;
- the request body of routes that read and verify the raw bytes themselves (the agency API signs
  the exact bytes, so it cannot let FastAPI parse them first): :func:`raw_json_body`.

A dependency declares what it adds with :func:`declares` (``current_principal`` → the bearer token,
401; ``require_roles`` → 403; the agency signature → its headers, 401, 413, 429), so a new route is
documented by what it uses, not by a list someone has to remember.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import fastapi.routing
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict

from shared.problems import PROBLEM_JSON, TITLES

F = TypeVar("F", bound=Callable[..., Any])

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 问题详情：所有错误的统一格式。code 为稳定的机器可读代码，detail 为写给书记员看的中文说明，"
                   "errors 逐项指出哪个字段有什么问题。",
    "required": ["type", "title", "status", "code", "detail"],
    "properties": {
        "type": {"type": "string", "description": "问题类型的 URI"},
        "title": {"type": "string", "description": "状态码的中文标题"},
        "status": {"type": "integer", "description": "HTTP 状态码"},
        "code": {"type": "string", "description": "稳定的问题代码，例如 invalid_input、role_not_allowed"},
        "detail": {"type": "string", "description": "中文说明"},
        "instance": {"type": "string", "description": "出错的请求路径"},
        "correlation_id": {"type": "string", "description": "关联编号（5xx 必有），日志可按此检索"},
        "rule": {"type": "string", "description": "违反的规则（docs/rules.md 的编号），如有"},
        "errors": {
            "type": "array",
            "description": "逐字段的问题",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": "string", "description": "字段路径，例如 basis.document_number"},
                    "message": {"type": "string", "description": "中文说明"},
                    "code": {"type": "string"},
                },
                "additionalProperties": True,
            },
        },
    },
    "additionalProperties": True,
}

SECURITY_SCHEMES: dict[str, Any] = {
    "staffBearer": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "工作人员身份凭证（HS256 JWT：sub 工号、name、roles 角色列表、court 法院代码、exp；"
                       "有效期上限见 JWT_MAX_LIFETIME_S）。开发环境：make token ARGS=\"--officer j-001 --role judge\"",
    },
    "agencyId": {"type": "apiKey", "in": "header", "name": "x-agency-id", "description": "联动单位编号"},
    "webhookId": {"type": "apiKey", "in": "header", "name": "webhook-id",
                  "description": "消息编号（Standard Webhooks）；重放同一编号得到第一次的答复，不重复记录"},
    "webhookTimestamp": {"type": "apiKey", "in": "header", "name": "webhook-timestamp",
                         "description": "Unix 秒；与服务器时间相差超过容差即拒绝"},
    "webhookSignature": {"type": "apiKey", "in": "header", "name": "webhook-signature",
                         "description": "v1,<base64(HMAC-SHA256(secret, webhook-id.webhook-timestamp.body))>；"
                                        "密钥轮换期间可带多个，以空格分隔"},
}
AGENCY_SIGNATURE = ("agencyId", "webhookId", "webhookTimestamp", "webhookSignature")


@dataclass(frozen=True)
class Declared:
    """What a dependency adds to the operations that use it."""

    security: tuple[str, ...] = ()
    statuses: tuple[int, ...] = ()


def declares(*, security: Iterable[str] = (), statuses: Iterable[int] = ()) -> Callable[[F], F]:
    """Mark a dependency: every route using it (directly or through another dependency) needs the
    credential ``security`` (all of the named schemes) and can answer ``statuses``."""

    def mark(fn: F) -> F:
        fn.__openapi__ = Declared(tuple(security), tuple(statuses))  # type: ignore[attr-defined]
        return fn

    return mark


class ResponseModel(BaseModel):
    """Base of every response body: the document lists exactly what is sent. A field the route
    returns but the model does not declare is refused (a 500 the tests and the contract test see),
    so the document cannot silently fall behind the code."""

    model_config = ConfigDict(extra="forbid")


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route that can answer ``statuses`` beyond what :func:`document` infers
    (e.g. 409 when the court has no field teams configured)."""
    return {status: _problem_response(status) for status in statuses}


def body_as(media_type: str, description: str, schema: dict[str, Any] | None = None) -> dict[int | str, Any]:
    """``responses=`` for a 200 that is not JSON (CSV exports, HTML pages, Prometheus text)."""
    return {200: {"description": description, "content": {media_type: {"schema": schema or {"type": "string"}}}}}


def raw_json_body(model: type[BaseModel], description: str = "") -> dict[str, Any]:
    """``openapi_extra`` for a route that reads its JSON body itself: documents ``model`` as the body
    (its nested models are lifted into ``components`` by :func:`document`)."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    return {"requestBody": {
        "required": True,
        "description": description or (model.__doc__ or "").strip(),
        "content": {"application/json": {"schema": schema}},
    }}


def api_routes(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    """Every documented route of ``app`` with its full path (routers included with a prefix too)."""
    contexts = getattr(fastapi.routing, "iter_route_contexts", None)  # FastAPI >= 0.16x nests routers
    if contexts is None:
        pairs = [(getattr(r, "path_format", ""), r) for r in app.routes]
    else:
        pairs = [(c.path_format or "", c.original_route) for c in contexts(app.routes)]
    for path, route in pairs:
        if isinstance(route, APIRoute) and route.include_in_schema:
            yield path, route


def _walk(dependant: Dependant) -> Iterable[Declared]:
    for dep in dependant.dependencies:
        found = getattr(dep.call, "__openapi__", None)
        if isinstance(found, Declared):
            yield found
        yield from _walk(dep)


def _problem_response(status: int) -> dict[str, Any]:
    return {
        "description": TITLES.get(status, "错误"),
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _statuses(route: APIRoute, declared: list[Declared]) -> set[int]:
    # hostile characters in any URL; an unexpected failure (with its correlation id); the database
    # out of reach (with Retry-After)
    codes = {422, 500, 503}
    for d in declared:
        codes.update(d.statuses)
    if route.dependant.path_params:
        codes.add(404)  # what the path names does not exist, or is another court's
    writes = bool(set(route.methods or ()) & {"POST", "PUT", "PATCH", "DELETE"})
    if writes:
        codes.update({409, 422})  # the case's state does not allow it; the input is refused
    if writes or route.dependant.body_params or "requestBody" in (route.openapi_extra or {}):
        codes.update({400, 413})  # the body cannot be parsed; it is over the size limit (refused unread)
    return codes


def document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with credentials, errors and raw bodies described."""
    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes,
                      tags=app.openapi_tags, servers=app.servers)
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)  # FastAPI's own 422 shape is never sent: ours is a Problem
    used_schemes: set[str] = set()
    for path, route in api_routes(app):
        declared = list(_walk(route.dependant))
        path_item = doc["paths"].get(path, {})
        for method in route.methods or ():
            op = path_item.get(method.lower())
            if op is None:
                continue
            responses = op.setdefault("responses", {})
            for status in sorted(_statuses(route, declared)):
                existing = responses.get(str(status))
                if existing is None or str(status) == "422":
                    merged = _problem_response(status)
                    if existing and existing.get("description") and str(status) != "422":
                        merged["description"] = existing["description"]
                    responses[str(status)] = merged
            for media in op.get("requestBody", {}).get("content", {}).values():
                schemas.update(media.get("schema", {}).pop("$defs", {}))
            op["responses"] = dict(sorted(responses.items()))
            security = [s for d in declared for s in d.security]
            if security:
                op["security"] = [{scheme: [] for scheme in security}]
                used_schemes.update(security)
    if used_schemes:
        components["securitySchemes"] = {k: v for k, v in SECURITY_SCHEMES.items() if k in used_schemes}
    return doc


def install(app: FastAPI) -> None:
    """Serve :func:`document` (computed once) as the app's ``/openapi.json``."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
