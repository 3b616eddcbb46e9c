"""互相制约-5 and -4, and the price_start node, over an imported disposal (docs/import.md §6): judged on
what was imported and by its business dates. Pure."""

from __future__ import annotations

from datetime import date

import pytest

from services.supervision.domain.calendar import HolidayCalendar
from services.supervision.domain.deadlines import compute
from services.supervision.domain.ruleset import Context, check_case
from services.supervision.settings import DeadlineSettings
from tests.supervision.helpers import History

pytestmark = pytest.mark.unit
CTX = Context(HolidayCalendar(), DeadlineSettings())


def _decided(h: History, disposal: str, asset: str) -> None:
    h.add("asset_search.control_confirmed", "search-1", "search_officer", control_id=f"c-{asset}", asset_id=asset,
          asset_kind="real_estate", measure="seize")
    h.add("disposal.disposal_decided", "judge-1", "judge", judge_id="judge-1", disposal_id=disposal, asset_id=asset,
          asset_kind="real_estate", asset_class="real_estate_or_rights", control_ids=[f"c-{asset}"])
    h.add("disposal.reference_price_fixed", "imp-1", "importer", disposal_id=disposal, amount_fen=1_000_000,
          valid_until="2027-01-01")


def _round(h: History, disposal: str, rnd: int, start: int, announced: str, first: str, last: str,
           role: str = "importer") -> None:
    h.add("disposal.auction_scheduled", "imp-1", role, auction_id=f"{disposal}-{rnd}", disposal_id=disposal, round=rnd,
          starting_price_fen=start, deposit_fen=start // 10, announcement_start=announced,
          bidding_start=f"{first}T10:00:00+08:00", bidding_end=f"{last}T10:00:00+08:00")


def _messages(h: History) -> list[str]:
    return [f.message for f in check_case(h.entries, CTX) if f.rule_id == "互相制约-5"]


def test_an_imported_round_is_short_when_it_ends_the_day_it_starts_and_lawful_over_a_day() -> None:
    h = History().opened()
    _decided(h, "d1", "a1")
    _round(h, "d1", 1, 700_000, "2025-03-01", "2025-04-01", "2025-04-02")
    assert _messages(h) == []
    _round(h, "d1", 2, 560_000, "2025-04-10", "2025-04-26", "2025-04-26")
    [message] = _messages(h)
    assert message == "拍卖不合规：竞价时间不足24小时"


def test_an_imported_later_round_is_compared_with_its_own_disposals_previous_round() -> None:
    """Imported disposals reach the trail one after another; a round 2 is cut from its own round 1,
    not from another asset's round that came between."""
    h = History().opened()
    _decided(h, "d1", "a1")
    _decided(h, "d2", "a2")
    _round(h, "d1", 1, 700_000, "2025-03-01", "2025-04-01", "2025-04-02")
    _round(h, "d2", 1, 2_000_000, "2025-03-01", "2025-04-01", "2025-04-02")
    _round(h, "d1", 2, 560_000, "2025-04-10", "2025-04-26", "2025-04-27")
    assert [m for m in _messages(h) if "降价" in m] == []
    _round(h, "d2", 2, 1_500_000, "2025-04-10", "2025-04-26", "2025-04-27")  # 25 % below its own round 1
    assert [m for m in _messages(h) if "降价" in m] == ["拍卖不合规：再次拍卖降价超过前次起拍价的20%"]


# 互相制约-4 v4 and the price_start node over an imported disposal: judged by business dates, though the
# disposal's part reaches the trail after asset_search's (the seizure's release included).
def _imported_seizure_then_released(h: History) -> None:
    h.on(date(2025, 4, 3)).add("asset_search.control_confirmed", "imp-1", "importer", control_id="c1", asset_id="a1",
                               asset_kind="real_estate", measure="seize", effective_date="2025-04-03")
    h.on(date(2025, 8, 25)).add("asset_search.control_released", "imp-1", "importer", control_id="c1", asset_id="a1")


def _decided_on(h: History, day: date) -> None:
    h.on(day).add("disposal.disposal_decided", "imp-1", "importer", judge_id="judge-1", disposal_id="d1",
                  asset_id="a1", asset_kind="real_estate", asset_class="real_estate_or_rights", control_ids=["c1"],
                  decided_on=day.isoformat())


def test_an_imported_decision_is_judged_on_its_day_not_on_the_trail_order() -> None:
    h = History().opened()
    _imported_seizure_then_released(h)
    _decided_on(h, date(2025, 5, 20))  # 47 days after the seizure: late, but under control that day
    assert [f.message for f in check_case(h.entries, CTX) if f.rule_id == "互相制约-4"] == []
    [price_start] = [n for n in compute(h.entries, DeadlineSettings(), HolidayCalendar()) if n.node == "price_start"]
    assert (price_start.start, price_start.completed_on) == (date(2025, 4, 3), date(2025, 5, 20))
    late = History().opened()
    _imported_seizure_then_released(late)
    _decided_on(late, date(2025, 9, 1))  # after the release
    [finding] = [f for f in check_case(late.entries, CTX) if f.rule_id == "互相制约-4"]
    assert "决定处置时（2025-09-01）财产 a1 不在本案控制之下（按导入的业务日期）" == finding.message
