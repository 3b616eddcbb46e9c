"""Every event type of the catalogue (docs/events.md) reads as a Chinese line in the trail."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from services.supervision.trail.catalogue import SUMMARIES, summarize
from shared.envelope import Actor, Envelope, now_shanghai
from tests.helpers import make_event

pytestmark = pytest.mark.unit
DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def documented_types() -> set[str]:
    """Event types named in the catalogue's tables, with `a` / `b` / `c` shorthands expanded."""
    types: set[str] = set()
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `"):
            continue
        cell = line.split("|")[1]
        names = re.findall(r"`([a-z_]+(?:\.[a-z_]+)?)`", cell)
        service = names[0].split(".")[0]
        types.update(n if "." in n else f"{service}.{n}" for n in names)
    return types


def envelope(event_type: str, **payload: object) -> Envelope:
    now = now_shanghai()
    return Envelope(
        event_id=uuid.uuid4(),
        event_type=event_type,
        schema_version=1,
        case_id="c",
        stream_id="s",
        stream_version=1,
        occurred_at=now,
        recorded_at=now,
        producer=event_type.split(".")[0],
        actor=Actor.system("x"),
        court="黔01",
        correlation_id="c",
        payload=payload,
    )


def test_every_documented_event_type_has_a_summary() -> None:
    # court-wide records (court.clock_moved, court.calendar_loaded) travel on their own topics, not
    # in any case's trail: they need no trail line
    missing = {t for t in documented_types() if not t.startswith("court.")} - SUMMARIES.keys()
    assert len(documented_types()) > 40
    assert not missing


def test_a_summary_fills_in_the_payload_and_tolerates_missing_fields() -> None:
    payout = make_event("disposal.payout_approved", "c", amount_fen=500, proposed_by="a", approved_by="b")
    assert summarize(payout) == "执行款发放 500 分，制单 a，复核 b"
    objection = make_event("intake.objection_registered", "c", objection_case_id="o1", reviewers=["r1", "r2"])
    assert summarize(objection) == "执行异议立案 o1，审查人 r1、r2"
    # a producer that breaks the contract (fields missing) still reads as a line, not an error
    assert summarize(envelope("asset_search.control_lapsed")) == "控制措施到期失效：财产 ？（？）"
    assert summarize(envelope("someone.new_thing", x=1)) == "someone.new_thing"
