"""The local stack: a private PostgreSQL cluster and a single-node KRaft Kafka under ``RUN_DIR``.

Library (used by the dev launcher and the tests)::

    from deploy import stack
    dsn = stack.ensure_postgres()            # or DATABASE_URL, untouched
    bootstrap = stack.ensure_kafka()         # or KAFKA_BOOTSTRAP_SERVERS, untouched
    await stack.create_databases(dsn, ["intake"])
    await stack.create_topics(bootstrap, {"case-events": 12})

CLI::

    python -m deploy.stack up | down | status | reset --yes

Environment: ``RUN_DIR`` (default ``<repo>/.run``), ``PG_PORT`` (25432), ``KAFKA_PORT`` (29092; the
controller uses the next port), ``CASE_EVENTS_PARTITIONS`` (12), ``DATABASE_URL`` and
``KAFKA_BOOTSTRAP_SERVERS`` (use external servers instead of starting private ones),
``PG_BIN_DIR`` (PostgreSQL binaries), ``JAVA_HOME``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from typing import Any

import typer

from deploy._common import run_coro, run_dir, say, step
from deploy.kafka_broker import (
    create_topics,
    delete_topics,
    ensure_kafka,
    kafka_status,
    stop_kafka,
)
from deploy.postgres import (
    create_databases,
    delete_databases,
    ensure_postgres,
    postgres_status,
    stop_postgres,
)

__all__ = [
    "CASE_EVENTS_TOPIC",
    "DLT_TOPIC",
    "create_databases",
    "create_topics",
    "delete_databases",
    "delete_topics",
    "ensure_kafka",
    "ensure_postgres",
    "run_dir",
    "status",
    "stop_kafka",
    "stop_postgres",
    "up",
]

CASE_EVENTS_TOPIC = "case-events"
DLT_TOPIC = "case-events.dlt"


def case_events_partitions() -> int:
    """Partition count for ``case-events`` and its dead-letter topic (env ``CASE_EVENTS_PARTITIONS``, 12)."""
    return int(os.environ.get("CASE_EVENTS_PARTITIONS", "12"))


def status() -> dict[str, Any]:
    """Status of both parts (mode, running, addresses, versions, pids, log files); starts nothing."""
    return {"run_dir": str(run_dir()), "postgres": postgres_status(), "kafka": kafka_status()}


def up() -> tuple[str, str]:
    """Ensure PostgreSQL and Kafka are running and the ``case-events`` topics exist.
    Returns ``(admin_dsn, bootstrap_servers)``."""
    t0 = time.monotonic()
    dsn = ensure_postgres()
    bootstrap = ensure_kafka()
    parts = case_events_partitions()
    with step(f"kafka: topics {CASE_EVENTS_TOPIC}, {DLT_TOPIC} ({parts} partitions)"):
        run_coro(create_topics(bootstrap, {CASE_EVENTS_TOPIC: parts, DLT_TOPIC: parts}))
    say(f"stack up in {time.monotonic() - t0:.2f}s")
    return dsn, bootstrap


cli = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Local PostgreSQL + single-node Kafka (KRaft) under RUN_DIR.",
)


@cli.command("up")
def _cli_up() -> None:
    """Start PostgreSQL and Kafka (if needed) and create the case-events topics."""
    dsn, bootstrap = up()
    typer.echo(f"DATABASE_URL={dsn}")
    typer.echo(f"KAFKA_BOOTSTRAP_SERVERS={bootstrap}")


@cli.command("down")
def _cli_down() -> None:
    """Stop Kafka and PostgreSQL (data is kept)."""
    stop_kafka()
    stop_postgres()


@cli.command("status")
def _cli_status() -> None:
    """Print the status as JSON."""
    typer.echo(json.dumps(status(), indent=2))


@cli.command("reset")
def _cli_reset(yes: bool = typer.Option(False, "--yes", help="really delete the data")) -> None:
    """Stop everything and delete the PostgreSQL and Kafka data under RUN_DIR (the jars are kept)."""
    rd = run_dir()
    if not yes:
        typer.echo(f"this deletes {rd / 'pg'} and {rd / 'kafka'} (except libs/); re-run with --yes", err=True)
        raise typer.Exit(2)
    stop_kafka()
    stop_postgres()
    with step(f"reset: delete data under {rd}"):
        shutil.rmtree(rd / "pg", ignore_errors=True)
        kdir = rd / "kafka"
        if kdir.is_dir():
            for child in kdir.iterdir():
                if child.name == "libs":
                    continue
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                else:
                    child.unlink()


if __name__ == "__main__":
    cli()
