"""Telegram transport: flood control, network faults, start-up, webhook mode, shutdown, logs."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.channels.telegram.app import RunOptions, StartupError, TelegramBot
from bot.channels.telegram.logsafe import RedactingFilter, configure_logging, redact
from bot.runtime import Wegwijzer
from bot.settings import Settings
from tests.fakebotapi import FakeBotApi
from tests.fakebotapi.harness import Chatter, running_bot, walk_to_advice

STORY = "Mijn collega maakt steeds seksueel getinte opmerkingen over mij"
SENDING = ["sendMessage", "editMessageText", "answerCallbackQuery"]
# PTB warns about its own RetryAfter attribute type when a 429 arrives; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture(scope="module")
def wegwijzer(content, nlu, tmp_path_factory: pytest.TempPathFactory) -> Wegwijzer:
    return Wegwijzer(content, nlu, Settings(data_dir=tmp_path_factory.mktemp("tg-transport")))


@pytest.fixture
async def api():
    async with FakeBotApi() as server:
        yield server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def transcripts(api: FakeBotApi, wegwijzer: Wegwijzer, users: int) -> list[list[str]]:
    """Several people walk to advice at the same time; what each of them got to read."""
    async with running_bot(wegwijzer, api):
        chatters = [Chatter(api) for _ in range(users)]
        await asyncio.gather(*(walk_to_advice(c, STORY) for c in chatters))
    return [[o.plain for o in c.history if o.method == "sendMessage"] for c in chatters]


async def test_429_storm_loses_no_reply(wegwijzer):
    async with FakeBotApi() as calm:
        expected = await transcripts(calm, wegwijzer, users=3)
    async with FakeBotApi() as api:
        api.fail_next(15, kind="429", retry_after=0.1, methods=SENDING)
        got = await transcripts(api, wegwijzer, users=3)
        refused = [c for c in api.calls if c.status == 429]
    assert len(refused) == 15
    assert [len(t) for t in got] == [len(t) for t in expected]
    assert got == expected


async def test_server_errors_and_dropped_connections_are_retried(wegwijzer, api):
    async with running_bot(wegwijzer, api) as bot:
        user = Chatter(api)
        api.fail_next(2, kind="5xx", status=502, methods=["sendMessage"])
        api.fail_next(2, kind="drop", methods=["sendMessage"])
        replies = await user.text("/start")
        assert "Wegwijzer" in replies[0].plain
        assert replies[-1].buttons
        assert bot.chan.sender.retries >= 4
        assert [c.status for c in api.calls if c.method == "sendMessage"][:5] == [
            502, 502, -1, -1, 200,
        ]  # fmt: skip


async def test_timeouts_are_retried(wegwijzer, api):
    async with running_bot(wegwijzer, api, read_timeout=0.3) as bot:
        user = Chatter(api)
        api.fail_next(1, kind="slow", delay=1.0, methods=["sendMessage"])
        replies = await user.text("/help")
        assert replies and replies[-1].buttons
        assert bot.chan.sender.retries >= 1


async def test_429_and_network_errors_at_start_up_are_retried(wegwijzer, api):
    api.fail_next(2, kind="429", retry_after=0.1, methods=["getMe"])
    api.fail_next(1, kind="drop", methods=["getMe"])
    api.fail_next(1, kind="429", retry_after=0.1, methods=["setMyCommands"])
    async with running_bot(wegwijzer, api):
        await api.wait_polling()
        assert [c.status for c in api.calls if c.method == "getMe"] == [429, 429, -1, 200]
        replies = await Chatter(api).text("/start")
        assert replies


async def test_unreachable_api_at_start_up_gives_a_clear_error(wegwijzer):
    port = free_port()
    options = RunOptions(startup_attempts=3, startup_delay=0.01)
    token = "123456789:AAFakeTokenForTestsOnly-abcdefghijklm"
    bot = TelegramBot(wegwijzer, token, f"http://127.0.0.1:{port}/bot", options)
    with pytest.raises(StartupError) as caught:
        await bot.run(asyncio.Event())
    message = str(caught.value)
    assert "Could not reach the Telegram Bot API" in message
    assert f"127.0.0.1:{port}" in message and "after 3 attempts" in message
    assert token not in message


async def test_webhook_mode_receives_updates_by_post(wegwijzer, api):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    options = {"webhook_url": url, "listen": "127.0.0.1", "port": port, "secret_token": "s3cr3t_T"}
    async with running_bot(wegwijzer, api, **options):
        set_call = await api.wait_for_call("setWebhook")
        assert set_call.params["url"] == url
        assert set_call.params["secret_token"] == "s3cr3t_T"
        user = Chatter(api)
        replies = await user.text("/start")  # delivered by the fake server as a POST
        assert "Wegwijzer" in replies[0].plain
        await user.press("BZK")
        assert api.webhook["delivered"] >= 2
        assert not [c for c in api.calls if c.method == "getUpdates"]
        # a POST without the secret token is refused and never reaches the conversation
        update = {"update_id": 999, "message": {"message_id": 1, "date": 0, "text": "hoi",
                  "chat": {"id": 5, "type": "private"}, "from": {"id": 5, "is_bot": False,
                  "first_name": "X"}}}  # fmt: skip
        before = len(api.calls)
        async with aiohttp.ClientSession() as session:
            bad = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            async with session.post(url, json=update, headers=bad) as response:
                assert response.status == 403
            async with session.post(url, json=update) as response:
                assert response.status == 403
        await asyncio.sleep(0.3)
        assert not api.outgoing(5, since=before)


def test_log_filter_redacts_token_everywhere():
    token = "123456789:AAFakeTokenForTestsOnly-abcdefghijklm"
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        configure_logging(token, stream=stream)
        url = f"https://api.telegram.org/bot{token}/sendMessage"
        logging.getLogger("httpx").warning("HTTP Request: POST %s", url)
        logging.getLogger("httpx").info("HTTP Request: POST %s", url)  # below WARNING: dropped
        try:
            raise RuntimeError(f"failed to call {url}")
        except RuntimeError:
            logging.getLogger("bot.telegram").exception("call failed")
        logging.getLogger("other").warning("a token-shaped 987654321:%s", "x" * 30)
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
    out = stream.getvalue()
    assert token not in out and "x" * 30 not in out
    assert out.count("[token]") == 3  # the httpx warning, the exception, the token-shaped value
    assert "INFO httpx" not in out
    assert logging.getLogger("httpx").level == logging.WARNING
    assert redact("bot123:short") == "bot123:short"  # ordinary text is left alone
    assert isinstance(RedactingFilter(token), logging.Filter)


def _cli_env(tmp_path: Path, base_url: str, token: str | None) -> dict[str, str]:
    settings = tmp_path / "settings.yml"
    settings.write_text(f"data_dir: {tmp_path / 'data'}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEGWIJZER_"))}
    env.update({"WEGWIJZER_SETTINGS": str(settings), "TELEGRAM_API_BASE_URL": base_url})
    if token:
        env["TELEGRAM_BOT_TOKEN"] = token
    return env


WEGWIJZER = str(Path(sys.executable).with_name("wegwijzer"))


async def test_cli_unreachable_api_exits_with_a_message(tmp_path):
    token = "123456789:AAFakeTokenForTestsOnly-abcdefghijklm"
    env = _cli_env(tmp_path, f"http://127.0.0.1:{free_port()}/bot", token)
    proc = await asyncio.create_subprocess_exec(
        WEGWIJZER, "telegram", "--startup-retries", "2", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    text = (out + err).decode()
    assert proc.returncode == 1
    assert "did not start" in text and "Could not reach the Telegram Bot API" in text
    assert "Traceback" not in text
    assert token not in text


async def test_cli_without_token_says_how_to_set_it(tmp_path):
    env = _cli_env(tmp_path, "http://127.0.0.1:9/bot", None)
    proc = await asyncio.create_subprocess_exec(
        WEGWIJZER, "telegram", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in (out + err).decode()


async def test_cli_runs_and_stops_cleanly_on_sigterm(tmp_path, api):
    env = _cli_env(tmp_path, api.base_url, api.token)
    proc = await asyncio.create_subprocess_exec(
        WEGWIJZER, "telegram", "--poll-timeout", "1", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await api.wait_polling(timeout=120)
        replies = await Chatter(api).text("/start")
        assert "Wegwijzer" in replies[0].plain
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    text = (out + err).decode()
    assert proc.returncode == 0, text
    assert "Telegram bot stopped." in text
    assert "Traceback" not in text
    assert api.token not in text
