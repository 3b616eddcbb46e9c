"""Issue 18, the pure parts: mobile numbers at their boundaries and masks, the next node chosen, who is
told, the parties folded from the trail, and the SendSms request signed as Alibaba Cloud documents."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from services.supervision.alerts.gateway import GatewayError
from services.supervision.alerts.next_node import mobile_of, next_node, recipients
from services.supervision.alerts.parties import fold
from services.supervision.alerts.sms import send_sms_params, signature
from services.supervision.settings import NotificationSettings, SmsSettings
from shared.contact import check_mobile, mask_id_number, mask_mobile

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("raw", ["13800000001", "+86 138 0000 0001", "0086-138-0000-0001", "8613800000001",
                                 "19999999999"])
def test_mainland_mobile_numbers_are_accepted_and_normalised(raw: str) -> None:
    assert check_mobile(raw) in ("13800000001", "19999999999")


@pytest.mark.parametrize(("raw", "reason"), [
    ("1380000000", "手机号应为 11 位"), ("138000000012", "手机号应为 11 位"),
    ("12800000000", "手机号应以 13–19 开头（大陆手机号段）"), ("23800000000", "手机号应以 13–19 开头（大陆手机号段）"),
    ("1380000000a", "手机号只能由数字组成（可带 +86 前缀）"), ("", "手机号只能由数字组成（可带 +86 前缀）"),
])
def test_other_numbers_are_refused_with_a_reason(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        check_mobile(raw)


def test_masks_keep_only_what_identifies_nothing() -> None:
    assert mask_mobile("13800000001") == "138****0001" and mask_mobile(None) is None
    assert mask_id_number("11010519491231002X") == "1101************2X"
    assert mask_id_number("91110000600037341L") == "9111************1L" and mask_id_number("12345") == "*****"


def node(key: str, due: str, kind: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"key": key, "node": kind or key, "due": date.fromisoformat(due), "court": "黔01", "judge_id": None,
            "team_id": None, "title": key, **extra}


def test_the_next_node_is_the_opened_one_due_first_never_the_whole_case_limit() -> None:
    before = {("register", date(2026, 3, 9)): node("register", "2026-03-09")}
    after = {(n["key"], n["due"]): n for n in (node("assign", "2026-03-09"), node("first_search", "2026-03-05"),
                                               node("close", "2026-03-01"), node("fast_target", "2026-03-02"))}
    assert next_node(before, after)["key"] == "first_search"
    assert next_node(after, after) is None  # nothing opened: nothing pushed
    moved = {("first_search", date(2026, 3, 6)): node("first_search", "2026-03-06")}
    assert next_node(after, moved)["due"] == date(2026, 3, 6)  # a new due date is a new node to announce


def parties(*rows: tuple[str, dict[str, Any]]) -> Any:
    reg = ("intake.case_registered", {"case_number": "（2026）黔01执1号", "court": "黔01",
                                      "applicant": {"kind": "organisation", "name": "甲公司", "id_number": "A1"},
                                      "respondent": {"kind": "person", "name": "王某", "id_number": "R1"}})
    return fold([*rows[:1], reg, *rows[1:]])


def test_parties_contacts_fold_in_trail_order_and_the_latest_wins() -> None:
    mobile = ("intake.party_mobile_recorded", {"party": "applicant", "mobile": "13800000001"})
    out = ("intake.party_sms_opt_out_changed", {"party": "applicant", "opted_out": True})
    back = ("intake.party_sms_opt_out_changed", {"party": "applicant", "opted_out": False})
    gone = ("intake.party_mobile_recorded", {"party": "applicant", "mobile": None})
    assert parties(mobile).parties["applicant"].reachable  # recorded with the application, before registration
    assert parties(mobile).parties["applicant"].name == "甲公司" and parties(mobile).case_number == "（2026）黔01执1号"
    assert not parties(mobile, out).parties["applicant"].reachable
    assert parties(mobile, out, back).parties["applicant"].reachable
    assert not parties(mobile, gone).parties["applicant"].reachable
    assert not parties(mobile).parties["respondent"].reachable


def test_the_officer_the_reachable_applicant_and_the_watching_leaders_are_told() -> None:
    cfg = NotificationSettings(directory={"judge-1": "13600000001", "team_lead:team-1": "13600000003",
                                          "bureau_chief@黔01": "13600000005", "search_officer@黔01": "13600000002"})
    mobile = ("intake.party_mobile_recorded", {"party": "applicant", "mobile": "13800000001"})
    payout = node("payout:e1", "2026-04-01", "payout", judge_id="judge-1", team_id="team-1")
    got = [(p["role"], p["mobile"], p.get("team_id")) for p in recipients(payout, parties(mobile), cfg)]
    assert got == [("judge", "13600000001", None), ("applicant", "13800000001", None),
                   ("team_lead", "13600000003", "team-1"), ("bureau_chief", "13600000005", None)]
    notice = node("notice", "2026-03-05")  # no judge yet: the desk; no leader watches notices
    out = ("intake.party_sms_opt_out_changed", {"party": "applicant", "opted_out": True})
    got = [(p["role"], p["mobile"]) for p in recipients(notice, parties(mobile, out), cfg)]
    assert got == [("affairs_clerk", None)]
    assert mobile_of(cfg, {"role": "search_officer", "id": None, "court": "黔01"}) == "13600000002"


def test_the_sendsms_signature_matches_alibaba_clouds_documented_example() -> None:
    """The example of Alibaba Cloud's SMS signature document (GET, AccessKeySecret testSecret)."""
    params = {
        "AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123", "PhoneNumbers": "15300000001",
        "RegionId": "cn-hangzhou", "SignName": "阿里云短信测试专用", "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466", "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007", "TemplateParam": '{"customer":"test"}', "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25",
    }
    assert signature("testSecret", "GET", params) == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_a_message_becomes_one_signed_sendsms_call_or_a_final_refusal() -> None:
    cfg = SmsSettings(access_key_id="k", access_key_secret="s", sign_name="某法院")
    message = {"notification_id": "n-1", "template": "next_node", "params": {"case_number": "（2026）黔01执1号",
               "node": "首次网络查控", "due": "2026-03-05"}, "recipient": {"role": "judge", "mobile": "13600000001"}}
    p = send_sms_params(cfg, message, datetime(2026, 3, 2, 1, 2, 3, tzinfo=UTC), "nonce-1")
    assert (p["PhoneNumbers"], p["TemplateCode"], p["SignName"], p["OutId"], p["Timestamp"]) == (
        "13600000001", "SMS_NEXT_NODE", "某法院", "n-1", "2026-03-02T01:02:03Z")
    assert p["TemplateParam"] == '{"case_number":"（2026）黔01执1号","node":"首次网络查控","due":"2026-03-05"}'
    assert p["Signature"] == signature("s", "POST", {k: v for k, v in p.items() if k != "Signature"})
    with pytest.raises(GatewayError) as no_number:
        send_sms_params(cfg, {**message, "recipient": {"role": "team_lead"}}, datetime.now(UTC), "n")
    assert no_number.value.permanent
    with pytest.raises(GatewayError) as no_template:
        send_sms_params(cfg, {**message, "template": "unknown"}, datetime.now(UTC), "n")
    assert no_template.value.permanent


def test_a_deadline_step_goes_by_sms_with_its_own_template_and_the_officers_number_from_the_directory() -> None:
    cfg = SmsSettings(access_key_id="k", access_key_secret="s")
    warning = {"notification_id": "n-2", "kind": "warning",
               "recipient": {"role": "judge", "id": "judge-1", "court": "黔01"}, "case_number": "（2026）黔01执1号",
               "node_name": "首次网络查控", "deadline": "2026-03-05", "days_overdue": 0, "level_name": None}
    p = send_sms_params(cfg, warning, datetime.now(UTC), "n", {"judge-1": "13600000001"})
    assert (p["PhoneNumbers"], p["TemplateCode"]) == ("13600000001", "SMS_DEADLINE_WARNING")
    assert p["TemplateParam"] == ('{"case_number":"（2026）黔01执1号","node":"首次网络查控",'
                                  '"due":"2026-03-05","days":"0"}')


def test_a_deadline_reminder_to_the_applicant_carries_their_recorded_number() -> None:
    from services.supervision.alerts.escalation import WARNING, OpenNode, Step
    from services.supervision.alerts.escalation import recipients as step_recipients
    from services.supervision.settings import DeadlineSettings

    payout = OpenNode("case-1", "payout:e1", "payout", "黔01", "执行款发放", date(2026, 4, 1), "judge-1", "team-1")
    step = Step("case-1", "payout:e1", "payout", date(2026, 4, 1), WARNING, 0, 0)
    applicant = {"name": "甲公司", "id_number": "A1", "mobile": "13800000001"}
    people = step_recipients(step, payout, DeadlineSettings(), applicant)
    assert [(p["role"], p.get("mobile")) for p in people] == [("judge", None), ("applicant", "13800000001")]
    people = step_recipients(step, payout, DeadlineSettings(), {"name": "甲公司", "id_number": "A1"})
    assert "mobile" not in people[1]  # no number recorded: the message keeps its earlier shape
