"""Weekly report per judge and per team: received, closed, pending, overdue by node, findings.

Everything is read from supervision's own projections of one court: the trail (assignments and
closures), the deadline states and the findings. A case belongs to the judge (and team) of its
last assignment before the week's end. Weeks are ISO weeks in Asia/Shanghai time.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg

from services.supervision.settings import DeadlineSettings
from shared.envelope import SHANGHAI

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """``2026-W10``; ValueError with a Chinese reason otherwise."""
        m = WEEK.match(text.strip())
        if not m:
            raise ValueError("周次格式应为 YYYY-Www，如 2026-W10")
        year, week = int(m[1]), int(m[2])
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"{year} 年没有第 {week} 周") from None
        return cls(year, week)

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @property
    def first_day(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=6)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time(0), SHANGHAI)

    @property
    def end(self) -> datetime:
        """Exclusive: Monday 00:00 of the next week."""
        return self.start + timedelta(days=7)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


def _owners(until: str) -> str:
    """The judge and team of each case's last assignment, and its first closure, before ``until``."""
    return f"""WITH owner AS (
    SELECT DISTINCT ON (case_id) case_id, payload->>'judge_id' AS judge_id, payload->>'team_id' AS team_id
    FROM audit_trail WHERE court = $1 AND event_type = 'intake.case_assigned' AND occurred_at < {until}
    ORDER BY case_id, seq DESC
), closed AS (
    SELECT DISTINCT ON (case_id) case_id, occurred_at, payload->>'closure_type' AS closure_type
    FROM audit_trail WHERE court = $1 AND event_type = 'intake.case_closed' AND occurred_at < {until}
    ORDER BY case_id, seq
)"""


# metric -> (SQL, its parameters after the court: names of values ``load`` supplies)
QUERIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "received": (
        "SELECT payload->>'judge_id' AS judge_id, payload->>'team_id' AS team_id, NULL AS item,"
        " count(DISTINCT case_id) AS n FROM audit_trail WHERE court = $1 AND event_type = 'intake.case_assigned'"
        " AND occurred_at >= $2 AND occurred_at < $3 GROUP BY 1, 2",
        ("start", "end"),
    ),
    "closed": (
        _owners("$3") + " SELECT o.judge_id, o.team_id, c.closure_type AS item, count(*) AS n"
        " FROM closed c JOIN owner o USING (case_id) WHERE c.occurred_at >= $2 GROUP BY 1, 2, 3",
        ("start", "end"),
    ),
    "pending": (
        _owners("$2") + " SELECT o.judge_id, o.team_id, NULL AS item, count(*) AS n"
        " FROM owner o LEFT JOIN closed c USING (case_id) WHERE c.case_id IS NULL GROUP BY 1, 2",
        ("end",),
    ),
    # Open (or done only after the week) at the end of its last day; a closed case's nodes count
    # only if they are watched after closure.
    "overdue": (
        _owners("$2") + " SELECT o.judge_id, o.team_id, d.node AS item, count(*) AS n"
        " FROM deadlines d JOIN owner o USING (case_id) LEFT JOIN closed c USING (case_id)"
        " WHERE d.court = $1 AND d.due IS NOT NULL AND d.due < $3 AND d.start_date <= $3"
        " AND (d.completed_on IS NULL OR d.completed_on > $3)"
        " AND (c.case_id IS NULL OR d.node = ANY($4::text[])) GROUP BY 1, 2, 3",
        ("end", "last_day", "watched"),
    ),
    "findings": (
        _owners("$3") + " SELECT o.judge_id, o.team_id, f.rule_id AS item, count(*) AS n"
        " FROM findings f JOIN owner o USING (case_id) WHERE f.court = $1 AND f.raised_at >= $2"
        " AND f.raised_at < $3 GROUP BY 1, 2, 3",
        ("start", "end"),
    ),
}
METRICS = tuple(QUERIES)


async def load(conn: asyncpg.Connection, court: str, week: IsoWeek, cfg: DeadlineSettings) -> dict[str, list[Any]]:
    """The grouped counts of each metric (judge_id, team_id, item, n)."""
    values = {
        "start": week.start,
        "end": week.end,
        "last_day": week.last_day,
        "watched": list(cfg.watched_after_closure),
    }
    out: dict[str, list[Any]] = {}
    for metric, (sql, params) in QUERIES.items():
        out[metric] = [dict(r) for r in await conn.fetch(sql, court, *(values[p] for p in params))]
    return out


def _empty(**ids: Any) -> dict[str, Any]:
    return {
        **ids,
        "received": 0,
        "closed": 0,
        "closed_by_type": {},
        "pending": 0,
        "overdue": 0,
        "overdue_by_node": {},
        "findings": 0,
        "findings_by_rule": {},
    }


def _add(row: dict[str, Any], metric: str, item: str | None, n: int) -> None:
    row[metric] += n
    breakdown = {"closed": "closed_by_type", "overdue": "overdue_by_node", "findings": "findings_by_rule"}.get(metric)
    if breakdown:
        key = item or "？"
        row[breakdown][key] = row[breakdown].get(key, 0) + n


def assemble(
    week: IsoWeek, court: str, counts: Mapping[str, Iterable[Mapping[str, Any]]], judge_id: str | None = None
) -> dict[str, Any]:
    """Per-judge and per-team rows from the grouped counts (pure). A judge's team is the team of
    their cases (several if they changed team)."""
    judges: dict[str, dict[str, Any]] = {}
    teams: dict[str, dict[str, Any]] = {}
    judge_teams: dict[str, set[str]] = defaultdict(set)
    for metric in METRICS:
        for r in counts.get(metric, ()):
            judge, team = r["judge_id"] or "（未分案）", r["team_id"] or "（无团队）"
            if judge_id and judge != judge_id:
                continue
            judge_teams[judge].add(team)
            _add(judges.setdefault(judge, _empty(judge_id=judge)), metric, r["item"], int(r["n"]))
            _add(teams.setdefault(team, _empty(team_id=team)), metric, r["item"], int(r["n"]))
    for judge, row in judges.items():
        row["team_ids"] = sorted(judge_teams[judge])
    return {
        "week": str(week),
        "from": week.first_day.isoformat(),
        "to": week.last_day.isoformat(),
        "court": court,
        "judges": [judges[k] for k in sorted(judges)],
        "teams": [] if judge_id else [teams[k] for k in sorted(teams)],
    }


CSV_COLUMNS = ("week", "scope", "id", "team_ids", "received", "closed", "pending", "overdue", "findings")


def _pairs(d: Mapping[str, int]) -> str:
    return "；".join(f"{k}:{v}" for k, v in sorted(d.items()))


def to_csv(report: Mapping[str, Any]) -> str:
    """One row per judge and per team; breakdowns as ``key:n；key:n`` (UTF-8 with BOM for Excel)."""
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf)
    w.writerow([*CSV_COLUMNS, "closed_by_type", "overdue_by_node", "findings_by_rule"])
    for scope, rows, key in (("judge", report["judges"], "judge_id"), ("team", report["teams"], "team_id")):
        for r in rows:
            w.writerow(
                [
                    report["week"],
                    scope,
                    r[key],
                    "、".join(r.get("team_ids", [])),
                    r["received"],
                    r["closed"],
                    r["pending"],
                    r["overdue"],
                    r["findings"],
                    _pairs(r["closed_by_type"]),
                    _pairs(r["overdue_by_node"]),
                    _pairs(r["findings_by_rule"]),
                ]
            )
    return buf.getvalue()
