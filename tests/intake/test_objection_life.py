"""An objection's own procedure in intake (pure): the receipt of the written objection starts the 15
days of 民诉法 art. 236 (rest-day shift, art. 85), recorded as decide_by; a hearing only by a member of
its panel (执行异议复议规定 art. 12), between the receipt and the decision."""

from __future__ import annotations

from datetime import date

import pytest

from services.intake import events as ev
from services.intake.domain import CaseState
from services.intake.domain import commands as c
from services.intake.domain.decider import given
from services.intake.domain.objections import review_due
from shared.errors import Conflict, Forbidden, InvalidInput
from tests.intake.helpers import decide, party, registered, run, who

pytestmark = pytest.mark.unit
PANEL = ("qz-rev-01", "qz-rev-02", "qz-rev-03")


def register(received_on: date | None) -> c.RegisterObjection:
    return c.RegisterObjection(who(), "case-3", "（2026）黔01执异1号", party("person", name="案外人",
                               id_number="11010519491231002X"), "案涉房屋属于案外人", PANEL, frozenset(),
                               received_on=received_on)


def test_the_fifteen_days_run_from_the_receipt_and_roll_over_a_rest_day() -> None:
    assert review_due(date(2026, 11, 2)) == date(2026, 11, 17)
    assert review_due(date(2026, 11, 6)) == date(2026, 11, 23)  # 11-21 a Saturday → Monday
    [e] = decide(register(date(2026, 11, 6)), registered())
    assert (e.received_on, e.decide_by) == (date(2026, 11, 6), date(2026, 11, 23))  # type: ignore[attr-defined]
    [today] = decide(register(None), registered())
    assert today.received_on == date(2026, 11, 23)  # type: ignore[attr-defined]  # the clerk's day
    with pytest.raises(InvalidInput):
        decide(register(date(2026, 11, 24)), registered())  # tomorrow


def hearing(officer: str, held_on: date) -> c.HoldObjectionHearing:
    return c.HoldObjectionHearing(who(officer), "case-3", held_on, "双方到庭陈述")


def test_a_hearing_by_a_panel_member_between_receipt_and_decision() -> None:
    state = run(registered(), register(date(2026, 11, 10)))
    with pytest.raises(Forbidden) as err:
        decide(hearing("qz-j-201", date(2026, 11, 12)), state)
    assert err.value.rule == "执行异议复议规定-12"
    with pytest.raises(InvalidInput):
        decide(hearing("qz-rev-01", date(2026, 11, 9)), state)  # before the receipt
    with pytest.raises(InvalidInput):
        decide(hearing("qz-rev-01", date(2026, 11, 24)), state)  # in the future
    [e] = decide(hearing("qz-rev-01", date(2026, 11, 10)), state)
    assert e.event_type == "intake.objection_hearing_held"
    heard = run(state, hearing("qz-rev-01", date(2026, 11, 10)))
    assert heard.objection("case-3").hearings == 1  # type: ignore[union-attr]
    decided = run(heard, c.DecideObjection(who("qz-rev-02"), "case-3", "rejected", "异议不成立"))
    with pytest.raises(Conflict):
        decide(hearing("qz-rev-01", date(2026, 11, 20)), decided)


def objection_case() -> CaseState:
    """The 执异 case the registration created (stream of its own), as intake holds it."""
    old = registered()
    cmd = c.RegisterLinkedCase(who(), "case-3", "（2026）黔01执异1号", "执异", old, None,
                               party("person", name="案外人", id_number="11010519491231002X"))
    return given(*decide(cmd, CaseState()))


@pytest.mark.parametrize(("outcome", "closure"), [("upheld", "裁定异议成立"), ("rejected", "裁定驳回异议"),
                                                  ("withdrawn", "裁定准许撤回异议")])
def test_the_objection_case_closes_with_its_ruling_on_the_decision_s_day(outcome: str, closure: str) -> None:
    """The 执异 case's own end (民诉法 art. 236; 执行异议复议规定 art. 17): closed by its ruling, on the
    decision's day, with a closure type of its own (never an enforcement closure)."""
    state = objection_case()
    assert (state.case_type, state.status) == ("执异", "registered")
    close = c.CloseObjectionCase(who("qz-rev-02"), "case-1", outcome, "理由", date(2026, 11, 20))
    [e] = decide(close, state)
    assert isinstance(e, ev.CaseClosed)
    assert (e.closure_type, e.closed_on, e.approved_by, e.track) == (closure, date(2026, 11, 20), "qz-rev-02", None)
    closed = run(state, close)
    assert (closed.status, closed.closure_type) == ("closed", closure)
    with pytest.raises(Conflict) as err:
        decide(close, closed)  # closed once
    assert err.value.code == "objection_case_closed"
    with pytest.raises(Conflict) as err:
        decide(close, registered())  # an enforcement case is never closed by an objection's ruling
    assert err.value.code == "not_objection_case"
    assert set(ev.OBJECTION_CLOSURE) == {"upheld", "rejected", "withdrawn"}


def test_a_version_1_closure_reads_as_version_2() -> None:
    from shared.events import REGISTRY

    payload = {"closure_type": "终本", "judge_id": "j", "approved_by": "p", "reason": "r"}
    et = REGISTRY.get("intake.case_closed")
    assert et.version == 2 and et.upcasters[1](payload) == payload
