"""The HTTP edge every service shares: body limit, unexpected errors, token lifetime (in-process ASGI)."""

from __future__ import annotations

import asyncpg
import httpx
import pytest
from fastapi import FastAPI, Request

from shared import db
from shared.app import RequestContextMiddleware
from shared.auth import decode_token, mint_token
from shared.errors import Unauthorized
from shared.problems import install_error_handlers
from shared.settings import ServiceSettings
from shared.text import RequestModel


def edge_app(limit: int = 1000) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware, service="edge-test", max_body_bytes=limit)

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"bytes": len(await request.body())}

    @app.post("/json")
    async def json_body(body: dict[str, str]) -> dict[str, int]:
        return {"keys": len(body)}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("driver said: password=secret")

    @app.post("/db-down")
    async def db_down() -> None:
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except OSError as exc:  # what asyncpg's pool raises, wrapped, while PostgreSQL restarts
            raise RuntimeError("acquire failed") from exc

    return app


async def call(method: str, path: str, **kw: object) -> httpx.Response:
    transport = httpx.ASGITransport(app=edge_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://edge") as client:
        return await client.request(method, path, **kw)  # type: ignore[arg-type]


async def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read() -> None:
    ok = await call("POST", "/echo", content=b"x" * 1000)
    assert ok.status_code == 200 and ok.json() == {"bytes": 1000}
    declared = await call("POST", "/echo", content=b"x" * 5_000_000)
    assert declared.status_code == 413 and declared.json()["code"] == "payload_too_large"
    assert declared.headers["content-type"].startswith("application/problem+json")

    async def chunks():  # no Content-Length: counted as it streams
        for _ in range(10):
            yield b"y" * 500

    streamed = await call("POST", "/json", content=chunks())
    assert streamed.status_code == 413 and streamed.json()["code"] == "payload_too_large"


async def test_an_unexpected_error_is_a_500_problem_with_the_correlation_id_and_no_internals() -> None:
    r = await call("GET", "/boom", headers={"x-correlation-id": "corr-42"})
    assert r.status_code == 500 and r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == "internal_error" and body["correlation_id"] == "corr-42"
    assert r.headers["x-correlation-id"] == "corr-42" and "secret" not in r.text


async def test_a_database_out_of_reach_is_a_503_with_retry_after_not_a_500() -> None:
    r = await call("POST", "/db-down", headers={"x-correlation-id": "corr-7"})
    assert r.status_code == 503 and r.headers["content-type"].startswith("application/problem+json")
    assert r.headers["retry-after"] == "5"
    assert r.json()["code"] == "database_unavailable" and r.json()["correlation_id"] == "corr-7"
    assert "Idempotency-Key" in r.json()["detail"]
    assert not db.unavailable(RuntimeError("a bug")) and not db.unavailable(ValueError("bad input"))
    assert db.unavailable(asyncpg.exceptions.CannotConnectNowError("the database system is starting up"))
    assert db.unavailable(asyncpg.exceptions.AdminShutdownError("terminating connection"))


def test_a_token_naming_more_than_an_identifier_holds_is_refused() -> None:
    settings = ServiceSettings()
    longest = mint_token(settings, officer_id="j" * 200, name="j", roles=["judge"], court="黔01")
    assert decode_token(settings, longest).officer_id == "j" * 200
    for overlong in ({"officer_id": "j" * 201, "court": "黔01"}, {"officer_id": "j-1", "court": "黔" * 201}):
        token = mint_token(settings, name="j", roles=["judge"], **overlong)
        with pytest.raises(Unauthorized) as err:
            decode_token(settings, token)
        assert err.value.code == "invalid_token"


def test_a_token_valid_longer_than_the_configured_maximum_is_refused() -> None:
    settings = ServiceSettings()
    fine = mint_token(settings, officer_id="j-1", name="j", roles=["judge"], court="黔01", ttl_s=8 * 3600)
    assert decode_token(settings, fine).officer_id == "j-1"
    century = mint_token(settings, officer_id="j-1", name="j", roles=["judge"], court="黔01", ttl_s=100 * 365 * 86400)
    with pytest.raises(Unauthorized) as err:
        decode_token(settings, century)
    assert err.value.code == "token_lifetime_too_long"


class Party(RequestModel):
    name: str
    aliases: tuple[str, ...] = ()


class Filing(RequestModel):
    respondent: Party
    others: list[Party] = []  # noqa: RUF012 (pydantic copies defaults)
    urgent: bool = False
    claim_fen: int = 0
    notes: str = ""


def refused(body: dict[str, object]) -> list[tuple[str, str]]:
    from pydantic import ValidationError

    from shared.problems import validation_field_errors

    try:
        Filing.model_validate(body)
    except ValidationError as exc:
        return [(e["field"], e["message"]) for e in validation_field_errors([dict(x) for x in exc.errors()])]
    return []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"respondent": {"name": "王\x00某"}}, "respondent.name"),
        ({"respondent": {"name": "王某\u202e"}}, "respondent.name"),  # right-to-left override
        ({"respondent": {"name": "王\u200b某"}}, "respondent.name"),  # zero-width space
        ({"respondent": {"name": "王某", "aliases": ["ok", "a\x07"]}}, "respondent.aliases"),
        ({"respondent": {"name": "王某"}, "urgent": "yes"}, "urgent"),
        ({"respondent": {"name": "王某"}, "urgent": 1}, "urgent"),
        ({"respondent": {"name": "王某"}, "claim_fen": 2**64}, "claim_fen"),
        ({"respondent": {"name": "王某"}, "notes": "\x1b[31m"}, "notes"),
        ({"respondent": {"name": "王某"}, "others": [{"name": "ok"}, {"name": "李\x00某"}]}, "others.1.name"),
    ],
)
def test_text_that_cannot_be_stored_or_shown_honestly_is_refused_naming_the_field(
    body: dict[str, object], field: str
) -> None:
    problems = refused(body)
    assert [f for f, _ in problems] == [field], problems


def test_ordinary_text_with_newlines_and_true_booleans_is_accepted_trimmed() -> None:
    f = Filing.model_validate({"respondent": {"name": "  王某  "}, "urgent": True, "notes": "第一行\n第二行\t完"})
    assert f.respondent.name == "王某" and f.urgent is True and f.notes == "第一行\n第二行\t完"


async def test_a_control_character_in_the_path_or_query_is_a_422_naming_it() -> None:
    r = await call("GET", "/cases/%00")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "path"
    r = await call("GET", "/boom", params={"status": "open\x00"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "query.status"
    r = await call("GET", "/boom", params={"judge_id": "王\u202e某"})
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "forbidden_character"
