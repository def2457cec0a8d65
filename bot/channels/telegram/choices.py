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
from dataclasses import dataclass, field

from bot.core.replies import Option

PREFIX = "c"
KEEP_PER_CHAT = 4  # a turn may offer options on more than one message


@dataclass(frozen=True)
class OptionSet:
    nonce: str
    options: tuple[Option, ...]
    html: str  # the message as sent, so it can be shown with the choice and without buttons


@dataclass
class _Entry:
    sets: deque[OptionSet] = field(default_factory=lambda: deque(maxlen=KEEP_PER_CHAT))
    last_seen: float = 0.0


@dataclass(frozen=True)
class Picked:
    option: Option
    option_set: OptionSet


class ChoiceStore:
    """Per key: the last few option sets shown, with idle expiry like the conversation."""

    def __init__(self, timeout_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.timeout_seconds = timeout_seconds
        self.clock = clock
        self._entries: dict[str, _Entry] = {}

    def add(self, key: str, options: tuple[Option, ...], html: str) -> OptionSet:
        entry = self._entries.setdefault(key, _Entry())
        entry.last_seen = self.clock()
        option_set = OptionSet(secrets.token_urlsafe(6), options, html)
        entry.sets.append(option_set)
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
        entry = self._entries.get(key)
        if entry is None or self.clock() - entry.last_seen > self.timeout_seconds:
            return None
        for option_set in entry.sets:
            if option_set.nonce == nonce and int(index_text) < len(option_set.options):
                entry.last_seen = self.clock()
                return Picked(option_set.options[int(index_text)], option_set)
        return None

    def forget(self, key: str) -> None:
        self._entries.pop(key, None)

    def expire_idle(self) -> int:
        limit = self.clock() - self.timeout_seconds
        stale = [k for k, e in self._entries.items() if e.last_seen < limit]
        for key in stale:
            del self._entries[key]
        return len(stale)

    def __len__(self) -> int:
        return len(self._entries)
