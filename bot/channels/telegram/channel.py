"""What the private and group handlers share: the runtime, keys, stored options and sending.

This is the I/O edge for Telegram: the conversation itself is the runtime's, this only turns
replies into messages and buttons and hands button presses back as choices.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.channels.telegram.choices import ChoiceStore
from bot.channels.telegram.keys import ChatKeys, KeyedLocks
from bot.channels.telegram.render import Rendered, render_all
from bot.channels.telegram.sender import Sender
from bot.channels.telegram.texts import TelegramTexts
from bot.content.schema import LANGUAGES
from bot.core.replies import Option, Reply
from bot.runtime import Wegwijzer

log = logging.getLogger(__name__)
CHANNEL = "telegram"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
SHORT_LABEL = 16  # buttons this short may share a row


@dataclass
class TelegramChannel:
    """Shared state of the channel; everything here lives in memory only."""

    wegwijzer: Wegwijzer
    texts: TelegramTexts
    keys: ChatKeys = field(default_factory=ChatKeys)
    locks: KeyedLocks = field(default_factory=KeyedLocks)
    sender: Sender = field(default_factory=Sender)
    choices: ChoiceStore | None = None
    bot_username: str = ""
    replies_sent: int = 0

    def __post_init__(self) -> None:
        if self.choices is None:
            self.choices = ChoiceStore(self.wegwijzer.timeout_seconds)

    @property
    def store(self) -> ChoiceStore:
        assert self.choices is not None
        return self.choices

    def lang(self, key: str | None = None) -> str:
        """The conversation's language, else the deployment's default."""
        state = self.wegwijzer.state_of(key) if key else None
        lang = getattr(state, "lang", None) or self.wegwijzer.settings.language
        return lang if lang in LANGUAGES else LANGUAGES[0]

    def say(self, text_id: str, lang: str, **values: object) -> str:
        """A text from our YAML, or from the merged content (core and dilemma texts)."""
        if text_id in self.texts.teksten:
            return self.texts.say(text_id, lang, **values)
        merged = TelegramTexts(self.wegwijzer.content.teksten)
        return merged.say(text_id, lang, **values)

    def render(self, replies: Sequence[Reply], lang: str) -> list[Rendered]:
        return render_all(replies, lambda text_id: self.say(text_id, lang))

    @staticmethod
    def keyboard(labels_and_data: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
        """Short labels side by side (yes/no), longer ones one per row."""
        buttons = [
            InlineKeyboardButton(label, callback_data=data) for label, data in labels_and_data
        ]
        short = len(buttons) <= 3 and all(len(label) <= SHORT_LABEL for label, _ in labels_and_data)
        rows = [buttons] if short else [[button] for button in buttons]
        return InlineKeyboardMarkup(rows)

    def option_keyboard(self, key: str, options: tuple[Option, ...], html_text: str):
        option_set = self.store.add(key, options, html_text)
        return self.keyboard(
            [(o.label, ChoiceStore.data(option_set, i)) for i, o in enumerate(options)]
        )

    async def send_html(
        self,
        bot: Bot,
        chat_id: int,
        html_text: str,
        reply_markup: InlineKeyboardMarkup | None = None,
    ) -> object | None:
        """Send one message; if Telegram cannot parse it, send it as plain text instead."""
        try:
            sent = await self.sender.call(
                "sendMessage",
                lambda: bot.send_message(
                    chat_id,
                    html_text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=reply_markup,
                    link_preview_options=NO_PREVIEW,
                ),
            )
        except BadRequest as exc:
            log.warning("sendMessage refused (%s); sending as plain text", type(exc).__name__)
            plain = html.unescape(re.sub(r"<[^>]+>", "", html_text))
            try:
                sent = await self.sender.call(
                    "sendMessage",
                    lambda: bot.send_message(chat_id, plain, reply_markup=reply_markup),
                )
            except BadRequest:
                log.warning("sendMessage refused twice; message dropped")
                return None
        if sent is not None:
            self.replies_sent += 1
        return sent

    async def send_replies(
        self, bot: Bot, chat_id: int, key: str, replies: Sequence[Reply], lang: str
    ) -> None:
        """Render and send, in order; options become buttons tied to this conversation."""
        for message in self.render(replies, lang):
            markup = (
                self.option_keyboard(key, message.options, message.html)
                if message.options
                else None
            )
            await self.send_html(bot, chat_id, message.html, markup)

    def expire_idle(self) -> int:
        return self.wegwijzer.expire_idle() + self.store.expire_idle()
