"""The ``disposals[]`` section of an import record (docs/import.md §1b, §2d), pure: its checks (shared by
intake and disposal) and the events disposal writes of it."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from services.asset_search.domain.rules import asset_id_for
from services.disposal.domain.state import DisposalState, evolve
from services.disposal.importing import plan
from services.intake.importing.records import plan as intake_plan
from shared.import_sections import read_case
from shared.importing import RecordRefused, item_id
from tests.import_records import DISPOSAL, with_sections
from tests.intake.test_import_records import WHO, record

TODAY = date(2026, 12, 4)
NUMBER = "（2025）黔01执1234号"


def with_disposal(**changes: Any) -> dict[str, Any]:
    d = {**copy.deepcopy(DISPOSAL), **changes}
    return with_sections(record(), disposals=[d])


def errors(rec: dict[str, Any]) -> set[tuple[str, str]]:
    with pytest.raises(RecordRefused) as refused:
        read_case(rec, "黔01", TODAY)
    return {(e["field"], e["code"]) for e in refused.value.errors}


def test_a_disposal_becomes_the_events_of_a_live_disposal_in_its_own_stream() -> None:
    p = plan(with_disposal(), "黔01", TODAY, "imp-1")
    [(stream, events)] = p.more
    disposal_id = item_id("disposal", "黔01", NUMBER, "0")
    assert stream == f"disposal.disposal:{disposal_id}"
    assert [(step, day.isoformat(), e.event_type.split(".")[1]) for step, day, e in events] == [
        ("disposal:0:decided", "2025-05-20", "disposal_decided"),
        ("disposal:0:price", "2025-06-10", "reference_price_fixed"),
        ("disposal:0:auction:1:terms", "2025-06-16", "auction_terms_fixed"),
        ("disposal:0:auction:1:scheduled", "2025-06-16", "auction_scheduled"),
        ("disposal:0:auction:1:ended", "2025-07-18", "auction_ended"),
        ("disposal:0:auction:2:terms", "2025-07-25", "auction_terms_fixed"),
        ("disposal:0:auction:2:scheduled", "2025-07-25", "auction_scheduled"),
        ("disposal:0:auction:2:ended", "2025-08-11", "auction_ended"),
        ("disposal:0:concluded", "2025-08-22", "disposal_concluded"),
    ]
    decided = events[0][2]
    case_id = p.case_id
    # the asset and the control asset_search imported for controls[2]
    assert decided.asset_id == asset_id_for(case_id, "real_estate", "黔(2019)贵阳市不动产权第0012345号")  # type: ignore[attr-defined]
    assert decided.control_ids == [item_id("control", "黔01", NUMBER, "2")]  # type: ignore[attr-defined]
    assert (decided.judge_id, decided.asset_class) == ("qz-j-201", "real_estate_or_rights")  # type: ignore[attr-defined]
    first = events[3][2]
    assert first.bidding_start.isoformat() == "2025-07-17T10:00:00+08:00"  # type: ignore[attr-defined]
    assert (first.deposit_fen, first.increment_fen, first.scheduled_by) == (6_000_000, 0, "imp-1")  # type: ignore[attr-defined]
    state = DisposalState()
    for _, _, e in events:
        state = evolve(state, e)
    assert state.outcome == "released"
    # the same record, the same ids and content: a rerun has nothing new
    again = plan(with_disposal(), "黔01", TODAY, "imp-2")
    assert again.record_hash == p.record_hash and [s for s, _, _ in again.more[0][1]] == [s for s, _, _ in events]


def test_the_money_hash_stays_the_same_without_disposals() -> None:
    """Money imported before the disposals existed stays "unchanged" on a rerun."""
    with_money = with_sections(record())
    assert plan(with_money, "黔01", TODAY, "imp-1").record_hash == plan(
        with_sections(record(), disposals=[]), "黔01", TODAY, "imp-1").record_hash
    assert plan(with_money, "黔01", TODAY, "imp-1").more == []


def test_a_sold_round_and_its_ruling_conclude_the_disposal() -> None:
    rounds = copy.deepcopy(DISPOSAL["auctions"])
    rounds[1].update(result="sold", price_fen=66_000_000, buyer="张某")
    p = plan(with_disposal(auctions=rounds, release=None, sale_ruling={"signed_on": "2025-08-15"}),
             "黔01", TODAY, "imp-1")
    tail = [(e.event_type.split(".")[1], getattr(e, "outcome", None), getattr(e, "price_fen", None))
            for _, _, e in p.more[0][1][-3:]]
    assert tail == [("auction_ended", None, 66_000_000), ("sale_ruling_signed", None, 66_000_000),
                    ("disposal_concluded", "sold", 66_000_000)]


@pytest.mark.parametrize(("change", "expected"), [
    ({"control": 7}, ("disposals.0.control", "no_such_control")),
    ({"control": 0}, ("disposals.0.control", "not_disposable")),  # a frozen account is deducted, not sold
    ({"decided_on": "2025-04-01"}, ("disposals.0.decided_on", "before_control")),
    ({"price": None}, ("disposals.0.price", "required")),
    ({"sale_ruling": {"signed_on": "2025-08-30"}}, ("disposals.0.sale_ruling", "nothing_sold")),
    ({"offset_in_kind": {"date": "2025-08-23", "price_fen": 60_000_000}},
     ("disposals.0.release", "more_than_one_outcome")),
    ({"release": {"date": "2025-09-02"}}, ("disposals.0.release.date", "after_closure")),
    ({"release": {"date": "2026-12-05"}}, ("disposals.0.release.date", "future_date")),
])
def test_a_wrong_disposal_is_refused_naming_its_field(change: dict[str, Any], expected: tuple[str, str]) -> None:
    assert expected in errors(with_disposal(**change))


def test_rounds_in_order_and_a_sold_round_needs_its_price_and_buyer() -> None:
    rounds = copy.deepcopy(DISPOSAL["auctions"])
    rounds[0].update(result="sold")
    rounds[1]["start_date"] = "2025-07-20"  # before its announcement of the 25th
    found = errors(with_disposal(auctions=rounds))
    assert {("disposals.0.auctions.0.price_fen", "required"), ("disposals.0.auctions.0.result", "after_sale"),
            ("disposals.0.auctions.1.start_date", "out_of_order")} <= found
    missing_deposit = copy.deepcopy(DISPOSAL["auctions"])
    del missing_deposit[0]["deposit_fen"]  # rule 5 judges it: never defaulted
    assert ("disposals.0.auctions.0.deposit_fen", "missing") in errors(with_disposal(auctions=missing_deposit))


def test_intake_refuses_the_whole_record_for_a_wrong_disposal() -> None:
    from services.intake.importing import records

    assert records is not None
    rec = with_disposal(control=7)
    with pytest.raises(RecordRefused) as refused:
        intake_plan(rec, WHO)
    assert ("disposals.0.control", "no_such_control") in {(e["field"], e["code"]) for e in refused.value.errors}
    intake_plan(with_disposal(), WHO)  # a right one goes through intake
