"""The `wegwijzer` command: one typer app; each area registers its own subcommands."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="wegwijzer",
    help="Wegwijzer Integriteit: find the integrity desk (loket) that fits.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module has `register(app: typer.Typer) -> None` that adds its commands.
SUBCOMMAND_MODULES = (
    "bot.commands",  # chat, check, advise
    "bot.nlu.commands",  # eval, bench, rasa setup/train/serve
    "bot.stats.commands",  # stats
    "bot.dilemmas.commands",  # sessie
    "bot.channels.telegram.commands",  # telegram
)


def build_app() -> typer.Typer:
    for name in SUBCOMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(app)
    return app


def main() -> None:
    build_app()()
