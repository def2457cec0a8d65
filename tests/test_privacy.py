"""Privacy, proven on the real program: nothing that identifies a person is ever written.

Every channel that exists is driven as a separate process, the way it runs in production, with
its home, XDG folders, temp folder, data folder, settings and log file inside one sandbox
folder. Every message a person sends carries a unique canary string and a fake personnel number;
Telegram users and chats also have their own ids, names and usernames. Afterwards every file in
the sandbox is searched for all of these, for the bot token, and for anything that looks like a
timestamp finer than the counting period. The statistics database is also read back: every
value in it must be a period, a known id, a content version or a count.

A channel is added by writing a driver (a class with `name` and `run(sandbox, marks)`) and
listing it in DRIVERS; the checks are shared.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

import pytest

from bot.content.loader import load_content
from bot.core.conversation import TEXT_IDS
from bot.nlu.base import TOPICS
from bot.settings import PROJECT_ROOT
from bot.stats.periods import period_of
from bot.stats.store import SignalenStore

WEGWIJZER = str(Path(sys.executable).parent / "wegwijzer")
TIMESTAMPS = {
    "ISO date": rb"(?<!\d)(?:19|20)\d\d-[01]\d-[0-3]\d(?!\d)",
    "date d-m-y": rb"(?<!\d)[0-3]\d[-/.][01]\d[-/.](?:19|20)\d\d(?!\d)",
    "clock time": rb"(?<!\d)[0-2]\d:[0-5]\d:[0-5]\d(?!\d)",
    "epoch seconds": rb"(?<!\d)1[5-9]\d{8}(?:\.\d+)?(?!\d)",
    "epoch milliseconds": rb"(?<!\d)1[5-9]\d{11}(?!\d)",
}


@dataclass
class Marks:
    """Everything that identifies a (fake) person or a deployment secret, to search for later."""

    forbidden: set[str] = field(default_factory=set)

    def tag(self) -> str:
        """A canary and a fake personnel number to put into a message."""
        canary = f"kanarie{secrets.token_hex(6)}"
        number = str(7_000_000_00 + secrets.randbelow(2_000_000_00))
        self.forbidden.update({canary, number})
        return f"({canary}, personeelsnummer {number})"

    def forbid(self, *values: object) -> None:
        self.forbidden.update(str(v) for v in values)


@dataclass
class Sandbox:
    """One folder that holds every place the bot could write to."""

    root: Path

    def __post_init__(self) -> None:
        for name in ("home", "config", "data", "cache", "state", "tmp", "work", "logs"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        self.settings.parent.mkdir(parents=True, exist_ok=True)
        self.settings.write_text("period: month\n", encoding="utf-8")
        self.before = set(self.files())

    @property
    def settings(self) -> Path:
        return self.root / "config" / "wegwijzer" / "settings.yml"

    @property
    def data_dir(self) -> Path:
        return self.root / "data" / "wegwijzer"

    @property
    def stats_db(self) -> Path:
        return self.data_dir / "signalen.db"

    def env(self, **extra: str) -> dict[str, str]:
        keep = {
            k: v
            for k, v in os.environ.items()
            if k in ("PATH", "LANG", "LC_ALL", "SYSTEMROOT", "VIRTUAL_ENV")
        }
        return {
            **keep,
            "HOME": str(self.root / "home"),
            "XDG_CONFIG_HOME": str(self.root / "config"),
            "XDG_DATA_HOME": str(self.root / "data"),
            "XDG_CACHE_HOME": str(self.root / "cache"),
            "XDG_STATE_HOME": str(self.root / "state"),
            "TMPDIR": str(self.root / "tmp"),
            "WEGWIJZER_SETTINGS": str(self.settings),
            "WEGWIJZER_DATA_DIR": str(self.data_dir),
            "PYTHONDONTWRITEBYTECODE": "1",
            "COLUMNS": "100",
            **extra,
        }

    def files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*") if p.is_file())


class Driver(Protocol):
    name: str

    def run(self, sandbox: Sandbox, marks: Marks) -> None: ...


# -- the terminal: `wegwijzer chat` with the conversation piped into stdin ------------------


class TerminalDriver:
    name = "terminal"

    def scripts(self, marks: Marks) -> list[list[str]]:
        return [
            [
                "2",
                f"Mijn leidinggevende scheldt mij uit waar iedereen bij is {marks.tag()}",
                "ja",
                "1",
                "1",
                "1",
                "1",
                "1",
                "1",
                f"Dank je wel, dit helpt me {marks.tag()}",
                "/dilemma",
                "1",
                "1",
                f"Ik kies toch liever iets anders {marks.tag()}",
                "/stop",
            ],
            [
                f"Ik werk bij Financien {marks.tag()}",
                f"Een leverancier wil mij een duur kerstpakket geven. Mag dat? {marks.tag()}",
                "ja",
                "1",
                "1",
                "1",
                "1",
                "1",
                f"Ik zie het soms echt niet meer zitten {marks.tag()}",
                "/privacy",
            ],  # ends with end of input, not /stop
            [
                "/taal en",
                "1",
                f"I saw a colleague copy client files to a USB stick {marks.tag()}",
                "1",
                "1",
                "1",
                "1",
                "1",
                "1",
                "/stop",
            ],
        ]

    def run(self, sandbox: Sandbox, marks: Marks) -> None:
        log = (sandbox.root / "logs" / "terminal.log").open("ab")
        for script in self.scripts(marks):
            done = subprocess.run(
                [WEGWIJZER, "chat"],
                input="\n".join(script) + "\n",
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                cwd=sandbox.root / "work",
                env=sandbox.env(),
                timeout=300,
            )
            assert done.returncode == 0, done.stdout[-2000:]
            assert "Traceback" not in done.stdout


# -- Telegram: `wegwijzer telegram` against the fake Bot API server on 127.0.0.1 -------------


class TelegramDriver:
    name = "telegram"

    def run(self, sandbox: Sandbox, marks: Marks) -> None:
        asyncio.run(self._run(sandbox, marks))

    async def _run(self, sandbox: Sandbox, marks: Marks) -> None:
        from tests.fakebotapi import FakeBotApi
        from tests.fakebotapi.harness import Chatter, walk_to_advice

        async with FakeBotApi() as api:
            marks.forbid(api.token, api.token.split(":")[1])
            env = sandbox.env(TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_BASE_URL=api.base_url)
            log = (sandbox.root / "logs" / "telegram.log").open("ab")
            process = await asyncio.create_subprocess_exec(
                WEGWIJZER,
                "telegram",
                "--poll-timeout",
                "1",
                cwd=sandbox.root / "work",
                env=env,
                stdout=log,
                stderr=log,
            )
            try:
                await api.wait_polling(timeout=120)
                people = [self._person(api, marks) for _ in range(3)]
                # 1: a whole conversation to advice, then thanks, a dilemma vote and /stop
                first = Chatter(api, people[0], timeout=30)
                await walk_to_advice(
                    first, f"Mijn collega maakt seksueel getinte grappen over mij {marks.tag()}"
                )
                await first.text(f"Bedankt voor de hulp {marks.tag()}")
                await first.text("/dilemma")
                await first.press("Verras")
                await self._press_first(first)
                await first.text("/stop")
                # 2: crisis words, odd input, an edited and a forwarded message
                second = Chatter(api, people[1], timeout=30)
                await walk_to_advice(
                    second,
                    f"Ik kreeg een cadeaubon van een leverancier {marks.tag()}",
                    org="Financiën",
                )
                await second.text(f"Ik wil niet meer leven {marks.tag()}")
                await second.media("photo")
                sent = api.send_text(second.user, f"Eerste versie {marks.tag()}")
                await api.turn(sent, second.chat.id)
                await api.turn(
                    api.edit_text(second.user, sent, f"Tweede versie {marks.tag()}"), second.chat.id
                )
                await api.turn(
                    api.send_forwarded(second.user, f"Doorgestuurd {marks.tag()}"), second.chat.id
                )
                # 3: English, and left without /stop (the state must expire in memory only)
                third = Chatter(api, people[2], timeout=30)
                await walk_to_advice(
                    third, f"My manager sends me messages at night {marks.tag()}", org="BZK"
                )
                # 4: a group session led by an admin, and a personal story told in the group
                group = api.group(
                    -1_000_000_000_000 - secrets.randbelow(10**9), title=f"Onboarding {marks.tag()}"
                )
                marks.forbid(group.id, abs(group.id))
                api.set_member(group, people[0], "administrator")
                welcome = await api.turn(
                    api.send_text(people[0], "/sessie", group),
                    group.id,
                    until=lambda out: bool(out) and bool(out[-1].buttons),
                )
                shown = await api.turn(
                    api.press(people[0], welcome[-1], "Trek"),
                    group.id,
                    until=lambda out: any(o.poll for o in out),
                )
                poll = next(o for o in shown if o.poll)
                api.vote(poll.poll["id"], 0, 4)
                api.vote(poll.poll["id"], 1, 2)
                await api.turn(
                    api.press(people[0], poll, "uitslag"),
                    group.id,
                    until=lambda out: bool(out) and bool(out[-1].buttons),
                )
                await api.turn(
                    api.send_text(
                        people[1],
                        f"@{api.bot_username} mijn baas intimideert mij {marks.tag()}",
                        group,
                    ),
                    group.id,
                )
                await api.turn(api.send_text(people[0], "/stop", group), group.id)
            finally:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
                    await asyncio.wait_for(process.wait(), timeout=60)
            assert process.returncode == 0, "the bot should stop cleanly on SIGTERM"

    @staticmethod
    async def _press_first(chatter) -> None:
        target = chatter.with_buttons()
        data = target.buttons[0][0]["callback_data"]
        await chatter._turn(chatter.api.press_data(chatter.user, target, data))  # noqa: SLF001

    @staticmethod
    def _person(api, marks: Marks):
        from tests.fakebotapi import FakeUser

        hexname = secrets.token_hex(4)
        user = FakeUser(
            id=5_000_000_000 + secrets.randbelow(10**9),
            first_name=f"Voornaam{hexname}",
            username=f"gebruiker_{hexname}",
        )
        marks.forbid(user.id, user.first_name, user.username)
        return user


DRIVERS: list[Driver] = [TerminalDriver(), TelegramDriver()]


# -- the checks, the same for every channel --------------------------------------------------


def _findings(sandbox: Sandbox, marks: Marks) -> list[str]:
    found = []
    for path in sandbox.files():
        data = path.read_bytes()
        name = path.relative_to(sandbox.root)
        for secret in marks.forbidden:
            for encoded in (secret.encode(), secret.encode("utf-16-le")):
                if encoded in data:
                    found.append(f"{name}: contains {secret!r}")
        for what, pattern in TIMESTAMPS.items():
            for match in re.finditer(pattern, data):
                found.append(f"{name}: {what} {match.group().decode(errors='replace')!r}")
    return found


def _check_database(sandbox: Sandbox, channel: str) -> tuple[int, int]:
    """Every stored value is a period, a known id, a version or a count; returns the totals."""
    content = load_content(PROJECT_ROOT, required_texts=TEXT_IDS)
    store = SignalenStore(sandbox.stats_db, readonly=True)
    period = period_of(date.today()).key
    conversations = store.conversations()
    for row in conversations:
        assert row.period == period
        assert row.org in content.organisaties and row.topic in TOPICS
        assert row.desk in content.loketten and row.channel == channel
        # the declared version plus a hash of the content files (which may change between runs)
        assert (
            re.fullmatch(
                re.escape(content.version.split("+")[0]) + r"\+[0-9a-f]{8}", row.content_version
            )
            and row.n >= 1
        )
    dilemmas = {d.id: d for d in content.dilemmas.all()} if content.dilemmas else {}
    votes = store.dilemma_votes()
    for vote in votes:
        assert vote.period == period and vote.dilemma_id in dilemmas and vote.n >= 1
        assert re.fullmatch(r"[a-z][a-z0-9_]*", vote.option)
    store.close()
    return sum(c.n for c in conversations), sum(v.n for v in votes)


@pytest.mark.parametrize("driver", DRIVERS, ids=lambda d: d.name)
def test_nothing_identifying_is_written(driver: Driver, tmp_path: Path):
    sandbox = Sandbox(tmp_path / "sandbox")
    marks = Marks()
    driver.run(sandbox, marks)
    written = [p for p in sandbox.files() if p not in sandbox.before]
    listing = "\n".join(f"  {p.relative_to(sandbox.root)}" for p in written)
    assert sandbox.stats_db in written, f"the channel counted nothing; it wrote:\n{listing}"
    conversations, votes = _check_database(sandbox, driver.name)
    assert conversations >= 2 and votes >= 1, "the scripts should reach advice and a vote"
    assert len(marks.forbidden) >= 10
    assert _findings(sandbox, marks) == [], f"files written:\n{listing}"


def test_the_search_would_find_a_leak(tmp_path: Path):
    """The checks above are only worth something if they can fail: plant each kind of leak."""
    sandbox = Sandbox(tmp_path / "sandbox")
    marks = Marks()
    tag = marks.tag()
    canary = tag[1:].split(",")[0]
    (sandbox.root / "cache" / "a.bin").write_bytes(b"\x00\x01" + canary.encode() + b"\xff")
    (sandbox.root / "state" / "b.txt").write_text("user 2025-06-12 at 14:03:22 epoch 1749737002")
    (sandbox.root / "tmp" / "c.txt").write_bytes(canary.encode("utf-16-le"))
    found = "\n".join(_findings(sandbox, marks))
    assert "a.bin: contains" in found and "c.txt: contains" in found
    for what in ("ISO date", "clock time", "epoch seconds"):
        assert f"b.txt: {what}" in found
