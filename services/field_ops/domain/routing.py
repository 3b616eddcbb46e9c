"""Field teams and the routing table (configuration), and the pure routing and region checks.

Each court keeps its own table (a local choice, 外勤事务中心 of that court): four field teams with
their leads and members, and ordered rules matching an instruction's region (administrative
division code prefix, GB/T 2260) and matter (kind). The first matching rule wins; the last rule of
a table must match everything, so no instruction is ever left unrouted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

InstructionKind = Literal[
    "investigate", "seize_on_site", "serve_documents", "search_premises", "summon", "detain", "other"
]

KIND_NAMES: dict[str, str] = {
    "investigate": "现场调查",
    "seize_on_site": "现场查封扣押",
    "serve_documents": "送达文书",
    "search_premises": "搜查",
    "summon": "传唤",
    "detain": "司法拘留（送交公安机关看管）",
    "other": "其他",
}


class FieldTeam(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    team_id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    lead_ids: tuple[str, ...] = ()
    member_ids: tuple[str, ...] = ()

    def has_member(self, officer_id: str) -> bool:
        """Leads are members of their own team."""
        return officer_id in self.member_ids or officer_id in self.lead_ids


class RoutingRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    team_id: str
    region_prefixes: tuple[str, ...] = ()  # empty: any region
    kinds: tuple[InstructionKind, ...] = ()  # empty: any matter

    def matches(self, region: str, kind: str) -> bool:
        region_ok = not self.region_prefixes or any(region.startswith(p) for p in self.region_prefixes)
        return region_ok and (not self.kinds or kind in self.kinds)

    def describe(self) -> str:
        parts = []
        if self.kinds:
            parts.append("事项 " + "、".join(KIND_NAMES[k] for k in self.kinds))
        if self.region_prefixes:
            parts.append("区划 " + "、".join(self.region_prefixes))
        return "；".join(parts) or "兜底规则"


class CourtRouting(BaseModel):
    """One court's field teams and its ordered routing rules."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    court: str
    teams: tuple[FieldTeam, ...]
    rules: tuple[RoutingRule, ...]

    @model_validator(mode="after")
    def _complete(self) -> CourtRouting:
        ids = {t.team_id for t in self.teams}
        if len(ids) != len(self.teams):
            raise ValueError(f"{self.court}: duplicate team ids")
        unknown = {r.team_id for r in self.rules} - ids
        if unknown:
            raise ValueError(f"{self.court}: rules route to unknown teams {sorted(unknown)}")
        if not self.rules or self.rules[-1].region_prefixes or self.rules[-1].kinds:
            raise ValueError(f"{self.court}: the last routing rule must match every instruction")
        return self

    def team(self, team_id: str) -> FieldTeam | None:
        return next((t for t in self.teams if t.team_id == team_id), None)

    def teams_of(self, officer_id: str) -> frozenset[str]:
        return frozenset(t.team_id for t in self.teams if t.has_member(officer_id))

    def led_by(self, officer_id: str) -> frozenset[str]:
        return frozenset(t.team_id for t in self.teams if officer_id in t.lead_ids)


@dataclass(frozen=True)
class Route:
    team_id: str
    team_name: str
    rule: str


def route(table: CourtRouting, region: str, kind: str) -> Route:
    """The team an instruction goes to: the first rule matching its region and matter."""
    for rule in table.rules:
        if rule.matches(region, kind):
            team = table.team(rule.team_id)
            assert team is not None  # guaranteed by CourtRouting's validation
            return Route(team.team_id, team.name, rule.describe())
    raise AssertionError("routing table without a catch-all rule")  # excluded by validation


# A starter table for 贵阳中院 (黔01); a deployment replaces it with FIELD_OPS_ROUTING (JSON).
DEFAULT_ROUTING: tuple[CourtRouting, ...] = (
    CourtRouting(
        court="黔01",
        teams=(
            FieldTeam(team_id="fo-t1", name="外勤一组（南明、云岩）", lead_ids=("fl-1",),
                      member_ids=("fo-1a", "fo-1b")),
            FieldTeam(team_id="fo-t2", name="外勤二组（其他区县）", lead_ids=("fl-2",),
                      member_ids=("fo-2a", "fo-2b")),
            FieldTeam(team_id="fo-t3", name="外勤三组（送达、传唤）", lead_ids=("fl-3",),
                      member_ids=("fo-3a", "fo-3b")),
            FieldTeam(team_id="fo-t4", name="外勤四组（查封、搜查）", lead_ids=("fl-4",),
                      member_ids=("fo-4a", "fo-4b")),
        ),
        rules=(
            RoutingRule(team_id="fo-t4", kinds=("seize_on_site", "search_premises")),
            RoutingRule(team_id="fo-t3", kinds=("serve_documents", "summon")),
            RoutingRule(team_id="fo-t1", region_prefixes=("520102", "520103")),
            RoutingRule(team_id="fo-t2"),
        ),
    ),
)


@lru_cache(maxsize=1)
def _divisions() -> object:
    from stdnum import numdb  # GB/T 2260 table shipped with python-stdnum (package data)

    return numdb.get("cn/loc")


def region_name(code: str) -> str:
    """The name of a current administrative division (e.g. ``贵州省南明区``), or ValueError in Chinese."""
    if len(code) != 6 or not code.isdigit():
        raise ValueError("行政区划代码应为 6 位数字")
    if code.endswith("0000"):
        raise ValueError("行政区划代码应精确到市或区县，不能只填省级代码")
    info: dict[str, str] = {}
    for _part, props in _divisions().info(code):  # type: ignore[attr-defined]
        info.update(props)
    if "province" not in info or "county" not in info:
        raise ValueError(f"行政区划代码 {code} 不存在")
    for name in info["county"].split(","):
        if not name.startswith("["):
            return info["province"] + name
        span, current = name[1:].split("]")
        if not span.split("-")[1]:
            return info["province"] + current
    raise ValueError(f"行政区划代码 {code} 已撤销，请使用现行代码")
