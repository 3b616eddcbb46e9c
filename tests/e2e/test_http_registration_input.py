"""Bad input to the registration endpoint: 4xx problem+json naming the field; nothing written."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from deploy.system import System
from tests.conftest import auth, valid_case

CLERK = auth("clerk-002", "intake_clerk")
SUPERVISOR = auth("sup-002", "supervisor")


async def case_count(http: httpx.AsyncClient, system: System) -> int:
    r = await http.get(f"{system.url('intake')}/metrics")
    for line in r.text.splitlines():
        if line.startswith('events_appended_total{event_type="intake.case_registered"'):
            return int(float(line.split()[-1]))
    return 0


def with_respondent(**changes: Any) -> dict[str, Any]:
    body = valid_case()
    body["respondent"] = {**body["respondent"], **changes}
    return body


def without(field: str) -> dict[str, Any]:
    body = valid_case()
    del body[field]
    return body


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        (with_respondent(id_number="110105194912310021"), "respondent.id_number", "校验位"),
        (
            with_respondent(kind="organisation", id_number="91110000600037341X"),
            "respondent.id_number",
            "统一社会信用代码",
        ),
        (valid_case(claim_amount_fen=-100), "claim_amount_fen", "应大于 0"),
        (valid_case(claim_amount_fen=12.5), "claim_amount_fen", "整数"),
        (valid_case(claim_amount_fen="100"), "claim_amount_fen", "整数"),
        (without("basis"), "basis", "必填"),
        (valid_case(court="黔99"), "court", "未知的法院代字"),
        (valid_case(case_type="民初"), "case_type", "取值"),
    ],
)
async def test_bad_registration_is_refused_with_the_field_named_and_changes_nothing(
    system: System, http: httpx.AsyncClient, body: dict[str, Any], field: str, fragment: str
) -> None:
    before = await case_count(http, system)
    r = await http.post(f"{system.url('intake')}/cases", json=body, headers=CLERK)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["code"] == "invalid_input"
    named = {e["field"]: e["message"] for e in problem["errors"]}
    assert field in named, problem
    assert fragment in named[field]
    assert await case_count(http, system) == before


async def test_malformed_json_is_a_problem_not_a_crash(system: System, http: httpx.AsyncClient) -> None:
    r = await http.post(
        f"{system.url('intake')}/cases", content=b"{not json", headers={**CLERK, "content-type": "application/json"}
    )
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_registration_needs_a_token_and_the_intake_clerk_role(system: System, http: httpx.AsyncClient) -> None:
    anonymous = await http.post(f"{system.url('intake')}/cases", json=valid_case())
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "missing_token"
    forged = await http.post(
        f"{system.url('intake')}/cases", json=valid_case(), headers={"Authorization": "Bearer abc.def.ghi"}
    )
    assert forged.status_code == 401 and forged.json()["code"] == "invalid_token"
    judge = await http.post(f"{system.url('intake')}/cases", json=valid_case(), headers=auth("j-9", "judge"))
    assert judge.status_code == 403 and judge.json()["code"] == "role_not_allowed"


async def test_the_same_idempotency_key_returns_the_first_answer(system: System, http: httpx.AsyncClient) -> None:
    headers = {**CLERK, "Idempotency-Key": "reg-7f3a-0001"}
    first = await http.post(f"{system.url('intake')}/cases", json=valid_case(), headers=headers)
    again = await http.post(f"{system.url('intake')}/cases", json=valid_case(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()

    other_body = await http.post(
        f"{system.url('intake')}/cases", json=valid_case(claim_amount_fen=999), headers=headers
    )
    assert other_body.status_code == 422
    assert other_body.json()["code"] == "idempotency_key_reused"


async def test_an_idempotency_key_is_scoped_by_court_as_well_as_officer(
    system: System, http: httpx.AsyncClient
) -> None:
    key = f"reg-{uuid.uuid4()}"
    ours = await http.post(f"{system.url('intake')}/cases", json=valid_case(),
                           headers={**auth("clerk-same-id", "intake_clerk"), "Idempotency-Key": key})
    # the same officer id and key in another court is another request: never this court's stored answer
    theirs = await http.post(f"{system.url('intake')}/cases", json=valid_case(court="赣0502"),
                             headers={**auth("clerk-same-id", "intake_clerk", court="赣0502"), "Idempotency-Key": key})
    assert ours.status_code == theirs.status_code == 201, theirs.text
    assert theirs.json()["case_id"] != ours.json()["case_id"]
    assert "赣0502" in theirs.json()["case_number"] and "黔01" in ours.json()["case_number"]


async def test_concurrent_requests_with_one_idempotency_key_register_one_case(
    system: System, http: httpx.AsyncClient
) -> None:
    import asyncio

    headers = {**CLERK, "Idempotency-Key": "reg-7f3a-0002"}
    answers = await asyncio.gather(
        *(http.post(f"{system.url('intake')}/cases", json=valid_case(), headers=headers) for _ in range(8))
    )
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["case_id"] for a in answers}) == 1
