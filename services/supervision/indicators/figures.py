"""质效指标 (docs/rules.md §8), computed from a court's trail. Pure: no I/O.

No single official formula sheet exists, so every closure keeps its inputs (``CaseFacts``, one per
case, folded from the trail) and the API serves them beside the figures: any other formula can be
recomputed from the same facts. Working definitions (a ratio is numerator ÷ denominator):

- 结案率: cases closed in the period ÷ cases received (旧存 = registered before the period and still
  open at its start, + 新收 = registered in it).
- 执行完毕率: closed as 执行完毕 ÷ closed implementation cases (执, 执恢).
- 实际执结率: closed as 执行完毕 (compulsory execution, voluntary payment or a performed settlement),
  or as 终结执行 after a performed settlement or with money recovered ÷ closed.
- 执行到位率: money recovered (funds that reached the case account, cash or in kind, at most the
  claim per case) ÷ money claimed, over the cases closed in the period.
- 结案平均用时: mean calendar days from registration to closure (overall and per track).
- 法定期限内结案率: closures on or before the case's close-by date (6 months, extensions and tolling
  from the deadline engine) ÷ closures.
- 终本率: 终本 closures ÷ closures; 终本合格率: 终本 closures without a 互相制约-6 finding ÷ 终本 closures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from services.supervision.domain.deadlines import escalation_level, status
from services.supervision.domain.entries import Entry

IMPLEMENTATION_TYPES = frozenset({"执", "执恢"})
# An objection case (执异) is a review with its own life and figures (indicators/objections.py): it is in
# none of the enforcement figures — not received, closed or pending, not in 结案率 (issue 14).
NOT_ENFORCEMENT = frozenset({"执异"})


def enforcement(facts: Iterable[CaseFacts]) -> list[CaseFacts]:
    """The cases the enforcement indicators count: every case but objection cases."""
    return [f for f in facts if f.case_type not in NOT_ENFORCEMENT]
ZHONGBEN = "终本"
PAID = "执行完毕"
TERMINATED = "终结执行"
ZHONGBEN_RULE = "互相制约-6"

# The trail events the indicators read, and the payload fields ``case_facts`` reads of each: the API
# loads only these (a registration's whole payload — parties, basis — cost most of GET /indicators).
FACT_FIELDS: dict[str, tuple[str, ...]] = {
    "intake.case_registered": ("case_type", "registered_on", "claim_amount_fen"),
    "intake.case_triaged": ("track",),
    "intake.case_assigned": ("judge_id", "team_id", "track"),
    "intake.settlement_recorded": ("performed",),
    "intake.case_closed": (
        "closure_type", "closed_on", "judge_id", "approved_by", "track", "claim_amount_fen", "conditions",
    ),
    "disposal.funds_received": ("amount_fen",),
}
FACT_EVENTS = tuple(FACT_FIELDS)
GROUPS = {"track": "track", "team": "team_id", "judge": "judge_id"}


@dataclass(frozen=True)
class CaseFacts:
    """The inputs of every indicator for one case, as the trail recorded them."""

    case_id: str
    case_type: str | None = None
    track: str | None = None
    team_id: str | None = None
    judge_id: str | None = None
    registered_on: date | None = None
    claim_fen: int = 0
    recovered_fen: int = 0
    settlement_performed: bool = False
    closure_type: str | None = None
    closed_on: date | None = None
    approved_by: str | None = None
    conditions: list[dict[str, Any]] = field(default_factory=list)
    close_due: date | None = None  # from the deadline engine's "close" node
    zhongben_finding: bool = False  # a 互相制约-6 finding on the case

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for k in ("registered_on", "closed_on", "close_due"):
            data[k] = data[k].isoformat() if data[k] else None
        return data

    @property
    def days_to_close(self) -> int | None:
        if self.registered_on is None or self.closed_on is None:
            return None
        return (self.closed_on - self.registered_on).days


def case_facts(entries: Iterable[Entry], close_due: date | None = None, finding_rules: Iterable[str] = ()
               ) -> CaseFacts | None:
    """Fold one case's trail (in log order) into its facts; None when it was never registered. With
    ``close_due`` and ``finding_rules``, the facts come completed as ``with_checks`` completes them.

    One ``CaseFacts`` per case, built at the end: the fold keeps its fields in locals (a dataclass
    ``replace`` per event cost half of ``GET /indicators`` over a year of cases). Reads only the payload
    fields ``FACT_FIELDS`` names for each event type."""
    registered = False
    case_id = ""
    case_type: str | None = None
    track: str | None = None
    team_id: str | None = None
    judge_id: str | None = None
    closure_type: str | None = None
    approved_by: str | None = None
    registered_on: date | None = None
    closed_on: date | None = None
    claim_fen = recovered_fen = 0
    settlement_performed = False
    conditions: list[dict[str, Any]] = []
    for e in entries:
        t = e.event_type
        if t == "intake.case_registered":
            registered = True
            case_id = e.case_id
            case_type = e.text("case_type") or "执"
            registered_on = e.date_of("registered_on") or e.day
            claim_fen = e.number("claim_amount_fen") or 0
            track = team_id = judge_id = closure_type = approved_by = None
            closed_on = None
            recovered_fen = 0
            settlement_performed = False
            conditions = []
        elif not registered:
            continue
        elif t == "intake.case_triaged":
            track = e.text("track") or track
        elif t == "intake.case_assigned":
            judge_id = e.text("judge_id") or judge_id
            team_id = e.text("team_id") or team_id
            track = e.text("track") or track
        elif t == "intake.settlement_recorded" and e.payload.get("performed") is True:
            settlement_performed = True
        elif t == "disposal.funds_received":
            recovered_fen += e.number("amount_fen") or 0
        elif t == "intake.case_closed":
            listed = e.payload.get("conditions")
            closure_type = e.text("closure_type")
            closed_on = e.date_of("closed_on") or e.day
            judge_id = e.text("judge_id") or judge_id
            approved_by = e.text("approved_by")
            track = e.text("track") or track
            claim_fen = e.number("claim_amount_fen") or claim_fen
            conditions = list(listed) if isinstance(listed, list) else []
    if not registered:
        return None
    return CaseFacts(case_id, case_type, track, team_id, judge_id, registered_on, claim_fen, recovered_fen,
                     settlement_performed, closure_type, closed_on, approved_by, conditions, close_due,
                     ZHONGBEN_RULE in set(finding_rules))


def with_checks(facts: CaseFacts, close_due: date | None, finding_rules: Iterable[str]) -> CaseFacts:
    """The facts completed with what the deadline engine and the rule checks found."""
    return replace(facts, close_due=close_due, zhongben_finding=ZHONGBEN_RULE in set(finding_rules))


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __contains__(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def ratio(numerator: int, denominator: int) -> dict[str, Any]:
    return {
        "value": round(numerator / denominator, 4) if denominator else None,
        "numerator": numerator,
        "denominator": denominator,
    }


def actually_executed(f: CaseFacts) -> bool:
    if f.closure_type == PAID:
        return True
    return f.closure_type == TERMINATED and (f.settlement_performed or f.recovered_fen > 0)


def within_limit(f: CaseFacts) -> bool:
    """Closed on or before the close-by date; a case whose clock stood still (no due date) is in time."""
    return f.closed_on is not None and (f.close_due is None or f.closed_on <= f.close_due)


@dataclass
class Tally:
    """The additive counts and sums every indicator is a ratio or a mean of, over a set of cases and a
    period: tallies of disjoint sets add up (``+=``), so the totals are the tracks' sum and the figures
    can be counted by PostgreSQL per group (indicators/store.py) as well as here."""

    received_old: int = 0
    received_new: int = 0
    closed: int = 0
    pending: int = 0
    claimed_fen: int = 0
    recovered_fen: int = 0  # at most the claim, per case
    implementation_closed: int = 0
    implementation_paid: int = 0
    actually_executed: int = 0
    days_total: int = 0
    days_cases: int = 0
    within_limit: int = 0
    zhongben: int = 0
    zhongben_qualified: int = 0
    closed_by_type: dict[str, int] = field(default_factory=dict)

    def __iadd__(self, other: Tally) -> Tally:
        for name in TALLY_SUMS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for kind, n in other.closed_by_type.items():
            self.closed_by_type[kind] = self.closed_by_type.get(kind, 0) + n
        return self


TALLY_SUMS = tuple(f for f in Tally.__dataclass_fields__ if f != "closed_by_type")


def tally(facts: Iterable[CaseFacts], period: Period) -> Tally:
    """The tally of a set of cases over a period (inclusive dates); objection cases (执异) left out."""
    t = Tally()
    for f in enforcement(facts):
        if f.registered_on is not None:
            if f.registered_on in period:
                t.received_new += 1
            elif f.registered_on < period.start and (f.closed_on is None or f.closed_on >= period.start):
                t.received_old += 1
            if f.registered_on <= period.end and (f.closed_on is None or f.closed_on > period.end):
                t.pending += 1
        if f.closed_on not in period:
            continue
        t.closed += 1
        kind = f.closure_type or "未知"
        t.closed_by_type[kind] = t.closed_by_type.get(kind, 0) + 1
        t.claimed_fen += f.claim_fen
        t.recovered_fen += min(f.recovered_fen, f.claim_fen)
        if f.case_type in IMPLEMENTATION_TYPES:
            t.implementation_closed += 1
            t.implementation_paid += f.closure_type == PAID
        t.actually_executed += actually_executed(f)
        if f.days_to_close is not None:
            t.days_total += f.days_to_close
            t.days_cases += 1
        t.within_limit += within_limit(f)
        if f.closure_type == ZHONGBEN:
            t.zhongben += 1
            t.zhongben_qualified += not f.zhongben_finding
    return t


def figures_of(t: Tally) -> dict[str, Any]:
    """Every indicator (docs/rules.md §8) from a tally."""
    return {
        "received": t.received_old + t.received_new,
        "received_old": t.received_old,
        "received_new": t.received_new,
        "closed": t.closed,
        "pending": t.pending,
        "closed_by_type": dict(sorted(t.closed_by_type.items())),
        "claimed_fen": t.claimed_fen,
        "recovered_fen": t.recovered_fen,
        "结案率": ratio(t.closed, t.received_old + t.received_new),
        "执行完毕率": ratio(t.implementation_paid, t.implementation_closed),
        "实际执结率": ratio(t.actually_executed, t.closed),
        "执行到位率": ratio(t.recovered_fen, t.claimed_fen),
        "结案平均用时": {
            "value": round(t.days_total / t.days_cases, 2) if t.days_cases else None,
            "total_days": t.days_total,
            "cases": t.days_cases,
        },
        "法定期限内结案率": ratio(t.within_limit, t.closed),
        "终本率": ratio(t.zhongben, t.closed),
        "终本合格率": ratio(t.zhongben_qualified, t.zhongben),
    }


def indicators(facts: Sequence[CaseFacts], period: Period) -> dict[str, Any]:
    """Every indicator (docs/rules.md §8) of a set of cases over a period (inclusive dates); objection
    cases (执异) left out."""
    return figures_of(tally(facts, period))


TRACKS = ("fast", "ordinary", "others")


def track_of(f: CaseFacts) -> str:
    """快执, 普执, or others: cases never triaged into either (cases not yet triaged; 执异 objection
    cases are in no track, being in no enforcement figure), so the tracks add up to the totals."""
    return bucket(f.track)


def bucket(track: str | None) -> str:
    return track if track in ("fast", "ordinary") else "others"


def track_figures(by_track: dict[str, Tally], closed_all: int) -> dict[str, dict[str, Any]]:
    """快执 versus 普执 (and others) from each track's tally: received (旧存 + 新收, as in the
    totals), closed, pending, share of all closures, mean days to close."""
    out: dict[str, dict[str, Any]] = {}
    for track in TRACKS:
        figures = figures_of(by_track.get(track) or Tally())
        out[track] = {
            "received": figures["received"],
            "received_old": figures["received_old"],
            "received_new": figures["received_new"],
            "closed": figures["closed"],
            "pending": figures["pending"],
            "share_of_closures": ratio(figures["closed"], closed_all),
            "mean_days_to_close": figures["结案平均用时"],
        }
    return out


def tracks(facts: Sequence[CaseFacts], period: Period) -> dict[str, dict[str, Any]]:
    """``track_figures`` of a set of cases: each count of the totals is the sum of the tracks'."""
    closed_all = sum(1 for f in enforcement(facts) if f.closed_on in period)
    return track_figures({t: tally([f for f in facts if track_of(f) == t], period) for t in TRACKS}, closed_all)


def grouped(facts: Sequence[CaseFacts], period: Period, by: str) -> list[dict[str, Any]]:
    """The indicators per track, team or judge (a case counts where it currently is)."""
    attr = GROUPS[by]
    groups: dict[str, list[CaseFacts]] = defaultdict(list)
    for f in facts:
        groups[getattr(f, attr) or "未分配"].append(f)
    return [{by: key, **indicators(members, period)} for key, members in sorted(groups.items())]


def select(facts: Iterable[CaseFacts], **filters: str | None) -> list[CaseFacts]:
    """Cases matching every given filter (track, team_id, judge_id)."""
    wanted = {k: v for k, v in filters.items() if v}
    return [f for f in facts if all(getattr(f, k) == v for k, v in wanted.items())]


def overdue(
    rows: Iterable[dict[str, Any]], today: date, warning_days: int, thresholds: Sequence[int]
) -> dict[str, Any]:
    """Open deadlines past due on ``today`` (from the deadline projection): cases per node, team,
    judge and escalation level. A case counts once per node, once per team/judge, at its highest level."""
    nodes: dict[str, set[str]] = defaultdict(set)
    titles: dict[str, str] = {}
    teams: dict[str, set[str]] = defaultdict(set)
    judges: dict[str, set[str]] = defaultdict(set)
    level_of: dict[str, int] = {}
    for row in rows:
        d = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}
        if status(d, today, warning_days) != "overdue":
            continue
        case = str(d["case_id"])
        nodes[str(d["node"])].add(case)
        titles.setdefault(str(d["node"]), str(d.get("title") or d["node"]))
        teams[str(d.get("team_id") or "未分配")].add(case)
        judges[str(d.get("judge_id") or "未分配")].add(case)
        level = escalation_level((today - date.fromisoformat(d["due"])).days, thresholds)
        level_of[case] = max(level, level_of.get(case, 0))

    def counted(
        groups: dict[str, set[str]], key: str, extra: Callable[[str], dict[str, Any]] | None = None
    ) -> list[dict[str, Any]]:
        items = [{key: k, "cases": len(v), **(extra(k) if extra else {})} for k, v in groups.items()]
        return sorted(items, key=lambda i: (-i["cases"], i[key]))

    by_level = {str(level): 0 for level in range(1, len(thresholds) + 1)}
    for level in level_of.values():
        by_level[str(level)] = by_level.get(str(level), 0) + 1
    return {
        "as_of": today.isoformat(),
        "cases": len(level_of),
        "by_node": counted(nodes, "node", lambda k: {"title": titles[k]}),
        "by_team": counted(teams, "team_id"),
        "by_judge": counted(judges, "judge_id"),
        "by_level": by_level,
    }
