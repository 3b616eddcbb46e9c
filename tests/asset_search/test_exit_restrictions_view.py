"""asset_search's read model of exit restrictions (限制出境), pure: a restriction's state is its latest
request's (the restriction or its lifting) and that request's receipt; a refused receipt needs action."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.asset_search.api.exit_restrictions import group, restriction_status

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("action", "outcome", "status"), [
    ("restrict", None, "requested"), ("restrict", "effective", "effective"), ("restrict", "refused", "refused"),
    ("lift", None, "lift_requested"), ("lift", "effective", "lifted"), ("lift", "refused", "lift_refused"),
])
def test_the_state_is_the_latest_requests_receipt(action: str, outcome: str | None, status: str) -> None:
    assert restriction_status(action, outcome) == status


def _row(request_id: str, restriction_id: str, action: str, outcome: str | None) -> dict[str, object]:
    return {"request_id": request_id, "restriction_id": restriction_id, "action": action, "agency_id": "border-control",
            "subject_name": "王某", "requested_at": datetime(2026, 12, 1, tzinfo=UTC), "delivery_status": "delivered",
            "outcome": outcome, "effective_date": None, "reason": "信息不符" if outcome == "refused" else None,
            "confirmed_at": None}


def test_a_refused_restriction_needs_action_until_a_later_request_supersedes_it() -> None:
    [one] = group([_row("q1", "r1", "restrict", "refused")])
    assert (one["status"], one["needs_action"], len(one["requests"])) == ("refused", True, 1)
    [one] = group([_row("q1", "r1", "restrict", "refused"), _row("q2", "r1", "lift", None)])
    assert (one["status"], one["needs_action"]) == ("lift_requested", False)
    two = group([_row("q1", "r1", "restrict", "effective"), _row("q3", "r2", "restrict", "refused"),
                 _row("q2", "r1", "lift", "refused")])
    assert [(g["restriction_id"], g["status"], g["needs_action"]) for g in two] == [
        ("r1", "lift_refused", True), ("r2", "refused", True)]
