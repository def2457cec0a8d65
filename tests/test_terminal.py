"""The terminal chat, tried as a new user would: a real pseudo-terminal, typed keys, the screen."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PROMPT = r"\n(\x1b\[[0-9;]*m)*> "
WIDTH = 100


@pytest.fixture()
def chat(tmp_path: Path):
    env = {
        **os.environ,
        "WEGWIJZER_DATA_DIR": str(tmp_path / "data"),
        "WEGWIJZER_SETTINGS": str(tmp_path / "settings.yml"),
        "COLUMNS": str(WIDTH),
        "LINES": "50",
        "TERM": "xterm-256color",
    }
    (tmp_path / "settings.yml").write_text("period: month\n", encoding="utf-8")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot", "chat"],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(50, WIDTH),
    )
    yield child
    child.close(force=True)


def screen(child: pexpect.spawn) -> str:
    return ANSI.sub("", child.before or "").replace("\r\n", "\n")


def ask(child: pexpect.spawn, line: str) -> str:
    child.sendline(line)
    child.expect(PROMPT)
    return screen(child)


def test_a_new_user_reaches_advice_and_stops(chat):
    chat.expect(PROMPT)
    welcome = screen(chat)
    assert "Wegwijzer Integriteit" in welcome
    assert "geen melding" in welcome and "112" in welcome
    assert "1  Rijksoverheid" in welcome
    story = ask(chat, "2")
    assert "Vertel in je eigen woorden" in story
    confirm = ask(chat, "een collega zet klantbestanden op een usb-stick om thuis te werken")
    assert "Gaat het over" in confirm
    answer = ask(chat, "ja")
    for _ in range(5):
        if "Waarom dit loket" in answer:
            break
        answer = ask(chat, "1")
    assert "Waarom dit loket" in answer and "Zo bereik je het" in answer
    assert "╭─ 1." in answer
    for line in answer.splitlines():
        assert len(line.rstrip()) <= WIDTH, f"line wider than the terminal: {line!r}"
    compare = ask(chat, "1")
    assert "Vertrouwelijk?" in compare
    chat.sendline("/stop")
    chat.expect(pexpect.EOF)
    goodbye = ANSI.sub("", chat.before)
    assert "vergeten" in goodbye
    assert "Traceback" not in goodbye


def test_end_of_input_ends_kindly(chat):
    chat.expect(PROMPT)
    chat.sendeof()
    chat.expect(pexpect.EOF)
    assert "vergeten" in ANSI.sub("", chat.before)
    assert "Traceback" not in chat.before


def test_crisis_in_the_terminal(chat):
    chat.expect(PROMPT)
    crisis = ask(chat, "ik wil er een eind aan maken")
    assert "112" in crisis and "113" in crisis
    assert "Je veiligheid eerst" in crisis
