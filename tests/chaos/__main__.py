"""``python -m tests.chaos [--profile chaos|drill]``: run a fault drill and print its table."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from tests.chaos.drill import CLUSTER, FULL, SHORT, Drill

app = typer.Typer(add_completion=False)
RESULTS = Path(__file__).parent / "results"


@app.command()
def main(
    profile: str = typer.Option("chaos", help="chaos (every fault, ~10 min), drill (one of each, ~2 min) or "
                                              "cluster (three brokers, one killed twice, and PostgreSQL)"),
    base_port: int = typer.Option(26500, help="PostgreSQL here, Kafka from the next port (2 or 6 ports)"),
    port_offset: int = typer.Option(30000, help="added to each service's port"),
) -> None:
    chosen = {"chaos": FULL, "drill": SHORT, "cluster": CLUSTER}[profile]
    report = asyncio.run(Drill(chosen, base_port=base_port, port_offset=port_offset).run())
    faults = ", ".join(chosen.faults)
    table = Table(title=f"fault drill '{chosen.name}': {chosen.rate:g} registrations/s, faults {faults}")
    table.add_column("what")
    table.add_column("result", justify="right")
    for what, value in report.rows():
        table.add_row(what, value)
    Console().print(table)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{chosen.name}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps({"profile": chosen.name, "rows": report.rows(), "clean": report.clean,
                               "refused": report.refused[:20]}, ensure_ascii=False, indent=2))
    Console().print(f"clean: {report.clean}  ({out})")
    raise typer.Exit(0 if report.clean else 1)


if __name__ == "__main__":
    app()
