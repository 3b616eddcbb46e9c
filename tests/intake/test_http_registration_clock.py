"""The 7 days to register or refuse, over HTTP (issue 14): intake's decide_by and supervision's
register node are one count (a 7th day on a rest day moves to the next working day); supervision
watches a pending application; a one-time notice pauses the node and the completing supplement runs
the 7 days again from its receipt (登记立案规定 2015 art. 7) in intake and in supervision alike."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from deploy.system import System
from shared import clock
from shared.holidays import HolidayCalendar
from shared.periods import registration_decide_by
from tests.intake.conftest import CLERK, MATERIALS, SUPERVISOR, application
from tests.waits import poll

CAL = HolidayCalendar()


async def test_the_registration_clock_is_one_count_watched_while_pending_and_restarted_by_a_supplement(
    system: System, http: httpx.AsyncClient
) -> None:
    intake, sup = system.url("intake"), system.url("supervision")
    today = clock.today()
    # The latest application day in the past month whose 7th day is a rest day (a weekend at least).
    applied = next(today - timedelta(days=k) for k in range(1, 31)
                   if not CAL.is_workday(today - timedelta(days=k) + timedelta(days=7)))
    shifted = registration_decide_by(applied, CAL).due
    assert shifted is not None and shifted > applied + timedelta(days=7)

    r = await http.post(f"{intake}/applications", headers=CLERK,
                        json=application(materials=MATERIALS[:2], application_date=applied.isoformat()))
    assert r.status_code == 201, r.text
    created = r.json()
    case_id = created["case_id"]
    assert created["decide_by"] == shifted.isoformat()  # intake: the rest day moved, as supervision does

    async def register_node(**want: Any) -> dict[str, Any] | None:
        r = await http.get(f"{sup}/cases/{case_id}/deadlines", headers=SUPERVISOR)
        if r.status_code != 200:
            return None
        node = next((d for d in r.json()["deadlines"] if d["key"] == "register"), None)
        return node if node and all(node.get(k) == v for k, v in want.items()) else None

    # Pending with a one-time notice: watched, paused until the supplement.
    pending = await poll(lambda: register_node(status="paused"), "the pending application's paused register node")
    assert pending["start_date"] == applied.isoformat() and pending["due"] is None

    sup_r = await http.post(f"{intake}/applications/{case_id}/supplements", json={"items": MATERIALS[2:]},
                            headers=CLERK)
    assert sup_r.status_code == 200 and sup_r.json()["status"] == "applied", sup_r.text
    restarted = registration_decide_by(today, CAL).due
    assert restarted is not None
    case = (await http.get(f"{intake}/cases/{case_id}", headers=CLERK)).json()
    assert case["decide_by"] == restarted.isoformat()  # 7 days again from the supplement's receipt

    node = await poll(lambda: register_node(due=restarted.isoformat()), "the register node run again")
    assert node["start_date"] == today.isoformat() and node["status"] in ("open", "warning")

    reg = await http.post(f"{intake}/applications/{case_id}/register", headers=CLERK)
    assert reg.status_code == 201, reg.text
    done = await poll(lambda: register_node(status="met"), "the register node met by the registration")
    assert done["completed_on"] == today.isoformat()
