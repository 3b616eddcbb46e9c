"""``python -m services.supervision.rebuild``: the rebuild and verify command line."""

from services.supervision.rebuild.cli import cli

cli()
