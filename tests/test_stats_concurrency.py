"""Several processes writing one signalen database, and processes killed while writing."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from bot.stats.store import SignalenStore

ROOT = Path(__file__).resolve().parent.parent

PRELUDE = """
import sys
from datetime import date
from bot.stats.store import SignalenStore, ConversationCount
store = SignalenStore(sys.argv[1], today=lambda: date(2025, 6, 1))
"""

INCREMENTS = (
    PRELUDE
    + """
topics = ["informatie", "misstand", "ongewenste_omgangsvormen"]
for i in range(int(sys.argv[2])):
    store.add_conversation(org="bzk", topic=topics[i % 3], desk="vertrouwenspersoon",
                           channel="p" + sys.argv[3], content_version="v1")
    if len(sys.argv) > 4:
        print(i + 1, flush=True)
store.close()
"""
)

BATCHES = (
    PRELUDE
    + """
batch = [ConversationCount("2025-06", "rijk", "informatie", "cif", "c" + str(k), "v1", 1)
         for k in range(200)]
done = 0
while True:
    store.merge(batch, [])
    done += 1
    print(done, flush=True)
"""
)


def _python(code: str, *args: str, stdout=None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        env=env,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
    )


def _total(path: Path) -> int:
    return sum(c.n for c in SignalenStore(path, readonly=True).conversations())


def test_eight_processes_thousand_increments_each_exact_total(tmp_path: Path):
    path = tmp_path / "new" / "signalen.db"  # does not exist yet: they also race to create it
    workers = [_python(INCREMENTS, str(path), "1000", str(k)) for k in range(8)]
    for worker in workers:
        _, errors = worker.communicate(timeout=600)
        assert worker.returncode == 0, errors
    counts = SignalenStore(path, readonly=True).conversations()
    assert sum(c.n for c in counts) == 8000
    per_channel = {}
    for c in counts:
        per_channel[c.channel] = per_channel.get(c.channel, 0) + c.n
    assert per_channel == {f"p{k}": 1000 for k in range(8)}
    assert {c.topic: 0 for c in counts}.keys() == {
        "informatie",
        "misstand",
        "ongewenste_omgangsvormen",
    }


def _kill_after(code: str, path: Path, lines: int, *args: str) -> int:
    """Start a writer, SIGKILL it after it reported `lines` commits; return the last reported."""
    worker = _python(code, str(path), *args, stdout=subprocess.PIPE)
    last = 0
    assert worker.stdout is not None
    for line in worker.stdout:
        last = int(line)
        if last >= lines:
            break
    worker.send_signal(signal.SIGKILL)
    rest, _ = worker.communicate(timeout=60)
    for line in rest.split():
        last = int(line)
    assert worker.returncode == -signal.SIGKILL
    return last


def _readable(path: Path) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_killed_while_incrementing_loses_no_committed_count(tmp_path: Path):
    path = tmp_path / "signalen.db"
    expected_low = 0
    for round_, when in enumerate((1, 37, 150, 400)):
        reported = _kill_after(INCREMENTS, path, when, "100000", str(round_), "report")
        _readable(path)
        total = _total(path)
        # every reported commit is there; at most the one in flight when killed is extra
        assert expected_low + reported <= total <= expected_low + reported + 1
        expected_low = total
    store = SignalenStore(path)  # and the bot can go on counting in it
    store.add_conversation(
        org="bzk", topic="misstand", desk="cif", channel="terminal", content_version="v1"
    )
    assert _total(path) == expected_low + 1


def test_killed_during_a_large_import_keeps_it_all_or_nothing(tmp_path: Path):
    path = tmp_path / "signalen.db"
    for when in (1, 3, 8):
        reported = _kill_after(BATCHES, path, when)
        _readable(path)
        total = _total(path)
        assert total % 200 == 0, "a batch is merged completely or not at all"
        assert total // 200 >= reported


def test_a_reader_sees_consistent_counts_while_writers_run(tmp_path: Path):
    path = tmp_path / "signalen.db"
    workers = [_python(INCREMENTS, str(path), "300", str(k)) for k in range(3)]
    seen = []
    while any(w.poll() is None for w in workers):
        if path.exists():
            try:
                seen.append(_total(path))
            except Exception as exc:  # noqa: BLE001 - report what a reader would see
                raise AssertionError(f"reader failed while writers ran: {exc}") from exc
    for worker in workers:
        _, errors = worker.communicate(timeout=600)
        assert worker.returncode == 0, errors
    assert seen == sorted(seen), "counts only ever grow"
    assert _total(path) == 900
    json.dumps(seen)  # plain integers
