"""Findings only grow: what the checks find on a prefix of a trail they find on the whole trail.

The live consumer checks a case's trail after each batch and keeps every finding (findings are never
withdrawn); a rebuild checks each trail once, whole, and must find the same (it refuses to swap
otherwise). So every rule must find on the whole trail what it found on any prefix of it. Checked
here over every case of the contract course (the events each producer's own code makes), at every
prefix, and over the same trails with a panel member's act inserted during an objection's review.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

import pytest

from services.supervision.domain.calendar import HolidayCalendar
from services.supervision.domain.entries import Entry
from services.supervision.domain.findings import Context
from services.supervision.settings import DeadlineSettings
from services.supervision.trail.checks import check_trail
from shared.envelope import Envelope
from tests.contract.helpers import produced

pytestmark = pytest.mark.unit
CTX = Context(HolidayCalendar.with_years([]), DeadlineSettings())


def entries_of(envelopes: list[Envelope]) -> list[Entry]:
    return [
        Entry(seq, str(e.event_id), e.event_type, e.occurred_at, e.actor.kind, e.actor.id, e.actor.role,
              dict(e.payload), str(e.causation_id) if e.causation_id else None, e.case_id, 0, seq)
        for seq, e in enumerate(envelopes, start=1)
    ]


def trails() -> dict[str, list[Envelope]]:
    by_case: dict[str, list[Envelope]] = defaultdict(list)
    for envelope in produced():
        by_case[envelope.case_id].append(envelope)
    return by_case


def assert_grows(case_id: str, entries: list[Entry]) -> None:
    whole = {f.finding_id for f in check_trail(case_id, "黔01", entries, CTX).findings}
    for n in range(1, len(entries)):
        prefix = {f.finding_id: f for f in check_trail(case_id, "黔01", entries[:n], CTX).findings}
        lost = [f"{f.rule_id}: {f.message}" for i, f in prefix.items() if i not in whole]
        assert not lost, (f"case {case_id}: found after event {n} ({entries[n - 1].event_type})"
                          f" but not on the whole trail: {lost}")


def test_every_course_trail_finds_on_the_whole_what_it_found_on_each_prefix() -> None:
    cases = trails()
    assert len(cases) >= 3
    for case_id, envelopes in cases.items():
        assert_grows(case_id, entries_of(envelopes))


def test_a_reviewers_act_during_the_review_is_kept_when_the_same_reviewer_decides() -> None:
    for case_id, envelopes in trails().items():
        entries = entries_of(envelopes)
        registered = [i for i, e in enumerate(entries) if e.event_type == "intake.objection_registered"]
        if not registered:
            continue
        i = registered[0]
        reviewer = str((entries[i].payload.get("reviewers") or ["rev-x"])[0])
        act = Entry(0, str(uuid.uuid4()), "asset_search.lead_recorded", entries[i].occurred_at, "officer", reviewer,
                    "search_officer", {"lead_id": "L-grow"}, None, case_id)
        trail = [*entries[: i + 1], act, *entries[i + 1:]]
        trail = [Entry(n, e.event_id, e.event_type, e.occurred_at, e.actor_kind, e.actor_id, e.actor_role,
                       e.payload, e.causation_id, case_id, 0, n) for n, e in enumerate(trail, start=1)]
        assert any(f.rule_id == "互相制约-8" for f in check_trail(case_id, "黔01", trail, CTX).findings)
        assert_grows(case_id, trail)
        return
    pytest.fail("the contract course has no objection to review")
