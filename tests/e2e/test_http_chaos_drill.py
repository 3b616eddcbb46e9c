"""The short fault drill (tests/chaos/drill.py) in every `make test`: under a steady load, intake
killed, the broker killed, PostgreSQL crashed, supervision killed, asset_search killed — and after
it, nothing lost, nothing doubled, no gap in case numbers, the trail complete, the chains intact,
no false dead letter. `make chaos` runs the long drill and prints its table."""

from __future__ import annotations

import pytest

from tests.chaos.drill import SHORT, Drill
from tests.conftest import PORT_OFFSET


@pytest.mark.timeout(900)
async def test_the_system_heals_from_each_fault_and_keeps_every_promise(stack_parts: tuple[str, str]) -> None:
    report = await Drill(SHORT, base_port=26400 + PORT_OFFSET // 1000 * 3, port_offset=PORT_OFFSET + 700).run()
    print("\n".join(f"{what}: {value}" for what, value in report.rows()))  # shown with -s, and on failure
    assert report.refused == []
    assert report.acknowledged > 0 and report.cases == report.acknowledged
    assert (report.lost, report.doubled, report.number_gaps) == (0, 0, 0)
    assert report.events > report.cases and report.trail >= report.events  # jobs keep appending after the load
    assert (report.missing_from_trail, report.doubled_in_trail, report.trail_only) == (0, 0, [])
    assert report.dead_letters == 0
    assert report.verify_ok
    assert set(report.recovery_s) == set(SHORT.faults)
