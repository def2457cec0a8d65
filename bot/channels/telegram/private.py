"""Private chats: the wegwijzer conversation, one Telegram update at a time.

Each update becomes one core event (text, button choice, command, or something we cannot read),
the runtime answers, and the replies go back as HTML messages with buttons. Updates of one chat
are handled in order; different chats run side by side.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.telegram.channel import CHANNEL, TelegramChannel
from bot.channels.telegram.render import esc
from bot.core.events import Event, UnsupportedInput, UserChoice, UserCommand, UserText
from bot.core.replies import Message as TextReply
from bot.core.replies import Reply

log = logging.getLogger(__name__)

COMMANDS = ("start", "help", "privacy", "loketten", "stop", "dilemma", "taal")
MEDIA_KINDS = (
    "photo", "voice", "audio", "video", "video_note", "animation", "sticker", "document",
    "location", "venue", "contact", "poll", "dice", "game", "story",
)  # fmt: skip
PRIVATE = filters.ChatType.PRIVATE


def media_kind(message: Message) -> str:
    """What the user sent instead of text, named for the core's kind answer."""
    for kind in MEDIA_KINDS:
        if getattr(message, kind, None):
            return kind
    return "other"


async def converse(
    chan: TelegramChannel, update: Update, event: Event, before: object = None
) -> None:
    """Run one event for this chat through the runtime and send the replies, in chat order."""
    chat = update.effective_chat
    if chat is None:
        return
    bot = update.get_bot()
    key = chan.keys.key(chat.id)
    async with chan.locks.hold(key):
        if before is not None:
            await before  # type: ignore[misc]
        try:
            replies: list[Reply] = chan.wegwijzer.handle(key, event, channel=CHANNEL)
        except Exception as exc:  # noqa: BLE001 - the runtime should not raise; never go silent
            log.error("the conversation failed: %s", type(exc).__name__)
            replies = [TextReply(chan.say("telegram_fout", chan.lang(key)))]
        if chan.wegwijzer.state_of(key) is None:
            chan.store.forget(key)  # /stop or the end: old buttons must not work any more
        await chan.send_replies(bot, chat.id, key, replies, chan.lang(key))


def add_private_handlers(app: Application, chan: TelegramChannel) -> None:
    """Register the private-chat handlers (order matters: the first match wins)."""

    async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await converse(chan, update, UnsupportedInput("edited"))

    async def on_forwarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await converse(chan, update, UnsupportedInput("forwarded"))

    async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None
        name = message.text.split()[0][1:].split("@")[0].lower()
        await converse(chan, update, UserCommand(name, " ".join(context.args or [])))

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        await converse(chan, update, UserText(message.text or ""))

    async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        await converse(chan, update, UnsupportedInput(media_kind(message)))

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        chat = update.effective_chat
        assert query is not None
        if chat is None:
            await chan.sender.quietly("answerCallbackQuery", lambda: query.answer())
            return
        key = chan.keys.key(chat.id)
        picked = chan.store.resolve(key, query.data or "")
        if picked is None:
            text = chan.say("telegram_knop_verlopen", chan.lang(key))
            await chan.sender.quietly("answerCallbackQuery", lambda: query.answer(text[:200]))
            return
        await chan.sender.quietly("answerCallbackQuery", lambda: query.answer())
        mark = None
        if query.message is not None and query.message.is_accessible:
            chosen = chan.say("telegram_gekozen", chan.lang(key), label=picked.option.label)
            marked = f"{picked.option_set.html}\n\n<i>✓ {esc(chosen)}</i>"
            message_id = query.message.message_id
            bot = update.get_bot()
            mark = chan.sender.quietly(
                "editMessageText",
                lambda: bot.edit_message_text(
                    marked, chat.id, message_id, parse_mode=ParseMode.HTML
                ),
            )
        await converse(chan, update, UserChoice(picked.option.value), before=mark)

    messages = filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(PRIVATE & filters.UpdateType.EDITED_MESSAGE, on_edited), group=0)
    app.add_handler(MessageHandler(PRIVATE & messages & filters.FORWARDED, on_forwarded))
    app.add_handler(CommandHandler(list(COMMANDS), on_command, filters=PRIVATE & messages))
    app.add_handler(MessageHandler(PRIVATE & messages & filters.TEXT, on_text))
    app.add_handler(MessageHandler(PRIVATE & messages, on_other))
    app.add_handler(
        CallbackQueryHandler(on_button, pattern=r"^c:"),
    )
