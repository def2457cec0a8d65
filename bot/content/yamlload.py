"""Load YAML while remembering the line of every value, so content errors can say file:line.

PyYAML's composer gives each node a start mark; we walk the node tree once and record, for every
path of keys and list indexes, the 1-based line where that value starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]
MAX_CONTENT_BYTES = 5 * 1024 * 1024
# libyaml's loader when PyYAML was built with it (much faster); the pure-Python one otherwise.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ContentProblem:
    """One thing wrong in the content: where, which kind, and what to do about it."""

    file: str
    line: int
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: [{self.kind}] {self.message}"


class ContentError(Exception):
    """The content cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[ContentProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class LoadedYaml:
    """A parsed file with a map from value path to line number."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int:
        """The line of the deepest known ancestor of `path` (1 when nothing is known)."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def problem(self, path: Path_, kind: str, message: str) -> ContentProblem:
        return ContentProblem(self.file, self.line(path), kind, message)


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            _walk(value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines)


def load_yaml(path: Path, display: str | None = None) -> LoadedYaml:
    """Parse one file; any unreadable input becomes a ContentError that names file and line."""
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError(
            [ContentProblem(name, 1, "unreadable", exc.strerror or str(exc))]
        ) from None
    if len(raw) > MAX_CONTENT_BYTES:
        raise ContentError([ContentProblem(name, 1, "too-large", "file is larger than 5 MB")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError([ContentProblem(name, line, "encoding", "not UTF-8 text")]) from None
    if "\x00" in text:
        raise ContentError([ContentProblem(name, 1, "encoding", "binary data (NUL byte)")])
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        last_line = max(1, len(text.splitlines()))
        line = min(mark.line + 1, last_line) if mark else 1  # an error at end of input
        what = exc.problem or "invalid YAML"
        raise ContentError([ContentProblem(name, line, "yaml-syntax", what)]) from None
    except yaml.YAMLError as exc:
        raise ContentError([ContentProblem(name, 1, "yaml-syntax", str(exc))]) from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return LoadedYaml(name, data, lines)
