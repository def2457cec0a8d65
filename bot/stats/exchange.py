"""Moving counts between machines: a JSON export file, and a strict check before importing one.

The file holds exactly what the database holds (keys and counts, sorted by key, so it says
nothing about the order of events). Importing adds its counts to the ones already there. A file
that is not exactly this format is refused as a whole, with what is wrong and where.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from bot.stats.periods import is_period_key
from bot.stats.store import ConversationCount, DilemmaCount, SignalenStore

FORMAT = "wegwijzer-signalen"
FORMAT_VERSION = 1
MAX_IMPORT_BYTES = 50 * 1024 * 1024
MAX_COUNT = 10**9

Id = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Version = Annotated[
    str, StringConstraints(strict=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")
]
PeriodKey = Annotated[str, StringConstraints(strict=True, pattern=r"^\d{4}-(W\d{2}|\d{2})$")]
Count = Annotated[int, Field(strict=True, ge=1, le=MAX_COUNT)]


class ImportFileError(Exception):
    """An import file that cannot be merged; nothing was changed."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _ConversationRow(_Strict):
    period: PeriodKey
    org: Id
    topic: Id
    desk: Id
    channel: Id
    content_version: Version
    n: Count


class _DilemmaRow(_Strict):
    period: PeriodKey
    dilemma_id: Id
    option: Id
    n: Count


class _ExportFile(_Strict):
    format: Literal["wegwijzer-signalen"]
    version: Literal[1]
    conversations: list[_ConversationRow]
    dilemma_votes: list[_DilemmaRow]


def export_data(store: SignalenStore) -> dict:
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "conversations": [asdict(c) for c in sorted(store.conversations())],
        "dilemma_votes": [asdict(d) for d in sorted(store.dilemma_votes())],
    }


def write_export(store: SignalenStore, target: Path) -> tuple[int, int]:
    """Write the export file (readable by its owner only); returns (conversation rows, votes)."""
    data = export_data(store)
    target = target.expanduser()
    temporary = target.with_name(target.name + ".part")
    fd = os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    os.replace(temporary, target)
    return len(data["conversations"]), len(data["dilemma_votes"])


def read_import(
    source: Path,
) -> tuple[list[ConversationCount], list[DilemmaCount], str]:
    """Parse and check an export file; returns its rows and SHA-256, or raises ImportFileError."""
    try:
        size = source.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise ImportFileError(f"{source}: larger than 50 MB, not an export of this tool")
        raw = source.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"{source}: file not found") from None
    except IsADirectoryError:
        raise ImportFileError(f"{source}: is a directory, not an export file") from None
    except OSError as exc:
        raise ImportFileError(f"{source}: cannot read ({exc.strerror})") from None
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        where = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise ImportFileError(f"{source}: not a JSON export of wegwijzer stats{where}") from None
    try:
        parsed = _ExportFile.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{_where(err['loc'])}: {err['msg']}" for err in exc.errors(include_input=False)
        ]
        shown = "; ".join(problems[:5]) + (
            f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        raise ImportFileError(
            f"{source}: not a valid export ({shown}). Nothing was imported."
        ) from None
    conversations = [ConversationCount(**row.model_dump()) for row in parsed.conversations]
    votes = [DilemmaCount(**row.model_dump()) for row in parsed.dilemma_votes]
    _check_keys(
        source,
        "conversations",
        [c.period for c in conversations],
        [(c.period, c.org, c.topic, c.desk, c.channel, c.content_version) for c in conversations],
    )
    _check_keys(
        source,
        "dilemma_votes",
        [d.period for d in votes],
        [(d.period, d.dilemma_id, d.option) for d in votes],
    )
    return conversations, votes, hashlib.sha256(raw).hexdigest()


def _check_keys(source: Path, table: str, periods: list[str], keys: list[tuple]) -> None:
    for index, period in enumerate(periods):
        if not is_period_key(period):
            raise ImportFileError(f"{source}: {table}[{index}].period is not a month or ISO week")
    seen: dict[tuple, int] = {}
    for index, key in enumerate(keys):
        if key in seen:
            raise ImportFileError(
                f"{source}: {table}[{index}] repeats the key of {table}[{seen[key]}]; an export "
                "never does, so this file was changed by hand. Nothing was imported."
            )
        seen[key] = index


def _where(location: tuple) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "file"


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not allowed")
