"""Build Bot API update payloads (plain dicts, Telegram's JSON shapes) for tests to inject."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

_ids = itertools.count(1)


@dataclass(frozen=True)
class FakeUser:
    id: int
    first_name: str = "Test"
    language_code: str = "nl"
    username: str | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }
        if self.username:
            data["username"] = self.username
        return data


@dataclass(frozen=True)
class FakeChat:
    id: int
    type: str = "private"  # private | group | supergroup
    title: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type, **self.extra}
        if self.title:
            data["title"] = self.title
        return data


def private_chat(user: FakeUser) -> FakeChat:
    """In a private chat Telegram uses the user's id as the chat id."""
    return FakeChat(id=user.id, type="private", extra={"first_name": user.first_name})


def group_chat(chat_id: int = -1001234567890, title: str = "Onboarding") -> FakeChat:
    return FakeChat(id=chat_id, type="supergroup", title=title)


def message(
    user: FakeUser,
    chat: FakeChat,
    message_id: int,
    **content: Any,
) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": chat.as_json(),
        "from": user.as_json(),
        **content,
    }


def text_content(text: str, bot_username: str | None = None) -> dict[str, Any]:
    """A text message; a leading /command gets its bot_command entity like Telegram sets it."""
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        command = text.split()[0]
        entities = [
            {"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}
        ]
        content["entities"] = entities
    elif bot_username and f"@{bot_username}" in text:
        offset = text.index(f"@{bot_username}")
        content["entities"] = [
            {"type": "mention", "offset": offset, "length": len(bot_username) + 1}
        ]
    return content


def photo_content() -> dict[str, Any]:
    return {"photo": [{"file_id": "AgAD-photo", "file_unique_id": "p1", "width": 90, "height": 90}]}


def voice_content() -> dict[str, Any]:
    return {"voice": {"file_id": "AwAD-voice", "file_unique_id": "v1", "duration": 3}}


def sticker_content() -> dict[str, Any]:
    return {
        "sticker": {
            "file_id": "CAAD-sticker",
            "file_unique_id": "s1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    }


def document_content() -> dict[str, Any]:
    return {
        "document": {
            "file_id": "BQAD-doc",
            "file_unique_id": "d1",
            "file_name": "melding.pdf",
            "mime_type": "application/pdf",
        }
    }


def forward_origin(sender_name: str = "Iemand") -> dict[str, Any]:
    return {
        "forward_origin": {
            "type": "hidden_user",
            "date": int(time.time()),
            "sender_user_name": sender_name,
        }
    }
