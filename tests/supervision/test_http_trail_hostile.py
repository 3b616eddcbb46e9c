"""No holes, ever: whatever a producer published reaches the trail, in order, and the chain holds."""

from __future__ import annotations

import httpx

from deploy.system import System
from tests.supervision.helpers import SUPERVISOR, Story, publish, wait_trail
from tests.supervision.test_http_rebuild import rebuild, verify

HOSTILE = "王\x00某\ue000\ue0000\u202e\u200b"  # NUL, the trail's own escape character (alone and before "0"), RLO, ZWSP


async def test_nul_and_other_hostile_text_in_an_event_leave_the_trail_gap_free_verified_and_rebuildable(
    system: System, http: httpx.AsyncClient
) -> None:
    s = Story()
    s.registered("clerk-h")
    s.add("intake.case_assigned", "system", None, judge_id="judge\x00h", team_id="t-1", track="ordinary",
          assigned_by="system")
    s.add("asset_search.lead_recorded", "search\x00h", "search_officer", lead_id="l-1",
          description=HOSTILE, target={"kind": "address", "description": "花溪区\x00某路", HOSTILE: [HOSTILE]})
    s.add("disposal.funds_received", "fin-1", "finance_officer", entry_id="e-1", amount_fen=100,
          source="voluntary_payment", payer=HOSTILE)
    await publish(system, s.envelopes)

    trail = await wait_trail(http, system, s.case_id, len(s.envelopes))
    assert [e["seq"] for e in trail] == list(range(1, len(s.envelopes) + 1))  # in order, no hole
    assert [e["event_id"] for e in trail] == [str(e.event_id) for e in s.envelopes]
    # read back exactly as published (the row holds NUL escaped), and flagged
    lead = trail[2]
    assert lead["payload"]["description"] == HOSTILE and lead["actor_id"] == "search\x00h" and lead["escaped"]
    assert lead["payload"]["target"][HOSTILE] == [HOSTILE]
    assert trail[3]["payload"]["payer"] == HOSTILE and "escaped" not in trail[0]

    report = await verify(http, system)
    assert report["ok"], report  # the chain is computed over the events exactly as published
    result = await rebuild(http, system, require_identical="true")
    assert result["status"] == "swapped" and result["report"]["identical"], result["report"]
    after = (await http.get(f"{system.url('supervision')}/cases/{s.case_id}/trail", headers=SUPERVISOR)).json()
    assert [e["event_id"] for e in after["events"]] == [e["event_id"] for e in trail]
