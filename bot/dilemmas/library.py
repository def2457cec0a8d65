"""Load and validate the dilemma library, and look dilemmas up by id, GIR chapter or topic.

Every problem is reported with file:line and a kind, all at once, so an ico who edits the YAML
can fix everything in one go. The library is only handed out when there is no problem at all.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.content.schema import LANGUAGES, Tekst
from bot.content.yamlload import ContentError, ContentProblem, LoadedYaml, load_yaml
from bot.dilemmas.model import (
    MAX_OPTION_CHARS,
    MAX_SITUATION_CHARS,
    MAX_TITLE_CHARS,
    TAGS,
    Dilemma,
    GirFile,
    Plan,
    PlannenFile,
)

GIR_FILE = "gir.yml"
PLANS_FILE = "plannen.yml"
SUBDIR = Path("kennisbank") / "dilemmas"


@dataclass(frozen=True)
class DilemmaLibrary:
    """All dilemmas, the GIR chapter titles and the ready-made session plans."""

    dilemmas: tuple[Dilemma, ...]
    gir: GirFile
    plans: tuple[Plan, ...] = ()

    def get(self, dilemma_id: str) -> Dilemma | None:
        return next((d for d in self.dilemmas if d.id == dilemma_id), None)

    def all(self) -> tuple[Dilemma, ...]:
        return self.dilemmas

    def chapters(self) -> list[str]:
        """GIR chapters that have at least one dilemma, in GIR order."""
        return sorted({d.chapter for d in self.dilemmas}, key=int)

    def by_chapter(self, chapter: str) -> list[Dilemma]:
        """Dilemmas of a chapter ("4") or of one section ("4.1")."""
        chapter = chapter.strip()
        if "." in chapter:
            return [d for d in self.dilemmas if d.gir == chapter]
        return [d for d in self.dilemmas if d.chapter == chapter]

    def by_topic(self, topic: str) -> list[Dilemma]:
        return [d for d in self.dilemmas if d.onderwerp == topic]

    def by_tag(self, tag: str) -> list[Dilemma]:
        return [d for d in self.dilemmas if tag in d.tags]

    def topics(self) -> list[str]:
        """Topics that have at least one dilemma, in order of first appearance."""
        return list(dict.fromkeys(d.onderwerp for d in self.dilemmas))

    def pick(
        self,
        seed: int,
        chapter: str | None = None,
        topic: str | None = None,
        exclude: Iterable[str] = (),
    ) -> Dilemma | None:
        """A reproducible draw; when all candidates were excluded, draw from all of them again."""
        candidates = self.dilemmas
        if chapter:
            candidates = tuple(self.by_chapter(chapter))
        if topic:
            candidates = tuple(d for d in candidates if d.onderwerp == topic)
        if not candidates:
            return None
        excluded = set(exclude)
        fresh = [d for d in candidates if d.id not in excluded] or list(candidates)
        return random.Random(seed).choice(fresh)

    def gir_title(self, section: str) -> Tekst | None:
        """The title of a chapter ("4") or a section ("4.1")."""
        for chapter in self.gir.hoofdstukken:
            if chapter.id == section:
                return chapter.titel
            for paragraph in chapter.paragrafen:
                if paragraph.id == section:
                    return paragraph.titel
        return None

    def plan(self, plan_id: str) -> Plan | None:
        return next((p for p in self.plans if p.id == plan_id), None)

    def resolve(self, argument: str) -> tuple[str, str] | None:
        """Read a user's argument as ("dilemma", id), ("chapter", "4"/"4.1") or ("topic", id)."""
        word = argument.strip().lower()
        word = re.sub(r"^(hoofdstuk|chapter|gir|h)\s*(?=\d)", "", word)
        if self.get(word):
            return ("dilemma", word)
        if re.fullmatch(r"[1-8](\.[1-9])?", word) and self.by_chapter(word):
            return ("chapter", word)
        if word in self.topics():
            return ("topic", word)
        return None


def _dilemma_dir(content_dir: Path) -> Path:
    """Accept the project root, the kennisbank folder or the dilemmas folder itself."""
    for candidate in (content_dir / SUBDIR, content_dir / "dilemmas", content_dir):
        if (candidate / GIR_FILE).exists():
            return candidate
    return content_dir / SUBDIR


def _kind_of(error: dict[str, Any]) -> str:
    loc = error["loc"]
    last = loc[-1] if loc else ""
    if last in LANGUAGES and error["type"] in ("missing", "value_error", "string_type"):
        return "missing-translation"
    if last == "bespreking" and error["type"] == "missing":
        return "no-discussion"
    if last == "opties" and error["type"] in ("too_short", "too_long"):
        return "option-count"
    return "schema"


def _message(error: dict[str, Any]) -> str:
    where = ".".join(str(p) for p in error["loc"])
    kind = _kind_of(error)
    if kind == "missing-translation":
        return f"{where}: missing or empty translation"
    if kind == "no-discussion":
        return f"{where}: this option has no discussion (bespreking)"
    if kind == "option-count":
        return f"{where}: a dilemma needs 3 or 4 options"
    return f"{where}: {error['msg']}"


def validate_model(
    loaded: LoadedYaml, model: type[BaseModel], data: Any, base: tuple[str | int, ...]
) -> tuple[Any | None, list[ContentProblem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = [
            loaded.problem((*base, *err["loc"]), _kind_of(err), _message(err))
            for err in exc.errors()
        ]
        return None, problems


def _items(loaded: LoadedYaml, key: str) -> tuple[list[Any], list[ContentProblem]]:
    """The list under `key` of a file whose only top-level key is `key`."""
    data = loaded.data
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        return [], [loaded.problem((), "schema", f"the file must hold a list under '{key}:'")]
    extra = [k for k in data if k != key]
    problems = [loaded.problem((k,), "schema", f"unknown top-level key '{k}'") for k in extra]
    return data[key], problems


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _check_dilemma(
    loaded: LoadedYaml,
    path: tuple[str | int, ...],
    dilemma: Dilemma,
    topics: set[str],
    desks: set[str],
    sections: set[str],
) -> list[ContentProblem]:
    problems: list[ContentProblem] = []

    def add(sub: tuple[str | int, ...], kind: str, message: str) -> None:
        problems.append(loaded.problem((*path, *sub), kind, f"{dilemma.id}: {message}"))

    if dilemma.onderwerp not in topics:
        add(("onderwerp",), "unknown-topic", f"unknown topic '{dilemma.onderwerp}'")
    for index, desk in enumerate(dilemma.loketten):
        if desk not in desks:
            add(("loketten", index), "unknown-desk", f"unknown desk '{desk}'")
    if sections and dilemma.gir not in sections:  # no sections: the GIR file itself is wrong
        add(("gir",), "unknown-gir", f"unknown GIR chapter or section '{dilemma.gir}'")
    for index, tag in enumerate(dilemma.tags):
        if tag not in TAGS:
            add(("tags", index), "unknown-tag", f"unknown tag '{tag}' (known: {sorted(TAGS)})")
    seen_options: set[str] = set()
    for index, option in enumerate(dilemma.opties):
        if option.id in seen_options:
            add(("opties", index, "id"), "duplicate-option", f"option id '{option.id}' twice")
        seen_options.add(option.id)
        for lang in LANGUAGES:
            if len(option.tekst.get(lang)) > MAX_OPTION_CHARS:
                add(
                    ("opties", index, "tekst", lang),
                    "too-long",
                    f"option text over {MAX_OPTION_CHARS} characters (a poll cannot show it)",
                )
    for lang in LANGUAGES:
        if len(dilemma.titel.get(lang)) > MAX_TITLE_CHARS:
            add(("titel", lang), "too-long", f"title over {MAX_TITLE_CHARS} characters")
        if len(dilemma.situatie.get(lang)) > MAX_SITUATION_CHARS:
            add(("situatie", lang), "too-long", f"situation over {MAX_SITUATION_CHARS} characters")
    return problems


def _load_gir(folder: Path) -> tuple[GirFile | None, list[ContentProblem]]:
    path = folder / GIR_FILE
    if not path.exists():
        return None, [ContentProblem(str(path), 1, "missing-file", "GIR chapter list not found")]
    try:
        loaded = load_yaml(path)
    except ContentError as exc:
        return None, list(exc.problems)
    return validate_model(loaded, GirFile, loaded.data, ())


def load_dilemmas(
    content_dir: Path, topics: set[str], desks: set[str]
) -> tuple[DilemmaLibrary | None, list[ContentProblem]]:
    """Read every dilemma file; return the library, or None and every problem found."""
    folder = _dilemma_dir(Path(content_dir))
    if not folder.is_dir():
        return None, [ContentProblem(str(folder), 1, "missing-dir", "no dilemma folder")]
    gir, problems = _load_gir(folder)
    sections: set[str] = set()
    if gir:
        for chapter in gir.hoofdstukken:
            sections.add(chapter.id)
            sections.update(p.id for p in chapter.paragrafen)

    dilemmas: list[Dilemma] = []
    first_seen: dict[str, str] = {}
    situations: dict[tuple[str, str], str] = {}
    files = sorted(p for p in folder.glob("*.yml") if p.name not in (GIR_FILE, PLANS_FILE))
    for path in files:
        try:
            loaded = load_yaml(path)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        items, file_problems = _items(loaded, "dilemmas")
        problems.extend(file_problems)
        for index, item in enumerate(items):
            base = ("dilemmas", index)
            dilemma, item_problems = validate_model(loaded, Dilemma, item, base)
            problems.extend(item_problems)
            if dilemma is None:
                continue
            where = f"{loaded.file}:{loaded.line(base)}"
            if dilemma.id in first_seen:
                problems.append(
                    loaded.problem(
                        (*base, "id"),
                        "duplicate-id",
                        f"dilemma id '{dilemma.id}' also at {first_seen[dilemma.id]}",
                    )
                )
                continue
            first_seen[dilemma.id] = where
            for lang in LANGUAGES:
                key = (lang, _normal(dilemma.situatie.get(lang)))
                if key in situations:
                    problems.append(
                        loaded.problem(
                            (*base, "situatie", lang),
                            "duplicate-situation",
                            f"{dilemma.id}: same situation as '{situations[key]}'",
                        )
                    )
                situations.setdefault(key, dilemma.id)
            problems.extend(_check_dilemma(loaded, base, dilemma, topics, desks, sections))
            dilemmas.append(dilemma)

    if not files:
        problems.append(ContentProblem(str(folder), 1, "empty", "no dilemma files"))
    plans, plan_problems = _load_plans(folder, {d.id for d in dilemmas})
    problems.extend(plan_problems)
    if problems or gir is None:
        return None, problems
    return DilemmaLibrary(tuple(dilemmas), gir, plans), []


def _load_plans(folder: Path, ids: set[str]) -> tuple[tuple[Plan, ...], list[ContentProblem]]:
    path = folder / PLANS_FILE
    if not path.exists():
        return (), []
    try:
        loaded = load_yaml(path)
    except ContentError as exc:
        return (), list(exc.problems)
    parsed, problems = validate_model(loaded, PlannenFile, loaded.data, ())
    if parsed is None:
        return (), problems
    seen: set[str] = set()
    for index, plan in enumerate(parsed.plannen):
        if plan.id in seen:
            problems.append(
                loaded.problem(("plannen", index, "id"), "duplicate-id", f"plan '{plan.id}' twice")
            )
        seen.add(plan.id)
        for j, dilemma_id in enumerate(plan.dilemmas):
            if dilemma_id not in ids:
                problems.append(
                    loaded.problem(
                        ("plannen", index, "dilemmas", j),
                        "unknown-dilemma",
                        f"plan '{plan.id}' names unknown dilemma '{dilemma_id}'",
                    )
                )
    return parsed.plannen, problems
