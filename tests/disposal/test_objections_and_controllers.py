"""Third-party objections and the people who controlled an asset, as the disposal decider sees them (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from services.disposal.domain import commands as c
from services.disposal.events import AuctionEnded, AuctionScheduled
from tests.disposal.test_disposal_domain import (
    ASSET,
    JUDGE,
    READY,
    SCHEDULED_1,
    TERMS_1,
    UNSOLD_1,
    as_,
    given,
    refusal,
    when,
)

pytestmark = pytest.mark.unit


def test_an_asset_under_a_pending_objection_is_not_disposed_of() -> None:
    held = c.AssetView("asset-1", "vehicle", ("ctl-1",), ("fo-4a",), pending_objection=True)
    err = refusal(given(), c.DecideDisposal(JUDGE, "d", held))
    assert err.code == "asset_under_objection" and err.rule == "互相制约-4"


def test_an_asset_of_an_upheld_objection_is_not_disposed_of() -> None:
    out = c.AssetView("asset-1", "vehicle", ("ctl-1",), (), pending_objection=False, objection_upheld=True)
    err = refusal(given(), c.DecideDisposal(JUDGE, "d", out))
    assert err.code == "asset_objection_upheld" and err.rule == "民诉法-238"


@pytest.mark.parametrize("person", ["fo-4a", "judge-0"])
def test_neither_the_field_officer_who_sealed_it_nor_the_judge_who_requested_it_runs_the_disposal(
    person: str
) -> None:
    # controlled_by = the officers who did (controlled_by) or requested (requested_by) a control
    asset = c.AssetView("asset-1", "vehicle", ("field_ops:asset-1",), ("fo-4a", "judge-0"), pending_objection=False)
    state = given(c.DecideDisposal(JUDGE, "d", asset))
    err = refusal(state, c.ServeNotice(as_(person), "disposal_notice", "respondent", date(2026, 7, 1)))
    assert err.code == "officer_controlled_asset" and err.rule == "互相制约-4"
    assert given(c.DecideDisposal(JUDGE, "d", ASSET)).decided


def test_auction_events_name_the_disposal_and_the_asset_so_intake_counts_unsold_rounds_per_asset() -> None:
    [scheduled] = when(given(*READY, TERMS_1), SCHEDULED_1)
    [ended] = when(given(*READY, TERMS_1, SCHEDULED_1), UNSOLD_1)
    assert isinstance(scheduled, AuctionScheduled) and isinstance(ended, AuctionEnded)
    assert (scheduled.disposal_id, scheduled.asset_id) == (ended.disposal_id, ended.asset_id) == ("disp-1", "asset-1")
