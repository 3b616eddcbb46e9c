"""An imported ending closure carries what its record says stood on its day (互相制约-10 v3; docs/import.md
§6): intake's import writes the live closure's conditions controls_released and disposals_concluded, computed
from the record by business dates, with the ids asset_search and disposal give the same record (pure)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from services.intake import events as ev
from shared.importing import item_id
from tests.import_records import DISPOSAL, zhongben_record
from tests.intake.test_import_records import WHO, plan

pytestmark = pytest.mark.unit
SEQ = 4321
NUMBER = f"（2025）黔01执{SEQ}号"


def closed(kind: str, on: str, **change: Any) -> dict[str, Any]:
    rec = zhongben_record(SEQ, disposals=[copy.deepcopy(DISPOSAL)])
    rec["closure"] = {"type": kind, "date": on, "approved_by": "qz-chief-01"}
    rec.update(change)
    return rec


def conditions(rec: dict[str, Any]) -> dict[str, ev.Condition]:
    [closure] = [e for _, _, e in plan(rec, WHO).events if isinstance(e, ev.CaseClosed)]
    return {c.code: c for c in closure.conditions}


def test_a_termination_while_controls_and_a_disposal_were_running_says_so() -> None:
    rec = closed("终结执行", "2025-07-01")
    rec.pop("interview", None)
    for later in ("auctions", "release"):
        rec["disposals"][0].pop(later)
    got = conditions(rec)
    freeze, seizure = (item_id("control", "黔01", NUMBER, str(i)) for i in (0, 2))  # controls[1] was deducted
    assert not got["controls_released"].met and f"{freeze}、{seizure}" in got["controls_released"].detail
    assert not got["disposals_concluded"].met
    assert item_id("disposal", "黔01", NUMBER, "0") in got["disposals_concluded"].detail
    assert got["online_search"].met


def test_released_the_day_of_the_closure_is_released_at_it() -> None:
    controls = copy.deepcopy(zhongben_record(SEQ)["controls"])
    controls[0]["released"] = {"date": "2025-09-01", "reason": "申请执行人放弃债权"}  # the closure's day
    got = conditions(closed("销案", "2025-09-01", controls=controls))
    assert got["controls_released"].met and got["disposals_concluded"].met  # the flat released 08-25, sold off 08-22
    controls[0]["released"] = {"date": "2025-09-02", "reason": "申请执行人放弃债权"}  # the day after
    assert not conditions(closed("销案", "2025-09-01", controls=controls))["controls_released"].met


@pytest.mark.parametrize("kind", ["终本", "执行完毕"])
def test_zhongben_and_paid_closures_carry_only_the_search(kind: str) -> None:
    assert set(conditions(closed(kind, "2025-09-01"))) == {"online_search"}
