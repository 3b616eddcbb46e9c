"""Pure decisions: an on-site seizure becomes an asset and an effective control; every control names
who requested it; old events are upcast."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from services.asset_search import events as ev
from services.asset_search.consumer import on_site_command
from services.asset_search.domain import commands as c
from services.asset_search.domain.commands import RecordOnSiteSeizure
from services.asset_search.domain.decider import SearchFileDecider, given
from services.asset_search.domain.on_site import on_site_control_id
from shared.envelope import Actor, Envelope
from shared.errors import Conflict
from shared.events import REGISTRY

pytestmark = pytest.mark.unit
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DECIDER = SearchFileDecider()
FACTS = c.CaseFacts(court="黔01", judge_id="judge-1", claim_amount_fen=100_000_000)


def seizure(kind: str = "vehicle", asset_id: str = "fa-1", seal: date = date(2026, 3, 2)) -> RecordOnSiteSeizure:
    return RecordOnSiteSeizure(
        asset_id=asset_id, asset_kind=kind, description="白色轿车", identifier="贵A12345", location="花溪区某仓库",
        value_fen=8_000_000, seized_by="fo-4a", seal_date=seal, task_id="task-1", instruction_id="ins-1",
        judge_id="judge-1", raw_hash="h",
    )


def test_an_on_site_seizure_records_the_asset_and_an_effective_control_by_the_field_officer() -> None:
    out = list(DECIDER.decide(seizure(), given()))
    assert [e.event_type for e in out] == ["asset_search.field_asset_recorded", "asset_search.control_ordered",
                                           "asset_search.control_confirmed"]
    ordered, confirmed = out[1], out[2]
    assert isinstance(ordered, ev.ControlOrdered) and isinstance(confirmed, ev.ControlConfirmed)
    assert ordered.control_id == confirmed.control_id == on_site_control_id("fa-1")
    assert ordered.origin == "on_site" and ordered.agency_id == ev.FIELD_AGENCY
    assert ordered.requested_by == ordered.judge_id == "judge-1" and ordered.measure == "seize"
    assert confirmed.controlled_by == "fo-4a" and confirmed.controller_kind == "officer"
    assert confirmed.requested_by == "judge-1" and confirmed.effective_date == date(2026, 3, 2)
    # 民诉法解释 art. 485: vehicles (movables) 2 years from the seal date
    assert confirmed.expiry_date == date(2028, 3, 2)


@pytest.mark.parametrize(("kind", "years", "measure"), [
    ("real_estate", 3, "seize"), ("bank_deposit", 1, "freeze"), ("movable", 2, "seize"), ("equity", 3, "freeze"),
])
def test_the_statutory_period_and_measure_follow_the_asset_kind(kind: str, years: int, measure: str) -> None:
    confirmed = list(DECIDER.decide(seizure(kind), given()))[-1]
    assert isinstance(confirmed, ev.ControlConfirmed)
    assert confirmed.expiry_date == date(2026 + years, 3, 2) and confirmed.measure == measure


def test_a_redelivered_seizure_changes_nothing() -> None:
    first = list(DECIDER.decide(seizure(), given()))
    assert list(DECIDER.decide(seizure(), given(*first))) == []


def test_an_on_site_control_is_not_renewed_through_an_agency_nor_controlled_again_online() -> None:
    state = given(*DECIDER.decide(seizure(), given()))
    ruling = c.Ruling("judge-1", "黔01", FACTS, "（2026）黔01执1号之一")
    with pytest.raises(Conflict) as renewal:
        DECIDER.decide(c.OrderRenewal(control_id=on_site_control_id("fa-1"), ruling=ruling, today=date(2026, 4, 1)),
                       state)
    assert renewal.value.code == "renewal_needs_field_instruction"
    with pytest.raises(Conflict) as again:
        DECIDER.decide(c.OrderControl("c-2", "fa-1", "impound", None, None, ruling), state)
    assert again.value.code == "asset_seized_on_site"


def test_the_judge_may_release_an_on_site_seizure() -> None:
    state = given(*DECIDER.decide(seizure(), given()))
    ruling = c.Ruling("judge-1", "黔01", FACTS, "（2026）黔01执1号之二")
    out = DECIDER.decide(c.ReleaseControl(on_site_control_id("fa-1"), "案外人异议成立", ruling), state)
    assert [e.event_type for e in out] == ["asset_search.control_released"]


def test_an_agency_control_names_the_judge_who_requested_it_and_the_agency_that_did_it() -> None:
    found = [
        ev.QueryDispatched(query_id="q1", agency_id="bank", agency_kind="bank_deposit", channel="push", round=1,
                           reason="case_assigned", subject=ev.Subject(kind="person", name="王某", id_number="x"),
                           dispatched_at=T0, due_at=T0),
    ]
    answered = DECIDER.decide(c.RecordAnswer(
        case_id="case-1", query_id="q1", agency_id="bank", outcome="found",
        items=(ev.FoundItem(asset_kind="bank_deposit", identifier="6222 0001", value_fen=1_000_000),),
        raw_hash="h", message_id="m", now=T0), given(*found))
    state = given(*found, *answered)
    asset_id = next(e.asset_id for e in answered if isinstance(e, ev.AssetFound))
    ordered = DECIDER.decide(c.OrderControl("c-1", asset_id, "freeze", 1_000_000, None,
                                              c.Ruling("judge-1", "黔01", FACTS, "裁定1")), state)
    assert ordered[0].requested_by == "judge-1"  # type: ignore[attr-defined]
    confirmed = DECIDER.decide(c.ConfirmControl("c-1", "bank", "effective", date(2026, 3, 2), None, 1_000_000,
                                                  None, None, "h"), given(*found, *answered, *ordered))
    assert confirmed[0].requested_by == "judge-1" and confirmed[0].controller_kind == "agency"  # type: ignore[attr-defined]
    assert confirmed[0].controlled_by == "bank"  # type: ignore[attr-defined]


def _v1(event_type: str, payload: dict[str, object]) -> Envelope:
    return Envelope(event_id=uuid.uuid4(), event_type=event_type, schema_version=1, case_id="c", stream_id="s",
                    stream_version=1, occurred_at=T0, recorded_at=T0, producer="asset_search",
                    actor=Actor.system("asset_search"), court="黔01", correlation_id="x", payload=payload)


def test_version_1_control_events_are_upcast() -> None:
    ordered = REGISTRY.parse(_v1("asset_search.control_ordered", {
        "control_id": "c", "asset_id": "a", "asset_kind": "vehicle", "measure": "seize", "amount_limit_fen": None,
        "control_value_fen": 1, "judge_id": "judge-1", "ruling_number": "r", "agency_id": "dmv"}))
    assert isinstance(ordered, ev.ControlOrdered) and ordered.requested_by == "judge-1" and ordered.origin == "ruling"
    confirmed = REGISTRY.parse(_v1("asset_search.control_confirmed", {
        "control_id": "c", "asset_id": "a", "asset_kind": "vehicle", "measure": "seize",
        "effective_date": "2026-03-02", "expiry_date": "2028-03-02", "amount_fen": None, "queue_position": None,
        "controlled_by": "dmv", "raw_hash": "h"}))
    assert isinstance(confirmed, ev.ControlConfirmed)
    assert confirmed.controller_kind == "agency" and confirmed.requested_by is None


def test_field_ops_payload_becomes_a_command_and_an_unusable_one_is_skipped() -> None:
    payload = {"asset_id": "fa-1", "asset_kind": "vehicle", "description": "轿车", "seized_by": "fo-4a",
               "seal_date": "2026-03-02", "task_id": "t", "instruction_id": "i", "judge_id": "judge-1",
               "value_fen": None, "evidence": ["ab"]}
    command = on_site_command(payload)
    assert command is not None and command.seal_date == date(2026, 3, 2) and command.value_fen is None
    assert on_site_command({**payload, "asset_kind": "spaceship"}) is None
    assert on_site_command({**payload, "seal_date": "soon"}) is None
