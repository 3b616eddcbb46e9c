"""Filing rules, given/when/then: materials, one-time notice, register/refuse, limits, triage, assignment."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.intake import events as ev
from services.intake.domain import commands as c
from services.intake.domain import given
from services.intake.domain.filing import TriageFacts, choose_judge, missing_materials, triage
from shared.errors import DomainError, Forbidden, InvalidInput, NotFound
from tests.intake.helpers import (
    COMPLETE,
    CONFIG,
    ROSTER,
    application,
    basis,
    days_later,
    decide,
    item,
    party,
    registered,
    routing,
    run,
    who,
)

pytestmark = pytest.mark.unit


def kinds(events: list[Any]) -> list[str]:
    return [e.event_type for e in events]


def test_a_complete_application_needs_no_supplement() -> None:
    events = decide(application(), given())
    assert kinds(events) == ["intake.application_received"]
    assert events[0].missing == [] and events[0].decide_by == date(2026, 11, 27)


def test_an_incomplete_application_gets_one_notice_listing_every_missing_item() -> None:
    applicant = party("organisation", agent=ev.AgentRecord(name="李律师", id_number="11010519491231002X",
                                                          scope="special"))
    events = decide(application(applicant=applicant, basis=basis("arbitral_award"),
                                materials=(item("application_form", "application"),)), given())
    assert kinds(events) == ["intake.application_received", "intake.supplement_requested"]
    notice = events[1]
    assert {m.kind for m in notice.missing} == {
        "basis_copy", "arbitration_agreement", "business_licence", "legal_rep_certificate", "authorisation",
        "agent_identity", "asset_lead|no_lead_statement"}
    assert notice.deadline == date(2026, 12, 8)


def test_a_person_applicant_needs_an_id_card_and_a_judgment_its_proof_of_effect() -> None:
    missing = missing_materials(party("person"), basis("judgment"), [])
    assert {"id_card", "effectiveness_proof"} <= {m.kind for m in missing}
    assert {m.material_class for m in missing} == {"application_form", "basis_document", "identity", "asset_leads"}


def test_bad_application_facts_are_refused_naming_each_field() -> None:
    with pytest.raises(InvalidInput) as err:
        decide(application(application_date=date(2026, 12, 1), respondent=party("organisation")), given())
    fields = {e["field"] for e in err.value.errors}
    assert fields == {"application_date", "respondent.id_number"}


def test_registration_waits_for_the_supplement_then_succeeds() -> None:
    state = run(given(), application(materials=COMPLETE[:2]))
    register = c.RegisterCase(who(), routing(), case_number="（2026）黔01执7号")
    with pytest.raises(DomainError) as err:
        decide(register, state)
    assert err.value.rule == "一次性告知" and len(err.value.errors) == 4

    state = run(state, c.SupplementMaterials(who(), COMPLETE[2:]))
    assert state.status == "applied"
    events = decide(register, state)
    assert kinds(events) == ["intake.case_registered", "intake.case_triaged", "intake.case_assigned"]
    assert events[0].case_number == "（2026）黔01执7号"


def test_an_application_past_two_years_is_registered_with_a_warning() -> None:
    late = registered(basis=basis(effective_date=date(2023, 1, 1), performance_deadline=date(2023, 1, 10)))
    assert late.registered is not None and late.registered.limitation_warning
    assert registered().registered is not None and not registered().registered.limitation_warning  # type: ignore


def test_the_seven_day_limit_is_recorded_on_the_decision() -> None:
    state = run(given(), application(application_date=date(2026, 11, 10)))
    events = decide(c.RegisterCase(who(), routing(), case_number="（2026）黔01执8号"), state)
    assert events[0].decide_by == date(2026, 11, 17) and events[0].decided_within_limit is False
    timely = decide(c.RegisterCase(who(), routing(), case_number="（2026）黔01执9号"), run(given(), application()))
    assert timely[0].decided_within_limit is True


def test_refusal_for_missing_materials_only_after_the_supplement_deadline() -> None:
    state = run(given(), application(materials=()))
    early = c.RefuseApplication(who(), "materials_not_supplemented", "逾期未补正", "未补正")
    with pytest.raises(DomainError) as err:
        decide(early, state)
    assert err.value.rule == "一次性告知"
    late = c.RefuseApplication(who(now=days_later(16)), "materials_not_supplemented", "逾期未补正", "未补正")
    assert kinds(decide(late, state)) == ["intake.application_refused"]


def test_another_courts_officer_cannot_act_on_the_case_and_learns_nothing_of_it() -> None:
    with pytest.raises(NotFound) as other:
        decide(c.SupplementMaterials(who(court="赣0502"), COMPLETE), run(given(), application(materials=())))
    with pytest.raises(NotFound) as absent:
        decide(c.SupplementMaterials(who(), COMPLETE), given())
    assert (other.value.code, other.value.message) == (absent.value.code, absent.value.message) == (
        "case_not_found", "未找到该案件或执行申请")


def facts(**kw: Any) -> TriageFacts:
    base: dict[str, Any] = dict(case_type="执", basis_kind="mediation", claim_amount_fen=5_000_000,
                                service_address_confirmed=True, real_estate_disposal_expected=False)
    return TriageFacts(**(base | kw))


def test_triage_sends_small_confirmed_mediation_cases_to_the_fast_track() -> None:
    out = triage(CONFIG.triage, facts())
    assert out.track == "fast" and out.rule_ids == ["TR-FAST-MEDIATION-SMALL"]
    assert any("TR-ORD-REAL-ESTATE 不适用" in r for r in out.reasons)


@pytest.mark.parametrize("change", [{"claim_amount_fen": 10_000_001}, {"basis_kind": "judgment"},
                                    {"service_address_confirmed": False}])
def test_triage_sends_other_cases_to_the_ordinary_track_with_the_reason(change: dict[str, Any]) -> None:
    out = triage(CONFIG.triage, facts(**change))
    assert out.track == "ordinary" and out.rule_ids == ["TR-DEFAULT-ORDINARY"]
    assert "TR-FAST-MEDIATION-SMALL 不适用" in out.reasons[1]


def test_real_estate_disposal_means_the_ordinary_track() -> None:
    out = triage(CONFIG.triage, facts(real_estate_disposal_expected=True))
    assert out.track == "ordinary" and out.rule_ids == ["TR-ORD-REAL-ESTATE"]


def test_assignment_never_picks_the_registrar_or_a_conflicted_judge() -> None:
    exclude = frozenset({"qz-j-201", "qz-j-202"})
    for draw in (0.0, 0.5, 0.99):
        pick = choose_judge(ROSTER, "ordinary", strategy="random", loads={}, draw=draw, exclude=exclude)
        assert pick is not None and pick.judge_id == "qz-j-203" and pick.excluded == ["qz-j-201", "qz-j-202"]
    assert choose_judge(ROSTER, "fast", strategy="random", loads={}, draw=0.3,
                        exclude=frozenset({"qz-j-101", "qz-j-102"})) is None


def test_least_loaded_assignment_picks_the_judge_with_fewest_open_cases() -> None:
    pick = choose_judge(ROSTER, "ordinary", strategy="least_loaded",
                        loads={"qz-j-201": 3, "qz-j-202": 1, "qz-j-203": 2}, draw=0.9, exclude=frozenset())
    assert pick is not None and (pick.judge_id, pick.team_id) == ("qz-j-202", "黔01-普执一组")


def test_registration_assigns_within_the_track_excluding_registrar_and_conflicts() -> None:
    roster = ROSTER.model_copy(update={"teams": tuple(
        t.model_copy(update={"judges": (*t.judges, "clerk-1")}) if t.track == "ordinary" else t
        for t in ROSTER.teams)})
    state = run(given(), application(conflicts=("qz-j-201",)))
    events = decide(c.RegisterCase(who(), routing(roster=roster, loads={"qz-j-203": 9}),
                                   case_number="（2026）黔01执3号"), state)
    assigned = events[2]
    assert assigned.judge_id == "qz-j-202"
    assert set(assigned.excluded) == {"clerk-1", "qz-j-201"}


def test_only_a_team_lead_overrides_triage_and_the_case_is_reassigned_in_the_new_track() -> None:
    state = registered()
    with pytest.raises(Forbidden):
        decide(c.OverrideTriage(who("qz-j-999"), "fast", "简单", routing()), state)
    events = decide(c.OverrideTriage(who("qz-lead-01"), "fast", "事实清楚", routing()), state)
    assert kinds(events) == ["intake.case_triaged", "intake.case_assigned"]
    assert events[0].override and events[0].previous_track == "ordinary"
    assert events[1].track == "fast" and events[1].judge_id in ("qz-j-101", "qz-j-102")


@pytest.mark.parametrize(("officer", "judge", "rule"), [
    ("qz-j-202", "qz-j-203", "互相制约-12"),
    ("qz-lead-02", "clerk-1", None),
])
def test_manual_reassignment_needs_a_leader_and_an_eligible_judge(officer: str, judge: str, rule: str | None) -> None:
    with pytest.raises(DomainError) as err:
        decide(c.Reassign(who(officer), judge, "工作调整", ROSTER), registered())
    assert err.value.rule == rule or err.value.code == "unknown_judge" or err.value.errors


@pytest.mark.parametrize("reason", ["", "   ", "调"])
def test_manual_reassignment_without_a_reason_is_refused_by_rule_12(reason: str) -> None:
    with pytest.raises(InvalidInput) as err:
        decide(c.Reassign(who("qz-lead-02"), "qz-j-203", reason, ROSTER), registered())
    assert (err.value.code, err.value.rule) == ("reason_required", "互相制约-12")
    assert [e["field"] for e in err.value.errors] == ["reason"]


def test_a_non_leader_is_refused_before_the_reason_is_looked_at() -> None:
    with pytest.raises(Forbidden) as err:
        decide(c.Reassign(who("qz-j-202"), "qz-j-203", "", ROSTER), registered())
    assert err.value.rule == "互相制约-12" and err.value.code == "not_a_leader"


def test_refusal_grounds_follow_the_items_of_article_16_in_order() -> None:
    """执行工作规定 item 16: (3) payable content and a named debtor; (4) not performed in time."""
    from services.intake.domain.filing import REFUSAL_GROUNDS

    assert REFUSAL_GROUNDS["basis_not_effective"].endswith("第16条第1项）")
    assert REFUSAL_GROUNDS["not_right_holder"].endswith("第16条第2项）")
    assert REFUSAL_GROUNDS["no_definite_content"].endswith("第16条第3项）")
    assert REFUSAL_GROUNDS["debtor_performed"].endswith("第16条第4项）")
    assert REFUSAL_GROUNDS["no_jurisdiction"].endswith("第16条第5项）")


def test_manual_reassignment_refuses_the_registrar_and_conflicted_judges() -> None:
    roster = ROSTER.model_copy(update={"teams": tuple(
        t.model_copy(update={"judges": (*t.judges, "clerk-1")}) for t in ROSTER.teams)})
    with pytest.raises(DomainError) as err:
        decide(c.Reassign(who("qz-lead-02"), "clerk-1", "调整", roster), registered())
    assert err.value.rule == "互相制约-1"
    with pytest.raises(DomainError) as err:
        decide(c.Reassign(who("qz-lead-02"), "qz-j-203", "调整", ROSTER), registered(conflicts=("qz-j-203",)))
    assert err.value.rule == "回避"
    events = decide(c.Reassign(who("qz-lead-02"), "qz-j-203", "工作调整", ROSTER), registered())
    assert events[0].strategy == "manual" and events[0].previous_judge_id == "qz-j-201"
