#!/usr/bin/env python
"""Load test of the Telegram bot: many simulated people talk to `wegwijzer telegram` at once.

The real bot runs as its own process (`wegwijzer telegram`, long polling) against the fake Bot
API server from the tests, which listens on 127.0.0.1 only and plays the users: each one
starts, picks an organisation, tells a story, answers the questions by tapping buttons until
the advice (desk cards) arrives, and stops. Bounded in users and in time; prints replies per
second, the latency per turn (first reply and complete turn, p50/p99) and the errors.

    .venv/bin/python scripts/loadtest_telegram.py --users 500
    .venv/bin/python scripts/loadtest_telegram.py --users 60 --rate-limit 30   # Telegram's limit
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakebotapi import FakeBotApi, Outgoing  # noqa: E402
from tests.fakebotapi.harness import Chatter, ends_with_buttons, shows_advice  # noqa: E402

ORGS = ("Rijksoverheid", "BZK", "Financiën", "EZK")
STORIES = (
    "Mijn collega maakt steeds seksueel getinte opmerkingen over mij",
    "Mijn leidinggevende scheldt me uit waar iedereen bij is",
    "Een leverancier bood me een weekend weg aan na de aanbesteding",
    "Ik wil naast mijn werk een eigen adviesbureau beginnen",
    "Een collega lekt vertrouwelijke stukken naar de pers",
    "Ik zie dat iemand declaraties vervalst",
    "Er wordt in mijn afdeling bewust gesjoemeld met cijfers voor de Kamer",
    "Ik heb een conflict met mijn leidinggevende over mijn beoordeling",
    "Een collega gebruikt de dienstauto voor privéritten",
    "I have shares in a company that my team is inspecting",
)


class TimedChatter(Chatter):
    """A Chatter that records, per turn, the time to the first reply and to the full turn."""

    def __init__(
        self, api: FakeBotApi, latencies: list[tuple[float, float]], think: float, **kw: Any
    ):
        super().__init__(api, **kw)
        self.latencies = latencies
        self.think = think

    async def _turn(self, update: dict[str, Any], until: Any = ends_with_buttons) -> list[Outgoing]:
        sent = time.monotonic()
        out = await super()._turn(update, until)
        self.latencies.append((out[0].at - sent, out[-1].at - sent))
        if self.think:
            await asyncio.sleep(self.think * random.uniform(0.5, 1.5))
        return out


async def one_user(
    api: FakeBotApi, rng: random.Random, latencies: list, timeout: float, think: float = 0.0
) -> int:
    """A whole conversation: start, organisation, story, buttons until advice, stop.

    With `think`, the person reads and types for 0.5 to 1.5 times that many seconds per turn.
    """
    user = TimedChatter(api, latencies, think, timeout=timeout)
    await user.text("/start")
    await user.press(rng.choice(ORGS))
    out = await user.text(rng.choice(STORIES))
    turns = 3
    while not shows_advice(out):
        if turns >= 12:
            raise AssertionError("no advice after 12 turns")
        target = user.with_buttons()
        row = rng.choice(target.buttons)
        update = api.press_data(user.user, target, row[0]["callback_data"])
        out = await user._turn(update)
        turns += 1
    await user.text("/stop")
    return turns + 1


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):  # peak resident memory
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


async def main(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    async with FakeBotApi() as api:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Path(tmp) / "settings.yml"
            settings.write_text(f"data_dir: {tmp}\n", encoding="utf-8")
            env = {
                k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEGWIJZER_"))
            }
            env.update(
                TELEGRAM_BOT_TOKEN=api.token,
                TELEGRAM_API_BASE_URL=api.base_url,
                WEGWIJZER_SETTINGS=str(settings),
            )
            command = [
                str(Path(sys.executable).with_name("wegwijzer")), "telegram",
                "--poll-timeout", "10", "--rate-limit", str(args.rate_limit),
            ]  # fmt: skip
            bot = await asyncio.create_subprocess_exec(
                *command, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
            )
            try:
                await api.wait_polling(timeout=120)
                print(f"bot up (pid {bot.pid}); {args.users} users, ramp {args.ramp}s, "
                      f"think {args.think}s, rate limit {args.rate_limit or 'off'}")  # fmt: skip
                cpu_before = cpu_seconds(bot.pid) or 0.0
                own_before = time.process_time()
                result = await run_users(api, rng, args)
                peak = rss_mb(bot.pid)
                result["bot_cpu"] = (cpu_seconds(bot.pid) or 0.0) - cpu_before
                result["sim_cpu"] = time.process_time() - own_before
            finally:
                bot.send_signal(signal.SIGTERM)
                _, err = await asyncio.wait_for(bot.communicate(), 60)
    report(api, result, peak, err.decode(errors="replace"), bot.returncode)
    return 0 if not result["errors"] else 1


async def run_users(api: FakeBotApi, rng: random.Random, args: argparse.Namespace) -> dict:
    latencies: list[tuple[float, float]] = []
    errors: list[str] = []
    turns: list[int] = []
    gate = asyncio.Semaphore(args.concurrency)

    async def user(i: int) -> None:
        await asyncio.sleep(args.ramp * i / max(1, args.users))
        async with gate:
            try:
                own = random.Random(rng.random())
                turns.append(await one_user(api, own, latencies, args.turn_timeout, args.think))
            except (TimeoutError, AssertionError, KeyError) as exc:
                errors.append(type(exc).__name__)

    start = time.monotonic()
    tasks = [asyncio.create_task(user(i)) for i in range(args.users)]
    done, pending = await asyncio.wait(tasks, timeout=args.time_limit)
    for task in pending:
        task.cancel()
    elapsed = time.monotonic() - start
    errors += ["not finished in time"] * len(pending)
    return {"latencies": latencies, "errors": errors, "turns": turns, "elapsed": elapsed}


def report(
    api: FakeBotApi, result: dict, peak: float | None, stderr: str, code: int | None
) -> None:
    replies = api.outgoing()
    sends = [c for c in api.calls if c.method in ("sendMessage", "editMessageText")]
    failed_http = [c for c in api.calls if c.status not in (200,) and c.method != "getUpdates"]
    elapsed = result["elapsed"]
    first = [f * 1000 for f, _ in result["latencies"]]
    whole = [w * 1000 for _, w in result["latencies"]]
    print()
    print(f"users finished       {len(result['turns'])} (turns per user: "
          f"{statistics.mean(result['turns']) if result['turns'] else 0:.1f})")  # fmt: skip
    print(f"elapsed              {elapsed:.1f} s")
    print(f"replies sent         {len(replies)} ({len(sends)} sendMessage/editMessageText)")
    print(f"replies per second   {len(replies) / elapsed:.1f}")
    print(f"turns per second     {len(result['latencies']) / elapsed:.1f}")
    for name, values in (("first reply", first), ("whole turn", whole)):
        p50, p99 = percentile(values, 50), percentile(values, 99)
        print(f"{name + ' latency':<21}p50 {p50:.0f} ms   p99 {p99:.0f} ms")
    kinds = sorted(set(result["errors"]))
    print(
        f"errors               {len(result['errors'])} conversations {kinds or ''}; "
        f"{len(failed_http)} failed API calls"
    )
    bad_lines = [line for line in stderr.splitlines() if "ERROR" in line or "Traceback" in line]
    print(f"bot log errors       {len(bad_lines)}; exit code {code}")
    if peak is not None:
        print(f"bot peak memory      {peak:.0f} MB")
    print(
        f"CPU during the run   bot {result['bot_cpu']:.1f} s, fake server + users "
        f"{result['sim_cpu']:.1f} s (of {elapsed:.1f} s wall, {os.cpu_count()} cores)"
    )


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=500, help="users active at once")
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds over which users arrive")
    parser.add_argument("--think", type=float, default=0.0, help="seconds a person takes per turn")
    parser.add_argument("--rate-limit", type=float, default=0, help="bot's messages/s (0 = off)")
    parser.add_argument("--time-limit", type=float, default=600, help="stop after this many s")
    parser.add_argument("--turn-timeout", type=float, default=120, help="max s for one turn")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    if not 1 <= args.users <= 5000:
        parser.error("--users must be between 1 and 5000")
    return args


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse())))
