"""Subcommands of this area (filled in by the area's own work)."""

import typer


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `wegwijzer` app."""
