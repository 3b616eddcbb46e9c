"""The court clock: wall time in production, a fixed offset that every process shares in a drill."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from shared.clock import SHANGHAI, ClockConfigError, CourtClock


def test_with_no_setting_the_clock_is_the_wall_clock_in_shanghai() -> None:
    clock = CourtClock.from_env({})
    assert not clock.moved
    assert abs((clock.now() - datetime.now(SHANGHAI)).total_seconds()) < 5
    assert clock.now().utcoffset() == timedelta(hours=8)


def test_an_instant_with_its_wall_anchor_gives_every_process_the_same_offset() -> None:
    env = {"COURT_CLOCK_AT": "2026-12-31T23:59:00+08:00", "COURT_CLOCK_AT_WALL": "1000000000"}
    a, b = CourtClock.from_env(dict(env)), CourtClock.from_env(dict(env))
    assert a.offset_s == b.offset_s == datetime(2026, 12, 31, 23, 59, tzinfo=SHANGHAI).timestamp() - 1e9


def test_an_instant_without_an_anchor_is_anchored_once_for_the_children_to_inherit() -> None:
    env: dict[str, str] = {"COURT_CLOCK_AT": "2028-02-29T12:00:00"}  # no zone: Shanghai's
    clock = CourtClock.from_env(env)
    assert "COURT_CLOCK_AT_WALL" in env
    assert clock.today().isoformat() == "2028-02-29"
    assert CourtClock.from_env(env).offset_s == clock.offset_s


def test_an_offset_moves_the_business_date_across_new_year_in_shanghai_not_utc() -> None:
    # 2026-12-31 16:30 UTC is already 1 January 2027 in Shanghai
    env = {"COURT_CLOCK_AT": "2026-12-31T16:30:00+00:00", "COURT_CLOCK_AT_WALL": repr(time.time())}
    clock = CourtClock.from_env(env)
    assert clock.moved and clock.today().isoformat() == "2027-01-01"
    assert clock.describe()["moved"] is True


def test_the_production_profile_refuses_a_moved_clock_and_bad_values_are_named() -> None:
    with pytest.raises(ClockConfigError, match="production"):
        CourtClock.from_env({"COURT_PROFILE": "production", "COURT_CLOCK_OFFSET_S": "86400"})
    assert not CourtClock.from_env({"COURT_PROFILE": "production"}).moved
    with pytest.raises(ClockConfigError, match="COURT_CLOCK_OFFSET_S"):
        CourtClock.from_env({"COURT_CLOCK_OFFSET_S": "tomorrow"})
    with pytest.raises(ClockConfigError, match="COURT_CLOCK_AT"):
        CourtClock.from_env({"COURT_CLOCK_AT": "next tuesday"})


def test_the_drill_clock_only_moves_forward_and_only_where_configured() -> None:
    drill = CourtClock.from_env({"COURT_CLOCK_DRILL": "1"})
    assert drill.drill and not drill.moved
    assert drill.advance(86_400 * 93) is True
    assert drill.moved and drill.moves == 1
    assert (drill.now() - datetime.now(SHANGHAI)).days in (92, 93)
    assert drill.advance(86_400) is False  # a late or repeated move: the clock never goes back
    assert drill.advance(86_400 * 93) is False and drill.moves == 1
    assert drill.describe()["drill"] is True
    with pytest.raises(ClockConfigError, match="drill"):
        CourtClock.from_env({}).advance(60)
    with pytest.raises(ClockConfigError, match="production"):
        CourtClock.from_env({"COURT_PROFILE": "production", "COURT_CLOCK_DRILL": "1"})


def test_a_clock_move_record_is_strict() -> None:
    import uuid

    from pydantic import ValidationError

    from shared.clock_topic import ClockMove

    now = datetime.now(SHANGHAI)
    move = ClockMove(event_id=uuid.uuid4(), offset_s=60.0, moved_from=now, moved_to=now + timedelta(minutes=1),
                     recorded_at=now, actor_id="a-1", actor_name="管理员", reason="演练")
    assert ClockMove.model_validate_json(move.model_dump_json()) == move
    with pytest.raises(ValidationError):
        ClockMove.model_validate({**move.model_dump(), "extra": 1})
