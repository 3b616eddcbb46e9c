"""Errors as ``application/problem+json`` (RFC 9457): the HTTP side of ``shared/errors.py``.

A domain error's kind decides the status code here, and only here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import DomainError, FieldError, Kind

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://court-enforcement.example/problems/"

STATUS: dict[Kind, int] = {
    "invalid": 422,
    "not_found": 404,
    "forbidden": 403,
    "unauthorized": 401,
    "conflict": 409,
    "too_large": 413,
    "rate_limited": 429,
}


def status_of(exc: DomainError) -> int:
    return STATUS[exc.kind]


TITLES = {
    400: "请求有误",
    401: "未认证",
    403: "无权操作",
    404: "未找到",
    405: "不支持的请求方法",
    409: "状态冲突",
    413: "请求内容过大",
    415: "不支持的内容类型",
    422: "输入不符合要求",
    429: "请求过于频繁",
    500: "系统内部错误",
    503: "服务暂不可用",
}


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[FieldError] | list[dict[str, str]] | None = None,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
    **members: Any,
) -> JSONResponse:
    """Build a problem+json response."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code,
        "title": TITLES.get(status, "错误"),
        "status": status,
        "code": code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = list(errors)
    # Extra members never overwrite the standard ones (RFC 9457 §3.2).
    merged = {**(extra or {}), **members}
    body.update({k: v for k, v in merged.items() if v is not None and k not in body})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=dict(headers) if headers else None)


_PYDANTIC_ZH: dict[str, str] = {
    "missing": "必填字段缺失",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数（金额以分为单位，不带小数）",
    "float_type": "应为数字",
    "bool_type": "应为是或否（true/false）",
    "bool_parsing": "应为是或否（true/false）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "datetime_type": "应为带时区的时间（ISO 8601）",
    "datetime_parsing": "时间格式应为 ISO 8601，并带时区",
    "timezone_aware": "时间应带时区（例如 +08:00）",
    "uuid_type": "应为 UUID",
    "uuid_parsing": "应为 UUID",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "json_invalid": "请求体不是合法的 JSON",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "extra_forbidden": "不允许的字段",
    "union_tag_invalid": "类型标识不在允许范围内",
    "union_tag_not_found": "缺少类型标识字段",
}


def _translate(err: dict[str, Any]) -> str:
    etype = err.get("type", "")
    ctx = err.get("ctx") or {}
    if etype in ("value_error", "assertion_error"):
        msg = str(ctx.get("error", err.get("msg", "")))
        return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if etype == "greater_than_equal":
        return f"应不小于 {ctx.get('ge')}"
    if etype == "greater_than":
        return f"应大于 {ctx.get('gt')}"
    if etype == "less_than_equal":
        return f"应不大于 {ctx.get('le')}"
    if etype == "less_than":
        return f"应小于 {ctx.get('lt')}"
    if etype == "string_too_short":
        return "不能为空" if ctx.get("min_length") == 1 else f"至少 {ctx.get('min_length')} 个字符"
    if etype == "string_too_long":
        return f"最多 {ctx.get('max_length')} 个字符"
    if etype == "too_short":
        return f"至少 {ctx.get('min_length')} 项"
    if etype == "too_long":
        return f"最多 {ctx.get('max_length')} 项"
    if etype == "string_pattern_mismatch":
        return "格式不正确"
    if etype in ("literal_error", "enum") and ctx.get("expected"):
        return f"取值应为 {ctx.get('expected')} 之一"
    return _PYDANTIC_ZH.get(etype, str(err.get("msg", "输入不符合要求")))


def validation_field_errors(raw: list[dict[str, Any]]) -> list[FieldError]:
    """Pydantic errors as field errors with dotted paths and Chinese messages."""
    out: list[FieldError] = []
    for err in raw:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        out.append(FieldError(".".join(loc) or "body", _translate(err), str(err.get("type", "invalid"))))
    return out


def install_error_handlers(app: FastAPI) -> None:
    """Every error the app returns becomes problem+json."""

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return problem(
            status_of(exc),
            exc.code,
            exc.message,
            errors=exc.errors,
            instance=request.url.path,
            extra={"rule": exc.rule, **exc.extra},
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = validation_field_errors(list(exc.errors()))
        fields = "、".join(e["field"] for e in errors[:5])
        return problem(
            422,
            "invalid_input",
            f"提交的内容有 {len(errors)} 处不符合要求：{fields}",
            errors=errors,
            instance=request.url.path,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized",
                413: "payload_too_large"}.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "错误")
        if exc.status_code == 404 and detail == "Not Found":
            detail = "请求的地址不存在"
        if exc.status_code == 405:
            detail = "该地址不支持此请求方法"
        if exc.status_code == 400 and detail == "There was an error parsing the body":
            code, detail = "malformed_body", "请求体无法解析：应为 UTF-8 编码的 JSON"
        return problem(exc.status_code, code, detail, instance=request.url.path, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        import structlog

        structlog.get_logger().exception("unhandled_error", path=request.url.path)
        return problem(
            500, "internal_error", "系统内部错误，请稍后重试；如持续出现请联系运维人员并提供关联编号",
            instance=request.url.path, correlation_id=getattr(request.state, "correlation_id", None),
        )
