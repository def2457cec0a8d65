"""Read the Rasa-format NLU training data in `dialogen/data/*.yml` with PyYAML.

The same files train the embedded engine and the optional Rasa engine, so the team writes
examples once. Only what the embedded engine needs is read: intent examples (with Rasa entity
markup stripped), synonyms (used to map variants onto one word before classification) and lookup
tables. Stories, rules and other keys are ignored here; Rasa itself validates them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.yamlload import ContentError, ContentProblem, load_yaml

# [text](entity), [text]{"entity": ...} and [text](entity:value) -> text
_ENTITY = re.compile(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})")


@dataclass
class TrainingData:
    """Examples per intent plus synonyms and lookups, and a hash that identifies the data."""

    examples: dict[str, list[str]] = field(default_factory=dict)
    synonyms: dict[str, str] = field(default_factory=dict)  # variant -> canonical value
    lookups: dict[str, list[str]] = field(default_factory=dict)
    digest: str = ""

    def pairs(self) -> tuple[list[str], list[str]]:
        texts: list[str] = []
        labels: list[str] = []
        for intent, items in self.examples.items():
            texts.extend(items)
            labels.extend([intent] * len(items))
        return texts, labels


def data_files(dialogen_dir: Path) -> list[Path]:
    """The NLU files, in a stable order (so the hash is stable)."""
    folder = dialogen_dir / "data"
    return sorted(p for p in folder.glob("*.yml") if not p.name.startswith("test_"))


def digest_files(files: list[Path], extra: str = "") -> str:
    """A hash of the data files' bytes (and a version string), for caching trained models."""
    sha = hashlib.sha256(extra.encode())
    for file in files:
        sha.update(file.name.encode())
        sha.update(file.read_bytes())
    return sha.hexdigest()[:16]


def _items(block: object) -> list[str]:
    """A Rasa `examples: |` block ('- a\\n- b') or a YAML list -> clean strings."""
    if isinstance(block, list):
        lines = [str(x) for x in block]
    elif isinstance(block, str):
        lines = [ln.strip()[1:].strip() for ln in block.splitlines() if ln.strip().startswith("-")]
    else:
        return []
    return [_ENTITY.sub(r"\1", ln).strip() for ln in lines if ln.strip()]


def load_training_data(dialogen_dir: Path) -> TrainingData:
    """Read every NLU file; problems become a ContentError with file:line."""
    files = data_files(dialogen_dir)
    if not files:
        raise ContentError(
            [ContentProblem(str(dialogen_dir / "data"), 1, "missing", "no NLU data files (*.yml)")]
        )
    data = TrainingData(digest=digest_files(files))
    problems: list[ContentProblem] = []
    for file in files:
        loaded = load_yaml(file)
        nlu = loaded.data.get("nlu") if isinstance(loaded.data, dict) else None
        if nlu is None:
            continue
        if not isinstance(nlu, list):
            problems.append(loaded.problem(("nlu",), "nlu-shape", "'nlu' must be a list"))
            continue
        for index, entry in enumerate(nlu):
            if not isinstance(entry, dict):
                problems.append(loaded.problem(("nlu", index), "nlu-shape", "expected a mapping"))
                continue
            items = _items(entry.get("examples"))
            if "intent" in entry:
                data.examples.setdefault(str(entry["intent"]), []).extend(items)
            elif "synonym" in entry:
                for variant in items:
                    data.synonyms[variant] = str(entry["synonym"])
            elif "lookup" in entry:
                data.lookups.setdefault(str(entry["lookup"]), []).extend(items)
            elif "regex" not in entry:
                problems.append(
                    loaded.problem(("nlu", index), "nlu-shape", "expected intent/synonym/lookup")
                )
    if problems:
        raise ContentError(problems)
    return data
