"""Issue 18 over HTTP against the real stack: the next node pushed through the SMS adapter (Alibaba
Cloud SendSms, signed) to a stub gateway on loopback, opt-out respected, the case's message record;
and the parties' look-up (执行公开): a code by SMS, a right and a wrong code, another party's case,
masking, rate limits (429 with Retry-After) and the audit record in the trail.

A private supervision instance (own database, own topic) runs with ``notifications.adapter=sms``
pointed at the stub, a staff directory of officers' numbers and tight look-up limits.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote

import httpx
import pytest

from deploy import stack
from deploy.system import System
from tests.conftest import RUN_ID, scratch_database
from tests.helpers import APPLICANT, RESPONDENT
from tests.supervision.helpers import ADMIN, SUPERVISOR, Story, publish, wait_trail
from tests.waits import poll

INSTANCE = "supervision@sms"
KEY_ID, SECRET = "LTAI-test-key", "test-secret-不外传"
DIRECTORY = {"judge-s1": "13600000001", "search_officer@黔01": "13600000002", "team_lead@黔01": "13600000004",
             "team_lead:team-s1": "13600000003", "affairs_clerk@黔01": "13600000006"}
APPLICANT_MOBILE, RESPONDENT_MOBILE = "13800000001", "13900000002"


def _enc(v: str) -> str:
    return quote(v, safe="-_.~")


@dataclass
class SmsStub:
    """Alibaba Cloud SMS stand-in: checks each SendSms call's signature and records it."""

    calls: list[dict[str, str]] = field(default_factory=list)
    bad_signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def sent(self, **match: str) -> list[dict[str, Any]]:
        with self.lock:
            calls = list(self.calls)
        out = [{**c, "params": json.loads(c["TemplateParam"])} for c in calls]
        return [c for c in out if all(c.get(k) == v for k, v in match.items())]


def serve(stub: SmsStub) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            form = dict(parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
            given = form.pop("Signature", "")
            canonical = "&".join(f"{_enc(k)}={_enc(v)}" for k, v in sorted(form.items()))
            to_sign = f"POST&{_enc('/')}&{_enc(canonical)}"
            want = base64.b64encode(hmac.new(f"{SECRET}&".encode(), to_sign.encode(), hashlib.sha1).digest()).decode()
            ok = given == want and form.get("Action") == "SendSms" and form.get("AccessKeyId") == KEY_ID
            with stub.lock:
                if ok:
                    stub.calls.append(form)
                else:
                    stub.bad_signatures += 1
            body = {"Code": "OK", "Message": "OK", "BizId": uuid.uuid4().hex, "RequestId": uuid.uuid4().hex} if ok \
                else {"Code": "SignatureDoesNotMatch", "Message": "signature"}
            data = json.dumps(body).encode()
            self.send_response(200 if ok else 400)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@dataclass
class Private(System):
    """The private instance as the story helpers see a system: its topic and its URL."""

    private_url: str = ""

    def url(self, service: str) -> str:
        return self.private_url


@pytest.fixture(scope="module")
def stub() -> Iterator[SmsStub]:
    s = SmsStub()
    server = serve(s)
    s.port = server.server_address[1]  # type: ignore[attr-defined]
    yield s
    server.shutdown()


@pytest.fixture(scope="module")
async def sms(system: System, stub: SmsStub) -> AsyncIterator[Private]:
    name = f"t{RUN_ID}_supervision_sms"
    topic = f"{system.topic}.sms"
    await stack.create_topics(system.bootstrap, {topic: 3, f"{topic}.dlt": 3})
    dsn = await asyncio.to_thread(scratch_database, system.server_dsn, name)
    port = system.port("supervision") + 12  # not +2 (the notifications test) nor +4 (the simulator)
    env = {
        "SUPERVISION_DATABASE_URL": dsn,
        "SUPERVISION_CONSUMER_GROUP": name,
        "CASE_EVENTS_TOPIC": topic,
        "DEAD_LETTER_TOPIC": f"{topic}.dlt",
        "SUPERVISION_NOTIFICATIONS__ADAPTER": "sms",
        "SUPERVISION_NOTIFICATIONS__SMS__ENDPOINT": f"http://127.0.0.1:{stub.port}/",  # type: ignore[attr-defined]
        "SUPERVISION_NOTIFICATIONS__SMS__ACCESS_KEY_ID": KEY_ID,
        "SUPERVISION_NOTIFICATIONS__SMS__ACCESS_KEY_SECRET": SECRET,
        "SUPERVISION_NOTIFICATIONS__SMS__SIGN_NAME": "某某人民法院",
        "SUPERVISION_NOTIFICATIONS__DIRECTORY": json.dumps(DIRECTORY),
        "SUPERVISION_NOTIFICATIONS__BACKOFF_S": "0.2",
        "SUPERVISION_NOTIFICATIONS__POLL_INTERVAL_S": "0.2",
        "SUPERVISION_SCANNER__TODAY": "2020-01-02",  # the background scanner finds nothing due
        "SUPERVISION_SCANNER__ALLOW_AS_OF": "true",  # a test scans the day it names
        "SUPERVISION_LOOKUP__PER_CASE": "3",
        "SUPERVISION_LOOKUP__PER_CLIENT": "40",
        "SUPERVISION_RELAY_POLL_INTERVAL_S": "0.2",
    }
    system.start("supervision", instance="sms", port=port, extra_env=env)
    try:
        system.wait_ready([INSTANCE], timeout=60)
        yield Private(system.server_dsn, system.bootstrap, system.db_prefix, topic, f"{topic}.dlt",
                      private_url=f"http://127.0.0.1:{port}")
    finally:
        system.stop(INSTANCE)
        await stack.delete_topics(system.bootstrap, [topic, f"{topic}.dlt"])
        await stack.delete_databases(system.server_dsn, [name])


def contact(s: Story, party: str, mobile: str | None) -> None:
    s.add("intake.party_mobile_recorded", "clerk-1", "intake_clerk", party=party, mobile=mobile, recorded_by="clerk-1")


async def sms_to(stub: SmsStub, what: str, **match: str) -> list[dict[str, Any]]:
    return await poll(lambda: asyncio.sleep(0, stub.sent(**match)), what=what, timeout=30)


async def open_nodes(http: httpx.AsyncClient, view: Private, case_id: str) -> list[dict[str, Any]]:
    r = await http.get(f"{view.url('supervision')}/cases/{case_id}/deadlines", headers=SUPERVISOR)
    assert r.status_code == 200, r.text
    return [d for d in r.json()["deadlines"] if not d["completed_on"] and d["due"]]


async def test_the_next_node_reaches_officer_applicant_and_leaders_by_sms_and_an_opt_out_is_respected(
    sms: Private, stub: SmsStub, http: httpx.AsyncClient
) -> None:
    s = Story()
    contact(s, "applicant", APPLICANT_MOBILE)  # intake records it with the application, before registration
    case_number = s.registered().payload["case_number"]
    await publish(sms, s.envelopes)
    await wait_trail(http, sms, s.case_id, 2)

    # Registration opened the first nodes; the one due first (never the whole-case limit) is pushed.
    first = min((d for d in await open_nodes(http, sms, s.case_id) if d["node"] not in ("close", "fast_target")),
                key=lambda d: (d["due"], d["key"]))
    assert first["node"] == "first_search"
    want = {"case_number": case_number, "node": first["title"], "due": first["due"]}
    pushed = await sms_to(stub, "the next node to the applicant", PhoneNumbers=APPLICANT_MOBILE,
                          TemplateCode="SMS_NEXT_NODE")
    assert [c["params"] for c in pushed] == [want]
    assert pushed[0]["SignName"] == "某某人民法院" and pushed[0]["SignatureMethod"] == "HMAC-SHA1"
    desk = await sms_to(stub, "the search desk", PhoneNumbers=DIRECTORY["search_officer@黔01"])
    lead = await sms_to(stub, "the team lead (watches first searches)", PhoneNumbers=DIRECTORY["team_lead@黔01"])
    assert desk[0]["params"] == want and lead[0]["params"] == want

    # The applicant opts out; the case is assigned: the judge hears of the next node, the applicant not.
    s.add("intake.party_sms_opt_out_changed", "clerk-1", "intake_clerk", party="applicant", opted_out=True,
          changed_by="clerk-1")
    s.add("intake.case_assigned", "affairs-1", "affairs_clerk", judge_id="judge-s1", team_id="team-s1",
          track="ordinary", assigned_by="affairs-1")
    await publish(sms, s.envelopes[2:])
    await wait_trail(http, sms, s.case_id, 4)
    to_judge = await sms_to(stub, "the next node to the judge", PhoneNumbers=DIRECTORY["judge-s1"])
    assert to_judge[0]["params"]["case_number"] == case_number and to_judge[0]["params"]["node"] != first["title"]
    await asyncio.sleep(1.0)  # the dispatcher polls every 0.2 s: anything queued for the applicant would be out
    assert len(stub.sent(PhoneNumbers=APPLICANT_MOBILE)) == 1
    assert stub.bad_signatures == 0

    # Every message is recorded per case, numbers masked; staff only.
    url = f"{sms.url('supervision')}/cases/{s.case_id}/messages"
    r = await http.get(url, headers=SUPERVISOR)
    assert r.status_code == 200, r.text
    messages = r.json()["messages"]
    assert {m["status"] for m in messages} == {"sent"} and all(m["attempts"] == 1 for m in messages)
    to_applicant = [m for m in messages if m["recipient_role"] == "applicant"]
    assert len(to_applicant) == 1 and to_applicant[0]["mobile"] == "138****0001"
    assert to_applicant[0]["template"] == "next_node" and to_applicant[0]["params"] == want
    assert to_applicant[0]["recipient_id"] == "9111************1L"
    assert {m["recipient_role"] for m in messages} >= {"search_officer", "team_lead", "judge"}
    assert APPLICANT_MOBILE not in r.text
    assert (await http.get(url)).status_code == 401


async def test_a_deadline_reminder_goes_by_sms_too_and_not_to_an_applicant_who_opted_out(
    sms: Private, stub: SmsStub, http: httpx.AsyncClient
) -> None:
    s = Story()
    contact(s, "applicant", APPLICANT_MOBILE)
    s.add("intake.party_sms_opt_out_changed", "clerk-1", "intake_clerk", party="applicant", opted_out=True,
          changed_by="clerk-1")
    s.registered()
    s.add("intake.case_assigned", "affairs-1", "affairs_clerk", judge_id="judge-s1", team_id="team-s1",
          track="ordinary", assigned_by="affairs-1")
    s.add("disposal.funds_received", "fin-1", "finance_officer", amount_fen=10_000)
    t = Story()  # the same case, the applicant not opted out
    contact(t, "applicant", APPLICANT_MOBILE)
    t.registered()
    t.add("intake.case_assigned", "affairs-1", "affairs_clerk", judge_id="judge-s1", team_id="team-s1",
          track="ordinary", assigned_by="affairs-1")
    t.add("disposal.funds_received", "fin-1", "finance_officer", amount_fen=10_000)
    await publish(sms, s.envelopes + t.envelopes)
    await wait_trail(http, sms, s.case_id, len(s.envelopes))
    await wait_trail(http, sms, t.case_id, len(t.envelopes))
    payout = next(d for d in await open_nodes(http, sms, s.case_id) if d["node"] == "payout")
    assert payout["due"] == next(d for d in await open_nodes(http, sms, t.case_id) if d["node"] == "payout")["due"]
    due = date.fromisoformat(payout["due"])
    scan = await http.post(f"{sms.url('supervision')}/admin/deadline-scan", headers=ADMIN,
                           params={"as_of": (due - timedelta(days=2)).isoformat()})
    assert scan.status_code == 200, scan.text

    # The payout is the applicant's own waiting time, but they declined SMS: the judge alone is warned.
    want = {"case_number": s.envelopes[2].payload["case_number"], "node": payout["title"], "due": payout["due"],
            "days": "0"}
    await poll(lambda: asyncio.sleep(0, [c["params"] for c in stub.sent(PhoneNumbers=DIRECTORY["judge-s1"],
                                                                       TemplateCode="SMS_DEADLINE_WARNING")]),
               what="the payout warning to the judge", until=lambda sent: want in sent, timeout=30)
    messages = (await http.get(f"{sms.url('supervision')}/cases/{s.case_id}/messages", headers=SUPERVISOR)).json()
    payout_warnings = [m for m in messages["messages"] if m["template"] == "deadline_warning"
                       and m["params"]["node"] == payout["title"]]
    assert [m["recipient_role"] for m in payout_warnings] == ["judge"]
    assert not any(m["recipient_role"] == "applicant" for m in messages["messages"])

    # The applicant who did not opt out is warned at the number intake recorded (masked in reads).
    theirs = {**want, "case_number": t.envelopes[1].payload["case_number"]}
    await poll(lambda: asyncio.sleep(0, [c["params"] for c in stub.sent(PhoneNumbers=APPLICANT_MOBILE,
                                                                       TemplateCode="SMS_DEADLINE_WARNING")]),
               what="the payout warning to the applicant", until=lambda sent: theirs in sent, timeout=30)
    outbox = await http.get(f"{sms.url('supervision')}/notifications", headers=SUPERVISOR,
                            params={"case_id": t.case_id, "recipient_role": "applicant"})
    assert [n["message"]["recipient"]["mobile"] for n in outbox.json()["notifications"]] == ["138****0001"]


def lookup_story(**money: int) -> Story:
    s = Story()
    contact(s, "applicant", APPLICANT_MOBILE)
    contact(s, "respondent", RESPONDENT_MOBILE)
    s.registered()
    s.add("intake.case_assigned", "affairs-1", "affairs_clerk", judge_id="judge-s1", team_id="team-s1",
          track="ordinary", assigned_by="affairs-1")
    if money:
        s.add("disposal.funds_received", "fin-1", "finance_officer", amount_fen=money["received"])
        s.add("disposal.payout_approved", "fin-2", "finance_officer", amount_fen=money["paid"])
    return s


async def ask_code(http: httpx.AsyncClient, view: Private, case_number: str, id_number: str) -> httpx.Response:
    return await http.post(f"{view.url('supervision')}/public/lookup/code",
                           json={"case_number": case_number, "id_number": id_number})


async def read(http: httpx.AsyncClient, view: Private, case_number: str, id_number: str, code: str) -> httpx.Response:
    return await http.post(f"{view.url('supervision')}/public/lookup",
                           json={"case_number": case_number, "id_number": id_number, "code": code})


async def latest_code(stub: SmsStub, mobile: str, before: int) -> str:
    calls = await poll(lambda: asyncio.sleep(0, stub.sent(PhoneNumbers=mobile, TemplateCode="SMS_LOOKUP_CODE")),
                       what=f"a new code to {mobile}", until=lambda c: len(c) > before, timeout=30)
    return str(calls[-1]["params"]["code"])


async def test_a_party_reads_their_own_case_with_a_one_time_code_and_nothing_more(
    sms: Private, stub: SmsStub, http: httpx.AsyncClient
) -> None:
    s, other = lookup_story(received=500_000, paid=300_000), lookup_story()
    number, other_number = s.envelopes[2].payload["case_number"], other.envelopes[2].payload["case_number"]
    await publish(sms, s.envelopes + other.envelopes)
    await wait_trail(http, sms, s.case_id, len(s.envelopes))
    await wait_trail(http, sms, other.case_id, len(other.envelopes))
    codes_before = len(stub.sent(PhoneNumbers=RESPONDENT_MOBILE, TemplateCode="SMS_LOOKUP_CODE"))

    # The respondent asks: the same answer as for a combination that names nobody (no oracle).
    asked = await ask_code(http, sms, number, RESPONDENT["id_number"].lower())
    nobody = await ask_code(http, sms, "（2026）黔01执999999号", RESPONDENT["id_number"])
    assert asked.status_code == nobody.status_code == 202 and asked.json() == nobody.json()
    code = await latest_code(stub, RESPONDENT_MOBILE, codes_before)
    sent = stub.sent(PhoneNumbers=RESPONDENT_MOBILE, TemplateCode="SMS_LOOKUP_CODE")[-1]
    assert sent["params"] == {"code": code, "minutes": "10"}

    wrong = await read(http, sms, number, RESPONDENT["id_number"], "000000" if code != "000000" else "111111")
    assert wrong.status_code == 403 and wrong.json()["code"] == "lookup_refused"
    # Another party's case with this person's ID number and code: refused alike.
    elsewhere = await read(http, sms, other_number, RESPONDENT["id_number"], code)
    assert elsewhere.status_code == 403 and elsewhere.json() == wrong.json()

    r = await read(http, sms, number, RESPONDENT["id_number"], code)
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["case_number"] == number and view["you_are"] == "respondent"
    assert view["parties"] == [
        {"role": "applicant", "name": APPLICANT["name"], "id_number": "9111************1L"},
        {"role": "respondent", "name": RESPONDENT["name"], "id_number": "1101************2X"},
    ]
    assert view["your_mobile"] == "139****0002"
    assert (view["received_fen"], view["paid_to_applicant_fen"]) == (500_000, 300_000)
    assert "assign" in {n["node"] for n in view["nodes_reached"]}
    assert view["next_nodes"] and all(n["due"] for n in view["next_nodes"])
    for secret in (APPLICANT["id_number"], RESPONDENT["id_number"], APPLICANT_MOBILE, RESPONDENT_MOBILE):
        assert secret not in r.text
    again = await read(http, sms, number, RESPONDENT["id_number"], code)
    assert again.status_code == 403  # one read per code

    # A code is void after 5 wrong tries, even the right one.
    before = len(stub.sent(PhoneNumbers=APPLICANT_MOBILE, TemplateCode="SMS_LOOKUP_CODE"))
    half_width = number.replace("（", "(").replace("）", ")")  # as typed on a phone
    assert (await ask_code(http, sms, half_width, APPLICANT["id_number"])).status_code == 202
    code = await latest_code(stub, APPLICANT_MOBILE, before)
    for _ in range(5):
        assert (await read(http, sms, number, APPLICANT["id_number"], "x" + code[1:] + "9")).status_code == 403
    assert (await read(http, sms, number, APPLICANT["id_number"], code)).status_code == 403

    # Audited in the case's trail like any read of personal data: who, from where, masked.
    audit = await wait_trail(http, sms, s.case_id, 9, event_type="supervision.party_lookup_made")
    got = [(e["payload"]["party"], e["payload"]["outcome"]) for e in audit]
    assert got[:3] == [("respondent", "code_sent"), ("respondent", "refused"), ("respondent", "granted")]
    assert got[3:] == [("applicant", "code_sent")] + [("applicant", "refused")] * 5
    assert audit[0]["payload"]["id_number"] == "1101************2X" and audit[0]["payload"]["client"] == "127.0.0.1"
    assert audit[0]["payload"]["mobile"] == "139****0002"
    assert [e["event_type"] for e in await wait_trail(http, sms, other.case_id, len(other.envelopes))].count(
        "supervision.party_lookup_made") == 0

    # The codes sent are in the case's message record, the code itself masked.
    messages = (await http.get(f"{sms.url('supervision')}/cases/{s.case_id}/messages", headers=SUPERVISOR)).json()
    codes = [m for m in messages["messages"] if m["kind"] == "lookup_code"]
    assert len(codes) == 2 and all(m["params"]["code"] == "******" and code not in m["text"] for m in codes)


async def test_the_lookup_is_rate_limited_per_case_number_and_per_client(
    sms: Private, http: httpx.AsyncClient
) -> None:
    number = f"（2026）黔01执{uuid.uuid4().int % 10**6}号"
    for _ in range(3):
        assert (await ask_code(http, sms, number, RESPONDENT["id_number"])).status_code == 202
    limited = await ask_code(http, sms, number, RESPONDENT["id_number"])
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited.headers["Retry-After"]) <= 3601

    answers = []
    for i in range(45):  # the client's 40 requests an hour, spread over case numbers
        r = await ask_code(http, sms, f"（2026）黔01执{i}{uuid.uuid4().int % 1000}号", RESPONDENT["id_number"])
        answers.append(r.status_code)
        if r.status_code == 429:
            assert int(r.headers["Retry-After"]) >= 1
            break
    assert answers[-1] == 429 and set(answers[:-1]) == {202}
    still = await read(http, sms, number, RESPONDENT["id_number"], "123456")
    assert still.status_code == 429


async def test_a_lookup_without_a_case_number_is_refused_field_by_field(sms: Private, http: httpx.AsyncClient) -> None:
    r = await http.post(f"{sms.url('supervision')}/public/lookup/code", json={"id_number": "1"})
    assert r.status_code == 422 and {e["field"] for e in r.json()["errors"]} == {"case_number", "id_number"}
