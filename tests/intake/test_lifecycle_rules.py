"""Lifecycle rules, given/when/then: notices, clock, extension, closure, resumption, objection."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.intake.domain import CaseState
from services.intake.domain import commands as c
from services.intake.domain.closure import closure_due
from shared.errors import Conflict, DomainError, Forbidden, InvalidInput
from tests.intake.helpers import CONFIG, H, days_later, decide, party, registered, routing, run, who

pytestmark = pytest.mark.unit
JUDGE = "qz-j-201"
POLICY = CONFIG.closure
LATER = days_later(120)  # more than 3 months after registration


def with_notices(state: CaseState, *kinds: str) -> CaseState:
    for i, kind in enumerate(kinds):
        state = run(state, c.PrepareNotice(who("affairs-1"), f"n{i}", kind, H))  # type: ignore[arg-type]
        state = run(state, c.SignNotice(who(JUDGE), f"n{i}"))
    return state


def test_only_the_cases_judge_signs_a_notice_and_never_its_preparer() -> None:
    state = run(registered(), c.PrepareNotice(who("affairs-1"), "n1", "enforcement_notice", H))
    with pytest.raises(Forbidden) as err:
        decide(c.SignNotice(who("qz-j-202"), "n1"), state)
    assert err.value.rule == "互相制约-2"
    events = decide(c.SignNotice(who(JUDGE), "n1"), state)
    assert events[0].signed_by == JUDGE and events[0].prepared_by == "affairs-1" and events[0].document_hash == H
    own = run(registered(), c.PrepareNotice(who(JUDGE), "n2", "blacklisting", H))
    with pytest.raises(DomainError) as err2:
        decide(c.SignNotice(who(JUDGE), "n2"), own)
    assert err2.value.rule == "互相制约-2"


def test_suspension_and_postponement_pause_the_six_month_clock() -> None:
    state = registered()
    assert closure_due(state, date(2026, 11, 23)) == date(2027, 5, 24)  # 05-23 is a Sunday (民诉法 art. 85)
    state = run(state, c.Suspend(who(JUDGE), "被执行人死亡，待确定继承人"))
    with pytest.raises(Conflict):
        decide(c.Suspend(who(JUDGE), "再次中止"), state)
    state = run(state, c.LiftSuspension(who(JUDGE, now=days_later(10)), "已确定继承人"))
    assert state.status == "in_progress" and closure_due(state, date(2026, 12, 3)) == date(2027, 6, 2)
    with pytest.raises(InvalidInput):
        decide(c.Postpone(who(JUDGE, now=days_later(10)), "担保", date(2026, 12, 1)), state)
    state = run(state, c.Postpone(who(JUDGE, now=days_later(10)), "提供担保", date(2027, 1, 1)))
    state = run(state, c.LiftPostponement(who(JUDGE, now=days_later(15)), "担保期满"))
    assert closure_due(state, date(2026, 12, 8)) == date(2027, 6, 7)


def test_an_extension_must_be_requested_five_days_before_expiry_and_approved_by_someone_else() -> None:
    state = registered()
    late = who(JUDGE, now=days_later(178))  # due 2027-05-24 (05-23 a Sunday); 2027-05-20 is 4 days before
    with pytest.raises(DomainError) as err:
        decide(c.RequestExtension(late, 3, "财产处置中"), state)
    assert err.value.rule == "互相制约-11"
    state = run(state, c.RequestExtension(who(JUDGE, now=days_later(170)), 3, "财产处置中"))
    with pytest.raises(DomainError):
        decide(c.ApproveExtension(who(JUDGE)), state)
    approved = decide(c.ApproveExtension(who("president-1")), state)
    assert approved[0].new_due == date(2027, 8, 23)
    with pytest.raises(DomainError):
        decide(c.RequestExtension(who(JUDGE), 1, "再延"), run(state, c.ApproveExtension(who("president-1"))))


def zhongben_ready(**facts: Any) -> tuple[CaseState, c.ClosureFacts]:
    state = with_notices(registered(), "enforcement_notice", "consumption_restriction")
    state = run(state, c.RecordInterview(who(JUDGE), H, date(2026, 11, 23)))
    answered = tuple((f"q{i}", kind, "nothing_found") for i, kind in enumerate(POLICY.required_agency_kinds))
    base: dict[str, Any] = dict(queries=answered, field_reports=1)
    return state, c.ClosureFacts(**(base | facts))


def test_zhongben_is_refused_listing_every_unmet_condition_at_once() -> None:
    facts = c.ClosureFacts(queries=(("q1", "bank", None),), unverified_leads=("lead-1",),
                           unresolved_assets=("asset-1",))
    with pytest.raises(DomainError) as err:
        decide(c.ProposeClosure(who(JUDGE), "终本", "无财产", facts, POLICY, True), registered())
    assert err.value.rule == "互相制约-6"
    assert {e["field"] for e in err.value.errors} == {
        "enforcement_notice", "consumption_restriction", "blacklisting", "online_search", "leads_verified",
        "offline_investigation", "assets_exhausted", "three_months", "applicant_interviewed"}


def test_zhongben_needs_every_required_agency_kind_answered() -> None:
    state, facts = zhongben_ready()
    facts = c.ClosureFacts(queries=tuple(q for q in facts.queries if q[1] != "vehicle"), field_reports=1)
    with pytest.raises(DomainError) as err:
        decide(c.ProposeClosure(who(JUDGE, now=LATER), "终本", "无财产", facts, POLICY), state)
    assert [e["field"] for e in err.value.errors] == ["online_search"] and "vehicle" in err.value.message
    partial = tuple((q, k, "partial" if k == "bank_deposit" else o) for q, k, o in zhongben_ready()[1].queries)
    with pytest.raises(DomainError) as err:
        decide(c.ProposeClosure(who(JUDGE, now=LATER), "终本", "无财产", c.ClosureFacts(partial, field_reports=1),
                                POLICY), state)
    assert "1 项查询尚未答复" in err.value.message


def test_zhongben_when_all_conditions_hold_is_proposed_then_approved_by_someone_other_than_the_judge() -> None:
    state, facts = zhongben_ready()
    state = run(state, c.ProposeClosure(who(JUDGE, now=LATER), "终本", "穷尽财产调查措施", facts, POLICY))
    assert state.status == "closure_proposed"
    with pytest.raises(DomainError) as err:
        decide(c.ApproveClosure(who(JUDGE, now=LATER), facts, POLICY), state)
    assert err.value.rule == "互相制约-6"
    closed = decide(c.ApproveClosure(who("chief-1", now=LATER), facts, POLICY), state)
    assert closed[0].closure_type == "终本" and closed[0].approved_by == "chief-1"
    assert all(x.met for x in closed[0].conditions) and len(closed[0].conditions) == 9


def test_paid_in_full_needs_the_ledger_or_a_performed_settlement() -> None:
    state = registered()
    with pytest.raises(DomainError) as err:
        decide(c.ProposeClosure(who(JUDGE), "执行完毕", "履行完毕", c.ClosureFacts(), POLICY), state)
    assert [e["field"] for e in err.value.errors] == ["claim_paid"]
    assert decide(c.ProposeClosure(who(JUDGE), "执行完毕", "已付", c.ClosureFacts(paid_in_full=True), POLICY), state)
    settled = run(state, c.RecordSettlement(who(JUDGE), True, H))
    assert decide(c.ProposeClosure(who(JUDGE), "执行完毕", "和解履行", c.ClosureFacts(), POLICY), settled)


def closed_zhongben() -> CaseState:
    state, facts = zhongben_ready()
    state = run(state, c.ProposeClosure(who(JUDGE, now=LATER), "终本", "穷尽", facts, POLICY))
    return run(state, c.ApproveClosure(who("chief-1", now=LATER), facts, POLICY))


def resume(reviewer: str, handlers: frozenset[str] = frozenset()) -> c.ResumeCase:
    return c.ResumeCase(who(reviewer), "case-2", "（2026）黔01执恢1号", "applicant_new_lead", "发现新财产",
                        frozenset({"qz-rev-01", "qz-rev-02"}), handlers)


def test_resumption_is_decided_by_a_designated_reviewer_who_did_not_handle_the_case() -> None:
    state = closed_zhongben()
    with pytest.raises(Forbidden) as err:
        decide(resume("qz-j-202"), state)
    assert err.value.rule == "互相制约-7"
    with pytest.raises(DomainError) as err2:
        decide(resume("qz-rev-01", frozenset({"qz-rev-01"})), state)
    assert err2.value.rule == "互相制约-7"
    with pytest.raises(Conflict):
        decide(resume("qz-rev-01"), registered())
    events = decide(resume("qz-rev-01"), state)
    assert events[0].previous_judge_id == JUDGE and events[0].new_case_number == "（2026）黔01执恢1号"


def test_the_resumed_case_is_linked_and_never_goes_to_the_judge_who_closed_it() -> None:
    old = closed_zhongben()
    for draw in (0.0, 0.4, 0.99):
        cmd = c.RegisterLinkedCase(who("qz-rev-01"), "case-2", "（2026）黔01执恢1号", "执恢", old,
                                   routing(draw=draw, exclude=frozenset({JUDGE})))
        events = decide(cmd, CaseState())
        reg, assigned = events[1], events[-1]
        assert reg.case_type == "执恢" and reg.linked_case_id == "case-1"
        assert assigned.event_type == "intake.case_assigned" and assigned.judge_id != JUDGE


def objection(reviewers: tuple[str, ...], handlers: frozenset[str]) -> c.RegisterObjection:
    return c.RegisterObjection(who(), "case-3", "（2026）黔01执异1号", party("person", name="案外人",
                               id_number="11010519491231002X"), "案涉房屋属于案外人", reviewers, handlers)


def test_objection_reviewers_may_not_include_anyone_who_acted_on_the_case() -> None:
    state = registered()
    with pytest.raises(DomainError) as err:
        decide(objection(("qz-j-201", "qz-rev-01", "affairs-1"), frozenset({"qz-j-201", "affairs-1"})), state)
    assert err.value.rule == "互相制约-8" and len(err.value.errors) == 2
    with pytest.raises(InvalidInput):
        decide(objection(("qz-rev-01", "qz-rev-01", "qz-rev-02"), frozenset()), state)
    events = decide(objection(("qz-rev-01", "qz-rev-02", "qz-rev-03"), frozenset({"qz-j-201"})), state)
    assert events[0].reviewers == ["qz-rev-01", "qz-rev-02", "qz-rev-03"]
