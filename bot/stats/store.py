"""SignalenStore: the only durable record the bot keeps, anonymous counts in SQLite.

A count is keyed by (period, org, topic, desk, channel, content version) or, for dilemma votes,
(period, dilemma id, option). Nothing else is written: no text, no id, no time finer than the
period, and no trace of the order in which things happened:

- tables are WITHOUT ROWID, so there is no rowid that grows with every new key;
- `secure_delete` overwrites freed space, so an old value of a count is not left behind;
- the write-ahead log is checkpointed after every commit and truncated when it restarts
  (`wal_autocheckpoint=1`, `journal_size_limit=0`), so it holds at most the latest change, not a
  history of page images in commit order;
- whenever a count changes its stored size (it appears, or crosses 1, 127, 32767, ...) SQLite
  would move it inside the page, so the database is rebuilt (VACUUM) in key order. Other
  increments rewrite the count in place. The file's bytes therefore depend on the counts, not on
  the order of events (tests/test_stats_store.py checks this byte for byte).

Several bot processes may write at once: each increment is one atomic upsert, SQLite's busy
timeout makes writers wait for each other, and WAL lets `wegwijzer stats` read meanwhile.

A file that is not ours (another program's database, a text file, a damaged file) is never
written to: it is inspected through a read-only connection first and refused with a clear error.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlite_utils import Database

from bot.stats.migrations import APPLICATION_ID, SCHEMA_VERSION, migrate
from bot.stats.periods import Period, PeriodMode, is_period_key, parse_period, period_of

SQLITE_MAGIC = b"SQLite format 3\x00"
ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")
# An integer's record size changes at these values (0 and 1 take no bytes, then 1, 2, 3, 4, 6, 8).
SIZE_STEPS = frozenset({1, 2, 128, 32768, 8388608, 2147483648, 140737488355328})


class StatsError(Exception):
    """A problem with the statistics database, with a message an operator can act on."""


class CorruptDatabaseError(StatsError):
    """The file looks like SQLite but cannot be read reliably."""


class ForeignDatabaseError(StatsError):
    """The file is not a Wegwijzer signalen database (another program's, or not SQLite)."""


class NewerSchemaError(StatsError):
    """The database was made by a newer Wegwijzer; this one will not touch it."""


class InvalidCountError(StatsError, ValueError):
    """A value that is not an id was about to be written (a programming error, refused)."""


@dataclass(frozen=True, order=True)
class ConversationCount:
    period: str
    org: str
    topic: str
    desk: str
    channel: str
    content_version: str
    n: int


@dataclass(frozen=True, order=True)
class DilemmaCount:
    period: str
    dilemma_id: str
    option: str
    n: int


def check_id(name: str, value: object) -> str:
    """Only short lowercase ids reach the database; anything else (say, message text) is refused."""
    if not isinstance(value, str) or not ID_RE.match(value):
        raise InvalidCountError(f"{name} must be an id like 'bzk' (lowercase, digits, _)")
    return value


def check_version(value: object) -> str:
    if not isinstance(value, str) or not VERSION_RE.match(value):
        raise InvalidCountError("content_version must look like '2026.11+1a2b3c4d'")
    return value


class SignalenStore:
    """Anonymous counts on disk; implements the runtime's `Recorder` protocol."""

    def __init__(
        self,
        path: Path | str,
        period: PeriodMode = "month",
        today: Callable[[], date] = date.today,
        busy_timeout: float = 30.0,
        readonly: bool = False,
    ):
        if period not in ("month", "week"):
            raise StatsError(f"unknown period {period!r}: use month or week")
        self.path = Path(path).expanduser()
        self.period_mode: PeriodMode = period
        self.today = today
        self.busy_timeout = busy_timeout
        self.readonly = readonly
        self._db: Database | None = None
        self._lock = threading.RLock()
        inspect(self.path)  # a foreign, damaged or newer file is refused now, not at a count

    @classmethod
    def from_settings(cls, settings: object, **kwargs: object) -> SignalenStore:
        return cls(settings.stats_path, period=settings.period, **kwargs)  # type: ignore[attr-defined]

    # -- the Recorder protocol
    def add_conversation(
        self, *, org: str, topic: str, desk: str, channel: str, content_version: str
    ) -> None:
        """Add one conversation to the count of the current period (one atomic upsert)."""
        key = (
            self.current_period().key,
            check_id("org", org),
            check_id("topic", topic),
            check_id("desk", desk),
            check_id("channel", channel),
            check_version(content_version),
        )
        self._increment(
            "INSERT INTO conversations"
            " (period, org, topic, desk, channel, content_version, n)"
            " VALUES (?, ?, ?, ?, ?, ?, 1)"
            " ON CONFLICT DO UPDATE SET n = n + 1 RETURNING n",
            key,
        )

    def add_dilemma_vote(self, *, dilemma_id: str, option: str) -> None:
        key = (
            self.current_period().key,
            check_id("dilemma_id", dilemma_id),
            check_id("option", option),
        )
        self._increment(
            "INSERT INTO dilemma_votes (period, dilemma_id, option, n) VALUES (?, ?, ?, 1)"
            " ON CONFLICT DO UPDATE SET n = n + 1 RETURNING n",
            key,
        )

    def dilemma_tally(self, dilemma_id: str) -> dict[str, int]:
        """Votes per option over all periods (empty when nobody voted or nothing is stored)."""
        if not self._ensure_open(create=False):
            return {}
        rows = self._query(
            "SELECT option, SUM(n) AS n FROM dilemma_votes WHERE dilemma_id = ?"
            " GROUP BY option ORDER BY option",
            [dilemma_id],
        )
        return {row["option"]: int(row["n"]) for row in rows}

    # -- reading and maintenance (the `wegwijzer stats` command)
    def current_period(self) -> Period:
        return period_of(self.today(), self.period_mode)

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def check(self) -> bool:
        """Refuse a foreign, damaged or newer file now (at start-up); False when none exists yet."""
        with self._lock:
            if self._db is not None:
                return True
            return inspect(self.path) != "new"

    def conversations(self) -> list[ConversationCount]:
        if not self._ensure_open(create=False):
            return []
        rows = self._query("SELECT * FROM conversations ORDER BY 1, 2, 3, 4, 5, 6")
        return [ConversationCount(**row) for row in rows]

    def dilemma_votes(self) -> list[DilemmaCount]:
        if not self._ensure_open(create=False):
            return []
        rows = self._query("SELECT * FROM dilemma_votes ORDER BY 1, 2, 3")
        return [DilemmaCount(**row) for row in rows]

    def purge_before(self, cutoff: Period) -> tuple[int, int]:
        """Delete every count of a period that starts before `cutoff`; returns rows removed."""
        if not self._ensure_open(create=False):
            return (0, 0)
        with self._write() as db:
            old = [
                key
                for table in ("conversations", "dilemma_votes")
                for (key,) in db.execute(f"SELECT DISTINCT period FROM {table}").fetchall()
                if parse_period(key).start < cutoff.start
            ]
            removed = []
            for table in ("conversations", "dilemma_votes"):
                count = 0
                for key in sorted(set(old)):
                    count += db.execute(f"DELETE FROM {table} WHERE period = ?", [key]).rowcount
                removed.append(count)
        self._compact()
        return (removed[0], removed[1])

    def already_imported(self, fingerprint: str) -> bool:
        if not self._ensure_open(create=False):
            return False
        rows = self._query("SELECT 1 FROM imports WHERE sha256 = ?", [fingerprint])
        return bool(rows)

    def merge(
        self,
        conversations: Iterable[ConversationCount],
        dilemma_votes: Iterable[DilemmaCount],
        fingerprint: str | None = None,
    ) -> int:
        """Add counts from elsewhere, all or nothing, in one transaction; returns rows merged."""
        merged = 0
        with self._write() as db:
            for c in conversations:
                key = (c.period, c.org, c.topic, c.desk, c.channel, c.content_version)
                _check_key(key[0], key[1:5], key[5], c.n)
                db.execute(
                    "INSERT INTO conversations"
                    " (period, org, topic, desk, channel, content_version, n)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT DO UPDATE SET n = n + excluded.n",
                    [*key, c.n],
                )
                merged += 1
            for d in dilemma_votes:
                _check_key(d.period, (d.dilemma_id, d.option), None, d.n)
                db.execute(
                    "INSERT INTO dilemma_votes (period, dilemma_id, option, n) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT DO UPDATE SET n = n + excluded.n",
                    [d.period, d.dilemma_id, d.option, d.n],
                )
                merged += 1
            if fingerprint is not None:
                db.execute("INSERT OR IGNORE INTO imports (sha256) VALUES (?)", [fingerprint])
        self._compact()
        return merged

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
                if not self.readonly:
                    self._blur_file_times()  # closing checkpoints the log, touching the file

    def __enter__(self) -> SignalenStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- internals
    def _increment(self, sql: str, key: tuple[str, ...]) -> None:
        self._ensure_open(create=True)
        with self._lock:
            assert self._db is not None
            try:
                (n,) = self._db.conn.execute(sql, key).fetchone()
            except sqlite3.DatabaseError as exc:
                raise _explain(exc, self.path) from None
        if n in SIZE_STEPS:
            self._compact()
        self._blur_file_times()

    def _blur_file_times(self) -> None:
        """File times would tell when the last conversation was counted: set them to the
        start of the counting period, so the file says no more than its contents."""
        start = self.current_period().start
        stamp = datetime.combine(start, datetime.min.time(), tzinfo=UTC).timestamp()
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.utime(f"{self.path}{suffix}", (stamp, stamp))

    def _query(self, sql: str, params: list | None = None) -> list[dict]:
        with self._lock:
            assert self._db is not None
            try:
                return list(self._db.query(sql, params or []))
            except sqlite3.DatabaseError as exc:
                raise _explain(exc, self.path) from None

    @contextlib.contextmanager
    def _write(self) -> Iterator[Database]:
        """One IMMEDIATE transaction: all or nothing, and writers queue on the busy timeout."""
        if self.readonly:
            raise StatsError(f"{self.path}: opened read-only")
        self._ensure_open(create=True)
        with self._lock:
            db = self._db
            assert db is not None
            try:
                db.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                except BaseException:
                    db.conn.execute("ROLLBACK")
                    raise
                db.conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                raise _explain(exc, self.path) from None

    def _compact(self) -> None:
        """Rebuild the file in key order so that no layout remembers the order of events."""
        with self._lock:
            if self._db is None or self.readonly:
                return
            # another process may hold the database; a later count will compact it then
            with contextlib.suppress(sqlite3.OperationalError):
                self._db.conn.execute("VACUUM")

    def _ensure_open(self, create: bool) -> bool:
        """Open (and if asked, create) the database; False if absent and not to be created."""
        with self._lock:
            if self._db is not None:
                return True
            kind = inspect(self.path)
            if kind == "new" and (not create or self.readonly):
                return False
            if self.readonly:
                self._db = _connect(self.path, self.busy_timeout, readonly=True)
                return True
            if kind == "new":
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                    os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
                except OSError as exc:
                    raise StatsError(
                        f"{self.path}: cannot create the statistics database ({exc.strerror}); "
                        "set stats_db to a writable place"
                    ) from None
            try:
                db = _connect(self.path, self.busy_timeout, readonly=False)
            except sqlite3.DatabaseError as exc:
                raise _explain(exc, self.path) from None
            try:
                _initialise(db, self.path)
                _enable_wal(db, self.busy_timeout)
            except BaseException:
                db.close()
                raise
            self._db = db
            atexit.register(_close_at_exit, weakref.ref(self))
            return True


def _close_at_exit(ref: weakref.ref) -> None:
    """A process that ends without closing still checkpoints and removes its write-ahead log."""
    store = ref()
    if store is not None:
        store.close()


def _check_key(period: str, ids: Iterable[str], version: str | None, n: int) -> None:
    if not is_period_key(period):
        raise InvalidCountError(f"{period!r} is not a period key")
    for value in ids:
        check_id("id", value)
    if version is not None:
        check_version(version)
    if not isinstance(n, int) or n < 1:
        raise InvalidCountError("a count must be a whole number of at least 1")


def inspect(path: Path) -> str:
    """'new' (absent or empty) or 'ours'; raises for a foreign, damaged or newer file.

    The header bytes decide whether the file is ours (SQLite, with our application id, which is
    written when the file is created and never changes). A file that is not ours is refused
    without ever being opened by SQLite, so not a byte of it changes and no journal appears
    beside it. Our own file is then checked through a read-only connection.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except (FileNotFoundError, NotADirectoryError):
        return "new"
    except IsADirectoryError:
        raise ForeignDatabaseError(f"{path} is a directory, not a signalen database") from None
    except OSError as exc:
        raise StatsError(f"{path}: cannot read the database ({exc.strerror})") from None
    if not header:
        return "new"
    if not header.startswith(SQLITE_MAGIC):
        raise ForeignDatabaseError(
            f"{path} is not a Wegwijzer signalen database (not an SQLite file). It was left "
            "untouched; point stats_db at another path or move this file away."
        )
    if len(header) < 100:
        raise CorruptDatabaseError(f"{path} is damaged (truncated header); it was left untouched.")
    if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
        raise ForeignDatabaseError(
            f"{path} is an SQLite database of another program, not Wegwijzer signalen. It "
            "was left untouched; point stats_db at another path."
        )
    try:
        db = _connect(path, 5.0, readonly=True)
    except sqlite3.DatabaseError as exc:
        raise _explain(exc, path) from None
    try:
        conn = db.conn
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise CorruptDatabaseError(
                f"{path} is damaged ({verdict}); it was left untouched. Restore a backup or an "
                "export (`wegwijzer stats --import`) into a new file."
            )
        if "schema_version" not in set(db.table_names()):
            raise CorruptDatabaseError(f"{path} has no schema version; it was left untouched.")
        version = conn.execute("SELECT version FROM schema_version WHERE id = 1").fetchone()
        if version is None:
            raise CorruptDatabaseError(f"{path} has no schema version; it was left untouched.")
        if version[0] > SCHEMA_VERSION:
            raise NewerSchemaError(
                f"{path} has schema version {version[0]}, made by a newer Wegwijzer (this one "
                f"knows up to {SCHEMA_VERSION}). It was left untouched; upgrade Wegwijzer."
            )
        return "ours"
    except sqlite3.DatabaseError as exc:
        raise _explain(exc, path) from None
    finally:
        db.close()


def _connect(path: Path, busy_timeout: float, readonly: bool) -> Database:
    if readonly:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro",
            uri=True,
            timeout=busy_timeout,
            isolation_level=None,
            check_same_thread=False,
        )
    else:
        conn = sqlite3.connect(
            str(path), timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
    db = Database(conn, recursive_triggers=False, execute_plugins=False)
    for pragma in ("trusted_schema = OFF", "temp_store = MEMORY", "secure_delete = ON"):
        conn.execute(f"PRAGMA {pragma}")
    if not readonly:
        for pragma in ("synchronous = FULL", "wal_autocheckpoint = 1", "journal_size_limit = 0"):
            conn.execute(f"PRAGMA {pragma}")
    return db


def _initialise(db: Database, path: Path) -> None:
    """Create or migrate the schema, once, whichever process gets there first."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = set(db.table_names())
        if app_id == 0 and not tables:
            migrate(db, 0)
        elif app_id == APPLICATION_ID and "schema_version" in tables:
            (version,) = conn.execute("SELECT version FROM schema_version WHERE id = 1").fetchone()
            if version > SCHEMA_VERSION:
                raise NewerSchemaError(f"{path}: made by a newer Wegwijzer; left untouched")
            if version < SCHEMA_VERSION:
                migrate(db, version)
        else:
            raise ForeignDatabaseError(f"{path}: not a Wegwijzer signalen database; left untouched")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _enable_wal(db: Database, busy_timeout: float) -> None:
    """Switch to WAL (persistent in the file); retried because another process may hold a lock."""
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            mode = db.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError:
            mode = None
        if mode == "wal":
            return
        if time.monotonic() > deadline:
            raise StatsError("could not switch the statistics database to WAL mode (locked)")
        time.sleep(0.01)


def _explain(exc: sqlite3.DatabaseError, path: Path) -> StatsError:
    text = str(exc)
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return CorruptDatabaseError(f"{path} is damaged ({text}); it was left untouched.")
    if "locked" in text or "busy" in text:
        return StatsError(f"{path} stayed locked by another process ({text}); try again.")
    if "readonly" in text or "read-only" in text:
        return StatsError(f"{path} cannot be written ({text}); check file permissions.")
    return StatsError(f"{path}: database error ({text})")
