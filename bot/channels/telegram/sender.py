"""Calls to the Bot API that survive flood control and a flaky network.

`AIORateLimiter` keeps the bot within Telegram's limits and already waits out a 429; this wrapper
adds what it does not do: retrying timeouts and network errors with backoff, so that no reply is
lost when the network hiccups. A timeout may mean Telegram did deliver the message, so a rare
duplicate is possible; a lost answer to a frightened person is worse.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

log = logging.getLogger(__name__)
T = TypeVar("T")

Sleep = Callable[[float], Awaitable[None]]


class Sender:
    """Retry a Bot API call on RetryAfter, timeouts and network errors; bounded, then give up."""

    def __init__(
        self,
        attempts: int = 6,
        first_delay: float = 0.5,
        max_delay: float = 15.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.attempts = max(1, attempts)
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.sleep = sleep
        self.retries = 0  # how many retries were needed (for the load test and tests)
        self.failures = 0  # calls given up after all attempts

    async def call(self, what: str, factory: Callable[[], Awaitable[T]]) -> T | None:
        """Run `factory()` until it succeeds; None when it could not be done."""
        delay = self.first_delay
        for attempt in range(1, self.attempts + 1):
            try:
                return await factory()
            except RetryAfter as exc:
                wait = exc._retry_after.total_seconds()  # noqa: SLF001 - PTB keeps the float here
                wait = min(self.max_delay * 4, max(wait, 0.05))
            except BadRequest as exc:
                if "not modified" in exc.message.lower():
                    return None
                raise  # a request Telegram refuses will not get better by repeating it
            except Forbidden:
                log.info("%s: the chat does not accept messages from the bot", what)
                return None
            except (TimedOut, NetworkError) as exc:
                wait = delay
                delay = min(self.max_delay, delay * 2)
                log.debug("%s: %s, retrying", what, type(exc).__name__)
            if attempt == self.attempts:
                break
            self.retries += 1
            await self.sleep(wait)
        self.failures += 1
        log.warning("%s: gave up after %d attempts", what, self.attempts)
        return None

    async def quietly(self, what: str, factory: Callable[[], Awaitable[T]]) -> T | None:
        """Like `call`, for calls whose failure must not stop the conversation (answering a
        button, marking a choice): a refusal is logged by kind and ignored."""
        try:
            return await self.call(what, factory)
        except TelegramError as exc:
            log.info("%s refused: %s", what, type(exc).__name__)
            return None
