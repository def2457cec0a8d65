"""Group chats: dilemma sessions led by a chat administrator, with native anonymous polls.

Only an administrator (checked with getChatMember each time, never remembered) can start a
session, draw or pick a dilemma, reveal and stop. The poll is anonymous, so the bot only ever sees
counts. There is no wegwijzer conversation in a group: whoever writes to the bot there about
something else is invited, briefly, to a private chat.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import Bot, ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    PollHandler,
    filters,
)

from bot.channels.telegram.channel import TelegramChannel
from bot.content.schema import LANGUAGES
from bot.core.replies import Message as TextReply
from bot.core.replies import Reply
from bot.idle import IdleMap

log = logging.getLogger(__name__)

GROUPS = filters.ChatType.GROUPS
ADMIN_COMMANDS = ("sessie", "dilemma", "onthul", "stop")
INFO_COMMANDS = ("help", "privacy", "start", "loketten", "taal")
ADMIN_STATUSES = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)
MIN_IDLE_SECONDS = 2 * 60 * 60  # a session may pause for a long discussion
PREFIX = "g"
REFUSED = {False: "telegram_groep_alleen_beheerder", True: "telegram_groep_controle_mislukt"}


@dataclass
class GroupSession:
    """One group's session, in memory: which dilemma is open and its poll; no people."""

    nonce: str
    lang: str
    dilemma_id: str | None = None
    poll_message_id: int | None = None
    poll_id: str | None = None
    counts: list[int] = field(default_factory=list)  # latest counts seen in poll updates
    revealed: bool = False
    used: list[str] = field(default_factory=list)


class GroupSessions:
    """Sessions by group key, dropped after a long idle time."""

    def __init__(self, timeout_seconds: float, clock: Callable[[], float] = time.monotonic):
        timeout = max(timeout_seconds, MIN_IDLE_SECONDS)
        self._sessions: IdleMap[str, GroupSession] = IdleMap(timeout, clock)

    def get(self, key: str, touch: bool = True) -> GroupSession | None:
        return self._sessions.get(key, touch=touch)

    def start(self, key: str, lang: str) -> GroupSession:
        old = self._sessions.get(key, touch=False)
        session = GroupSession(secrets.token_urlsafe(6), lang)
        if old:
            session.used = old.used
        self._sessions.put(key, session)
        return session

    def by_poll(self, poll_id: str) -> GroupSession | None:
        return next((s for s in self._sessions.values() if s.poll_id == poll_id), None)

    def end(self, key: str) -> None:
        self._sessions.pop(key)

    def expire_idle(self) -> int:
        return self._sessions.expire_idle()

    def __len__(self) -> int:
        return len(self._sessions)


class GroupChannel:
    """The session flow for groups, on top of the shared channel state."""

    def __init__(self, chan: TelegramChannel) -> None:
        self.chan = chan
        self.sessions = GroupSessions(chan.wegwijzer.timeout_seconds)

    # ---------------------------------------------------------------- helpers
    @property
    def library(self):  # bot.dilemmas.library.DilemmaLibrary | None
        return getattr(self.chan.wegwijzer.content, "dilemmas", None)

    def lang(self, chat_id: int | None = None) -> str:
        """The language of the group's open session (`/sessie en`), else the deployment's."""
        key = self.chan.keys.key(chat_id) if chat_id is not None else None
        session = self.sessions.get(key, touch=False) if key is not None else None
        return session.lang if session is not None else self.chan.lang()

    def say(self, text_id: str, lang: str, **values: object) -> str:
        return self.chan.say(text_id, lang, **values)

    def buttons(
        self, session: GroupSession, actions: list[tuple[str, str]]
    ) -> InlineKeyboardMarkup:
        """Buttons as (label, action); the callback data is `g:<nonce>:<action>`."""
        return self.chan.keyboard(
            [(label, f"{PREFIX}:{session.nonce}:{action}") for label, action in actions]
        )

    async def post(
        self,
        bot: Bot,
        chat_id: int,
        replies: list[Reply],
        lang: str,
        markup: InlineKeyboardMarkup | None = None,
    ) -> None:
        """Send replies without option buttons; `markup` goes on the last message."""
        rendered = self.chan.render(replies, lang)
        for i, message in enumerate(rendered):
            last = i == len(rendered) - 1
            await self.chan.send_html(bot, chat_id, message.html, markup if last else None)

    async def is_admin(self, bot: Bot, chat_id: int, message: Message | None, user) -> bool | None:
        """True for an administrator or owner; None when Telegram could not tell us."""
        if message is not None and message.sender_chat is not None:
            return message.sender_chat.id == chat_id  # an anonymous admin posts as the group
        if user is None:
            return False
        try:
            member = await self.chan.sender.call(
                "getChatMember", lambda: bot.get_chat_member(chat_id, user.id)
            )
        except TelegramError as exc:
            log.warning("getChatMember failed: %s", type(exc).__name__)
            return None
        if member is None:
            return None
        return member.status in ADMIN_STATUSES

    def control_buttons(self, session: GroupSession, lang: str) -> InlineKeyboardMarkup:
        return self.buttons(
            session,
            [
                (self.say("telegram_groep_knop_trek", lang), "draw"),
                (self.say("telegram_groep_knop_hoofdstuk", lang), "chapters"),
            ],
        )

    # ---------------------------------------------------------------- session steps
    async def begin(self, bot: Bot, chat_id: int, buttons: bool,
                    lang: str | None = None) -> GroupSession | None:
        """A new session (closing an open poll of the old one) with a short welcome."""
        key = self.chan.keys.key(chat_id)
        lang = lang or self.lang()
        if self.library is None:
            text = self.say("telegram_groep_geen_dilemmas", lang)
            await self.post(bot, chat_id, [TextReply(text)], lang)
            return None
        old = self.sessions.get(key)
        if old is not None:
            await self.close_poll(bot, chat_id, old)
        session = self.sessions.start(key, lang)
        markup = self.control_buttons(session, lang) if buttons else None
        await self.post(
            bot, chat_id, [TextReply(self.say("telegram_groep_welkom", lang))], lang, markup
        )
        return session

    async def start(self, bot: Bot, chat_id: int, argument: str) -> None:
        """`/sessie [nl|en] [dilemma, chapter or topic]`: welcome with buttons, or straight to
        the dilemma or chapter given; a leading language code sets the session's language, so
        that one deployment can serve Dutch and English groups."""
        lang, argument = split_language(argument)
        session = await self.begin(bot, chat_id, buttons=not argument, lang=lang)
        if session is not None and argument:
            await self.choose(bot, chat_id, session, argument)

    async def choose(self, bot: Bot, chat_id: int, session: GroupSession, argument: str) -> None:
        """`/dilemma` with an id, a chapter ("4", "4.1") or a topic; empty draws at random."""
        library = self.library
        lang = session.lang
        argument = argument.strip()
        if not argument:
            await self.draw(bot, chat_id, session)
            return
        found = library.resolve(argument)
        if found is None:
            await self.post(
                bot,
                chat_id,
                [TextReply(self.say("telegram_groep_onbekend", lang))],
                lang,
                self.control_buttons(session, lang),
            )
            return
        kind, value = found
        if kind == "dilemma":
            await self.show(bot, chat_id, session, library.get(value))
        else:
            await self.draw(bot, chat_id, session, **{kind: value})

    async def draw(
        self,
        bot: Bot,
        chat_id: int,
        session: GroupSession,
        chapter: str | None = None,
        topic: str | None = None,
    ) -> None:
        dilemma = self.library.pick(
            secrets.randbits(32), chapter=chapter, topic=topic, exclude=session.used
        )
        if dilemma is None:
            lang = session.lang
            await self.post(
                bot, chat_id, [TextReply(self.say("telegram_groep_onbekend", lang))], lang
            )
            return
        await self.show(bot, chat_id, session, dilemma)

    async def show(self, bot: Bot, chat_id: int, session: GroupSession, dilemma) -> None:
        """The situation as a message, then the anonymous poll with a reveal button."""
        from bot.dilemmas.replies import poll_for, question_replies

        await self.close_poll(bot, chat_id, session)
        lang = session.lang
        teksten = self.chan.wegwijzer.content.teksten
        shown = [
            TextReply(r.text, kind=r.kind) if isinstance(r, TextReply) else r
            for r in question_replies(dilemma, self.library, teksten, lang)
        ]
        shown.append(TextReply(self.say("telegram_groep_stem", lang)))
        await self.post(bot, chat_id, shown, lang)
        spec = poll_for(dilemma, teksten, lang)
        markup = self.buttons(session, [(self.say("telegram_groep_knop_onthul", lang), "reveal")])
        sent = await self.chan.sender.quietly(
            "sendPoll",
            lambda: bot.send_poll(
                chat_id,
                spec.question,
                list(spec.options),
                is_anonymous=True,
                allows_multiple_answers=False,
                reply_markup=markup,
            ),
        )
        if sent is None or sent.poll is None:
            await self.post(bot, chat_id, [TextReply(self.say("telegram_fout", lang))], lang)
            return
        session.dilemma_id = dilemma.id
        session.poll_message_id = sent.message_id
        session.poll_id = sent.poll.id
        session.counts = [0] * len(spec.options)
        session.revealed = False
        if dilemma.id not in session.used:
            session.used.append(dilemma.id)

    async def close_poll(self, bot: Bot, chat_id: int, session: GroupSession) -> None:
        """Stop an open poll (keeping its last counts); quietly, without a reveal."""
        if session.poll_message_id is None or session.revealed:
            return
        message_id = session.poll_message_id
        try:
            poll = await self.chan.sender.call(
                "stopPoll", lambda: bot.stop_poll(chat_id, message_id)
            )
        except TelegramError as exc:  # already closed by hand, or the message is gone
            log.info("stopPoll: %s", type(exc).__name__)
            poll = None
        if poll is not None:
            session.counts = [option.voter_count for option in poll.options]
        session.poll_message_id = None

    async def reveal(self, bot: Bot, chat_id: int, session: GroupSession) -> None:
        """Close the poll and show the counts, every option's discussion, the GIR and desks."""
        from bot.dilemmas.replies import reveal_replies

        lang = session.lang
        dilemma = self.library.get(session.dilemma_id) if session.dilemma_id else None
        if dilemma is None:
            await self.post(
                bot,
                chat_id,
                [TextReply(self.say("telegram_groep_geen_dilemma", lang))],
                lang,
                self.control_buttons(session, lang),
            )
            return
        if session.revealed:
            await self.post(
                bot, chat_id, [TextReply(self.say("telegram_groep_al_onthuld", lang))], lang
            )
            return
        await self.close_poll(bot, chat_id, session)
        session.revealed = True
        counts = session.counts or []
        self.chan.wegwijzer.record_votes(
            dilemma.id, [(o.id, n) for o, n in zip(dilemma.opties, counts, strict=False)]
        )
        content = self.chan.wegwijzer.content
        desk_names = {desk_id: loket.naam for desk_id, loket in content.loketten.items()}
        replies = reveal_replies(
            dilemma, session.counts, self.library, content.teksten, lang, desk_names
        )
        replies = [
            TextReply(r.text, kind=r.kind) if isinstance(r, TextReply) else r for r in replies
        ]
        markup = self.buttons(
            session,
            [
                (self.say("telegram_groep_knop_volgende", lang), "draw"),
                (self.say("telegram_groep_knop_hoofdstuk", lang), "chapters"),
                (self.say("telegram_groep_knop_stop", lang), "stop"),
            ],
        )
        await self.post(bot, chat_id, replies, lang, markup)

    async def chapters(self, bot: Bot, chat_id: int, session: GroupSession) -> None:
        lang = session.lang
        actions = []
        for chapter in self.library.chapters():
            title = self.library.gir_title(chapter)
            label = self.say(
                "dilemma_hoofdstuk_label",
                lang,
                nummer=chapter,
                titel=title.get(lang) if title else "",
                aantal=len(self.library.by_chapter(chapter)),
            )
            actions.append((label, f"ch:{chapter}"))
        text = TextReply(self.say("telegram_groep_kies_hoofdstuk", lang))
        await self.post(bot, chat_id, [text], lang, self.buttons(session, actions))

    async def stop(self, bot: Bot, chat_id: int, session: GroupSession) -> None:
        await self.close_poll(bot, chat_id, session)
        self.sessions.end(self.chan.keys.key(chat_id))
        lang = session.lang
        await self.post(bot, chat_id, [TextReply(self.say("telegram_groep_gestopt", lang))], lang)

    async def act(self, bot: Bot, chat_id: int, session: GroupSession, action: str) -> None:
        """One admin action, from a button or a command."""
        if action == "draw":
            await self.draw(bot, chat_id, session)
        elif action == "chapters":
            await self.chapters(bot, chat_id, session)
        elif action.startswith("ch:"):
            await self.draw(bot, chat_id, session, chapter=action[3:])
        elif action == "reveal":
            await self.reveal(bot, chat_id, session)
        elif action == "stop":
            await self.stop(bot, chat_id, session)

    # ---------------------------------------------------------------- handlers
    async def on_admin_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None or not message.text:
            return
        bot = update.get_bot()
        name = message.text.split()[0][1:].split("@")[0].lower()
        argument = " ".join(context.args or [])
        key = self.chan.keys.key(chat.id)
        lang = self.lang(chat.id)
        async with self.chan.locks.hold(key):
            admin = await self.is_admin(bot, chat.id, message, update.effective_user)
            if not admin:
                text_id = REFUSED[admin is None]
                await self.post(bot, chat.id, [TextReply(self.say(text_id, lang))], lang)
                return
            if name == "sessie":
                await self.start(bot, chat.id, argument)
                return
            session = self.sessions.get(key)
            if session is None and name == "dilemma":  # no /sessie first: start one
                session = await self.begin(bot, chat.id, buttons=False)
                if session is not None:
                    await self.choose(bot, chat.id, session, argument)
                return
            if session is None:
                text = self.say("telegram_groep_geen_sessie", lang)
                await self.post(bot, chat.id, [TextReply(text)], lang)
                return
            if name == "dilemma":
                await self.choose(bot, chat.id, session, argument)
            elif name == "onthul":
                await self.reveal(bot, chat.id, session)
            elif name == "stop":
                await self.stop(bot, chat.id, session)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        bot = update.get_bot()
        key = self.chan.keys.key(chat.id)
        parts = (query.data or "").split(":", 2)
        nonce = parts[1] if len(parts) > 1 else ""
        action = parts[2] if len(parts) > 2 else ""
        async with self.chan.locks.hold(key):
            session = self.sessions.get(key)
            lang = session.lang if session else self.lang()
            if session is None or session.nonce != nonce:
                text = self.say("telegram_knop_verlopen", lang)[:200]
                await self.chan.sender.quietly("answerCallbackQuery", lambda: query.answer(text))
                return
            admin = await self.is_admin(bot, chat.id, None, query.from_user)
            if not admin:
                text_id = REFUSED[admin is None]
                text = self.say(text_id, lang)[:200]
                await self.chan.sender.quietly(
                    "answerCallbackQuery", lambda: query.answer(text, show_alert=True)
                )
                return
            await self.chan.sender.quietly("answerCallbackQuery", lambda: query.answer())
            await self.act(bot, chat.id, session, action)

    async def on_info_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None or not message.text:
            return
        name = message.text.split()[0][1:].split("@")[0].lower()
        lang = self.lang(chat.id)
        bot = update.get_bot()
        if name == "help":
            await self.post(bot, chat.id, [TextReply(self.say("telegram_groep_help", lang))], lang)
        elif name == "privacy":
            await self.post(
                bot, chat.id, [TextReply(self.say("privacy", lang), kind="privacy")], lang
            )
        else:
            await self.invite(bot, chat.id, lang)

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A member addressed the bot (mention or reply) with something that is no command."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        bot = update.get_bot()
        replied = message.reply_to_message
        to_bot = (
            replied is not None and replied.from_user is not None and replied.from_user.id == bot.id
        )
        mentioned = any(
            entity.type == "mention"
            and message.parse_entity(entity).lstrip("@").lower() == self.chan.bot_username.lower()
            for entity in message.entities or ()
        )
        if not (to_bot or mentioned):
            return
        lang = self.lang(chat.id)
        text = message.text or message.caption or ""
        if text and self.chan.wegwijzer.nlu.parse(text[:2000]).crisis:
            # safety first, in any chat: the emergency numbers before anything else
            crisis = TextReply(self.say("crisis", lang), kind="crisis")
            await self.post(bot, chat.id, [crisis], lang)
        await self.invite(bot, chat.id, lang)

    async def invite(self, bot: Bot, chat_id: int, lang: str) -> None:
        """Briefly: not here, but in a private chat (a button opens it)."""
        markup = None
        if self.chan.bot_username:
            url = f"https://t.me/{self.chan.bot_username}?start=groep"
            markup = InlineKeyboardMarkup(
                [[InlineKeyboardButton(self.say("telegram_groep_knop_prive", lang), url=url)]]
            )
        await self.post(
            bot, chat_id, [TextReply(self.say("telegram_groep_uitnodiging", lang))], lang, markup
        )

    async def on_poll(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Telegram reports the counts of our anonymous polls; keep the latest (no voters)."""
        poll = update.poll
        if poll is None:
            return
        session = self.sessions.by_poll(poll.id)
        if session is not None:
            session.counts = [option.voter_count for option in poll.options]

    def expire_idle(self) -> int:
        return self.sessions.expire_idle()


def add_group_handlers(app: Application, chan: TelegramChannel) -> GroupChannel:
    groups = GroupChannel(chan)
    messages = filters.UpdateType.MESSAGE
    app.add_handler(
        CommandHandler(list(ADMIN_COMMANDS), groups.on_admin_command, filters=GROUPS & messages)
    )
    app.add_handler(
        CommandHandler(list(INFO_COMMANDS), groups.on_info_command, filters=GROUPS & messages)
    )
    app.add_handler(MessageHandler(GROUPS & messages & ~filters.COMMAND, groups.on_message))
    app.add_handler(CallbackQueryHandler(groups.on_button, pattern=rf"^{PREFIX}:"))
    app.add_handler(PollHandler(groups.on_poll))
    return groups


def split_language(argument: str) -> tuple[str | None, str]:
    """("en", "4") from "en 4"; (None, "4") from "4": a language code may lead the argument."""
    first, _, rest = argument.strip().partition(" ")
    if first.lower() in LANGUAGES:
        return first.lower(), rest.strip()
    return None, argument.strip()
