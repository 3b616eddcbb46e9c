"""Objections (执行异议) name the assets claimed and only their panel decides; notices say how they are served."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from services.intake import events as ev
from services.intake.domain import CaseState
from services.intake.domain import commands as c
from shared.envelope import Actor, Envelope
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.events import REGISTRY
from tests.intake.helpers import decide, party, registered, run, who

pytestmark = pytest.mark.unit
PANEL = ("qz-rev-01", "qz-rev-02", "qz-rev-03")


def objected(*asset_ids: str) -> CaseState:
    cmd = c.RegisterObjection(who(), "obj-1", "（2026）黔01执异1号", party("person", name="案外人",
                              id_number="11010519491231002X"), "案涉车辆属于案外人", PANEL, frozenset(),
                              asset_ids)
    return run(registered(), cmd)


def test_an_objection_names_the_assets_claimed_once_each() -> None:
    cmd = c.RegisterObjection(who(), "obj-1", "（2026）黔01执异1号", party("person", name="案外人",
                              id_number="11010519491231002X"), "理由", PANEL, frozenset(), ("a-1", "a-2", "a-1"))
    events = decide(cmd, registered())
    assert isinstance(events[0], ev.ObjectionRegistered) and events[0].asset_ids == ["a-1", "a-2"]


@pytest.mark.parametrize("outcome", ["upheld", "rejected", "withdrawn"])
def test_a_panel_member_decides_or_records_the_withdrawal_and_the_event_names_the_assets(outcome: str) -> None:
    events = decide(c.DecideObjection(who("qz-rev-02"), "obj-1", outcome, "经审查"), objected("a-1"))
    [decided] = events
    assert isinstance(decided, ev.ObjectionDecided)
    assert (decided.objection_case_id, decided.outcome, decided.decided_by, decided.asset_ids) == (
        "obj-1", outcome, "qz-rev-02", ["a-1"])


def test_nobody_outside_the_panel_decides_an_objection() -> None:
    with pytest.raises(Forbidden) as err:
        decide(c.DecideObjection(who("qz-j-201"), "obj-1", "rejected", "经审查"), objected("a-1"))
    assert err.value.code == "not_objection_reviewer" and err.value.rule == "互相制约-8"


def test_an_unknown_or_decided_objection_is_refused() -> None:
    with pytest.raises(NotFound):
        decide(c.DecideObjection(who("qz-rev-01"), "obj-9", "rejected", "经审查"), objected())
    done = run(objected(), c.DecideObjection(who("qz-rev-01"), "obj-1", "withdrawn", "异议人撤回"))
    with pytest.raises(Conflict) as err:
        decide(c.DecideObjection(who("qz-rev-02"), "obj-1", "upheld", "经审查"), done)
    assert err.value.code == "objection_already_decided"


def test_a_version_1_objection_is_upcast_with_no_assets() -> None:
    t = datetime(2026, 3, 2, tzinfo=ZoneInfo("Asia/Shanghai"))
    env = Envelope(event_id=uuid.uuid4(), event_type="intake.objection_registered", schema_version=1, case_id="c",
                   stream_id="s", stream_version=1, occurred_at=t, recorded_at=t, producer="intake",
                   actor=Actor.system("intake"), court="黔01", correlation_id="x", payload={
                       "objection_case_id": "o", "objection_case_number": "n",
                       "objector": party("person", name="案外人", id_number="11010519491231002X").model_dump(),
                       "grounds": "g", "reviewers": list(PANEL), "registered_by": "clerk"})
    parsed = REGISTRY.parse(env)
    assert isinstance(parsed, ev.ObjectionRegistered) and parsed.asset_ids == []


RECIPIENT = ev.Recipient(kind="person", name="王某", address="贵阳市南明区某路 1 号")


def test_a_notice_served_by_hand_names_its_recipient_and_region_and_the_issued_notice_carries_them() -> None:
    state = run(registered(), c.PrepareNotice(who("affairs-1"), "n1", "enforcement_notice", "ab" * 32, "by_hand",
                                              RECIPIENT, "520102"))
    [issued] = decide(c.SignNotice(who("qz-j-201"), "n1"), state)
    assert isinstance(issued, ev.NoticeIssued)
    assert (issued.service_method, issued.recipient, issued.region) == ("by_hand", RECIPIENT, "520102")


def test_by_hand_without_recipient_or_region_is_refused_naming_both_fields() -> None:
    with pytest.raises(InvalidInput) as err:
        decide(c.PrepareNotice(who("affairs-1"), "n1", "enforcement_notice", "ab" * 32, "by_hand"), registered())
    assert {e["field"] for e in err.value.errors} == {"recipient", "region"}


def test_an_electronic_notice_carries_no_recipient_and_v1_notices_are_upcast() -> None:
    state = run(registered(), c.PrepareNotice(who("affairs-1"), "n1", "blacklisting", "ab" * 32, "electronic",
                                              RECIPIENT, "520102"))
    [issued] = decide(c.SignNotice(who("qz-j-201"), "n1"), state)
    assert issued.service_method == "electronic" and issued.recipient is None and issued.region is None
    t = datetime(2026, 3, 2, tzinfo=ZoneInfo("Asia/Shanghai"))
    env = Envelope(event_id=uuid.uuid4(), event_type="intake.notice_issued", schema_version=1, case_id="c",
                   stream_id="s", stream_version=1, occurred_at=t, recorded_at=t, producer="intake",
                   actor=Actor.system("intake"), court="黔01", correlation_id="x", payload={
                       "notice_id": "n", "notice_kind": "blacklisting", "document_hash": "h", "prepared_by": "a",
                       "signed_by": "j"})
    parsed = REGISTRY.parse(env)
    assert isinstance(parsed, ev.NoticeIssued) and parsed.service_method is None
