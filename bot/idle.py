"""A map whose entries are dropped after a time without use: how every in-memory state expires.

Conversations, Telegram button options and group sessions all live in memory only and must be
forgotten after the idle timeout; this is the one place that knows how.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class IdleMap(Generic[K, V]):
    """Values by key with a last-used time; an entry idle for longer than the timeout is gone."""

    def __init__(self, timeout_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.timeout_seconds = timeout_seconds
        self.clock = clock
        self._entries: dict[K, tuple[V, float]] = {}

    def get(self, key: K, touch: bool = True) -> V | None:
        """The live value (marking it used, unless touch=False), or None; drops it if idle."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        value, last_seen = entry
        now = self.clock()
        if now - last_seen > self.timeout_seconds:
            del self._entries[key]
            return None
        if touch:
            self._entries[key] = (value, now)
        return value

    def put(self, key: K, value: V) -> None:
        self._entries[key] = (value, self.clock())

    def pop(self, key: K) -> None:
        self._entries.pop(key, None)

    def values(self) -> Iterator[V]:
        return (value for value, _ in self._entries.values())

    def expire_idle(self) -> int:
        """Drop every entry idle for longer than the timeout; returns how many."""
        limit = self.clock() - self.timeout_seconds
        stale = [key for key, (_, last_seen) in self._entries.items() if last_seen < limit]
        for key in stale:
            del self._entries[key]
        return len(stale)

    def __iter__(self) -> Iterator[K]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)
