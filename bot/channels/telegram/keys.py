"""Conversation keys and per-chat ordering, without ever keeping a Telegram id.

A chat id is turned into a keyed hash (BLAKE2b with a salt drawn at process start), so the key
cannot be traced back to a chat, not even by someone who reads memory after a restart.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class ChatKeys:
    """Maps a chat id to an opaque key; the salt lives only in this process."""

    def __init__(self, salt: bytes | None = None) -> None:
        self._salt = salt or secrets.token_bytes(32)

    def key(self, chat_id: int) -> str:
        digest = hashlib.blake2b(str(chat_id).encode(), key=self._salt, digest_size=16)
        return "tg:" + digest.hexdigest()


class KeyedLocks:
    """One asyncio lock per key while in use, so a chat's updates are handled in order
    even when updates of different chats run concurrently."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)
