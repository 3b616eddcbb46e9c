"""Pure rules of asset_search: signatures, statutory periods, fees (given/when/then, no I/O)."""

from __future__ import annotations

from datetime import date

import pytest

from services.asset_search.agencies import signing
from services.asset_search.domain import rules

pytestmark = pytest.mark.unit
SECRET, OLD = "whsec_bmV3LXNlY3JldA==", "old-secret"
NOW = 1_800_000_000


def _verify(headers: dict[str, str], body: bytes, secrets: tuple[str, ...] = (OLD, SECRET), now: float = NOW) -> None:
    signing.verify(secrets, headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], body,
                   now=now, tolerance_s=300)


def test_a_signature_within_299_seconds_is_valid_and_one_301_seconds_old_is_not() -> None:
    body = b'{"outcome":"nothing_found"}'
    _verify(signing.signed_headers("a", SECRET, body, timestamp=NOW - 299), body)
    _verify(signing.signed_headers("a", SECRET, body, timestamp=NOW + 299), body)
    for ts in (NOW - 301, NOW + 301):
        with pytest.raises(signing.SignatureError) as err:
            _verify(signing.signed_headers("a", SECRET, body, timestamp=ts), body)
        assert err.value.code == "timestamp_out_of_window"


def test_either_secret_of_a_rotation_signs_validly_and_a_third_does_not() -> None:
    body = b"{}"
    _verify(signing.signed_headers("a", OLD, body, timestamp=NOW), body)
    _verify(signing.signed_headers("a", SECRET, body, timestamp=NOW), body)
    with pytest.raises(signing.SignatureError, match="签名无效"):
        _verify(signing.signed_headers("a", "third", body, timestamp=NOW), body)


def test_the_signature_covers_id_timestamp_and_body() -> None:
    body = b'{"a":1}'
    h = signing.signed_headers("a", SECRET, body, timestamp=NOW, message_id="msg_1")
    for changed in ({**h, "webhook-id": "msg_2"}, {**h, "webhook-timestamp": str(NOW - 1)}):
        with pytest.raises(signing.SignatureError):
            _verify(changed, body)
    with pytest.raises(signing.SignatureError):
        _verify(h, b'{"a":2}')
    _verify({**h, "webhook-signature": "v1,bm90LWl0 " + h["webhook-signature"]}, body)  # any listed v1 matches


def test_statutory_maximum_control_periods_per_asset_kind() -> None:
    start = date(2026, 3, 1)
    assert rules.max_expiry("bank_deposit", start) == date(2027, 3, 1)
    assert rules.max_expiry("vehicle", start) == date(2028, 3, 1)
    assert rules.max_expiry("real_estate", start) == date(2029, 3, 1)
    assert rules.max_expiry("equity", start) == date(2029, 3, 1)
    assert rules.max_expiry("bank_deposit", date(2028, 2, 29)) == date(2029, 2, 28)


def test_the_application_fee_is_progressive() -> None:
    assert rules.application_fee_fen(500_000) == 5_000  # 5,000 yuan → 50 yuan
    assert rules.application_fee_fen(1_000_000) == 5_000  # 10,000 yuan → 50 yuan
    assert rules.application_fee_fen(12_345_600) == 5_000 + 170_184  # 123,456 yuan: 50 + 1.5% × 113,456
    assert rules.application_fee_fen(100_000_000) == 5_000 + 735_000 + 500_000  # 1 million yuan


def test_a_lead_is_due_in_7_days_or_3_if_urgent_moved_past_rest_days() -> None:
    assert rules.lead_due(date(2026, 3, 2), urgent=False) == date(2026, 3, 9)  # Monday + 7 = Monday
    assert rules.lead_due(date(2026, 3, 2), urgent=True) == date(2026, 3, 5)
    assert rules.lead_due(date(2026, 3, 4), urgent=True) == date(2026, 3, 9)  # Saturday → Monday
    assert rules.lead_due(date(2026, 9, 28), urgent=True) > date(2026, 10, 7)  # National Day holiday


def test_after_zhongben_the_debtor_is_searched_every_6_months_for_5_years() -> None:
    dates = rules.research_dates(date(2026, 8, 31))
    assert len(dates) == 10
    assert dates[0] == date(2027, 2, 28) and dates[1] == date(2027, 8, 31) and dates[-1] == date(2031, 8, 31)


def test_the_same_account_written_differently_is_one_asset() -> None:
    a = rules.asset_id_for("case-1", "bank_deposit", "6222 0200 1234")
    assert a == rules.asset_id_for("case-1", "bank_deposit", "622202001234")
    assert a != rules.asset_id_for("case-2", "bank_deposit", "622202001234")
    assert rules.asset_id_for("c", "vehicle", "贵A·12345") == rules.asset_id_for("c", "vehicle", "贵a12345")
