"""The routing table and region codes (pure)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.field_ops.domain.routing import (
    DEFAULT_ROUTING,
    CourtRouting,
    FieldTeam,
    RoutingRule,
    region_name,
    route,
)

pytestmark = pytest.mark.unit
TABLE = DEFAULT_ROUTING[0]


@pytest.mark.parametrize(("region", "kind", "team"), [
    ("520102", "investigate", "fo-t1"),
    ("520103", "other", "fo-t1"),
    ("520111", "investigate", "fo-t2"),
    ("520102", "serve_documents", "fo-t3"),
    ("520181", "summon", "fo-t3"),
    ("520111", "seize_on_site", "fo-t4"),
    ("520102", "search_premises", "fo-t4"),
])
def test_an_instruction_goes_to_the_first_team_whose_rule_matches_region_and_matter(
    region: str, kind: str, team: str
) -> None:
    assert route(TABLE, region, kind).team_id == team


def test_a_table_without_a_catch_all_rule_is_rejected() -> None:
    with pytest.raises(ValidationError):
        CourtRouting(court="黔01", teams=(FieldTeam(team_id="a", name="A"),),
                     rules=(RoutingRule(team_id="a", kinds=("summon",)),))


def test_a_rule_to_an_unknown_team_is_rejected() -> None:
    with pytest.raises(ValidationError):
        CourtRouting(court="黔01", teams=(FieldTeam(team_id="a", name="A"),),
                     rules=(RoutingRule(team_id="b"),))


def test_membership_and_leadership_come_from_the_table() -> None:
    assert TABLE.teams_of("fl-1") == {"fo-t1"} and TABLE.led_by("fl-1") == {"fo-t1"}
    assert TABLE.teams_of("fo-2a") == {"fo-t2"} and TABLE.led_by("fo-2a") == frozenset()


@pytest.mark.parametrize(("code", "name"), [("520102", "贵州省南明区"), ("520100", "贵州省贵阳市"),
                                            ("110105", "北京市朝阳区")])
def test_current_division_codes_are_accepted(code: str, name: str) -> None:
    assert region_name(code) == name


@pytest.mark.parametrize(("code", "reason"), [
    ("52010", "6 位"), ("52010a", "6 位"), ("520000", "省级"), ("999999", "不存在"), ("520114", "已撤销"),
])
def test_wrong_division_codes_are_refused_with_the_reason(code: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        region_name(code)
