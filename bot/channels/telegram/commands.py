"""`wegwijzer telegram`: run the Telegram bot (long polling, or a webhook behind a proxy).

The token comes from TELEGRAM_BOT_TOKEN or the settings file, never from the command line (it
would show up in the process list and the shell history).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

WEBHOOK_SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET"


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `wegwijzer` app."""
    app.command("telegram")(telegram)


def telegram(
    webhook_url: Annotated[
        str | None,
        typer.Option(
            "--webhook-url",
            help="Public HTTPS URL of the webhook (behind a reverse proxy). "
            "Without it the bot uses long polling.",
        ),
    ] = None,
    listen: Annotated[
        str, typer.Option("--listen", help="Address the webhook server listens on.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port of the webhook server.")] = 8443,
    poll_timeout: Annotated[
        int, typer.Option("--poll-timeout", help="Seconds per long-polling request.", min=0)
    ] = 30,
    startup_retries: Annotated[
        int,
        typer.Option(
            "--startup-retries",
            help="Attempts to reach the Bot API at start-up (with backoff) before giving up.",
            min=1,
        ),
    ] = 6,
    rate_limit: Annotated[
        float,
        typer.Option(
            "--rate-limit",
            help="Messages per second for all chats together (Telegram allows about 30). "
            "0 switches the limiter off: only for load tests against a local server.",
            min=0,
        ),
    ] = 30.0,
    settings_file: Annotated[
        Path | None, typer.Option("--settings", help="Settings file (default: user config dir).")
    ] = None,
) -> None:
    """Run the Telegram bot: private wegwijzer chats and dilemma sessions in groups.

    Token: TELEGRAM_BOT_TOKEN (or telegram_token in the settings file). Bot API:
    TELEGRAM_API_BASE_URL (default Telegram's own). Webhook secret: TELEGRAM_WEBHOOK_SECRET
    (default: a new random secret at every start).
    """
    from bot.channels.telegram.app import RunOptions, StartupError, TelegramBot
    from bot.channels.telegram.logsafe import configure_logging
    from bot.channels.telegram.texts import TelegramTexts
    from bot.commands import err, open_wegwijzer, settings_from

    settings = settings_from(settings_file)
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value().strip():
        err.print(
            "[red]No bot token.[/] Set the environment variable TELEGRAM_BOT_TOKEN "
            "(or telegram_token in the settings file)."
        )
        raise typer.Exit(2)
    token = settings.telegram_token.get_secret_value().strip()
    secret = os.environ.get(WEBHOOK_SECRET_ENV) or None
    configure_logging(token, secret or "")

    wegwijzer = open_wegwijzer(settings)
    texts = TelegramTexts(wegwijzer.content.teksten)
    if texts.missing():
        err.print(f"[red]Missing Telegram texts:[/] {', '.join(texts.missing())}")
        raise typer.Exit(2)
    options = RunOptions(
        poll_timeout=poll_timeout,
        webhook_url=webhook_url,
        listen=listen,
        port=port,
        secret_token=secret,
        startup_attempts=startup_retries,
        overall_rate=rate_limit,
    )
    bot = TelegramBot(wegwijzer, token, settings.telegram_api_base_url, options, texts)
    try:
        asyncio.run(_serve(bot))
    except StartupError as exc:
        err.print("[red]The Telegram bot did not start.[/]")
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:  # pragma: no cover - a second Ctrl-C during shutdown
        pass
    print("Telegram bot stopped.", file=sys.stderr)


async def _serve(bot) -> None:
    """Run until SIGTERM or SIGINT, then shut down cleanly (updates in hand are finished)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await bot.run(stop)
