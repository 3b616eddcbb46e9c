"""Pure parts of the shared library: registry and upcasting, formats, identity checks, hashing."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from shared.courts import CaseNumber, parse_case_number
from shared.envelope import Actor, Envelope, canonical_json, derived_event_id, now_shanghai
from shared.events import DomainEvent, EventRegistry
from shared.identity import check_credit_code, check_resident_id


class ThingV2(DomainEvent):
    amount_fen: int
    currency: str


def test_an_old_payload_is_upcast_to_the_current_model() -> None:
    registry = EventRegistry()
    registry.register(ThingV2, "test.thing_priced", 2)
    registry.add_upcaster("test.thing_priced", 1, lambda p: {"amount_fen": p["amount_yuan"] * 100, "currency": "CNY"})
    old = Envelope(
        event_id=uuid.uuid4(), event_type="test.thing_priced", schema_version=1, case_id="c", stream_id="s",
        stream_version=1, occurred_at=now_shanghai(), recorded_at=now_shanghai(), producer="test",
        actor=Actor.system("test"), court="黔01", correlation_id="x", payload={"amount_yuan": 12},
    )
    assert registry.parse(old) == ThingV2(amount_fen=1200, currency="CNY")


def test_derived_event_ids_are_deterministic_per_cause_and_index() -> None:
    cause = uuid.uuid4()
    assert derived_event_id(cause, 1) == derived_event_id(cause, 1)
    assert derived_event_id(cause, 1) != derived_event_id(cause, 2)
    assert derived_event_id(cause, 1) != derived_event_id(uuid.uuid4(), 1)


def test_canonical_json_does_not_depend_on_the_timezone_an_instant_is_written_in() -> None:
    now = now_shanghai()
    env = Envelope(
        event_id=uuid.uuid4(), event_type="t.x", schema_version=1, case_id="c", stream_id="s", stream_version=1,
        occurred_at=now, recorded_at=now, producer="p", actor=Actor.system("p"), court="黔01",
        correlation_id="x", payload={"b": 1, "a": 2},
    )
    from datetime import UTC

    same_in_utc = env.model_copy(update={"occurred_at": now.astimezone(UTC), "recorded_at": now.astimezone(UTC)})
    assert canonical_json(env) == canonical_json(same_in_utc)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("（2026）黔01执123号", CaseNumber(2026, "黔01", "执", 123)),
        ("(2026)赣0502执恢7号", CaseNumber(2026, "赣0502", "执恢", 7)),
    ],
)
def test_case_numbers_parse_with_either_parentheses_and_print_full_width(text: str, expected: CaseNumber) -> None:
    parsed = parse_case_number(text)
    assert parsed == expected
    assert str(parsed).startswith("（") and str(parsed).endswith("号")


@pytest.mark.parametrize("text", ["（2026）黔99执1号", "（2026）黔01民初1号", "（2026）黔01执0号", "2026黔01执1号"])
def test_malformed_case_numbers_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_case_number(text)


def test_a_valid_resident_id_passes_and_a_wrong_check_digit_is_named() -> None:
    assert check_resident_id("11010519491231002x") == "11010519491231002X"
    with pytest.raises(ValueError, match="校验位"):
        check_resident_id("110105194912310021")
    with pytest.raises(ValueError, match="18 位"):
        check_resident_id("1101051949")


def _with_check_digit(first17: str) -> str:
    from stdnum.cn import ric

    return first17 + ric.calc_check_digit(first17 + "0")


@pytest.mark.parametrize("number", [
    "520102195001011231",  # 南明区 (code from 1983), holder born 1950
    "520102198001011235",  # born 1980, before the code existed
    _with_check_digit("52010219000101123"),  # the earliest birth date accepted
    _with_check_digit("46902719350615002"),  # 乐东 (code from 2002), born 1935
    _with_check_digit("52019919700101123"),  # a well-formed code of 贵州 not in any table we ship
])
def test_people_born_before_their_region_code_existed_are_accepted(number: str) -> None:
    assert check_resident_id(number, today=date(2026, 6, 1)) == number


def test_a_birth_date_of_today_passes_and_tomorrow_is_refused() -> None:
    today = date(2026, 6, 1)
    assert check_resident_id(_with_check_digit("52010220260601123"), today=today)
    with pytest.raises(ValueError, match="出生日期"):
        check_resident_id(_with_check_digit("52010220260602123"), today=today)


@pytest.mark.parametrize(("number", "reason"), [
    ("520102195001011232", "校验位"),  # the check digit of 520102195001011231 changed
    ("520102198001011231", "校验位"),
    (_with_check_digit("52010218991231123"), "出生日期"),  # the day before 1900-01-01
    (_with_check_digit("52010219500230123"), "出生日期"),  # 30 February
    (_with_check_digit("52010219501301123"), "出生日期"),  # month 13
    (_with_check_digit("99010219500101123"), "地区码"),  # no province 99
    (_with_check_digit("00000019500101123"), "地区码"),
    (_with_check_digit("83000019500101123"), "地区码"),  # 83: 台湾居民居住证, not a 居民身份证
])
def test_a_bad_check_digit_an_impossible_date_or_an_unknown_province_is_refused(number: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check_resident_id(number, today=date(2026, 6, 1))


async def test_a_refusal_by_role_names_the_rule_the_route_declares() -> None:
    from shared.auth import POWERS_LIST, Principal, require_roles
    from shared.errors import Forbidden

    check = require_roles("judge", rule="互相制约-2")
    judge = Principal(officer_id="j-1", name="j", roles=frozenset({"judge"}), court="黔01")
    assert await check(judge) is judge
    with pytest.raises(Forbidden) as err:
        await check(judge.model_copy(update={"roles": frozenset({"search_officer"})}))
    assert (err.value.code, err.value.rule) == ("role_not_allowed", "互相制约-2")
    with pytest.raises(Forbidden) as err:
        await require_roles("admin", rule=POWERS_LIST)(judge)
    assert err.value.rule == "权责清单"


def test_a_valid_credit_code_passes_and_a_wrong_one_is_named() -> None:
    assert check_credit_code("91110000600037341L") == "91110000600037341L"
    with pytest.raises(ValueError, match="统一社会信用代码"):
        check_credit_code("91110000600037341X")


def test_a_refusal_with_extra_members_never_overrides_the_standard_problem_members() -> None:
    from shared.problems import problem

    body = problem(409, "task_closed", "任务已结束", extra={"status": "reported", "code": "x", "task": "t-1"})
    import json

    parsed = json.loads(body.body)
    assert parsed["status"] == 409 and parsed["code"] == "task_closed" and parsed["task"] == "t-1"


def test_the_tolerant_payload_readers_turn_whatever_arrived_into_a_value_or_none() -> None:
    from datetime import date

    from shared.payload import integer, iso_date, text

    assert [text(v) for v in (None, "", "  ", "q-1", 7)] == [None, None, None, "q-1", "7"]
    assert iso_date("2026-03-02") == iso_date("2026-03-02T10:00:00+08:00") == date(2026, 3, 2)
    assert [iso_date(v) for v in (None, "", "03/02/2026", "2026-02-30")] == [None, None, None, None]
    assert [integer(v) for v in (5, "12", None, True, "x", 2.0)] == [5, 12, None, None, None, None]
