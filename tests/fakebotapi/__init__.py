"""A fake Telegram Bot API server for tests: real HTTP on 127.0.0.1, Telegram's JSON shapes."""

from .entities import EntityError, html_to_plain
from .server import DEFAULT_TOKEN, ApiCall, FakeBotApi, Outgoing
from .updates import FakeChat, FakeUser, group_chat, private_chat

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "EntityError",
    "FakeBotApi",
    "FakeChat",
    "FakeUser",
    "Outgoing",
    "group_chat",
    "html_to_plain",
    "private_chat",
]
