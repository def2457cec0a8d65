"""Build and run the python-telegram-bot Application: start-up, polling or webhook, shutdown.

Start-up talks to the Bot API (getMe, the command menu, the webhook) and is retried with a
bounded backoff on flood control and network errors; when the API stays unreachable, start-up
fails with one clear sentence instead of a traceback. There is no PTB persistence: conversation
state stays in the runtime's memory and is expired by a small background task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    Update,
)
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import AIORateLimiter, Application, CallbackQueryHandler, ContextTypes

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.groups import ADMIN_COMMANDS, GroupChannel, add_group_handlers
from bot.channels.telegram.private import COMMANDS, add_private_handlers
from bot.channels.telegram.sender import Sender
from bot.channels.telegram.texts import TelegramTexts
from bot.runtime import Wegwijzer

log = logging.getLogger("bot.telegram")

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "poll"]
GROUP_MENU = (*ADMIN_COMMANDS, "help")
Sleep = Callable[[float], Awaitable[None]]


class StartupError(Exception):
    """The bot cannot start; the message says why in one sentence, without secrets."""


@dataclass(frozen=True)
class RunOptions:
    """How to run: long polling (default) or a webhook, and how hard to try at start-up."""

    poll_timeout: float = 30.0
    webhook_url: str | None = None
    listen: str = "127.0.0.1"
    port: int = 8443
    secret_token: str | None = None
    startup_attempts: int = 6
    startup_delay: float = 1.0
    startup_max_delay: float = 30.0
    expiry_interval: float = 60.0
    overall_rate: float = 30.0  # Telegram's broadcast limit; 0 turns the limiter off
    rate_limit_retries: int = 3
    send_attempts: int = 6  # per Bot API call, on timeouts and network errors
    send_first_delay: float = 0.5  # doubling up to send_max_delay
    send_max_delay: float = 15.0
    concurrent_updates: int = 16  # updates handled at once (one chat stays in order)
    # httpcore's pool scans every connection for every request: a small pool is faster
    connection_pool: int = 16
    read_timeout: float = 10.0


def api_host(base_url: str) -> str:
    """Only scheme and host of the Bot API URL, safe to print (never the token)."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "the Bot API"


class TelegramBot:
    """The running bot: one Application, the channel state, and the expiry task."""

    def __init__(
        self,
        wegwijzer: Wegwijzer,
        token: str,
        base_url: str,
        options: RunOptions | None = None,
        texts: TelegramTexts | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.options = options or RunOptions()
        self.base_url = base_url
        self.sleep = sleep
        self.chan = TelegramChannel(
            wegwijzer=wegwijzer,
            texts=texts or TelegramTexts(wegwijzer.content.teksten),
            sender=Sender(
                attempts=self.options.send_attempts,
                first_delay=self.options.send_first_delay,
                max_delay=self.options.send_max_delay,
                sleep=sleep,
            ),
        )
        rate_limiter = AIORateLimiter(
            overall_max_rate=self.options.overall_rate,
            max_retries=self.options.rate_limit_retries,
        )
        self.app: Application = (
            Application.builder()
            .token(token)
            .base_url(base_url)
            .rate_limiter(rate_limiter)
            .concurrent_updates(self.options.concurrent_updates)
            .connection_pool_size(self.options.connection_pool)
            .pool_timeout(30)
            .read_timeout(self.options.read_timeout)
            .get_updates_read_timeout(self.options.read_timeout)
            .persistence(None)
            .job_queue(None)
            .build()
        )
        self.app.add_error_handler(self._on_error)
        add_private_handlers(self.app, self.chan)
        self.groups: GroupChannel = add_group_handlers(self.app, self.chan)
        self.app.add_handler(CallbackQueryHandler(self._on_unknown_button))
        self._expiry: asyncio.Task[None] | None = None
        self._started = False
        self.secret_token = self.options.secret_token or secrets.token_urlsafe(32)

    # ------------------------------------------------------------------ start-up
    async def _retrying(self, what: str, action: Callable[[], Awaitable[object]]) -> None:
        """Run a start-up step; retry flood control and network errors, bounded."""
        delay = self.options.startup_delay
        attempts = max(1, self.options.startup_attempts)
        for attempt in range(1, attempts + 1):
            try:
                await action()
                return
            except InvalidToken:
                raise StartupError(
                    "The Bot API refused the token: check TELEGRAM_BOT_TOKEN "
                    "(or telegram_token in the settings file)."
                ) from None
            except RetryAfter as exc:
                wait = exc._retry_after.total_seconds()  # noqa: SLF001
                reason = "flood control (429)"
            except (TimedOut, NetworkError) as exc:
                wait = delay
                delay = min(self.options.startup_max_delay, delay * 2)
                reason = type(exc).__name__
            if attempt == attempts:
                raise StartupError(
                    f"Could not reach the Telegram Bot API at {api_host(self.base_url)} "
                    f"({what}: {reason}) after {attempts} attempts. Check the network, "
                    "TELEGRAM_API_BASE_URL, or try again later."
                )
            log.warning(
                "%s: %s; retrying in %.1f s (attempt %d of %d)",
                what,
                reason,
                wait,
                attempt,
                attempts,
            )
            await self.sleep(wait)

    async def _set_commands(self) -> None:
        """The menu of commands, in Dutch and English, for private chats and for groups."""
        for lang, code in (("nl", None), ("en", "en")):
            say = self.chan.texts.say
            private = [BotCommand(c, say(f"telegram_cmd_{c}", lang)) for c in COMMANDS]
            group = [BotCommand(c, say(f"telegram_cmd_groep_{c}", lang)) for c in GROUP_MENU]
            await self.app.bot.set_my_commands(
                private, scope=BotCommandScopeAllPrivateChats(), language_code=code
            )
            await self.app.bot.set_my_commands(
                group, scope=BotCommandScopeAllGroupChats(), language_code=code
            )

    async def start(self) -> None:
        """Connect, set the menu, then start receiving updates (polling or webhook)."""
        await self._retrying("getMe", self.app.initialize)
        self.chan.bot_username = self.app.bot.username or ""
        try:
            await self._retrying("setMyCommands", self._set_commands)
        except StartupError as exc:  # the menu is a convenience; the bot works without it
            log.warning("command menu not set: %s", exc)
        updater = self.app.updater
        assert updater is not None
        if self.options.webhook_url:
            url_path = urlsplit(self.options.webhook_url).path.strip("/")
            await self._retrying(
                "setWebhook",
                lambda: updater.start_webhook(
                    listen=self.options.listen,
                    port=self.options.port,
                    url_path=url_path,
                    webhook_url=self.options.webhook_url,
                    secret_token=self.secret_token,
                    allowed_updates=ALLOWED_UPDATES,
                ),
            )
            mode = f"webhook on {self.options.listen}:{self.options.port}/{url_path}"
        else:
            await self._retrying(
                "deleteWebhook",
                lambda: updater.start_polling(
                    timeout=int(self.options.poll_timeout),
                    allowed_updates=ALLOWED_UPDATES,
                    error_callback=self._on_polling_error,
                ),
            )
            mode = "long polling"
        await self.app.start()
        self._started = True
        self._expiry = asyncio.get_running_loop().create_task(self._expire_loop())
        log.info("Telegram bot @%s started (%s)", self.chan.bot_username, mode)

    # ------------------------------------------------------------------ running
    async def _expire_loop(self) -> None:
        while True:
            await asyncio.sleep(self.options.expiry_interval)
            dropped = self.chan.expire_idle() + self.groups.expire_idle()
            if dropped:
                log.info("forgot %d idle conversation(s)", dropped)

    @staticmethod
    def _on_polling_error(exc: TelegramError) -> None:
        log.warning("polling: %s (retrying)", type(exc).__name__)

    async def _on_unknown_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button from an older run of the bot: say it no longer works (no endless spinner)."""
        query = update.callback_query
        if query is not None:
            text = self.chan.say("telegram_knop_verlopen", self.chan.lang())[:200]
            await self.chan.sender.quietly("answerCallbackQuery", lambda: query.answer(text))

    @staticmethod
    async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the kind of error only: an update and its text never reach the log."""
        log.error("error while handling an update: %s", type(context.error).__name__)

    async def stop(self) -> None:
        """Finish the updates in hand, stop receiving, close connections."""
        if self._expiry:
            self._expiry.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._expiry
        updater = self.app.updater
        with contextlib.suppress(TelegramError, RuntimeError):
            if updater is not None and updater.running:
                await updater.stop()
        if self.app.running:
            await self.app.stop()
        with contextlib.suppress(TelegramError, RuntimeError):
            await self.app.shutdown()
        self._started = False

    async def run(self, stop_event: asyncio.Event) -> None:
        """Start, wait for `stop_event` (set by SIGTERM/SIGINT), stop cleanly."""
        try:
            await self.start()
            await stop_event.wait()
        finally:
            await self.stop()
