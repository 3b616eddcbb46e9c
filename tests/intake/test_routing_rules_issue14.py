"""Issue 14, item 6, on intake's side: a 执恢 case's first assignment names the judge who closed the old
case (互相制约-7); a triage override with a blank reason is refused naming its rule; a re-assignment may
not move a case to the other track's teams without a triage."""

from __future__ import annotations

import pytest

from services.intake.domain import CaseState, given
from services.intake.domain import commands as c
from shared.errors import DomainError, InvalidInput
from tests.intake.helpers import ROSTER, application, decide, registered, routing, run, who
from tests.intake.test_lifecycle_rules import JUDGE, closed_zhongben

pytestmark = pytest.mark.unit
LEAD = "qz-lead-02"  # the ordinary team's lead (config.json)


def test_a_resumed_case_s_first_assignment_names_the_judge_who_closed_the_old_case() -> None:
    old = closed_zhongben()
    cmd = c.RegisterLinkedCase(who("qz-rev-01"), "case-2", "（2026）黔01执恢1号", "执恢", old,
                               routing(exclude=frozenset({JUDGE})))
    assigned = decide(cmd, CaseState())[-1]
    assert assigned.event_type == "intake.case_assigned"
    assert assigned.previous_judge_id == JUDGE and assigned.judge_id != JUDGE


def test_a_first_case_s_first_assignment_has_no_previous_judge() -> None:
    events = decide(c.RegisterCase(who(), routing(), case_number="（2026）黔01执2号"), run(given(), application()))
    assert events[-1].event_type == "intake.case_assigned" and events[-1].previous_judge_id is None


@pytest.mark.parametrize("reason", ["", "   ", "改"])
def test_a_triage_override_without_a_reason_is_refused_naming_its_rule(reason: str) -> None:
    with pytest.raises(InvalidInput) as err:
        decide(c.OverrideTriage(who(LEAD), "fast", reason, routing()), registered())
    assert (err.value.code, err.value.rule) == ("reason_required", "繁简分流-团队长")
    assert [e["field"] for e in err.value.errors] == ["reason"]


def test_a_triage_override_with_a_reason_moves_the_case_and_reassigns_it_in_the_new_track() -> None:
    events = decide(c.OverrideTriage(who(LEAD), "fast", "双方调解结案，标的较小", routing()), registered())
    assert [e.event_type for e in events] == ["intake.case_triaged", "intake.case_assigned"]
    assert events[1].track == "fast"


def test_a_reassignment_to_the_other_track_s_judge_needs_a_triage_first() -> None:
    state = registered()  # ordinary, judge qz-j-201
    with pytest.raises(DomainError) as err:
        decide(c.Reassign(who(LEAD), "qz-j-101", "工作调整", ROSTER), state)
    assert (err.value.code, err.value.rule) == ("track_change_needs_triage", "繁简分流-团队长")
    [same_track] = decide(c.Reassign(who(LEAD), "qz-j-202", "工作调整", ROSTER), state)
    assert same_track.track == "ordinary"


def test_an_assignment_names_the_lead_of_the_judge_s_team_for_supervision_s_team_lead_list() -> None:
    """intake.case_assigned v2: the roster's lead of the chosen judge's team (a level-1 督办 goes to them)."""
    events = decide(c.RegisterCase(who(), routing(), case_number="（2026）黔01执3号"), run(given(), application()))
    assigned = events[-1]
    team = next(t for t in ROSTER.teams if t.team_id == assigned.team_id)
    assert assigned.judge_id in team.judges and assigned.team_lead_id == team.lead_id
    moved = decide(c.OverrideTriage(who(LEAD), "fast", "双方调解结案，标的较小", routing()), registered())[1]
    assert moved.team_lead_id == next(t.lead_id for t in ROSTER.teams if t.track == "fast")
