"""``python -m services.supervision.rebuild.cli``: rebuild supervision's projection from the log, or verify it.

    python -m services.supervision.rebuild.cli run      # replay case-events from offset 0, verify, swap
    python -m services.supervision.rebuild.cli verify   # streams contiguous, chains intact, no open dead letter, digest

Settings come from the environment like the service's (``SUPERVISION_DATABASE_URL``,
``KAFKA_BOOTSTRAP_SERVERS``, ``CASE_EVENTS_TOPIC``).
"""

from __future__ import annotations

import asyncio
import gc
import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from services.supervision.rebuild.engine import Rebuild
from services.supervision.rebuild.pipeline import Progress as RebuildProgress
from services.supervision.rebuild.pipeline import RebuildAborted
from services.supervision.rebuild.verify import verify as verify_projection
from services.supervision.settings import Settings
from shared import db

cli = typer.Typer(add_completion=False, no_args_is_help=True, help="监管投影：重建与校验")
console = Console(stderr=True)


async def _rebuild(require_identical: bool) -> dict[str, object]:
    # This process only rebuilds: what is loaded now lives to the end, and what the replay makes is
    # freed by reference counting (payload dicts hold no cycles), so the cyclic collector need not
    # keep walking either.
    gc.freeze()
    gc.set_threshold(50_000, 20, 1000)
    settings = Settings()
    pool = await db.create_pool(settings.database_url, min_size=1, max_size=8)  # the rebuild uses up to 6
    try:
        await db.migrate(pool, db.SHARED_MIGRATIONS, *_migrations())
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:>8.0f} 事件/秒"),
            TimeRemainingColumn(),
        )
        # Redrawn by a thread only on a terminal: in a pipe it would just take the GIL from the rebuild.
        with Progress(*columns, console=console, auto_refresh=console.is_terminal) as bar:
            task = bar.add_task("准备", total=None, rate=0.0)

            def show(p: RebuildProgress) -> None:
                bar.update(task, description=p.phase, total=p.total or None, completed=p.done, rate=p.rate)

            return await Rebuild(pool, settings, on_progress=show, require_identical=require_identical).run()
    finally:
        await pool.close()


def _migrations() -> list[Path]:
    return [Path(__file__).parent.parent / "migrations"]


@cli.command()
def run(
    require_identical: bool = typer.Option(
        True, help="digest must equal the live projection's (off after a rule change)"
    ),
) -> None:
    """Replay case-events from the first offset into new tables, verify, and swap atomically."""
    try:
        report = asyncio.run(_rebuild(require_identical))
    except RebuildAborted as exc:
        console.print(f"[red]未切换：{exc}[/red]")
        raise typer.Exit(1) from None
    print(json.dumps(report, ensure_ascii=False, indent=2, default=str))


@cli.command()
def verify() -> None:
    """Verify the live projection: contiguous streams, intact hash chains, no unacknowledged dead letter, digest."""

    async def go() -> dict[str, object]:
        settings = Settings()
        conn = await db.connect(settings.database_url)
        try:
            return (await verify_projection(conn, "public", dead_letters=True)).to_json()
        finally:
            await conn.close()

    report = asyncio.run(go())
    print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    if not report["ok"]:
        raise typer.Exit(1)


if __name__ == "__main__":
    cli()
