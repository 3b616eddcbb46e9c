"""终结执行 (and 销案, 不予执行, 驳回申请) while things are still moving (issue 14, item 4): supervision's
rule 10 v2 finds such a closure with a control still in effect or a disposal still open; 终本 keeps its
controls and 执行完毕 releases them afterwards, so neither is found. v3: an imported closure, which reaches
the trail before the imported controls and disposals, is judged by business dates."""

from __future__ import annotations

from datetime import date

import pytest

from services.supervision.domain.calendar import HolidayCalendar
from services.supervision.domain.ruleset import Context, check_case
from services.supervision.settings import DeadlineSettings
from tests.supervision.helpers import History

pytestmark = pytest.mark.unit
CTX = Context(HolidayCalendar(), DeadlineSettings())


def rule_10(h: History) -> list:
    return [f for f in check_case(h.entries, CTX) if f.rule_id == "互相制约-10"]


def moving() -> History:
    h = History().opened()
    h.add("asset_search.control_confirmed", "system", control_id="C1", asset_id="A1", measure="seize",
          effective_date="2026-01-06", expiry_date="2029-01-05")
    h.add("disposal.disposal_decided", "judge-1", "judge", disposal_id="D1", asset_id="A1")
    return h


def closed(h: History, kind: str) -> None:
    h.add("intake.case_closed", "chief-1", "bureau_chief", closure_type=kind, judge_id="judge-1",
          approved_by="chief-1")


def test_a_termination_with_a_control_in_effect_and_a_disposal_open_is_found() -> None:
    h = moving()
    closed(h, "终结执行")
    [f] = rule_10(h)
    assert f.message == "终结执行结案时控制措施 C1 未解除，财产处置 D1 未结束"
    assert f.people == ("chief-1", "judge-1") and f.rule_version == 3


def test_a_termination_after_release_and_conclusion_is_no_finding() -> None:
    h = moving()
    h.add("disposal.disposal_concluded", "judge-1", "judge", disposal_id="D1", asset_id="A1", outcome="released")
    h.add("asset_search.control_released", "judge-1", "judge", control_id="C1", asset_id="A1")
    closed(h, "终结执行")
    assert rule_10(h) == []


@pytest.mark.parametrize("kind", ["终本", "执行完毕"])
def test_zhongben_and_paid_closures_are_not_judged_by_this_check(kind: str) -> None:
    h = moving()
    closed(h, kind)
    assert [f for f in rule_10(h) if "结案时" in f.message] == []


# ---- v3: an imported closure judged by business dates (docs/import.md §6) --------------------------------
# The record's parts reach the trail as blocks: intake's closure first, then asset_search's controls (in date
# order), then disposal's disposals.

IMPORTER = ("imp-1", "importer")


def imported_closure(day: date = date(2026, 6, 1), kind: str = "终结执行") -> History:
    h = History(start=date(2026, 1, 5)).opened()
    h.on(day).add("intake.case_closed", *IMPORTER, closure_type=kind, judge_id="judge-1", approved_by="chief-1",
                  closed_on=day.isoformat())
    return h


def confirmed(h: History, control: str, effective: date, expiry: str = "2029-01-05") -> None:
    h.on(effective).add("asset_search.control_confirmed", *IMPORTER, control_id=control, asset_id="A1",
                        measure="seize", effective_date=effective.isoformat(), expiry_date=expiry)


def test_an_imported_termination_with_a_control_still_in_effect_on_its_day_is_found() -> None:
    h = imported_closure()
    confirmed(h, "C1", date(2026, 2, 1))
    assert rule_10(h) == []  # asset_search's part has not got past the closure's day: not judged yet
    h.on(date(2026, 7, 1)).add("asset_search.control_released", *IMPORTER, control_id="C1", asset_id="A1")
    [f] = rule_10(h)
    assert f.message == "终结执行结案时（2026-06-01）控制措施 C1 未解除（按导入的业务日期）"
    assert f.people == ("chief-1", "judge-1") and f.rule_version == 3


def test_an_imported_termination_after_the_release_by_date_is_no_finding() -> None:
    h = imported_closure()
    confirmed(h, "C1", date(2026, 2, 1))
    h.on(date(2026, 6, 1)).add("asset_search.control_released", *IMPORTER, control_id="C1", asset_id="A1")
    confirmed(h, "C2", date(2026, 6, 2))  # effective the day after the closure
    h.on(date(2026, 6, 20)).add("asset_search.control_released", *IMPORTER, control_id="C2", asset_id="A1")
    confirmed(h, "C3", date(2026, 2, 1), expiry="2026-05-31")  # ran out the day before; its lapse yet to come
    h.on(date(2026, 2, 1)).add("asset_search.control_confirmed", *IMPORTER, control_id="C4", asset_id="A4",
                               measure="deduct", effective_date="2026-02-01", expiry_date=None)
    h.add("asset_search.deduction_confirmed", *IMPORTER, control_id="C4", asset_id="A4", amount_fen=100)
    assert rule_10(h) == []  # C4 deducted (扣划): nothing left to release


def test_an_imported_control_is_judged_once_disposal_s_part_arrives() -> None:
    h = imported_closure()
    confirmed(h, "C1", date(2026, 2, 1))  # still in effect today: no later asset_search event
    assert rule_10(h) == []
    h.on(date(2026, 3, 1)).add("disposal.disposal_decided", *IMPORTER, disposal_id="D1", asset_id="A1")
    [f] = rule_10(h)
    assert "控制措施 C1 未解除" in f.message


def test_an_imported_disposal_open_on_the_closure_s_day_is_found_concluded_before_it_is_not() -> None:
    h = imported_closure(kind="销案")
    h.on(date(2026, 3, 1)).add("disposal.disposal_decided", *IMPORTER, disposal_id="D1", asset_id="A1")
    h.on(date(2026, 3, 1)).add("disposal.disposal_decided", *IMPORTER, disposal_id="D2", asset_id="A2")
    h.on(date(2026, 5, 20)).add("disposal.disposal_concluded", *IMPORTER, disposal_id="D2", asset_id="A2",
                                outcome="released")
    assert rule_10(h) == []  # D1's part has nothing after the closure's day yet
    h.on(date(2026, 7, 1)).add("disposal.disposal_concluded", *IMPORTER, disposal_id="D1", asset_id="A1",
                               outcome="released")
    assert [f.message for f in rule_10(h)] == ["销案结案时（2026-06-01）财产处置 D1 未结束（按导入的业务日期）"]


def test_a_live_termination_is_still_judged_in_trail_order() -> None:
    h = moving()
    closed(h, "终结执行")
    h.add("asset_search.control_released", "judge-1", "judge", control_id="C1", asset_id="A1")
    [f] = rule_10(h)
    assert "（按导入的业务日期）" not in f.message


def test_an_imported_termination_that_carries_its_record_s_conditions_is_judged_on_them_at_once() -> None:
    """Intake's import writes controls_released / disposals_concluded from the record (by business dates): the
    closure is judged on them before any control or disposal of the record reaches the trail."""
    unmet = [{"code": "online_search", "met": True, "detail": "旧系统网络查控"},
             {"code": "controls_released", "met": False,
              "detail": "尚有 1 项查封、扣押、冻结措施未解除：C1（应先裁定解除）"},
             {"code": "disposals_concluded", "met": False, "detail": "尚有 1 项财产处置未结束：D1"}]
    h = History(start=date(2026, 1, 5)).opened()
    h.on(date(2026, 6, 1)).add("intake.case_closed", *IMPORTER, closure_type="终结执行", judge_id="judge-1",
                               approved_by="chief-1", closed_on="2026-06-01", conditions=unmet)
    [f] = rule_10(h)
    assert f.message == ("终结执行结案时（2026-06-01）尚有 1 项查封、扣押、冻结措施未解除：C1（应先裁定解除）；"
                         "尚有 1 项财产处置未结束：D1（旧系统结案，按导入的记录判断）")
    # all met: no finding, whatever the trail shows later by dates (the record is the old system's whole story)
    met = [{**c, "met": True} for c in unmet]
    h = History(start=date(2026, 1, 5)).opened()
    h.on(date(2026, 6, 1)).add("intake.case_closed", *IMPORTER, closure_type="终结执行", judge_id="judge-1",
                               approved_by="chief-1", closed_on="2026-06-01", conditions=met)
    confirmed(h, "C1", date(2026, 2, 1))
    h.on(date(2026, 7, 1)).add("asset_search.control_released", *IMPORTER, control_id="C1", asset_id="A1")
    assert rule_10(h) == []
