"""The supervisor of background loops (shared/tasks.py): a loop that ends is started again; one that
keeps failing makes the process unhealthy; a loop that runs well is left alone."""

from __future__ import annotations

import asyncio

from shared.tasks import Supervisor


async def test_a_loop_that_crashes_is_restarted_and_its_state_reported() -> None:
    runs = 0

    async def flaky() -> None:
        nonlocal runs
        runs += 1
        if runs < 3:
            raise ConnectionError("gone")
        await asyncio.Event().wait()  # the third run stays up

    sup = Supervisor("t", dead_after_s=60)
    sup.start("flaky", flaky)
    for _ in range(100):
        if runs == 3:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0)
    state = sup.describe()["flaky"]
    assert (runs, state["running"], state["restarts"], state["last_error"]) == (3, True, 2, "ConnectionError")
    assert sup.healthy()
    await sup.stop()
    assert sup.describe()["flaky"]["running"] is False


async def test_a_loop_that_keeps_failing_makes_the_process_unhealthy() -> None:
    async def broken() -> None:
        raise RuntimeError("bug")

    async def fine() -> None:
        await asyncio.Event().wait()

    sup = Supervisor("t", dead_after_s=0.3, max_backoff_s=0.05)
    sup.start("broken", broken)
    sup.start("fine", fine)
    await asyncio.sleep(0.1)
    assert sup.healthy()  # failing, but not yet for dead_after_s
    await asyncio.sleep(0.5)
    assert not sup.healthy()
    described = sup.describe()
    assert described["broken"]["failing_for_s"] >= 0.3 and described["broken"]["restarts"] >= 3
    assert described["fine"] == {"running": True, "restarts": 0, "last_error": None, "failing_for_s": 0.0}
    await sup.stop()


async def test_a_loop_that_returns_is_restarted_too() -> None:
    calls = 0

    async def returns() -> None:
        nonlocal calls
        calls += 1
        if calls > 1:
            await asyncio.Event().wait()

    sup = Supervisor("t")
    sup.start("returns", returns)
    for _ in range(40):
        if calls == 2:
            break
        await asyncio.sleep(0.05)
    assert calls == 2 and sup.describe()["returns"]["last_error"] == "returned"
    await sup.stop()
