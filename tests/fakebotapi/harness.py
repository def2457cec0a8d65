"""Drive the real Telegram bot against the fake server: start it, and play users.

Shared by the tests and the load test, so both exercise exactly the same path: the real
python-telegram-bot Application talking HTTP to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

from .server import FakeBotApi, Outgoing
from .updates import FakeChat, FakeUser, private_chat


def ends_with_buttons(out: list[Outgoing]) -> bool:
    """Every turn of the wegwijzer conversation ends with a message that offers choices."""
    return bool(out) and bool(out[-1].buttons)


@contextlib.asynccontextmanager
async def running_bot(wegwijzer: Any, api: FakeBotApi, **options: Any) -> AsyncIterator[Any]:
    """The real bot, long polling the fake server with short timeouts (fast tests)."""
    from bot.channels.telegram.app import RunOptions, TelegramBot

    defaults = RunOptions(
        poll_timeout=1,
        startup_delay=0.05,
        startup_max_delay=0.2,
        expiry_interval=3600,
        read_timeout=5,
        send_first_delay=0.05,
        send_max_delay=0.2,
    )
    bot = TelegramBot(wegwijzer, api.token, api.base_url, replace(defaults, **options))
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


class Chatter:
    """One simulated person in a private chat with the bot."""

    def __init__(self, api: FakeBotApi, user: FakeUser | None = None, timeout: float = 15.0):
        self.api = api
        self.user = user or api.user()
        self.chat: FakeChat = private_chat(self.user)
        self.timeout = timeout
        self.last: list[Outgoing] = []
        self.history: list[Outgoing] = []

    async def _turn(self, update: dict[str, Any], until: Any = ends_with_buttons) -> list[Outgoing]:
        self.last = await self.api.turn(update, self.chat.id, until=until, timeout=self.timeout)
        self.history.extend(self.last)
        return self.last

    async def text(self, text: str, until: Any = ends_with_buttons) -> list[Outgoing]:
        return await self._turn(self.api.send_text(self.user, text, self.chat), until)

    async def media(self, kind: str) -> list[Outgoing]:
        return await self._turn(self.api.send_media(self.user, kind, self.chat))

    def with_buttons(self) -> Outgoing:
        """The latest message that offers buttons."""
        for out in reversed(self.history):
            if out.buttons:
                return out
        raise AssertionError("the bot offered no buttons")

    async def press(self, label_part: str, on: Outgoing | None = None) -> list[Outgoing]:
        target = on or self.with_buttons()
        update = self.api.press(self.user, target, label_part)
        return await self._turn(update)

    @property
    def plain(self) -> str:
        return "\n".join(out.plain for out in self.last)


def shows_advice(out: list[Outgoing]) -> bool:
    """A desk card is a message that starts with '<b>1. ' (rank 1 first)."""
    return any(o.html.startswith("<b>1. ") for o in out)


async def walk_to_advice(
    chatter: Chatter, story: str, org: str = "BZK", max_turns: int = 10
) -> int:
    """/start, pick the organisation, tell the story, then take the first button until advice.

    Returns how many turns it took; raises when no advice came within `max_turns`.
    """
    await chatter.text("/start")
    await chatter.press(org)
    out = await chatter.text(story)
    turns = 3
    while not shows_advice(out):
        if turns >= max_turns:
            raise AssertionError(f"no advice after {turns} turns: {chatter.plain!r}")
        target = chatter.with_buttons()
        update = chatter.api.press_data(chatter.user, target, target.buttons[0][0]["callback_data"])
        out = await chatter._turn(update)
        turns += 1
    return turns
