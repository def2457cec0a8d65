"""SignalenStore on a real SQLite file: what is counted, what is refused, what is left untouched."""

from __future__ import annotations

import os
import random
import sqlite3
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.stats.migrations import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from bot.stats.periods import parse_period
from bot.stats.store import (
    ConversationCount,
    CorruptDatabaseError,
    DilemmaCount,
    ForeignDatabaseError,
    InvalidCountError,
    NewerSchemaError,
    SignalenStore,
    StatsError,
)

VERSION = "2026.11+abcd1234"


def add(
    store: SignalenStore,
    org="bzk",
    topic="informatie",
    desk="vertrouwenspersoon",
    channel="terminal",
    times=1,
) -> None:
    for _ in range(times):
        store.add_conversation(
            org=org, topic=topic, desk=desk, channel=channel, content_version=VERSION
        )


def on(day: date):
    return lambda: day


def test_counts_per_month_and_per_key(tmp_path: Path):
    path = tmp_path / "deep" / "er" / "signalen.db"
    store = SignalenStore(path, today=on(date(2025, 6, 30)))
    assert not path.exists(), "nothing is created before the first count"
    add(store, times=3)
    add(store, topic="misstand")
    store.today = on(date(2025, 7, 1))
    add(store)
    assert path.exists() and path.parent.stat().st_mode & 0o777 == 0o700
    assert path.stat().st_mode & 0o777 == 0o600
    got = {(c.period, c.topic): c.n for c in store.conversations()}
    assert got == {
        ("2025-06", "informatie"): 3,
        ("2025-06", "misstand"): 1,
        ("2025-07", "informatie"): 1,
    }
    store.close()


def test_week_mode_uses_iso_weeks(tmp_path: Path):
    store = SignalenStore(tmp_path / "s.db", period="week", today=on(date(2021, 1, 3)))
    add(store)  # Sunday 3 January 2021 belongs to ISO week 53 of 2020
    store.today = on(date(2021, 1, 4))
    add(store)
    assert [c.period for c in store.conversations()] == ["2020-W53", "2021-W01"]


def test_dilemma_votes_and_tally_over_periods(tmp_path: Path):
    store = SignalenStore(tmp_path / "s.db", today=on(date(2025, 5, 2)))
    assert store.dilemma_tally("geschenk") == {}
    store.add_dilemma_vote(dilemma_id="geschenk", option="a")
    store.today = on(date(2025, 6, 2))
    store.add_dilemma_vote(dilemma_id="geschenk", option="a")
    store.add_dilemma_vote(dilemma_id="geschenk", option="c")
    store.add_dilemma_vote(dilemma_id="lekken", option="b")
    assert store.dilemma_tally("geschenk") == {"a": 2, "c": 1}
    assert store.dilemma_tally("onbekend") == {}
    assert sorted(store.dilemma_votes())[0] == DilemmaCount("2025-05", "geschenk", "a", 1)


@pytest.mark.parametrize(
    "field, value",
    [
        ("org", "Ik ben Piet en mijn baas pest me"),
        ("topic", "INFORMATIE"),
        ("desk", ""),
        ("channel", "tg:123456789"),
        ("org", None),
        ("topic", "x" * 100),
    ],
)
def test_anything_but_an_id_is_refused_and_not_written(tmp_path: Path, field, value):
    path = tmp_path / "s.db"
    store = SignalenStore(path, today=on(date(2025, 6, 1)))
    add(store)
    before = path.read_bytes()
    kwargs = dict(
        org="bzk",
        topic="informatie",
        desk="vertrouwenspersoon",
        channel="terminal",
        content_version=VERSION,
    )
    kwargs[field] = value
    with pytest.raises(InvalidCountError):
        store.add_conversation(**kwargs)
    with pytest.raises(InvalidCountError):
        store.add_conversation(**{**kwargs, field: "bzk", "content_version": "versie 12 juni"})
    store.close()
    assert path.read_bytes() == before


def test_reading_never_creates_the_database(tmp_path: Path):
    path = tmp_path / "none" / "s.db"
    store = SignalenStore(path)
    assert store.check() is False
    assert store.conversations() == [] and store.dilemma_votes() == []
    assert store.dilemma_tally("x") == {}
    readonly = SignalenStore(path, readonly=True)
    assert readonly.conversations() == []
    assert not path.parent.exists()


def test_file_is_wal_with_our_mark_and_schema_version(tmp_path: Path):
    path = tmp_path / "s.db"
    with SignalenStore(path, today=on(date(2025, 6, 1))) as store:
        add(store)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_only_counts_are_stored_no_rowid_no_time(tmp_path: Path):
    path = tmp_path / "s.db"
    with SignalenStore(path, today=on(date(2025, 6, 1))) as store:
        add(store, times=2)
        store.add_dilemma_vote(dilemma_id="geschenk", option="b")
    db = Database(path)
    for name in ("conversations", "dilemma_votes"):
        sql = db[name].schema
        assert "WITHOUT ROWID" in sql, "a rowid would record the order in which keys appeared"
    assert [r for r in db.query("SELECT * FROM conversations")] == [
        {
            "period": "2025-06",
            "org": "bzk",
            "topic": "informatie",
            "desk": "vertrouwenspersoon",
            "channel": "terminal",
            "content_version": VERSION,
            "n": 2,
        }
    ]
    assert set(db.table_names()) == {"schema_version", "conversations", "dilemma_votes", "imports"}
    db.close()


def _events(seed: int) -> list[tuple[str, str, str, str]]:
    rng = random.Random(seed)
    topics = ["informatie", "misstand", "ongewenste_omgangsvormen", "belangenverstrengeling"]
    return [
        (
            rng.choice(["bzk", "rijk", "financien"]),
            rng.choice(topics),
            rng.choice(["vertrouwenspersoon", "integriteitscoordinator"]),
            rng.choice(["terminal", "telegram"]),
        )
        for _ in range(300)
    ]


def _build(path: Path, events) -> bytes:
    with SignalenStore(path, today=on(date(2025, 6, 3))) as store:
        for org, topic, desk, channel in events:
            add(store, org=org, topic=topic, desk=desk, channel=channel)
            if topic == "misstand":
                store.add_dilemma_vote(dilemma_id="geschenk", option=org[0])
    return path.read_bytes()


def test_file_bytes_do_not_depend_on_the_order_of_events(tmp_path: Path):
    events = _events(1)
    shuffled = events[:]
    random.Random(2).shuffle(shuffled)
    first = _build(tmp_path / "a.db", events)
    assert first == _build(tmp_path / "b.db", shuffled)
    assert first == _build(tmp_path / "c.db", sorted(events, reverse=True))


def test_write_ahead_log_keeps_no_history(tmp_path: Path):
    path = tmp_path / "s.db"
    store = SignalenStore(path, today=on(date(2025, 6, 3)))
    for org, topic, desk, channel in _events(3)[:100]:
        add(store, org=org, topic=topic, desk=desk, channel=channel)
    page = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    wal = Path(f"{path}-wal")
    data = wal.read_bytes()
    frames = [data[offset : offset + 24] for offset in range(32, len(data), 24 + page)]
    commits = [frame for frame in frames if int.from_bytes(frame[4:8], "big") != 0]
    # the log holds at most the latest transaction, never a sequence of them
    assert len(commits) <= 1 and len(frames) == (len(data) - 32) // (24 + page)
    store.close()
    assert not wal.exists()


def test_threads_sharing_one_store_lose_nothing(tmp_path: Path):
    store = SignalenStore(tmp_path / "s.db", today=on(date(2025, 6, 3)))
    threads = [threading.Thread(target=add, args=(store,), kwargs={"times": 200}) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(c.n for c in store.conversations()) == 800


def test_migrates_an_older_schema_and_keeps_counts(tmp_path: Path):
    path = tmp_path / "old.db"
    db = Database(path)
    db.conn.isolation_level = None
    MIGRATIONS[0](db)
    db.execute("UPDATE schema_version SET version = 1")
    db.execute(
        "INSERT INTO conversations VALUES"
        " ('2025-01', 'bzk', 'misstand', 'cif', 'terminal', 'v1', 7)"
    )
    db.close()
    with SignalenStore(path, today=on(date(2025, 6, 3))) as store:
        add(store, topic="misstand")
        counts = store.conversations()
        assert ConversationCount("2025-01", "bzk", "misstand", "cif", "terminal", "v1", 7) in counts
        assert store.already_imported("0" * 64) is False  # the v2 table exists
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_purge_removes_only_earlier_periods(tmp_path: Path):
    store = SignalenStore(tmp_path / "s.db")
    for day in (date(2024, 12, 31), date(2025, 1, 1), date(2025, 2, 1)):
        store.today = on(day)
        add(store)
        store.add_dilemma_vote(dilemma_id="geschenk", option="a")
    assert store.purge_before(parse_period("2025-01")) == (1, 1)
    assert [c.period for c in store.conversations()] == ["2025-01", "2025-02"]
    assert [d.period for d in store.dilemma_votes()] == ["2025-01", "2025-02"]


def test_merge_adds_and_is_all_or_nothing(tmp_path: Path):
    store = SignalenStore(tmp_path / "s.db", today=on(date(2025, 6, 3)))
    add(store, times=2)
    good = ConversationCount(
        "2025-06", "bzk", "informatie", "vertrouwenspersoon", "terminal", VERSION, 5
    )
    bad = ConversationCount(
        "2025-06", "bzk", "Piet Jansen", "vertrouwenspersoon", "terminal", VERSION, 1
    )
    with pytest.raises(InvalidCountError):
        store.merge([good, bad], [])
    assert [c.n for c in store.conversations()] == [2]
    store.merge([good], [DilemmaCount("2025-05", "geschenk", "a", 3)], fingerprint="f" * 64)
    assert [c.n for c in store.conversations()] == [7]
    assert store.dilemma_tally("geschenk") == {"a": 3}
    assert store.already_imported("f" * 64)


# -- files that are not ours ----------------------------------------------------------------


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _foreign_sqlite(path: Path, wal: bool = False) -> None:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE customers (name TEXT, email TEXT)")
    conn.execute("INSERT INTO customers VALUES ('Jan', 'jan@example.org')")
    conn.commit()
    conn.close()


def _damaged_ours(path: Path) -> None:
    with SignalenStore(path, today=on(date(2025, 6, 3))) as store:
        for org, topic, desk, channel in _events(4):
            add(store, org=org, topic=topic, desk=desk, channel=channel)
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    rng = random.Random(5)
    for offset in range(page, len(data)):
        data[offset] = rng.randrange(256)
    path.write_bytes(bytes(data))


def _newer(path: Path) -> None:
    with SignalenStore(path, today=on(date(2025, 6, 3))) as store:
        add(store)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE schema_version SET version = 99")
    conn.commit()
    conn.close()


FILES = {
    "text": (lambda p: p.write_text("dit is geen database\n"), ForeignDatabaseError),
    "binary": (lambda p: p.write_bytes(bytes(range(256)) * 40), ForeignDatabaseError),
    "foreign_sqlite": (_foreign_sqlite, ForeignDatabaseError),
    "foreign_sqlite_wal": (lambda p: _foreign_sqlite(p, wal=True), ForeignDatabaseError),
    "truncated_header": (
        lambda p: p.write_bytes(b"SQLite format 3\x00\x10\x00"),
        CorruptDatabaseError,
    ),
    "damaged_pages": (_damaged_ours, CorruptDatabaseError),
    "newer_schema": (_newer, NewerSchemaError),
}


@pytest.mark.parametrize("kind", sorted(FILES))
def test_a_file_that_is_not_ours_is_refused_and_left_untouched(tmp_path: Path, kind):
    make, error = FILES[kind]
    path = tmp_path / "signalen.db"
    make(path)
    before = _listing(tmp_path)
    with pytest.raises(error) as caught:
        SignalenStore(path, today=on(date(2025, 6, 3)))
    assert str(path) in str(caught.value) and "untouched" in str(caught.value)
    store = SignalenStore.__new__(SignalenStore)  # as if the file was swapped after start-up
    store.__dict__.update(vars(SignalenStore(tmp_path / "elsewhere.db")), path=path)
    for attempt in (
        store.check,
        lambda: add(store),
        lambda: store.add_dilemma_vote(dilemma_id="geschenk", option="a"),
        store.conversations,
        lambda: store.dilemma_tally("geschenk"),
        lambda: store.purge_before(parse_period("2030-01")),
        lambda: SignalenStore(path, readonly=True),
    ):
        with pytest.raises(error):
            attempt()
    after = _listing(tmp_path)
    assert after[path.name] == before[path.name], "not one byte of the file changed"
    added = set(after) - set(before)
    if error is ForeignDatabaseError:
        assert not added, "a file that is not ours is never opened by SQLite"
    else:  # our own file, checked read-only: at most SQLite's usual companions appear
        assert added <= {f"{path.name}-wal", f"{path.name}-shm"}


def test_a_directory_in_the_way_is_refused(tmp_path: Path):
    (tmp_path / "s.db").mkdir()
    with pytest.raises(ForeignDatabaseError):
        SignalenStore(tmp_path / "s.db")


def test_an_empty_file_becomes_a_database(tmp_path: Path):
    path = tmp_path / "s.db"
    path.touch()
    with SignalenStore(path, today=on(date(2025, 6, 3))) as store:
        add(store)
        assert store.conversations()[0].n == 1


def test_unwritable_location_gives_a_clear_error(tmp_path: Path):
    if os.geteuid() == 0:
        blocker = tmp_path / "file"
        blocker.write_text("")
        store = SignalenStore(blocker / "s.db")  # a path under a regular file
    else:  # pragma: no cover - depends on who runs the tests
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        store = SignalenStore(locked / "s.db")
    with pytest.raises(StatsError, match="cannot create"):
        add(store)


def test_file_times_do_not_tell_when_the_last_count_was_written(tmp_path):
    """The file's modification time is set back to the start of the counting period."""
    import datetime as dt
    import os

    store = SignalenStore(tmp_path / "s.db", period="month", today=lambda: dt.date(2026, 11, 22))
    store.add_conversation(
        org="bzk", topic="informatie", desk="vertrouwenspersoon", channel="terminal",
        content_version="2026.11+abc",
    )
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC).timestamp()
    for suffix in ("", "-wal"):
        path = f"{tmp_path / 's.db'}{suffix}"
        if os.path.exists(path):
            assert os.stat(path).st_mtime == start
    store.close()
    assert os.stat(tmp_path / "s.db").st_mtime == start
