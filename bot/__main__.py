"""`python -m bot` runs the `wegwijzer` command."""

from bot.cli import main

main()
