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
    # (intent, example) -> (file, line), and intent -> (file, line) of its first definition
    origins: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    intent_origins: dict[str, tuple[str, int]] = field(default_factory=dict)
    # (text, topic) from the kennisbank (dilemma situations and titles, topic explanations):
    # extra training text only, never counted as NLU examples (see `kennisbank_examples`).
    extra: list[tuple[str, str]] = field(default_factory=list)

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


def kennisbank_files(kennisbank_dir: Path | None) -> list[Path]:
    """The kennisbank files that give extra training text, in a stable order."""
    if kennisbank_dir is None or not kennisbank_dir.is_dir():
        return []
    dilemmas = sorted((kennisbank_dir / "dilemmas").glob("*.yml"))
    files = [kennisbank_dir / "onderwerpen.yml", *dilemmas]
    return [f for f in files if f.is_file()]


def _texts(value: object) -> list[str]:
    """The strings of a `Tekst` mapping ({nl: ..., en: ...}); nothing for any other shape."""
    if not isinstance(value, dict):
        return []
    return [" ".join(str(v).split()) for v in value.values() if isinstance(v, str) and v.strip()]


def kennisbank_examples(files: list[Path]) -> list[tuple[str, str]]:
    """(text, topic) pairs from texts the team already wrote for other purposes.

    Why: dilemma situations (with their `onderwerp`) and topic explanations (`uitleg`) describe
    the topics in other words than the NLU examples; adding them to the training side raised
    cross-validated topic accuracy (`scripts/nlu_cv.py --extra`). Shape problems are left to
    `wegwijzer check` (the content loader); unusable entries are skipped here.
    """
    from bot.nlu.base import TOPICS

    pairs: list[tuple[str, str]] = []
    for file in files:
        data = load_yaml(file).data
        if not isinstance(data, dict):
            continue
        for item in data.get("onderwerpen") or []:
            if isinstance(item, dict) and item.get("id") in TOPICS:
                pairs += [(t, str(item["id"])) for t in _texts(item.get("uitleg"))]
        for item in data.get("dilemmas") or []:
            if isinstance(item, dict) and item.get("onderwerp") in TOPICS:
                topic = str(item["onderwerp"])
                for key in ("situatie", "titel"):
                    pairs += [(t, topic) for t in _texts(item.get(key))]
    return pairs


def digest_files(files: list[Path], extra: str = "") -> str:
    """A hash of the data files' bytes (and a version string), for caching trained models."""
    sha = hashlib.sha256(extra.encode())
    for file in files:
        sha.update(file.name.encode())
        sha.update(file.read_bytes())
    return sha.hexdigest()[:16]


def _items(block: object, first_line: int = 0) -> list[tuple[str, int]]:
    """A Rasa `examples: |` block ('- a\\n- b') or a YAML list -> (clean string, line) pairs.

    For a literal block the text starts on the line after `examples: |`.
    """
    found: list[tuple[str, int]] = []
    if isinstance(block, list):
        found = [(str(x), first_line + i) for i, x in enumerate(block)]
    elif isinstance(block, str):
        found = [
            (ln.strip()[1:].strip(), first_line + 1 + i)
            for i, ln in enumerate(block.splitlines())
            if ln.strip().startswith("-")
        ]
    return [(_ENTITY.sub(r"\1", t).strip(), n) for t, n in found if t.strip()]


def load_training_data(dialogen_dir: Path, kennisbank_dir: Path | None = None) -> TrainingData:
    """Read every NLU file, plus the kennisbank's extra text; problems become a ContentError.

    The kennisbank is the sibling folder of `dialogen/` unless given; the digest covers its files
    too, so a changed dilemma or topic explanation retrains the cached model.
    """
    files = data_files(dialogen_dir)
    if not files:
        raise ContentError(
            [ContentProblem(str(dialogen_dir / "data"), 1, "missing", "no NLU data files (*.yml)")]
        )
    extra_files = kennisbank_files(kennisbank_dir or dialogen_dir.parent / "kennisbank")
    data = TrainingData(digest=digest_files([*files, *extra_files]),
                        extra=kennisbank_examples(extra_files))
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
            pairs = _items(entry.get("examples"), loaded.line(("nlu", index, "examples")))
            items = [text for text, _ in pairs]
            if "intent" in entry:
                intent = str(entry["intent"])
                data.examples.setdefault(intent, []).extend(items)
                data.intent_origins.setdefault(
                    intent, (loaded.file, loaded.line(("nlu", index, "intent")))
                )
                for text, line in pairs:
                    data.origins.setdefault((intent, text), (loaded.file, line))
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


MIN_TOPIC_EXAMPLES = 60
MIN_OTHER_EXAMPLES = 10


def check_training_data(dialogen_dir: Path) -> list[ContentProblem]:
    """Problems in the NLU data, for `wegwijzer check`: file:line, kind, what to do.

    Checks that every topic and conversational intent has enough examples, that no unknown intent
    is trained, and that no example is listed under two intents (it would teach both).
    """
    from bot.nlu.base import CONVERSATION_INTENTS, TOPICS

    try:
        data = load_training_data(dialogen_dir)
    except ContentError as exc:
        return list(exc.problems)
    where = str(dialogen_dir / "data")
    problems: list[ContentProblem] = []
    known = set(TOPICS) | set(CONVERSATION_INTENTS)
    for intent in sorted(set(data.examples) - known):
        file, line = data.intent_origins.get(intent, (where, 1))
        problems.append(ContentProblem(file, line, "nlu-intent", f"unknown intent '{intent}'"))
    for intent in (*TOPICS, *CONVERSATION_INTENTS):
        need = MIN_TOPIC_EXAMPLES if intent in TOPICS else MIN_OTHER_EXAMPLES
        have = len(data.examples.get(intent, []))
        if have < need:
            file, line = data.intent_origins.get(intent, (where, 1))
            problems.append(ContentProblem(
                file, line, "nlu-examples", f"intent '{intent}' has {have} examples, needs {need}"
            ))
    seen: dict[str, str] = {}
    for intent, items in data.examples.items():
        for item in items:
            key = " ".join(item.lower().split())
            if key in seen and seen[key] != intent:
                file, line = data.origins.get((intent, item), (where, 1))
                problems.append(ContentProblem(
                    file, line, "nlu-duplicate",
                    f"example '{item}' is under both '{seen[key]}' and '{intent}'",
                ))
            seen.setdefault(key, intent)
    return problems
