"""What every service's HTTP layer shares: running one command from a request.

Each service's routes build their command and say how to answer; this helper does the rest the same
way everywhere: the command's time, actor and correlation from the request, ``If-Match`` (a stale
writer gets 409), ``Idempotency-Key`` scoped by court and officer, the shared runner's transaction,
and an ``ETag`` with the stream's version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from shared.app import Runtime
from shared.auth import Principal
from shared.commands import CommandMeta, Decider, IdempotencyRequest, Prepare, Respond
from shared.errors import InvalidInput

Build = Callable[[CommandMeta], Any]


def expected_version(request: Request) -> int | None:
    """The stream version the client last saw (``If-Match: "7"``), or None to take the latest."""
    raw = request.headers.get("if-match")
    if not raw:
        return None
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError:
        raise InvalidInput("If-Match 应为案件版本号（整数）", code="invalid_if_match") from None


async def run_command(
    request: Request,
    rt: Runtime,
    officer: Principal,
    *,
    role: str | None,
    court: str,
    case_id: str,
    stream_id: str,
    decider: Decider[Any, Any],
    build: Build,
    respond: Respond,
    prepare: Prepare | None = None,
    headers: Callable[[dict[str, Any]], Mapping[str, str]] | None = None,
    new_stream: bool = False,
) -> JSONResponse:
    """Run one command on one stream for an officer acting in ``role``, and answer it
    (``new_stream``: see ``CommandRunner.execute``)."""
    meta = CommandMeta.for_request(request, officer.actor(role), court)
    status, body = await rt.commands.execute(
        stream_id=stream_id,
        case_id=case_id,
        decider=decider,
        command=build(meta),
        meta=meta,
        respond=respond,
        prepare=prepare,
        expected_version=expected_version(request),
        idempotency=await IdempotencyRequest.from_request(request, officer),
        new_stream=new_stream,
    )
    out = {"ETag": f'"{body["version"]}"'} if isinstance(body.get("version"), int) else {}
    if headers is not None and status < 300:
        out.update(headers(body))
    return JSONResponse(jsonable_encoder(body), status_code=status, headers=out or None)
