"""终结执行 (and 销案, 不予执行, 驳回申请) while things are still moving (issue 14, item 4): supervision's
rule 10 v2 finds such a closure with a control still in effect or a disposal still open; 终本 keeps its
controls and 执行完毕 releases them afterwards, so neither is found."""

from __future__ import annotations

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
    assert f.people == ("chief-1", "judge-1") and f.rule_version == 2


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
