"""The Telegram channel's pure parts: rendering, keys, stored options, texts, retries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.channels.telegram.choices import ChoiceStore
from bot.channels.telegram.groups import ADMIN_COMMANDS, GroupSessions
from bot.channels.telegram.keys import ChatKeys
from bot.channels.telegram.private import COMMANDS
from bot.channels.telegram.render import MAX_CHARS, esc, render, render_all
from bot.channels.telegram.sender import Sender
from bot.channels.telegram.texts import TEXT_IDS, TelegramTexts, load_telegram_texts
from bot.core.replies import Bars, CardSection, DeskCard, Message, Option, Table
from bot.settings import PROJECT_ROOT
from tests.fakebotapi import EntityError, html_to_plain

# PTB warns about its own RetryAfter attribute type; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

NASTY = 'A <b>bold</b> & "quoted" <script>alert(1)</script> 5 > 3 &amp;'


def say(text_id: str) -> str:
    return f"<{text_id}>"


def test_every_reply_kind_renders_valid_escaped_html():
    replies = [
        Message(NASTY, options=(Option("v", NASTY),)),
        Message(f"{NASTY}\n\nnext", kind="crisis"),
        Message(NASTY, kind="heading"),
        Message(f"- {NASTY}\n- two", kind="privacy"),
        DeskCard("vp", 1, NASTY, NASTY, (NASTY,), (CardSection(NASTY, f"{NASTY}\n- {NASTY}"),)),
        Table(NASTY, ("", NASTY), ((NASTY, NASTY),)),
        Bars(NASTY, ((NASTY, 3), ("b", 0))),
    ]
    for rendered in render_all(replies, say):
        plain = html_to_plain(rendered.html)  # the fake server's strict Telegram parser
        assert NASTY in plain or NASTY.split("\n")[0] in plain
        assert "<script>" not in rendered.html
    card = render(replies[4], say)[0]
    assert "&lt;telegram_kaart_waarom&gt;" in card.html  # texts from YAML are escaped too


def test_strict_parser_rejects_what_telegram_rejects():
    for bad in ("<script>x</script>", "a & b", "<b>open", "5 > 3", "</i>"):
        with pytest.raises(EntityError):
            html_to_plain(bad)
    assert html_to_plain("<b>a</b> &lt;&amp;&gt; &#33;") == "a <&> !"


def test_long_replies_are_split_under_the_limit_with_options_last():
    text = "\n\n".join(("Alinea & meer. " * 40).strip() for _ in range(30))
    parts = render(Message(text, options=(Option("a", "A"),)), say)
    assert len(parts) > 1
    assert all(len(p.html) <= MAX_CHARS for p in parts)
    assert [bool(p.options) for p in parts] == [False] * (len(parts) - 1) + [True]
    joined = " ".join(html_to_plain(p.html) for p in parts)
    assert joined.count("Alinea & meer.") == 40 * 30
    # one endless line without spaces, full of characters that grow when escaped
    huge = render(Message("&<>" * 20000), say)
    assert all(len(p.html) <= MAX_CHARS for p in huge)
    shown = "".join(html_to_plain(p.html) for p in huge).replace("\n", "")
    assert shown == "&<>" * 20000  # nothing lost, only line breaks added


def test_empty_reply_with_options_still_shows_the_buttons():
    parts = render(Message("", options=(Option("a", "A"),)), say)
    assert len(parts) == 1 and parts[0].options


def test_keys_are_salted_hashes_never_the_chat_id():
    keys, other = ChatKeys(), ChatKeys()
    key = keys.key(123456789)
    assert "123456789" not in key
    assert key == keys.key(123456789)
    assert key != other.key(123456789)  # a new process (new salt) cannot link old keys
    assert keys.key(1) != keys.key(2)


def test_choice_store_gives_opaque_data_and_expires():
    now = [0.0]
    store = ChoiceStore(timeout_seconds=60, clock=lambda: now[0])
    options = (Option("org:bzk", "BZK"), Option("org:rijk", "Rijk"))
    option_set = store.add("k", options, "<b>vraag</b>")
    data = ChoiceStore.data(option_set, 1)
    assert "org" not in data and "Rijk" not in data and len(data.encode()) <= 64
    assert store.resolve("k", data).option == options[1]
    assert store.resolve("other", data) is None  # another chat cannot use it
    assert store.resolve("k", "c:bogus:0") is None
    assert store.resolve("k", "c:" + option_set.nonce + ":9") is None
    assert store.resolve("k", "garbage") is None
    now[0] = 61
    assert store.resolve("k", data) is None
    assert len(store) == 0  # an expired entry is dropped as soon as it is looked at
    store.add("k2", options, "<b>vraag</b>")
    now[0] = 200
    assert store.expire_idle() == 1 and len(store) == 0


def test_group_sessions_expire_after_a_long_pause():
    now = [0.0]
    sessions = GroupSessions(timeout_seconds=60, clock=lambda: now[0])
    sessions.start("g", "nl")
    now[0] = 60 * 60
    assert sessions.get("g") is not None  # at least two hours, for long discussions
    now[0] += 3 * 60 * 60
    assert sessions.expire_idle() == 1


def test_all_telegram_texts_exist_in_both_languages():
    teksten, problems = load_telegram_texts(PROJECT_ROOT)
    assert problems == []
    texts = TelegramTexts(teksten)
    assert texts.missing() == []
    assert all(text_id.startswith("telegram_") for text_id in teksten)
    used = set()
    for path in Path(PROJECT_ROOT, "bot/channels/telegram").glob("*.py"):
        used |= set(re.findall(r'"(telegram_[a-z_]+)"', path.read_text(encoding="utf-8")))
    used |= {f"telegram_cmd_{c}" for c in COMMANDS}
    used |= {f"telegram_cmd_groep_{c}" for c in (*ADMIN_COMMANDS, "help")}
    assert used - set(TEXT_IDS) == set()
    assert set(TEXT_IDS) <= set(teksten)
    for text_id in TEXT_IDS:
        if text_id.startswith("telegram_cmd_"):
            assert len(teksten[text_id].nl) <= 256 and len(teksten[text_id].en) <= 256
    assert texts.say("telegram_gekozen", "en", label="X") == "You chose: X"
    assert texts.say("nope", "nl") == "nope"


class _Clock:
    def __init__(self) -> None:
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


async def test_sender_retries_flood_control_and_network_errors_then_succeeds():
    clock = _Clock()
    sender = Sender(attempts=5, first_delay=0.5, max_delay=2, sleep=clock.sleep)
    errors = [RetryAfter(3), TimedOut(), NetworkError("reset")]

    async def flaky() -> str:
        if errors:
            raise errors.pop(0)
        return "ok"

    assert await sender.call("sendMessage", flaky) == "ok"
    assert clock.slept == [3, 0.5, 1.0]
    assert sender.retries == 3


async def test_sender_gives_up_after_bounded_attempts_and_never_retries_bad_requests():
    clock = _Clock()
    sender = Sender(attempts=3, first_delay=0.1, sleep=clock.sleep)

    async def down() -> None:
        raise NetworkError("down")

    assert await sender.call("sendMessage", down) is None
    assert len(clock.slept) == 2 and sender.failures == 1

    async def refused() -> None:
        raise BadRequest("Can't parse entities")

    with pytest.raises(BadRequest):
        await sender.call("sendMessage", refused)

    async def blocked() -> None:
        raise Forbidden("bot was blocked by the user")

    assert await sender.call("sendMessage", blocked) is None
    assert len(clock.slept) == 2


def test_esc_escapes_the_three_reserved_characters():
    assert esc("<a & b>") == "&lt;a &amp; b&gt;"
