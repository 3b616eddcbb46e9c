"""质效指标 (docs/rules.md §8): given a small trail, the exact figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from services.supervision.domain.entries import Entry
from services.supervision.indicators import agencies as ag
from services.supervision.indicators import figures as ind
from shared.envelope import SHANGHAI
from tests.supervision.helpers import History

pytestmark = pytest.mark.unit
PERIOD = ind.Period(date(2026, 1, 1), date(2026, 6, 30))


def case(
    case_id: str,
    registered: date,
    *,
    claim: int,
    track: str | None = "ordinary",
    judge: str = "judge-1",
    team: str = "team-1",
    funds: int = 0,
    settled: bool = False,
    closed: tuple[str, date] | None = None,
) -> list[Entry]:
    h = History(case_id, registered)
    h.registered(claim_amount_fen=claim, registered_on=registered.isoformat())
    if track is not None:  # None: registered, never triaged nor assigned
        h.add("intake.case_triaged", track=track, rule_ids=["r"], reasons=["r"])
        h.add("intake.case_assigned", "system", None, judge_id=judge, team_id=team, track=track, assigned_by="system")
    if funds:
        h.later(5).add(
            "disposal.funds_received", "fin-1", "finance_officer", amount_fen=funds, source="voluntary_payment"
        )
    if settled:
        h.later(1).add("intake.settlement_recorded", judge, "judge", performed=True, agreement_hash="h")
    if closed:
        kind, on = closed
        h.on(on).add(
            "intake.case_closed",
            "chief-1",
            "bureau_chief",
            closure_type=kind,
            judge_id=judge,
            approved_by="chief-1",
            reason="r",
            conditions=[{"code": "x", "met": True, "detail": "d"}],
            claim_amount_fen=claim,
            registered_on=registered.isoformat(),
            closed_on=on.isoformat(),
            track=track,
        )
    return h.entries


def facts(entries: list[Entry], due: date | None = None, rules: tuple[str, ...] = ()) -> ind.CaseFacts:
    folded = ind.case_facts(entries)
    assert folded is not None
    return ind.with_checks(folded, due, rules)


def given_a_court() -> list[ind.CaseFacts]:
    return [
        # A: fast, paid in full in 20 days
        facts(
            case(
                "A",
                date(2026, 1, 5),
                claim=100_000,
                track="fast",
                funds=100_000,
                closed=("执行完毕", date(2026, 1, 25)),
            ),
            due=date(2026, 7, 6),
        ),
        # B: ordinary, 终本 after 99 days, with a 互相制约-6 finding
        facts(
            case(
                "B",
                date(2026, 2, 1),
                claim=200_000,
                judge="judge-2",
                team="team-2",
                funds=50_000,
                closed=("终本", date(2026, 5, 11)),
            ),
            due=date(2026, 8, 1),
            rules=("互相制约-6", "互相制约-1"),
        ),
        # C: received last year (旧存), 终本 after 90 days, clean
        facts(case("C", date(2025, 12, 1), claim=300_000, closed=("终本", date(2026, 3, 1))), due=date(2026, 6, 1)),
        # D: still open
        facts(case("D", date(2026, 3, 1), claim=400_000)),
        # E: closed before the period: neither received nor closed in it
        facts(case("E", date(2025, 10, 1), claim=500_000, closed=("执行完毕", date(2025, 12, 20)))),
        # F: fast, 终结执行 after a performed settlement, 161 days, after its close-by date
        facts(
            case(
                "F",
                date(2026, 1, 10),
                claim=100_000,
                track="fast",
                settled=True,
                closed=("终结执行", date(2026, 6, 20)),
            ),
            due=date(2026, 6, 15),
        ),
    ]


def test_the_indicators_of_a_small_court_are_exact() -> None:
    t = ind.indicators(given_a_court(), PERIOD)
    assert (t["received_old"], t["received_new"], t["received"], t["closed"], t["pending"]) == (1, 4, 5, 4, 1)
    assert t["closed_by_type"] == {"执行完毕": 1, "终本": 2, "终结执行": 1}
    assert t["结案率"] == {"value": 0.8, "numerator": 4, "denominator": 5}
    assert t["执行完毕率"] == {"value": 0.25, "numerator": 1, "denominator": 4}
    assert t["实际执结率"] == {"value": 0.5, "numerator": 2, "denominator": 4}
    assert t["执行到位率"] == {"value": 0.2143, "numerator": 150_000, "denominator": 700_000}
    assert t["结案平均用时"] == {"value": 92.5, "total_days": 20 + 99 + 90 + 161, "cases": 4}
    assert t["法定期限内结案率"] == {"value": 0.75, "numerator": 3, "denominator": 4}
    assert t["终本率"] == {"value": 0.5, "numerator": 2, "denominator": 4}
    assert t["终本合格率"] == {"value": 0.5, "numerator": 1, "denominator": 2}


def test_fast_and_ordinary_tracks_side_by_side() -> None:
    tracks = ind.tracks(given_a_court(), PERIOD)
    fast, ordinary = tracks["fast"], tracks["ordinary"]
    assert (fast["received_old"], fast["received_new"], fast["received"], fast["closed"], fast["pending"]) == (
        0, 2, 2, 2, 0)
    assert fast["share_of_closures"] == {"value": 0.5, "numerator": 2, "denominator": 4}
    assert fast["mean_days_to_close"]["value"] == 90.5
    # C is 旧存 (registered last year, open at the period's start): it is received in its track too
    assert (ordinary["received_old"], ordinary["received_new"], ordinary["received"], ordinary["closed"],
            ordinary["pending"]) == (1, 2, 3, 2, 1)
    assert ordinary["mean_days_to_close"]["value"] == 94.5


def test_the_tracks_add_up_to_the_totals_with_the_untriaged_as_others() -> None:
    court = given_a_court()
    untriaged = facts(case("G", date(2026, 2, 2), claim=50_000, track=None))
    t, tracks = ind.indicators([*court, untriaged], PERIOD), ind.tracks([*court, untriaged], PERIOD)
    assert tracks["others"]["received"] == 1 and tracks["others"]["pending"] == 1
    for key in ("received", "received_old", "received_new", "closed", "pending"):
        assert sum(tracks[k][key] for k in ind.TRACKS) == t[key], key


def test_grouped_by_judge_and_filtered_by_team() -> None:
    groups = {g["judge"]: g for g in ind.grouped(given_a_court(), PERIOD, "judge")}
    assert set(groups) == {"judge-1", "judge-2"}
    assert groups["judge-2"]["closed"] == 1 and groups["judge-2"]["终本合格率"]["value"] == 0.0
    team2 = ind.select(given_a_court(), team_id="team-2")
    assert [f.case_id for f in team2] == ["B"]


def test_an_empty_denominator_gives_no_value_rather_than_zero() -> None:
    t = ind.indicators([], PERIOD)
    assert t["结案率"] == {"value": None, "numerator": 0, "denominator": 0}
    assert t["结案平均用时"]["value"] is None


def test_the_facts_follow_the_trail_last_assignment_wins_and_inputs_are_kept() -> None:
    entries = case("G", date(2026, 2, 2), claim=10_000, closed=("执行完毕", date(2026, 2, 12)))
    h = History("G", date(2026, 2, 3))
    moved = h.add("intake.case_assigned", "lead-1", "team_lead", judge_id="judge-9", team_id="team-9", track="fast")
    f = facts(entries[:3] + [replace(moved, seq=4)] + [replace(e, seq=e.seq + 1) for e in entries[3:]])
    assert (f.judge_id, f.team_id, f.track) == ("judge-1", "team-9", "ordinary")  # the closure names the judge
    assert f.conditions == [{"code": "x", "met": True, "detail": "d"}]
    assert f.to_json()["closed_on"] == "2026-02-12" and f.days_to_close == 10
    assert ind.case_facts(History("H").entries) is None


def test_money_recovered_above_the_claim_counts_only_up_to_the_claim() -> None:
    f = facts(case("I", date(2026, 1, 5), claim=1_000, funds=1_500, closed=("执行完毕", date(2026, 1, 30))))
    assert ind.indicators([f], PERIOD)["执行到位率"] == {"value": 1.0, "numerator": 1_000, "denominator": 1_000}


def test_overdue_cases_per_node_team_judge_and_level() -> None:
    today = date(2026, 3, 31)
    rows = [
        {
            "case_id": "X",
            "node": "notice",
            "title": "执行通知",
            "team_id": "t1",
            "judge_id": "j1",
            "due": date(2026, 3, 30),
            "completed_on": None,
        },  # 1 day → level 1
        {
            "case_id": "X",
            "node": "close",
            "title": "执行结案",
            "team_id": "t1",
            "judge_id": "j1",
            "due": date(2026, 3, 1),
            "completed_on": None,
        },  # 30 days → level 3
        {
            "case_id": "Y",
            "node": "notice",
            "title": "执行通知",
            "team_id": "t2",
            "judge_id": "j2",
            "due": date(2026, 3, 20),
            "completed_on": None,
        },  # 11 days → level 2
        {
            "case_id": "Z",
            "node": "notice",
            "title": "执行通知",
            "team_id": "t2",
            "judge_id": "j2",
            "due": date(2026, 3, 20),
            "completed_on": date(2026, 3, 25),
        },  # done (late): not open
        {
            "case_id": "W",
            "node": "close",
            "title": "执行结案",
            "team_id": "t2",
            "judge_id": "j2",
            "due": date(2026, 4, 2),
            "completed_on": None,
        },  # not yet due
    ]
    o = ind.overdue(rows, today, warning_days=3, thresholds=[0, 7, 15, 30])
    assert o["cases"] == 2
    assert o["by_node"] == [
        {"node": "notice", "cases": 2, "title": "执行通知"},
        {"node": "close", "cases": 1, "title": "执行结案"},
    ]
    assert o["by_team"] == [{"team_id": "t1", "cases": 1}, {"team_id": "t2", "cases": 1}]
    assert o["by_level"] == {"1": 0, "2": 1, "3": 1, "4": 0}


def test_agency_response_times_from_dispatch_to_the_first_answer() -> None:
    h = History("Q", date(2026, 3, 2))
    t0 = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)

    def at(entry: Entry, seconds: int) -> None:
        h.entries[h.entries.index(entry)] = replace(entry, occurred_at=t0 + timedelta(seconds=seconds))

    for q, agency, kind in (
        ("q1", "bank-1", "bank_deposit"),
        ("q2", "bank-1", "bank_deposit"),
        ("q3", "re-1", "real_estate"),
    ):
        at(h.add("asset_search.query_dispatched", query_id=q, agency_id=agency, agency_kind=kind), 0)
    at(h.add("asset_search.agency_answered", query_id="q1", agency_id="bank-1", outcome="found", late=False), 30)
    at(h.add("asset_search.agency_answered", query_id="q2", agency_id="bank-1", outcome="nothing_found", late=True), 90)
    at(h.add("asset_search.agency_answered", query_id="q2", agency_id="bank-1", outcome="correction"), 900)
    rows = {r["agency_id"]: r for r in ag.agency_response_times(h.entries, PERIOD)}
    assert rows["bank-1"] == {
        "agency_id": "bank-1",
        "agency_kind": "bank_deposit",
        "dispatched": 2,
        "answered": 2,
        "late": 1,
        "waiting": 0,
        "mean_seconds": 60.0,
        "median_seconds": 60.0,
        "max_seconds": 90.0,
    }
    assert rows["re-1"]["waiting"] == 1 and rows["re-1"]["mean_seconds"] is None
    assert ag.agency_response_times(h.entries, ind.Period(date(2026, 4, 1), date(2026, 4, 30))) == []


def test_the_fold_reads_only_the_payload_fields_the_api_loads() -> None:
    """GET /indicators loads, of the trail, only FACT_EVENTS and of each only its FACT_FIELDS (bench
    phase 7): folded from that, every case's facts are the same as from the whole trail."""
    trails = [
        case("A", date(2026, 1, 5), claim=100_000, funds=150_000, closed=("执行完毕", date(2026, 2, 1))),
        case("B", date(2025, 11, 3), claim=80_000, settled=True, funds=10_000, closed=("终结执行", date(2026, 3, 9))),
        case("C", date(2026, 2, 10), claim=5_000, track=None),
        case("D", date(2026, 3, 1), claim=7_000, track="fast", closed=("终本", date(2026, 6, 2))),
    ]
    for entries in trails:
        narrowed = [
            replace(e, payload={k: e.payload.get(k) for k in ind.FACT_FIELDS[e.event_type]})
            for e in entries
            if e.event_type in ind.FACT_FIELDS
        ]
        assert ind.case_facts(narrowed) == ind.case_facts(entries)
        assert ind.case_facts(narrowed, date(2026, 7, 1), ["互相制约-6"]) == facts(
            entries, date(2026, 7, 1), ("互相制约-6",))
