"""Coercive measures (罚款、拘留): every statutory number at its boundary, and the decider's rules
(民诉法 2023 arts. 118–119, 民诉法解释 art. 185; docs/rules.md §9, §7.13)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.intake.domain import measures as m
from services.intake.domain.state import CaseState
from services.intake.measure_events import MeasureSubject
from shared.errors import Conflict, DomainError, Forbidden

PERSON = MeasureSubject(kind="person", name="王某", id_number="11010519491231002X")
UNIT = MeasureSubject(kind="organisation", name="某某公司", id_number="91110000600037341L")
CASE = CaseState(status="in_progress", case_id="c1", court="黔01", judge_id="j1")
DAY = date(2026, 12, 1)  # a Tuesday


def _rule(exc: pytest.ExceptionInfo[DomainError]) -> str | None:
    return exc.value.rule


@pytest.mark.parametrize("fen,ok", [(1, True), (10_000_000, True), (10_000_001, False), (0, False)])
def test_a_fine_on_an_individual_is_at_most_100000_yuan(fen: int, ok: bool) -> None:
    if ok:
        m.check_amounts("person", fen, None)
    else:
        with pytest.raises(DomainError) as e:
            m.check_amounts("person", fen, None)
        assert _rule(e) == "民诉法-118" and e.value.errors[0]["field"] == "fine_fen"


@pytest.mark.parametrize("fen,ok", [(4_999_999, False), (5_000_000, True), (100_000_000, True),
                                    (100_000_001, False)])
def test_a_fine_on_a_unit_is_50000_to_1000000_yuan(fen: int, ok: bool) -> None:
    if ok:
        m.check_amounts("organisation", fen, None)
    else:
        with pytest.raises(DomainError) as e:
            m.check_amounts("organisation", fen, None)
        assert _rule(e) == "民诉法-118"


@pytest.mark.parametrize("days,ok", [(0, False), (1, True), (15, True), (16, False)])
def test_detention_is_at_most_15_days(days: int, ok: bool) -> None:
    if ok:
        m.check_amounts("person", None, days)
    else:
        with pytest.raises(DomainError) as e:
            m.check_amounts("person", None, days)
        assert _rule(e) == "民诉法-118" and e.value.errors[0]["field"] == "detention_days"


def test_a_unit_is_never_detained_and_a_measure_needs_a_fine_or_detention() -> None:
    with pytest.raises(DomainError) as e:
        m.check_amounts("organisation", 5_000_000, 3)
    assert e.value.errors[0]["code"] == "detention_of_unit"
    with pytest.raises(DomainError):
        m.check_amounts("person", None, None)
    m.check_amounts("person", 10_000_000, 15)  # combined (民诉法解释 art. 183)


def test_the_reconsideration_window_is_3_days_not_counting_service_day_and_rolls_past_rest_days() -> None:
    assert m.reconsider_by(date(2026, 12, 1)) == date(2026, 12, 4)  # Tue → Fri
    assert m.reconsider_by(date(2026, 12, 2)) == date(2026, 12, 7)  # Wed → Sat 5th → Mon 7th
    assert m.reconsider_by(date(2026, 9, 28)) == date(2026, 10, 8)  # National Day holiday: first workday after
    assert m.decide_by(date(2026, 12, 1)) == date(2026, 12, 7)  # Tue + 5 = Sun → Mon


def _proposed(**kw: object) -> m.MeasureState:
    cmd = m.Propose("j1", "黔01", DAY, "m1", PERSON, "refuse_to_perform", "拒不履行", None, 5, "520102", CASE)
    cmd = replace(cmd, **kw)  # type: ignore[arg-type]
    return m.MeasureDecider().given(*m.propose(cmd, m.MeasureState()))


def test_only_the_case_judge_proposes_and_a_detention_names_the_region() -> None:
    base = m.Propose("j2", "黔01", DAY, "m1", PERSON, "refuse_to_perform", "拒不履行", None, 5, "520102", CASE)
    with pytest.raises(Forbidden) as e:
        m.propose(base, m.MeasureState())
    assert e.value.rule == "互相制约-2"
    with pytest.raises(DomainError) as e2:
        m.propose(replace(base, officer_id="j1", region=None), m.MeasureState())
    assert e2.value.code == "region_required"
    with pytest.raises(Conflict):
        m.propose(replace(base, officer_id="j1", case=replace(CASE, status="closed")), m.MeasureState())


def test_the_proposer_does_not_approve_someone_else_does() -> None:
    state = _proposed()
    with pytest.raises(Forbidden) as e:
        m.approve(m.Approve("j1", "黔01", DAY, "（2026）黔01司惩1号"), state)
    assert e.value.rule == "互相制约-13"
    [approved] = m.approve(m.Approve("pres-1", "黔01", DAY, "（2026）黔01司惩1号"), state)
    assert approved.approved_by == "pres-1" and approved.judge_id == "j1"  # type: ignore[attr-defined]


def _served(served_on: date) -> m.MeasureState:
    state = _proposed()
    for cmd in (m.Approve("pres-1", "黔01", DAY, "决1"), m.Serve("clerk", "黔01", date(2027, 1, 31), served_on)):
        for e in m.MeasureDecider().decide(cmd, state):
            state = m.evolve(state, e)
    return state


def test_reconsideration_on_day_3_is_in_time_day_4_is_late_and_only_once() -> None:
    state = _served(date(2026, 12, 1))
    late = m.ApplyReconsideration("clerk", "黔01", date(2027, 1, 31), date(2026, 12, 5), "不服", "贵州省高级人民法院")
    with pytest.raises(DomainError) as e:
        m.apply_reconsideration(late, state)
    assert e.value.rule == "民诉法解释-185" and e.value.code == "reconsideration_late"
    [applied] = m.apply_reconsideration(replace(late, applied_on=date(2026, 12, 4)), state)
    assert applied.decide_by == date(2026, 12, 9)  # type: ignore[attr-defined]
    state = m.evolve(state, applied)
    with pytest.raises(Conflict) as e2:
        m.apply_reconsideration(replace(late, applied_on=date(2026, 12, 4)), state)
    assert e2.value.rule == "民诉法-119"


def test_the_higher_courts_decision_is_recorded_with_whether_it_was_in_time_and_a_change_obeys_the_limits() -> None:
    state = _served(date(2026, 12, 1))
    state = m.evolve(state, m.apply_reconsideration(m.ApplyReconsideration(
        "clerk", "黔01", date(2027, 1, 31), date(2026, 12, 2), "不服", "贵州省高级人民法院"), state)[0])
    decide = m.DecideReconsideration("clerk", "黔01", date(2027, 1, 31), "changed", date(2026, 12, 7), "酌减",
                                     None, 16)
    with pytest.raises(DomainError) as e:
        m.decide_reconsideration(decide, state)
    assert e.value.rule == "民诉法-118"
    [ok] = m.decide_reconsideration(replace(decide, detention_days=10), state)
    assert ok.decided_within_limit and ok.detention_days == 10  # type: ignore[attr-defined]
    [late] = m.decide_reconsideration(replace(decide, result="upheld", decided_on=date(2026, 12, 8)), state)
    assert not late.decided_within_limit and late.detention_days == 5  # type: ignore[attr-defined]


def test_the_president_approves_an_early_release_once_only_of_an_approved_detention() -> None:
    """民诉法解释 art. 182: early release needs the president's approval (recorded on the measure's stream)."""
    from services.intake.domain import measure_release as mr

    proposed = m.propose(m.Propose("j1", "黔01", DAY, "m1", PERSON, "refuse_to_perform", "拒不履行", None, 5,
                                   "520102", CASE), m.MeasureState())
    d = mr.EarlyReleaseDecider()
    ask = mr.ApproveEarlyRelease("pres-1", "黔01", date(2026, 12, 4), "认错悔改")
    with pytest.raises(Conflict) as c:
        d.decide(ask, d.given(*proposed))  # not approved yet
    assert c.value.rule == "民诉法解释-182"
    approve = m.Approve("pres-1", "黔01", date(2026, 12, 2), "（2026）黔01司惩1号")
    approved = m.approve(approve, m.MeasureDecider().given(*proposed))
    state = d.given(*proposed, *approved)
    with pytest.raises(DomainError) as e:
        d.decide(replace(ask, approved_on=date(2026, 12, 1)), state)
    assert e.value.code == "approved_before_decision"
    with pytest.raises(DomainError) as e:
        d.decide(replace(ask, approved_on=date(2026, 12, 5)), state)
    assert e.value.code == "date_in_future"
    [ok] = d.decide(ask, state)
    assert ok.approved_on == date(2026, 12, 4) and ok.decision_number == "（2026）黔01司惩1号"  # type: ignore[attr-defined]
    with pytest.raises(Conflict) as c:
        d.decide(ask, d.given(*proposed, *approved, ok))
    assert c.value.code == "early_release_approved"
    fine = m.propose(m.Propose("j1", "黔01", DAY, "m2", PERSON, "refuse_to_perform", "拒不履行", 100, None, None,
                               CASE), m.MeasureState())
    fine_ok = m.approve(m.Approve("pres-1", "黔01", DAY, "决2"), m.MeasureDecider().given(*fine))
    with pytest.raises(Conflict) as c:
        d.decide(ask, d.given(*fine, *fine_ok))
    assert c.value.code == "not_a_detention"
