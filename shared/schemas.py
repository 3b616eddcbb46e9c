"""Published JSON schemas of every event payload: ``shared/event_schemas/<type>.v<version>.json``.

``python -m shared.schemas export`` writes the schema of each registered version that has no
file yet and refuses to overwrite a published one: changing a payload means a new version (and an
upcaster from the old one). ``check`` lists the differences; the test suite runs it.
"""

from __future__ import annotations

import functools
import importlib
import json
import pkgutil
from pathlib import Path
from typing import Any

import typer

from shared.events import REGISTRY

SCHEMA_DIR = Path(__file__).resolve().parent / "event_schemas"


@functools.cache
def published_fields(event_type: str) -> frozenset[str]:
    """The top-level payload fields of ``event_type``'s newest published schema (the contract a
    consumer may read without importing the producer's code); empty for an unknown type."""
    versions = sorted(SCHEMA_DIR.glob(f"{event_type}.v*.json"),
                      key=lambda p: int(p.name.removeprefix(f"{event_type}.v").removesuffix(".json")))
    if not versions:
        return frozenset()
    return frozenset(json.loads(versions[-1].read_text(encoding="utf-8")).get("properties", {}))


def load_all_event_modules() -> None:
    """Import every ``services.<name>.events`` module so the registry is complete (tooling only)."""
    import services

    for mod in pkgutil.iter_modules(services.__path__):
        try:
            importlib.import_module(f"services.{mod.name}.events")
        except ModuleNotFoundError as exc:
            if exc.name != f"services.{mod.name}.events":
                raise


def current_schemas() -> dict[str, dict[str, Any]]:
    load_all_event_modules()
    return {f"{t.name}.v{t.version}.json": t.model.model_json_schema() for t in REGISTRY.all()}


def check() -> list[str]:
    """Problems: a current version without a published schema, or one that differs from it."""
    problems = []
    for filename, schema in current_schemas().items():
        path = SCHEMA_DIR / filename
        if not path.exists():
            problems.append(f"{filename}: not published (run `python -m shared.schemas export`)")
        elif json.loads(path.read_text(encoding="utf-8")) != schema:
            problems.append(f"{filename}: the payload model changed without a new schema version")
    return problems


cli = typer.Typer(add_completion=False, no_args_is_help=True)


@cli.command()
def export() -> None:
    """Write schemas of versions not yet published; never overwrite a published one."""
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    for filename, schema in current_schemas().items():
        path = SCHEMA_DIR / filename
        text = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        if path.exists():
            if json.loads(path.read_text(encoding="utf-8")) != schema:
                typer.echo(f"REFUSED {filename}: published schema differs; add a new version", err=True)
                raise typer.Exit(1)
            continue
        path.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {path.relative_to(SCHEMA_DIR.parent.parent)}")


@cli.command("check")
def check_cmd() -> None:
    """Exit 1 if a payload model differs from its published schema."""
    problems = check()
    for p in problems:
        typer.echo(p, err=True)
    raise typer.Exit(1 if problems else 0)


if __name__ == "__main__":
    cli()
