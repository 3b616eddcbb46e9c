"""Developer commands: ``python -m shared.cli token --officer j-001 --role judge --court 黔01``."""

from __future__ import annotations

import typer

from shared.auth import Role, mint_token
from shared.settings import ServiceSettings

cli = typer.Typer(add_completion=False, no_args_is_help=True, help="开发用命令")


@cli.command()
def token(
    officer: str = typer.Option(..., help="officer id, e.g. j-001"),
    role: list[str] = typer.Option(..., help=f"role(s): {', '.join(r.value for r in Role)}"),
    court: str = typer.Option("黔01", help="court code"),
    name: str = typer.Option("", help="display name"),
    hours: int = typer.Option(8, help="validity in hours (services accept at most JWT_MAX_LIFETIME_S: 24 h)"),
) -> None:
    """Print a signed dev bearer token (uses JWT_* settings from the environment)."""
    unknown = [r for r in role if r not in {x.value for x in Role}]
    if unknown:
        raise typer.BadParameter(f"unknown role(s): {unknown}")
    print(
        mint_token(
            ServiceSettings(), officer_id=officer, name=name or officer, roles=role, court=court, ttl_s=hours * 3600
        )
    )


@cli.callback()
def main() -> None:
    """Developer commands."""


if __name__ == "__main__":
    cli()
