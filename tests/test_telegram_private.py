"""Private Telegram chats, played over real HTTP against the fake Bot API server."""

from __future__ import annotations

import asyncio
import io
import logging

import pytest

from bot.channels.telegram.logsafe import configure_logging
from bot.runtime import Wegwijzer
from bot.settings import Settings
from tests.fakebotapi import FakeBotApi
from tests.fakebotapi.harness import Chatter, running_bot


@pytest.fixture(scope="module")
def wegwijzer(content, nlu, tmp_path_factory: pytest.TempPathFactory) -> Wegwijzer:
    """The real runtime (content + embedded NLU) with a real statistics store on disk."""
    from bot.stats.store import SignalenStore

    data = tmp_path_factory.mktemp("tg")
    settings = Settings(data_dir=data)
    return Wegwijzer(content, nlu, settings, recorder=SignalenStore(settings.stats_path))


@pytest.fixture
async def api():
    async with FakeBotApi() as server:
        yield server


async def test_start_sets_menu_and_offers_organisations(wegwijzer, api):
    async with running_bot(wegwijzer, api):
        assert ("all_private_chats", "") in api.commands
        assert ("all_group_chats", "en") in api.commands
        private = [c["command"] for c in api.commands[("all_private_chats", "")]]
        assert {"start", "help", "privacy", "loketten", "stop", "dilemma"} <= set(private)
        user = Chatter(api)
        replies = await user.text("/start")
        assert "Wegwijzer" in replies[0].plain
        assert any("Financiën" in label for label in replies[-1].labels)
        # callback data is an opaque nonce + index, never the option's text or value
        for row in replies[-1].buttons:
            for button in row:
                assert button["callback_data"].startswith("c:")
                assert "org" not in button["callback_data"]


async def test_private_conversation_to_advice_and_count(wegwijzer, api):
    async with running_bot(wegwijzer, api):
        user = Chatter(api)
        await user.text("/start")
        await user.press("BZK")
        # the pressed message now shows the choice and has no buttons any more
        edits = api.calls_of("editMessageText")
        assert edits and "reply_markup" not in edits[-1].params
        await user.text("Mijn collega maakt steeds seksueel getinte opmerkingen over mij")
        assert "ongewenst gedrag" in user.plain
        await user.press("Ja")
        await user.press("Nee")  # own manager not involved
        await user.press("praten")
        replies = await user.press("Nee")  # health not affected
        html = "\n".join(r.html for r in replies)
        assert "Vertrouwenspersoon" in user.plain
        assert "<b>1. " in html  # a desk card, rendered as formatted HTML
        menu = replies[-1]
        assert any("Stop" in label or "stop" in label for label in menu.labels)
    counts = wegwijzer.recorder.conversations()
    assert any(c.channel == "telegram" and c.topic == "ongewenste_omgangsvormen" for c in counts)


async def test_crisis_interrupts_any_step(wegwijzer, api):
    async with running_bot(wegwijzer, api):
        user = Chatter(api)
        await user.text("/start")
        await user.press("Financiën")
        replies = await user.text("Ik wil niet meer leven")
        first = replies[0]
        assert "112" in first.plain and "113" in first.plain
        assert first.html.startswith("🚨 <b>")
        assert replies[-1].buttons  # and the way forward is still offered


async def test_stop_forgets_and_old_buttons_go_stale(wegwijzer, api):
    async with running_bot(wegwijzer, api) as bot:
        user = Chatter(api)
        await user.text("/start")
        old = user.with_buttons()
        key = bot.chan.keys.key(user.chat.id)
        assert wegwijzer.state_of(key) is not None
        replies = await user.text("/stop")
        assert "vergeten" in replies[0].plain
        assert wegwijzer.state_of(key) is None
        # a button from before /stop no longer does anything but say so
        before = len(api.calls)
        api.press(user.user, old, "BZK")
        answered = await api.wait_for_call("answerCallbackQuery", since=before)
        assert "werkt niet meer" in answered.params["text"]
        assert wegwijzer.state_of(key) is None
        assert not api.outgoing(user.chat.id, since=before)


@pytest.mark.parametrize("kind", ["photo", "voice", "sticker", "document", "edited", "forwarded"])
async def test_unsupported_input_gets_a_kind_reply(wegwijzer, api, kind):
    expected = wegwijzer.content.teksten["unsupported_input"].nl
    async with running_bot(wegwijzer, api):
        user = Chatter(api)
        first = api.send_text(user.user, "Hallo")
        await api.turn(first, user.chat.id)
        if kind == "edited":
            update = api.edit_text(user.user, first, "Hallo, ik heb een vraag")
        elif kind == "forwarded":
            update = api.send_forwarded(user.user, "Doorgestuurd bericht")
        else:
            update = api.send_media(user.user, kind)
        replies = await api.turn(update, user.chat.id)
        assert replies[0].plain == expected
        assert all(call.status == 200 for call in api.calls if call.method == "sendMessage")


async def test_content_strings_are_escaped(content, nlu, tmp_path, api):
    """A contact set by a deployment with <, > and & reaches the user intact, as text."""
    contact = "Intranet <zoek: vertrouwenspersoon> & bel de servicedesk"
    settings = Settings(data_dir=tmp_path, contacts={"*": {"vertrouwenspersoon": contact}})
    wegwijzer = Wegwijzer(content, nlu, settings)
    async with running_bot(wegwijzer, api):
        user = Chatter(api)
        await user.text("/start")
        await user.press("Rijksoverheid")
        await user.text("Een collega pest mij al maanden")
        await user.press("Ja")
        await user.press("Nee")
        await user.press("praten")
        replies = await user.press("Nee")
        cards = [r for r in replies if contact in r.plain]
        assert cards, "the configured contact should be shown on the card"
        assert "&lt;zoek: vertrouwenspersoon&gt; &amp; bel" in cards[0].html
        assert all(c.status == 200 for c in api.calls if c.method == "sendMessage")


async def test_no_chat_id_or_text_in_state_or_logs(wegwijzer, api):
    """With the logging `wegwijzer telegram` sets up, even DEBUG shows no id, text or token."""
    story = "Mijn leidinggevende Jan de Vries scheldt mij uit"
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        configure_logging(api.token, level=logging.DEBUG, stream=stream)
        async with running_bot(wegwijzer, api) as bot:
            user = Chatter(api, api.user(987654321))
            await user.text("/start")
            await user.press("BZK")
            await user.text(story)
            key = bot.chan.keys.key(user.chat.id)
            # python-telegram-bot's own per-chat/per-user stores stay unused (no ids there)
            assert not bot.app.chat_data and not bot.app.user_data
            assert bot.app.persistence is None
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
    assert "987654321" not in key
    sessions = list(getattr(wegwijzer, "_sessions", {}))
    assert key in sessions
    assert all("987654321" not in f"{k} {wegwijzer.state_of(k)!r}" for k in sessions)
    logged = stream.getvalue()
    assert "started (long polling)" in logged  # the log does work
    assert "987654321" not in logged
    assert "Jan de Vries" not in logged
    assert api.token not in logged


async def test_user_text_with_markup_characters_is_answered(wegwijzer, api):
    async with running_bot(wegwijzer, api):
        user = Chatter(api)
        await user.text("/start")
        await user.press("Rijksoverheid")
        replies = await user.text("<b>Mijn baas</b> & <script>collega's</script> pesten mij >:(")
        assert replies and replies[-1].buttons
        assert all(c.status == 200 for c in api.calls if c.method == "sendMessage")


async def test_idle_conversations_and_buttons_expire(content, nlu, tmp_path, api):
    settings = Settings(data_dir=tmp_path, conversation_timeout_minutes=0.002)  # 0.12 s
    wegwijzer = Wegwijzer(content, nlu, settings)
    async with running_bot(wegwijzer, api, expiry_interval=0.05) as bot:
        user = Chatter(api)
        await user.text("/start")
        key = bot.chan.keys.key(user.chat.id)
        assert len(bot.chan.store) == 1
        for _ in range(100):  # the background task drops both, without any new message
            if wegwijzer.state_of(key) is None and len(bot.chan.store) == 0:
                break
            await asyncio.sleep(0.05)
        assert wegwijzer.state_of(key) is None
        assert len(bot.chan.store) == 0
