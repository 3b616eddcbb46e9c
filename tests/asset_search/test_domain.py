"""Pure decisions of the search file: given past events, when a command, then events or a refusal."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.asset_search import events as ev
from services.asset_search.domain import commands as c
from services.asset_search.domain.decider import SearchFileDecider, given
from services.asset_search.domain.rules import asset_id_for
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound

pytestmark = pytest.mark.unit
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CASE = "case-1"
SUBJECT = ev.Subject(kind="person", name="王某", id_number="11010519491231002X")
FACTS = c.CaseFacts(court="黔01", judge_id="judge-1", claim_amount_fen=10_000_000)
DECIDER = SearchFileDecider()


def dispatched(agency: str, kind: str, qid: str, round_: int = 1, reason: str = "case_assigned") -> ev.QueryDispatched:
    return ev.QueryDispatched(query_id=qid, agency_id=agency, agency_kind=kind, channel="push", round=round_,
                              reason=reason, subject=SUBJECT, dispatched_at=T0, due_at=T0 + timedelta(hours=72))  # type: ignore[arg-type]


def item(identifier: str, kind: str = "bank_deposit", value: int = 5_000_000) -> ev.FoundItem:
    return ev.FoundItem(asset_kind=kind, identifier=identifier, value_fen=value)  # type: ignore[arg-type]


def answer(qid: str, agency: str, outcome: str, *items: ev.FoundItem, at: datetime = T0) -> c.RecordAnswer:
    return c.RecordAnswer(case_id=CASE, query_id=qid, agency_id=agency, outcome=outcome, items=items,
                               raw_hash="h", message_id="m", now=at)


def decide_all(state_events: list, command: object) -> tuple[list, object]:
    state = given(*state_events)
    out = list(DECIDER.decide(command, state))
    return out, state


TWO_AGENCIES = [dispatched("bank", "bank_deposit", "q1"), dispatched("dmv", "vehicle", "q2")]


def types(events: list) -> list[str]:
    return [e.event_type.removeprefix("asset_search.") for e in events]


def test_assignment_dispatches_one_query_per_agency_and_a_redelivery_dispatches_nothing() -> None:
    cmd = c.DispatchSearch(query_ids=("a", "b"), agencies=(
        c.AgencyTarget("bank", "bank_deposit", "push", 3600), c.AgencyTarget("dmv", "vehicle", "pull", 60)),
        subject=SUBJECT, case_number=None, reason="case_assigned", now=T0, round=1)
    out = list(DECIDER.decide(cmd, given()))
    assert [e.agency_kind for e in out] == ["bank_deposit", "vehicle"]
    assert out[1].due_at == T0 + timedelta(seconds=60)
    assert list(DECIDER.decide(cmd, given(*out))) == []


def test_the_same_account_reported_in_a_partial_and_the_full_answer_is_one_asset() -> None:
    partial, _ = decide_all(TWO_AGENCIES, answer("q1", "bank", "partial", item("6222 01")))
    assert types(partial) == ["agency_answered", "asset_found"]
    full, _ = decide_all([*TWO_AGENCIES, *partial], answer("q1", "bank", "found", item("622201"), item("6222 02")))
    assert types(full) == ["agency_answered", "asset_found"]
    assert full[1].identifier == "6222 02"


def test_a_correction_updates_the_asset_and_an_unanswered_query_cannot_be_corrected() -> None:
    first, _ = decide_all(TWO_AGENCIES, answer("q1", "bank", "found", item("6222 01", value=100)))
    corrected, _ = decide_all([*TWO_AGENCIES, *first], answer("q1", "bank", "correction", item("6222 01", value=50)))
    assert types(corrected) == ["agency_answered", "asset_updated"] and corrected[1].value_fen == 50
    with pytest.raises(Conflict):
        decide_all(TWO_AGENCIES, answer("q2", "dmv", "correction"))
    with pytest.raises(Conflict, match="已完整答复"):
        decide_all([*TWO_AGENCIES, *first], answer("q1", "bank", "found", item("x")))


def test_nothing_found_must_be_empty_and_found_must_have_items() -> None:
    with pytest.raises(InvalidInput):
        decide_all(TWO_AGENCIES, answer("q1", "bank", "nothing_found", item("x")))
    with pytest.raises(InvalidInput):
        decide_all(TWO_AGENCIES, answer("q1", "bank", "found"))


def test_another_agencys_query_is_not_found() -> None:
    with pytest.raises(NotFound):
        decide_all(TWO_AGENCIES, answer("q1", "dmv", "nothing_found"))


def test_the_round_completes_when_the_last_agency_answers_in_full_and_late_answers_are_marked() -> None:
    a, _ = decide_all(TWO_AGENCIES, answer("q1", "bank", "found", item("1")))
    assert "search_completed" not in types(a)
    b, _ = decide_all([*TWO_AGENCIES, *a], answer("q2", "dmv", "nothing_found", at=T0 + timedelta(days=4)))
    assert types(b) == ["agency_answered", "search_completed"]
    assert b[0].late and b[1].agency_kinds == ["bank_deposit", "vehicle"] and b[1].asset_count == 1


def test_a_re_search_after_zhongben_that_finds_something_new_reports_it() -> None:
    history = [dispatched("bank", "bank_deposit", "r2", round_=2, reason="after_closure")]
    out, _ = decide_all(history, answer("r2", "bank", "found", item("new")))
    assert types(out) == ["agency_answered", "asset_found", "search_completed", "assets_found_after_closure"]


def test_an_open_query_past_its_due_time_becomes_overdue_once() -> None:
    late = T0 + timedelta(hours=73)
    out, _ = decide_all(TWO_AGENCIES, c.MarkOverdue("q1", late))
    assert types(out) == ["query_overdue"]
    assert list(DECIDER.decide(c.MarkOverdue("q1", late), given(*TWO_AGENCIES, *out))) == []
    assert list(DECIDER.decide(c.MarkOverdue("q1", T0), given(*TWO_AGENCIES))) == []


# --- control ---------------------------------------------------------------------------------------

DEPOSIT = asset_id_for(CASE, "bank_deposit", "6222 01")
HOUSE = asset_id_for(CASE, "real_estate", "黔房1")
FOUND_HISTORY = [
    *TWO_AGENCIES,
    *decide_all(TWO_AGENCIES, answer("q1", "bank", "found", item("6222 01"),
                                     item("黔房1", "real_estate", 50_000_000)))[0],
]


def order(asset: str = DEPOSIT, measure: str = "freeze", limit: int | None = 1_000_000, officer: str = "judge-1",
          court: str = "黔01", reason: str | None = None, facts: c.CaseFacts | None = FACTS) -> c.OrderControl:
    return c.OrderControl(control_id="c1", asset_id=asset, measure=measure, amount_limit_fen=limit,
                            over_control_reason=reason, ruling=c.Ruling(officer, court, facts, "（2026）黔01执1号"))


def confirm(outcome: str = "effective", expiry: date | None = None, amount: int | None = 1_000_000,
            agency: str = "bank", queue: int | None = None) -> c.ConfirmControl:
    return c.ConfirmControl(control_id="c1", agency_id=agency, outcome=outcome, effective_date=date(2026, 3, 2),
                              expiry_date=expiry, amount_fen=amount, queue_position=queue, reason=None, raw_hash="h")


def test_only_the_cases_current_judge_orders_a_control() -> None:
    with pytest.raises(Forbidden) as err:
        decide_all(FOUND_HISTORY, order(officer="judge-2"))
    assert err.value.rule == "互相制约-2"
    with pytest.raises(NotFound):  # another court's case: as if it did not exist
        decide_all(FOUND_HISTORY, order(court="黔03"))
    with pytest.raises(Conflict):
        decide_all(FOUND_HISTORY, order(facts=c.CaseFacts("黔01", None, 1)))
    out, _ = decide_all(FOUND_HISTORY, order())
    assert types(out) == ["control_ordered"] and out[0].agency_id == "bank"


def test_a_measure_must_fit_the_asset_and_money_needs_a_limit() -> None:
    with pytest.raises(InvalidInput) as err:
        decide_all(FOUND_HISTORY, order(measure="seize", limit=None))
    assert {e["field"] for e in err.value.errors} == {"measure", "amount_limit_fen"}


def test_controls_beyond_claim_plus_costs_need_a_reason() -> None:
    with pytest.raises(InvalidInput) as err:
        decide_all(FOUND_HISTORY, order(asset=HOUSE, measure="seize", limit=None))
    assert err.value.rule == "查扣冻规定-19"
    reason = "房产不可分割，唯一可供执行财产"
    out, _ = decide_all(FOUND_HISTORY, order(asset=HOUSE, measure="seize", limit=None, reason=reason))
    assert out[0].control_value_fen == 50_000_000 and out[0].over_control_reason


def test_a_confirmation_never_goes_beyond_the_statutory_maximum() -> None:
    ordered = [*FOUND_HISTORY, *decide_all(FOUND_HISTORY, order())[0]]
    with pytest.raises(InvalidInput) as err:
        decide_all(ordered, confirm(expiry=date(2027, 3, 3)))
    assert err.value.rule == "民诉法解释-485"
    out, _ = decide_all(ordered, confirm(expiry=None))
    assert out[0].expiry_date == date(2027, 3, 2)
    with pytest.raises(InvalidInput):
        decide_all(ordered, confirm(amount=2_000_000))
    with pytest.raises(NotFound):
        decide_all(ordered, confirm(agency="dmv"))


def test_a_queued_confirmation_records_the_position() -> None:
    ordered = [*FOUND_HISTORY, *decide_all(FOUND_HISTORY, order())[0]]
    out, _ = decide_all(ordered, confirm(outcome="queued", queue=2))
    assert out[0].queue_position == 2 and given(*ordered, *out).controls["c1"].status == "queued"


def test_a_confirmed_deduction_brings_money_into_the_case() -> None:
    ordered = [*FOUND_HISTORY, *decide_all(FOUND_HISTORY, order(measure="deduct"))[0]]
    out, _ = decide_all(ordered, confirm(amount=800_000))
    assert types(out) == ["control_confirmed", "deduction_confirmed"] and out[1].amount_fen == 800_000


def test_renewal_release_and_lapse() -> None:
    ordered = [*FOUND_HISTORY, *decide_all(FOUND_HISTORY, order())[0]]
    effective = [*ordered, *decide_all(ordered, confirm(expiry=date(2026, 9, 1)))[0]]
    ruling = c.Ruling("judge-1", "黔01", FACTS, "续")
    renewal = decide_all(effective, c.OrderRenewal("c1", ruling, date(2026, 8, 1)))[0]
    assert types(renewal) == ["control_renewal_ordered"]
    with pytest.raises(InvalidInput):
        decide_all([*effective, *renewal], confirm(expiry=date(2027, 9, 2)))
    renewed = decide_all([*effective, *renewal], confirm(expiry=date(2027, 9, 1)))[0]
    assert types(renewed) == ["control_renewed"]
    state = [*effective, *renewal, *renewed]
    assert decide_all(state, c.LapseControl("c1", date(2027, 9, 1)))[0] == []
    assert types(decide_all(state, c.LapseControl("c1", date(2027, 9, 2)))[0]) == ["control_lapsed"]
    with pytest.raises(Forbidden):
        decide_all(state, c.ReleaseControl("c1", "和解", c.Ruling("judge-2", "黔01", FACTS, "解")))
    released = decide_all(state, c.ReleaseControl("c1", "和解", ruling))[0]
    assert types(released) == ["control_released"]
    with pytest.raises(Conflict):
        decide_all([*state, *released], c.ReleaseControl("c1", "和解", ruling))


# --- leads -----------------------------------------------------------------------------------------

def test_a_lead_is_due_in_3_days_if_urgent_and_one_needing_a_site_visit_asks_for_field_ops() -> None:
    recorded = list(DECIDER.decide(c.RecordLead("l1", True, "房屋", "real_estate", "某小区3栋", "南明区", "s1",
                                                    date(2026, 3, 2)), given()))
    assert recorded[0].due_date == date(2026, 3, 5)
    out = list(DECIDER.decide(c.VerifyLead("l1", "needs_field_check", "需实地查看", "s1", date(2026, 3, 6)),
                              given(*recorded)))
    assert types(out) == ["lead_verified", "field_check_requested"] and out[0].late
    with pytest.raises(Conflict):
        DECIDER.decide(c.VerifyLead("l1", "confirmed", "x", "s1", date(2026, 3, 6)), given(*recorded, *out))
