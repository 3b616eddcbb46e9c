"""Hostile input over HTTP against the running services: characters that cannot be stored (NUL,
bidirectional overrides, zero-width), integers beyond PostgreSQL's bigint, a yes/no field given as
text. Each is refused with 422 problem+json naming the field, and nothing is written; where a probe
shows "nothing written", the same request without the bad part is then accepted and seen by the
same probe, so the probe could have failed."""

from __future__ import annotations

import json
import random
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from deploy.system import System
from shared.envelope import now_shanghai
from tests.asset_search.helpers import KINDS, SEARCHER, agency_post, search_file, set_knobs, wait_search
from tests.conftest import auth, valid_case
from tests.disposal.helpers import known_to_disposal, publish, registered_and_assigned

CLERK = auth("clerk-hostile", "intake_clerk")
SUPERVISOR = auth("sup-hostile", "supervisor")
FINANCE = auth("fin-hostile", "finance_officer")
NUL, RLO, ZWSP = "\u0000", "\u202e", "\u200b"
HUGE = "999999999999999999999999999999"
AGENCY = "vehicle-admin"
FOUND_VEHICLE = {"asset_kind": "vehicle", "identifier": "贵A·H0STL", "value_fen": 8_000_000}

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def fresh_resident_id() -> str:
    """A 居民身份证号 no other test uses (region 110105, a random birth date and sequence, GB 11643 check)."""
    born = date(1950, 1, 1) + timedelta(days=random.randrange(365 * 50))
    body = f"110105{born:%Y%m%d}{random.randrange(1000):03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def refused(r: httpx.Response, *fields: str) -> dict[str, Any]:
    """The 422 problem+json of a refused request, naming every one of ``fields``."""
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = r.json()
    assert problem["code"] == "invalid_input", problem
    named = {e["field"] for e in problem["errors"]}
    assert set(fields) <= named, problem
    return problem


def message_of(problem: dict[str, Any], field: str) -> str:
    return next(str(e["message"]) for e in problem["errors"] if e["field"] == field)


async def party_cases(http: httpx.AsyncClient, system: System, id_number: str) -> list[str]:
    r = await http.get(f"{system.url('intake')}/parties/{id_number}/cases", headers=CLERK)
    assert r.status_code == 200, r.text
    return [c["case_id"] for c in r.json()["items"]]


def registration(id_number: str, *, respondent_name: str = "王某", applicant_name: str = "贵州某某建材有限公司",
                 document_number: str = "（2025）黔0102民初1234号",
                 issuing_body: str = "贵阳市南明区人民法院") -> dict[str, Any]:
    body = valid_case()
    body["applicant"] = {**body["applicant"], "name": applicant_name}
    body["respondent"] = {"kind": "person", "name": respondent_name, "id_number": id_number}
    body["basis"] = {**body["basis"], "document_number": document_number, "issuing_body": issuing_body}
    return body


# --- intake: the registration body --------------------------------------------------------------


async def test_nul_in_the_basis_and_the_respondents_name_is_refused_naming_each_field_and_nothing_is_written(
    system: System, http: httpx.AsyncClient
) -> None:
    intake, id_number = system.url("intake"), fresh_resident_id()
    hostile = registration(id_number, respondent_name=f"王{NUL}某", document_number=f"（2025）黔0102民初{NUL}1234号",
                           issuing_body=f"贵阳市南明区人民法院{NUL}")
    problem = refused(await http.post(f"{intake}/cases", json=hostile, headers=CLERK),
                      "basis.document_number", "basis.issuing_body", "respondent.name")
    for field in ("basis.document_number", "basis.issuing_body", "respondent.name"):
        assert "U+0000" in message_of(problem, field)
    assert await party_cases(http, system, id_number) == []

    clean = await http.post(f"{intake}/cases", json=registration(id_number), headers=CLERK)
    assert clean.status_code == 201, clean.text
    assert await party_cases(http, system, id_number) == [clean.json()["case_id"]]


@pytest.mark.parametrize(
    ("names", "field", "code_point"),
    [
        ({"respondent_name": f"王{RLO}某"}, "respondent.name", "U+202E"),
        ({"respondent_name": f"王{ZWSP}某"}, "respondent.name", "U+200B"),
        ({"applicant_name": f"贵州某某{RLO}建材有限公司"}, "applicant.name", "U+202E"),
        ({"applicant_name": f"贵州某某建材{ZWSP}有限公司"}, "applicant.name", "U+200B"),
    ],
)
async def test_a_bidi_override_or_zero_width_space_in_a_party_name_is_refused_and_nothing_is_written(
    system: System, http: httpx.AsyncClient, names: dict[str, str], field: str, code_point: str
) -> None:
    id_number = fresh_resident_id()
    r = await http.post(f"{system.url('intake')}/cases", json=registration(id_number, **names), headers=CLERK)
    problem = refused(r, field)
    assert code_point in message_of(problem, field)
    assert await party_cases(http, system, id_number) == []


# --- query strings and paths --------------------------------------------------------------------


async def test_an_offset_beyond_bigint_or_any_page_is_refused_naming_offset(
    system: System, http: httpx.AsyncClient
) -> None:
    intake = system.url("intake")
    first = await http.get(f"{intake}/cases?offset=0", headers=CLERK)
    assert first.status_code == 200, first.text
    for offset in (HUGE, str(2**63), "1000001"):
        refused(await http.get(f"{intake}/cases?offset={offset}", headers=CLERK), "offset")


async def test_an_after_seq_beyond_bigint_is_refused_naming_it(system: System, http: httpx.AsyncClient) -> None:
    trail = f"{system.url('supervision')}/cases/{uuid.uuid4()}/trail"
    unknown = await http.get(f"{trail}?after_seq=0", headers=SUPERVISOR)
    assert unknown.status_code == 404, unknown.text  # a valid after_seq reaches the lookup
    refused(await http.get(f"{trail}?after_seq={HUGE}", headers=SUPERVISOR), "after_seq")


@pytest.mark.parametrize(
    ("service", "path"),
    [("intake", "/cases/%00"), ("supervision", "/cases/%00"), ("supervision", "/cases/%00/trail")],
)
async def test_a_nul_in_the_path_is_refused_naming_the_path(
    system: System, http: httpx.AsyncClient, service: str, path: str
) -> None:
    base = system.url(service)
    problem = refused(await http.get(f"{base}{path}", headers=SUPERVISOR), "path")
    assert "U+0000" in message_of(problem, "path")
    plain = await http.get(f"{base}{path.replace('%00', str(uuid.uuid4()))}", headers=SUPERVISOR)
    assert plain.status_code == 404, plain.text  # the same address without the NUL is an ordinary miss


# --- a case as intake announces it: asset_search and disposal ----------------------------------


@pytest.fixture(scope="module")
async def upstream_case(system: System) -> dict[str, Any]:
    """A registered, assigned case (intake's events on the topic) whose agencies stay silent in the
    simulator, so only these tests answer its queries."""
    case_id, judge_id = str(uuid.uuid4()), f"judge-{uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(timeout=30) as http:
        await set_knobs(http, system, case_id=case_id, silent=True)
        await publish(system, *registered_and_assigned(case_id, judge_id))
        f = await wait_search(http, system, case_id, lambda f: len(f["queries"]) == len(KINDS))
    return {"case_id": case_id, "judge_id": judge_id,
            "queries": {q["agency_id"]: q["query_id"] for q in f["queries"]}}


async def test_a_lead_marked_urgent_with_yes_is_refused_naming_urgent(
    system: System, http: httpx.AsyncClient, upstream_case: dict[str, Any]
) -> None:
    case_id = upstream_case["case_id"]
    leads = f"{system.url('asset_search')}/cases/{case_id}/leads"
    lead = {"description": "申请人提供：被执行人在某银行开有账户", "target": "6222 0000 1111 2222"}
    before = await search_file(http, system, case_id)
    assert before is not None
    for urgent in ("yes", "true", 1):
        refused(await http.post(leads, json={**lead, "urgent": urgent}, headers=SEARCHER), "urgent")
    after = await search_file(http, system, case_id)
    assert after is not None and after["leads"] == before["leads"]

    ok = await http.post(leads, json={**lead, "urgent": True}, headers=SEARCHER)
    assert ok.status_code == 201, ok.text
    recorded = await search_file(http, system, case_id)
    assert recorded is not None
    assert [(x["lead_id"], x["urgent"]) for x in recorded["leads"]] == [
        *[(x["lead_id"], x["urgent"]) for x in before["leads"]], (ok.json()["lead_id"], True)]


async def test_a_receipt_with_nul_in_the_payer_is_refused_and_the_account_is_unchanged(
    system: System, http: httpx.AsyncClient, upstream_case: dict[str, Any]
) -> None:
    case_id, judge = upstream_case["case_id"], auth(upstream_case["judge_id"], "judge")
    await known_to_disposal(http, system, case_id, judge)
    ledger = f"{system.url('disposal')}/cases/{case_id}/ledger"

    async def account() -> tuple[int, int]:
        r = await http.get(ledger, headers=judge)
        assert r.status_code == 200, r.text
        return r.json()["balance_fen"], len(r.json()["receipts"])

    before = await account()
    receipt = {"source": "voluntary_payment", "amount_fen": 500_000,
               "received_on": now_shanghai().date().isoformat(), "payer": "王某"}
    problem = refused(await http.post(f"{ledger}/receipts", json={**receipt, "payer": f"王{NUL}某"}, headers=FINANCE),
                      "payer")
    assert "U+0000" in message_of(problem, "payer")
    refused(await http.post(f"{ledger}/receipts", json={**receipt, "amount_fen": 2**64}, headers=FINANCE),
            "amount_fen")
    assert await account() == before

    ok = await http.post(f"{ledger}/receipts", json=receipt, headers=FINANCE)
    assert ok.status_code == 201, ok.text
    assert await account() == (before[0] + 500_000, before[1] + 1)


async def _answers(http: httpx.AsyncClient, system: System, case_id: str) -> dict[str, Any]:
    """What an agency's answer writes: the queries' answers, the assets, the evidence kept."""
    f = await search_file(http, system, case_id)
    assert f is not None
    evidence = await http.get(f"{system.url('asset_search')}/cases/{case_id}/evidence", headers=SEARCHER)
    assert evidence.status_code == 200, evidence.text
    return {
        "queries": sorted((q["query_id"], q["status"], q["answers"]) for q in f["queries"]),
        "assets": sorted(a["asset_id"] for a in f["assets"]),
        "evidence": [e["id"] for e in evidence.json()["evidence"]],
    }


def _signed_result(item: dict[str, Any]) -> bytes:
    # json, not orjson: orjson cannot write an integer beyond 64 bits, which is the point here
    return json.dumps({"outcome": "found", "items": [item]}, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value_fen": 2**64}, "value_fen"),
        ({"value_fen": 2**63}, "value_fen"),
        ({"value_fen": -1}, "value_fen"),
        ({"identifier": ""}, "identifier"),
        ({"identifier": "   "}, "identifier"),
        ({"identifier": "粤B" + "1" * 199}, "identifier"),
    ],
)
async def test_a_signed_agency_result_out_of_range_or_without_identifier_is_refused_and_nothing_recorded(
    system: System, http: httpx.AsyncClient, upstream_case: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    case_id, qid = upstream_case["case_id"], upstream_case["queries"][AGENCY]
    before = await _answers(http, system, case_id)
    r = await agency_post(http, system, AGENCY, f"/agency/queries/{qid}/results",
                          _signed_result({**FOUND_VEHICLE, **change}))
    problem = refused(r)
    assert [e["field"] for e in problem["errors"]] == [f"items.0.{field}"], problem  # the item's field, named
    assert await _answers(http, system, case_id) == before


async def test_a_valid_signed_agency_result_is_recorded_where_the_refused_ones_were_looked_for(
    system: System, http: httpx.AsyncClient, upstream_case: dict[str, Any]
) -> None:
    case_id, qid = upstream_case["case_id"], upstream_case["queries"][AGENCY]
    before = await _answers(http, system, case_id)
    r = await agency_post(http, system, AGENCY, f"/agency/queries/{qid}/results",
                          _signed_result(FOUND_VEHICLE))
    assert r.status_code == 200, r.text
    after = await _answers(http, system, case_id)
    assert len(after["evidence"]) == len(before["evidence"]) + 1
    assert len(after["assets"]) == len(before["assets"]) + 1
    assert after["queries"] != before["queries"]
