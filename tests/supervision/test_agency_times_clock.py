"""Agencies' response times across a move of the drill clock (docs/import.md §6, docs/rules.md §8):
the court time the clock skipped is not the agency's. Pure."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from services.supervision.domain.entries import Entry
from services.supervision.indicators import agencies as ag
from services.supervision.indicators import figures as ind
from shared.clock import SHANGHAI
from tests.supervision.helpers import History

pytestmark = pytest.mark.unit
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
PERIOD = ind.Period(date(2026, 3, 1), date(2026, 3, 31))
HOUR = 3600


def _pair(h: History, query: str, answered_after_s: int, role: str | None = None) -> None:
    def at(entry: Entry, seconds: int) -> None:
        h.entries[h.entries.index(entry)] = replace(entry, occurred_at=T0 + timedelta(seconds=seconds))

    at(h.add("asset_search.query_dispatched", "system", role, query_id=query, agency_id="re-1",
             agency_kind="real_estate"), 0)
    at(h.add("asset_search.agency_answered", "system", role, query_id=query, agency_id="re-1", outcome="found",
             late=False), answered_after_s)


def test_a_month_skipped_by_the_drill_clock_is_not_the_agencys_time() -> None:
    h = History("Q", date(2026, 3, 2))
    _pair(h, "q1", 31 * 24 * HOUR)  # answered two hours of court time after the clock moved on a month
    month = [(T0 + timedelta(hours=1), T0 + timedelta(days=31, hours=-1))]
    [row] = ag.agency_response_times(h.entries, PERIOD, month)
    assert row["max_seconds"] == 2 * HOUR
    [unmoved] = ag.agency_response_times(h.entries, PERIOD)  # no move: the whole interval counts
    assert unmoved["max_seconds"] == 31 * 24 * HOUR


def test_a_move_outside_the_wait_and_an_imported_pair_count_whole() -> None:
    h = History("Q", date(2026, 3, 2))
    _pair(h, "q1", 5 * HOUR)
    later = [(T0 + timedelta(days=3), T0 + timedelta(days=40))]
    assert ag.agency_response_times(h.entries, PERIOD, later)[0]["max_seconds"] == 5 * HOUR
    imported = History("Q", date(2026, 3, 2))
    _pair(imported, "q1", 8 * 24 * HOUR, role="importer")  # the old system's eight days: they passed
    over = [(T0 + timedelta(days=1), T0 + timedelta(days=6))]
    assert ag.agency_response_times(imported.entries, PERIOD, over)[0]["max_seconds"] == 8 * 24 * HOUR
    assert ag.skipped_seconds(T0, T0 + timedelta(days=2), over) == 24 * HOUR
