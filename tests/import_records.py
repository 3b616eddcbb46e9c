"""Import records with every section (docs/import.md §1, §1b), for the import tests of each service."""

from __future__ import annotations

import copy
from typing import Any

# A 终本 case of 黔01 registered 3 March 2025: searched in the old system, a bank account frozen and
# partly deducted, a flat seized then released, money received and paid out in two steps.
SECTIONS: dict[str, Any] = {
    "search": {"date": "2025-03-21", "answered_on": "2025-03-28"},
    "controls": [
        {"asset": {"kind": "bank_deposit", "identifier": "6222 0001 2345 678"}, "measure": "freeze",
         "ruling_number": "（2025）黔01执1234号之一", "ordered_on": "2025-03-31", "effective_date": "2025-04-01",
         "expiry_date": "2026-04-01", "amount_limit_fen": 1_000_000, "amount_fen": 300_000},
        {"asset": {"kind": "bank_deposit", "identifier": "6222 0001 2345 678"}, "measure": "deduct",
         "ruling_number": "（2025）黔01执1234号之二", "ordered_on": "2025-04-10", "effective_date": "2025-04-11",
         "amount_limit_fen": 300_000, "amount_fen": 300_000},
        {"asset": {"kind": "real_estate", "identifier": "黔(2019)贵阳市不动产权第0012345号", "value_fen": 80_000_000},
         "measure": "seize", "ruling_number": "（2025）黔01执1234号之三", "ordered_on": "2025-04-02",
         "effective_date": "2025-04-03", "expiry_date": "2028-04-02",
         "renewals": [], "released": {"date": "2025-08-25", "reason": "案外人异议成立，解除查封"}},
    ],
    "receipts": [{"received_on": "2025-04-11", "amount_fen": 300_000, "source": "bank_deduction"},
                 {"received_on": "2025-06-02", "amount_fen": 50_000, "source": "voluntary_payment", "payer": "王某"}],
    "payouts": [
        {"paid_on": "2025-05-20", "amount_fen": 300_000, "proposed_by": "qz-fin-01", "approved_by": "qz-fin-02"},
        {"paid_on": "2025-06-10", "amount_fen": 50_000, "proposed_by": "qz-fin-01", "approved_by": "qz-fin-02"}],
}

# The seized flat (controls[2]) disposed of in the old system: decided 47 days after the seizure (late:
# 30 days, 参考价规定 art. 1), valued, two unsold rounds, the disposal released before the seizure was.
DISPOSAL: dict[str, Any] = {
    "control": 2, "decided_on": "2025-05-20",
    "price": {"method": "valuation", "fixed_on": "2025-06-10", "amount_fen": 80_000_000, "fixed_by": "qz-dsp-01"},
    "auctions": [
        {"platform": "淘宝网司法拍卖", "announced_on": "2025-06-16", "start_date": "2025-07-17",
         "end_date": "2025-07-18", "starting_price_fen": 60_000_000, "deposit_fen": 6_000_000, "result": "unsold"},
        {"platform": "淘宝网司法拍卖", "announced_on": "2025-07-25", "start_date": "2025-08-10",
         "end_date": "2025-08-11", "starting_price_fen": 48_000_000, "deposit_fen": 4_800_000,
         "increment_fen": 100_000, "result": "unsold"},
    ],
    "release": {"date": "2025-08-22", "reason": "两次流拍，申请执行人不接受以物抵债"},
}


def with_sections(record: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """``record`` with the sections above (and ``overrides`` of them)."""
    return {**copy.deepcopy(record), **copy.deepcopy(SECTIONS), **overrides}


def zhongben_record(seq: int, **overrides: Any) -> dict[str, Any]:
    """A closed 终本 case of 黔01, ``（2025）黔01执<seq>号``, with every section (HTTP tests: a random high
    ``seq`` of their own)."""
    from tests.intake.test_import_records import record

    rec = with_sections(record(case_number=f"（2025）黔01执{seq}号"))
    rec["notices"].append({"kind": "consumption_restriction", "signed_on": "2025-03-21", "prepared_by": "qz-aff-01"})
    rec.update(overrides)
    return rec


def ndjson(records: list[dict[str, Any]]) -> bytes:
    import json

    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
