"""Referral for refusal to perform (拒执罪), reward notices (悬赏) and exposure (曝光), over the pure
decider: the private prosecution only after the police declined (拒执罪解释 art. 14), the reward decided
within 10 days (民诉法 art. 85 counting) and only a granted reward receives leads and payment."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.intake.domain import coercive as co
from services.intake.domain.state import CaseState
from services.intake.measure_events import MeasureSubject
from shared.errors import Conflict, DomainError, Forbidden, InvalidInput

pytestmark = pytest.mark.unit
CASE = CaseState(status="in_progress", case_id="c1", court="黔01", judge_id="j1")
TODAY = date(2026, 12, 31)
JUDGE = co.Who("j1", "黔01", TODAY, CASE)
CLERK = co.Who("clerk-1", "黔01", TODAY, CASE)
PERSON = MeasureSubject(kind="person", name="王某", id_number="11010519491231002X")
D = co.CoerciveDecider()


def run(state: co.CoerciveState, *commands: object) -> co.CoerciveState:
    for c in commands:
        for e in D.decide(c, state):
            state = D.evolve(state, e)
    return state


def referred() -> co.CoerciveState:
    return run(D.initial_state(), co.Refer(JUDGE, "r1", PERSON, "转移财产拒不履行", ("ab" * 32,), "南明分局",
                                           date(2026, 12, 1)))


def test_only_the_case_judge_refers_and_only_with_evidence() -> None:
    with pytest.raises(Forbidden) as e:
        D.decide(co.Refer(CLERK, "r1", PERSON, "事实", ("ab" * 32,), "南明分局", None), D.initial_state())
    assert e.value.rule == "互相制约-2"
    with pytest.raises(InvalidInput) as e2:
        D.decide(co.Refer(JUDGE, "r1", PERSON, "事实", (), "南明分局", None), D.initial_state())
    assert e2.value.code == "evidence_required"
    with pytest.raises(Conflict):  # another court's or a closed case
        D.decide(co.Refer(replace(JUDGE, case=replace(CASE, status="closed")), "r1", PERSON, "事实", ("ab" * 32,),
                          "南明分局", None), D.initial_state())


def test_a_private_prosecution_only_after_the_police_declined() -> None:
    state = referred()
    prosecute = co.FilePrivateProsecution(CLERK, date(2026, 12, 20), "贵州某某建材有限公司", "告知自诉条件与材料")
    with pytest.raises(DomainError) as e:
        D.decide(prosecute, state)
    assert e.value.rule == "拒执罪解释-14"
    accepted = run(state, co.AnswerReferral(CLERK, True, date(2026, 12, 10), "已立案侦查"))
    with pytest.raises(DomainError):
        D.decide(prosecute, accepted)
    refused = run(state, co.AnswerReferral(CLERK, False, date(2026, 12, 10), "不予立案"))
    state = run(refused, prosecute)
    assert state.private_prosecution
    [done] = D.decide(co.ConcludeReferral(CLERK, "convicted", date(2026, 12, 30), "判处有期徒刑一年"), state)
    assert done.outcome_zh == "判决构成拒执罪"  # type: ignore[attr-defined]


def test_a_police_answer_is_not_dated_before_the_referral() -> None:
    with pytest.raises(InvalidInput):
        D.decide(co.AnswerReferral(CLERK, True, date(2026, 11, 30), "立案"), referred())


def test_the_reward_is_decided_within_10_days_and_late_decisions_are_recorded_as_such() -> None:
    [applied] = D.decide(co.ApplyReward(CLERK, "w1", "贵州某某建材有限公司", 1_000_000, date(2026, 12, 1)),
                         D.initial_state())
    assert applied.decide_by == date(2026, 12, 11)  # type: ignore[attr-defined]
    state = D.evolve(D.initial_state(), applied)
    decide = co.DecideReward(JUDGE, True, date(2026, 12, 11), "符合悬赏条件", ("court_website",))
    [ok] = D.decide(decide, state)
    assert ok.decided_within_limit  # type: ignore[attr-defined]
    [late] = D.decide(replace(decide, decided_on=date(2026, 12, 14)), state)
    assert not late.decided_within_limit  # type: ignore[attr-defined]
    with pytest.raises(Forbidden):
        D.decide(replace(decide, who=CLERK), state)
    with pytest.raises(InvalidInput):
        D.decide(replace(decide, channels=()), state)


def test_a_reward_period_ending_on_a_rest_day_rolls_to_the_next_working_day() -> None:
    [applied] = D.decide(co.ApplyReward(CLERK, "w1", "甲", 100, date(2026, 12, 2)), D.initial_state())
    assert applied.decide_by == date(2026, 12, 14)  # Sat 12th → Mon 14th  # type: ignore[attr-defined]


def test_only_a_granted_reward_takes_leads_and_payment_never_above_the_reward() -> None:
    state = run(D.initial_state(), co.ApplyReward(CLERK, "w1", "甲", 1_000_000, date(2026, 12, 1)))
    lead = co.ReceiveRewardLead(CLERK, "l1", "知情人", "被执行人在某小区有房产", "real_estate", "某小区 3 栋",
                                "520102", date(2026, 12, 20))
    with pytest.raises(DomainError) as e:
        D.decide(lead, state)
    assert e.value.rule == "财产调查规定-21"
    state = run(state, co.DecideReward(JUDGE, True, None, "准许", ("wechat",)), lead)
    with pytest.raises(InvalidInput):
        D.decide(co.PayReward(CLERK, 1_000_001, date(2026, 12, 30), "l1"), state)
    [paid] = D.decide(co.PayReward(CLERK, 1_000_000, date(2026, 12, 30), "l1"), state)
    assert paid.amount_fen == 1_000_000  # type: ignore[attr-defined]


def test_exposure_is_the_judges_decision() -> None:
    with pytest.raises(Forbidden):
        D.decide(co.PublishExposure(CLERK, "x1", PERSON, "wechat", "失信被执行人曝光", None), D.initial_state())
    [e] = D.decide(co.PublishExposure(JUDGE, "x1", PERSON, "wechat", "失信被执行人曝光", None), D.initial_state())
    assert e.channel_zh == "微信公众号" and e.published_on == TODAY  # type: ignore[attr-defined]


def test_exit_restriction_is_the_judges_on_a_person_and_lifted_once() -> None:
    restrict = co.RestrictExit(JUDGE, "x1", PERSON, None, "被执行人拒不履行", None)
    with pytest.raises(Forbidden):
        D.decide(replace(restrict, who=CLERK), D.initial_state())
    unit = MeasureSubject(kind="organisation", name="某公司", id_number="91110000600037341L")
    with pytest.raises(InvalidInput):
        D.decide(replace(restrict, subject=unit), D.initial_state())
    state = run(D.initial_state(), restrict)
    lifted = run(state, co.LiftExitRestriction(JUDGE, "已履行全部义务", None))
    assert lifted.lifted
    with pytest.raises(Conflict):
        D.decide(co.LiftExitRestriction(JUDGE, "再次解除", None), lifted)
