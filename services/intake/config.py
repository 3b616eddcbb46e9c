"""Intake's local configuration: the roster (teams, judges, leads, reviewers), triage rules and
closure policy. Values one court chose live here, in ``config.json`` (or the file named by
``INTAKE_CONFIG_PATH``), never in the rules' code.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_PATH = Path(__file__).parent / "config.json"

Strategy = Literal["least_loaded", "random"]
TrackName = Literal["fast", "ordinary"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Team(_Frozen):
    team_id: str
    name: str
    track: TrackName
    lead_id: str
    judges: tuple[str, ...]


class CourtRoster(_Frozen):
    strategy: Strategy = "least_loaded"
    teams: tuple[Team, ...]
    reviewers: tuple[str, ...] = ()  # designated reviewers for resumption (双循环) and objections
    leaders: tuple[str, ...] = ()  # bureau chiefs and other leaders who may re-assign

    def judges(self) -> set[str]:
        return {j for t in self.teams for j in t.judges}

    def team_of(self, judge_id: str) -> Team | None:
        return next((t for t in self.teams if judge_id in t.judges), None)

    def teams_for(self, track: str) -> tuple[Team, ...]:
        return tuple(t for t in self.teams if t.track == track)

    def leads(self) -> set[str]:
        return {t.lead_id for t in self.teams}


class TriageWhen(_Frozen):
    """All given conditions must hold for the rule to match."""

    basis_kinds: tuple[str, ...] | None = None
    claim_max_fen: int | None = None
    service_address_confirmed: bool | None = None
    real_estate_disposal_expected: bool | None = None
    case_types: tuple[str, ...] | None = None


class TriageRule(_Frozen):
    rule_id: str
    track: TrackName
    reason: str
    when: TriageWhen


class TriagePolicy(_Frozen):
    rules: tuple[TriageRule, ...]
    default_track: TrackName = "ordinary"
    default_rule_id: str = "TR-DEFAULT"


class ClosurePolicy(_Frozen):
    required_agency_kinds: tuple[str, ...] = ()
    require_offline_investigation: bool = True
    zhongben_min_months: int = 3
    # The unsold chances after which an asset counts as "could not be disposed of" are not a court's
    # choice: the law's one table, shared with disposal (shared/disposal_chances.py, 拍卖变卖规定 arts. 25-26).


class JudicialAidPolicy(_Frozen):
    """国家司法救助 (意见 2016 第八条): the province's average monthly wage of employees per year (fen), as
    published by its statistics bureau; the cap of a decision taken in year Y reads year Y-1."""

    higher_court: str = ""
    monthly_wage_fen: dict[str, int] = Field(default_factory=dict)

    def wage_for(self, year: int) -> int | None:
        return self.monthly_wage_fen.get(str(year))


class IntakeConfig(_Frozen):
    supplement_deadline_days: int = 15
    rosters: dict[str, CourtRoster]
    triage: TriagePolicy
    closure: ClosurePolicy = ClosurePolicy()
    judicial_aid: dict[str, JudicialAidPolicy] = Field(default_factory=dict)  # per court

    def aid_policy(self, court: str) -> JudicialAidPolicy:
        return self.judicial_aid.get(court) or JudicialAidPolicy()

    def roster(self, court: str) -> CourtRoster:
        return self.rosters.get(court) or CourtRoster(teams=())


@lru_cache(maxsize=8)
def load_config(path: str | None = None) -> IntakeConfig:
    """The configuration file, parsed and validated once per process."""
    text = Path(path or DEFAULT_PATH).read_text(encoding="utf-8")
    return IntakeConfig.model_validate_json(text)
