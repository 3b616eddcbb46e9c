"""The agency simulator's control endpoints (``/knobs``, ``/journal``) take an administrator's staff
token: without one 401 problem+json, with another role 403; what it receives from the court is
still checked by the court's signature, not by a token."""

from __future__ import annotations

import httpx
import pytest

from deploy.system import System
from tests.asset_search.helpers import SIMULATOR_OPERATOR
from tests.conftest import auth

JUDGE = auth("judge-sim", "judge")
CONTROL = [("GET", "/knobs"), ("PUT", "/knobs"), ("DELETE", "/knobs"), ("GET", "/journal")]
KNOBS = {"agency_id": "vehicle-admin", "case_id": "case-sim-no-such-case", "knobs": {"nothing_found": True}}


@pytest.mark.parametrize(("method", "path"), CONTROL)
async def test_the_control_endpoints_refuse_a_request_without_a_valid_staff_token(
    system: System, http: httpx.AsyncClient, method: str, path: str
) -> None:
    url = system.url("simulator") + path
    body = KNOBS if method == "PUT" else None
    for headers, code in (
        ({}, "missing_token"),
        ({"Authorization": "Bearer not-a-token"}, "invalid_token"),
        ({"Authorization": "Basic YWRtaW46YWRtaW4="}, "missing_token"),
    ):
        r = await http.request(method, url, json=body, headers=headers)
        assert r.status_code == 401, (headers, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == code and r.json()["status"] == 401
    other_role = await http.request(method, url, json=body, headers=JUDGE)
    assert other_role.status_code == 403 and other_role.json()["code"] == "role_not_allowed"


async def test_an_administrator_sets_and_reads_the_knobs_and_the_journal(
    system: System, http: httpx.AsyncClient
) -> None:
    base = system.url("simulator")
    r = await http.put(f"{base}/knobs", json=KNOBS, headers=SIMULATOR_OPERATOR)
    assert r.status_code == 200 and r.json() == {"ok": True}
    knobs = (await http.get(f"{base}/knobs", headers=SIMULATOR_OPERATOR)).json()
    assert knobs[f"{KNOBS['case_id']}/{KNOBS['agency_id']}"]["nothing_found"] is True
    journal = await http.get(f"{base}/journal", headers=SIMULATOR_OPERATOR)
    assert journal.status_code == 200 and isinstance(journal.json(), list)
    # a wrong body is still refused as such, as problem+json
    wrong = await http.put(f"{base}/knobs", json={"knobs": {"delay_s": -1}}, headers=SIMULATOR_OPERATOR)
    assert wrong.status_code == 422 and wrong.headers["content-type"].startswith("application/problem+json")


async def test_what_the_court_pushes_is_checked_by_its_signature_not_by_a_token(
    system: System, http: httpx.AsyncClient
) -> None:
    r = await http.post(f"{system.url('simulator')}/agencies/vehicle-admin/requests", content=b"{}",
                        headers=SIMULATOR_OPERATOR)
    assert r.status_code == 401  # an administrator's token is no agency signature
    assert (await http.get(f"{system.url('simulator')}/healthz")).status_code == 200  # public
