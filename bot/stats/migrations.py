"""The schema of the signalen database, as an ordered list of migrations.

Version N of the schema is what migrations 1..N create. A database records its version in
`schema_version`; opening an older one runs the missing steps in one transaction. Every table is
WITHOUT ROWID with the whole key as primary key, so rows are kept in key order and no hidden
rowid records the order in which counts first appeared.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

APPLICATION_ID = 0x5767577A  # "WgWz": marks the file as ours in the SQLite header

CONVERSATION_KEY = ("period", "org", "topic", "desk", "channel", "content_version")
DILEMMA_KEY = ("period", "dilemma_id", "option")


def _v1_counts(db: Database) -> None:
    """Counts of conversations and of dilemma votes, and the version table itself."""
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(
        "CREATE TABLE schema_version ("
        " id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)"
    )
    db.execute("INSERT INTO schema_version (id, version) VALUES (1, 0)")
    db.execute(
        "CREATE TABLE conversations ("
        " period TEXT NOT NULL, org TEXT NOT NULL, topic TEXT NOT NULL, desk TEXT NOT NULL,"
        " channel TEXT NOT NULL, content_version TEXT NOT NULL,"
        " n INTEGER NOT NULL CHECK (n > 0),"
        f" PRIMARY KEY ({', '.join(CONVERSATION_KEY)})) WITHOUT ROWID"
    )
    db.execute(
        "CREATE TABLE dilemma_votes ("
        " period TEXT NOT NULL, dilemma_id TEXT NOT NULL, option TEXT NOT NULL,"
        " n INTEGER NOT NULL CHECK (n > 0),"
        f" PRIMARY KEY ({', '.join(DILEMMA_KEY)})) WITHOUT ROWID"
    )


def _v2_imports(db: Database) -> None:
    """Fingerprints (SHA-256) of imported export files, so one file is not merged twice."""
    db.execute("CREATE TABLE imports (sha256 TEXT PRIMARY KEY) WITHOUT ROWID")


MIGRATIONS: tuple[Callable[[Database], None], ...] = (_v1_counts, _v2_imports)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: Database, current: int, target: int = SCHEMA_VERSION) -> None:
    """Run migrations current+1..target; the caller holds the write transaction."""
    for step in MIGRATIONS[current:target]:
        step(db)
    db.execute("UPDATE schema_version SET version = ? WHERE id = 1", [target])
