"""The options behind inline buttons, kept in memory per conversation.

Callback data is only `c:<nonce>:<index>`: a random nonce for one message's option set and the
index of the option in it. It means nothing outside this process, never carries the option text,
and stale buttons (an old message, a restarted bot) are recognised instead of misread.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.replies import Option
from bot.idle import IdleMap

PREFIX = "c"
KEEP_PER_CHAT = 4  # a turn may offer options on more than one message


@dataclass(frozen=True)
class OptionSet:
    nonce: str
    options: tuple[Option, ...]
    html: str  # the message as sent, so it can be shown with the choice and without buttons


@dataclass(frozen=True)
class Picked:
    option: Option
    option_set: OptionSet


class ChoiceStore:
    """Per key: the last few option sets shown, with idle expiry like the conversation."""

    def __init__(self, timeout_seconds: float, clock: Callable[[], float] = time.monotonic):
        self._entries: IdleMap[str, deque[OptionSet]] = IdleMap(timeout_seconds, clock)

    def add(self, key: str, options: tuple[Option, ...], html: str) -> OptionSet:
        sets = self._entries.get(key)
        if sets is None:
            sets = deque(maxlen=KEEP_PER_CHAT)
        self._entries.put(key, sets)
        option_set = OptionSet(secrets.token_urlsafe(6), options, html)
        sets.append(option_set)
        return option_set

    @staticmethod
    def data(option_set: OptionSet, index: int) -> str:
        return f"{PREFIX}:{option_set.nonce}:{index}"

    def resolve(self, key: str, data: str) -> Picked | None:
        """The option behind a button, or None when the button is stale or malformed."""
        prefix, _, rest = data.partition(":")
        nonce, _, index_text = rest.rpartition(":")
        if prefix != PREFIX or not nonce or not index_text.isdigit():
            return None
        sets = self._entries.get(key, touch=False)
        for option_set in sets or ():
            if option_set.nonce == nonce and int(index_text) < len(option_set.options):
                self._entries.get(key)  # a used button keeps the options alive
                return Picked(option_set.options[int(index_text)], option_set)
        return None

    def forget(self, key: str) -> None:
        self._entries.pop(key)

    def expire_idle(self) -> int:
        return self._entries.expire_idle()

    def __len__(self) -> int:
        return len(self._entries)
