"""Load all content once at start-up, validate it and cross-check references.

Every problem is collected (not just the first) and reported as file:line with a kind, so an ico
editing YAML sees everything that is wrong in one run of `wegwijzer check`.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.content.schema import (
    LANGUAGES,
    KennisbankMeta,
    Loket,
    LokettenFile,
    Onderwerp,
    OnderwerpenFile,
    Organisatie,
    OrganisatiesFile,
    Regel,
    RouteringFile,
    Tekst,
    TekstenFile,
    Vraag,
    VragenFile,
)
from bot.content.yamlload import ContentError, ContentProblem, LoadedYaml, load_yaml
from bot.nlu.base import CUES, TOPICS

M = TypeVar("M", bound=BaseModel)

KENNISBANK = "kennisbank"
DIALOGEN = "dialogen"
REQUIRED_DESKS = ("vertrouwenspersoon",)


@dataclass(frozen=True)
class Content:
    """Everything the bot knows, validated; read-only after start-up."""

    root: Path
    version: str
    meta: KennisbankMeta
    loketten: Mapping[str, Loket]
    organisaties: Mapping[str, Organisatie]
    onderwerpen: Mapping[str, Onderwerp]
    regels: tuple[Regel, ...]
    vragen: Mapping[str, Vraag]
    teksten: Mapping[str, Tekst]
    dilemmas: Any = None  # bot.dilemmas.library.DilemmaLibrary when present
    warnings: tuple[ContentProblem, ...] = field(default_factory=tuple)

    def text(self, text_id: str, lang: str, **values: object) -> str:
        """A user-facing text with its {placeholders} filled in."""
        template = self.teksten[text_id].get(lang)
        return template.format(**values) if values else template

    def desk_in_org(self, org: str | None, desk: str) -> bool:
        loket = self.loketten[desk]
        if loket.landelijk or org is None:
            return True
        return any(entry.loket == desk for entry in self.organisaties[org].loketten)

    def desk_name(self, org: str | None, desk: str, lang: str) -> str:
        """The local name of a desk where the organisation has one, else the general name."""
        if org is not None:
            for entry in self.organisaties[org].loketten:
                if entry.loket == desk and entry.lokale_naam is not None:
                    return entry.lokale_naam.get(lang)
        return self.loketten[desk].naam.get(lang)


class _Collector:
    """Gathers problems while loading, so one run reports all of them."""

    def __init__(self) -> None:
        self.problems: list[ContentProblem] = []

    def load(self, path: Path, display: str) -> LoadedYaml | None:
        if not path.is_file():
            self.problems.append(ContentProblem(display, 1, "missing-file", "file not found"))
            return None
        try:
            return load_yaml(path, display)
        except ContentError as exc:
            self.problems.extend(exc.problems)
            return None

    def validate(self, loaded: LoadedYaml | None, model: type[M]) -> M | None:
        if loaded is None:
            return None
        if not isinstance(loaded.data, dict):
            self.problems.append(
                loaded.problem((), "wrong-type", "the file must be a mapping (key: value)")
            )
            return None
        try:
            return model.model_validate(loaded.data)
        except ValidationError as exc:
            for err in exc.errors():
                self.problems.append(_describe(loaded, err))
            return None


def _describe(loaded: LoadedYaml, err: Mapping[str, Any]) -> ContentProblem:
    loc = tuple(err["loc"])
    where = ".".join(str(p) for p in loc)
    kind = err["type"]
    if kind == "missing" and loc and loc[-1] in LANGUAGES:
        return loaded.problem(
            loc, "missing-translation", f"{where}: the '{loc[-1]}' text is missing"
        )
    if kind == "value_error" and "empty translation" in err["msg"]:
        return loaded.problem(loc, "missing-translation", f"{where}: the text is empty")
    if kind == "missing":
        return loaded.problem(loc, "missing-field", f"{where}: required field is missing")
    if kind == "extra_forbidden":
        return loaded.problem(loc, "unknown-field", f"{where}: unknown field (typo?)")
    if kind.endswith("_type") or kind in ("model_type", "dict_type", "list_type", "tuple_type"):
        return loaded.problem(loc, "wrong-type", f"{where}: {err['msg']}")
    return loaded.problem(loc, "invalid-value", f"{where}: {err['msg']}")


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return {"<unbalanced braces>"}


def _index(
    items: Iterable[Any], loaded: LoadedYaml, key: str, out: list[ContentProblem]
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for i, item in enumerate(items):
        if item.id in result:
            out.append(
                loaded.problem((key, i, "id"), "duplicate-id", f"'{item.id}' is defined twice")
            )
        result[item.id] = item
    return result


def content_version(root: Path, meta_version: str) -> str:
    """The declared version plus a short hash of every content file, so counts stay traceable."""
    digest = hashlib.sha256()
    for folder in (KENNISBANK, DIALOGEN):
        for path in sorted((root / folder).rglob("*.yml")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return f"{meta_version}+{digest.hexdigest()[:8]}"


def load_content(root: Path, required_texts: Iterable[str] = ()) -> Content:
    """Load and check everything under `root`; raise ContentError listing every problem."""
    root = Path(root)
    col = _Collector()

    def load(folder: str, name: str, model: type[M]) -> tuple[LoadedYaml | None, M | None]:
        loaded = col.load(root / folder / name, f"{folder}/{name}")
        return loaded, col.validate(loaded, model)

    meta_y, meta = load(KENNISBANK, "meta.yml", KennisbankMeta)
    lok_y, lok_f = load(KENNISBANK, "loketten.yml", LokettenFile)
    org_y, org_f = load(KENNISBANK, "organisaties.yml", OrganisatiesFile)
    ond_y, ond_f = load(KENNISBANK, "onderwerpen.yml", OnderwerpenFile)
    rou_y, rou_f = load(KENNISBANK, "routering.yml", RouteringFile)
    vra_y, vra_f = load(DIALOGEN, "vragen.yml", VragenFile)

    teksten = _load_texts(root, col, required_texts)

    p = col.problems
    loketten = _index(lok_f.loketten, lok_y, "loketten", p) if lok_f and lok_y else {}
    orgs = _index(org_f.organisaties, org_y, "organisaties", p) if org_f and org_y else {}
    topics = _index(ond_f.onderwerpen, ond_y, "onderwerpen", p) if ond_f and ond_y else {}
    vragen = _index(vra_f.vragen, vra_y, "vragen", p) if vra_f and vra_y else {}
    regels = rou_f.regels if rou_f else ()

    if loketten and org_y and org_f:
        _check_orgs(org_f.organisaties, org_y, loketten, p)
    if loketten and ond_y and ond_f:
        _check_topics(ond_f.onderwerpen, ond_y, loketten, vragen, p)
    if vra_y and vra_f:
        _check_questions(vra_f.vragen, vra_y, p)
    if rou_y and rou_f and loketten and topics and orgs:
        _check_rules(rou_f.regels, rou_y, loketten, topics, orgs, vragen, p)

    dilemmas = None
    if loketten and topics:
        dilemmas = _load_dilemmas(root, set(topics), set(loketten), p)

    if p:
        raise ContentError(p)
    assert meta is not None
    return Content(
        root=root,
        version=content_version(root, meta.versie),
        meta=meta,
        loketten=loketten,
        organisaties=orgs,
        onderwerpen=topics,
        regels=tuple(regels),
        vragen=vragen,
        teksten=teksten,
        dilemmas=dilemmas,
    )


def _load_texts(root: Path, col: _Collector, required: Iterable[str]) -> dict[str, Tekst]:
    """Merge every dialogen/teksten*.yml; a text id may be defined only once."""
    teksten: dict[str, Tekst] = {}
    files = sorted((root / DIALOGEN).glob("teksten*.yml"))
    first: LoadedYaml | None = None
    for path in files:
        loaded = col.load(path, f"{DIALOGEN}/{path.name}")
        parsed = col.validate(loaded, TekstenFile)
        if loaded is None or parsed is None:
            continue
        first = first or loaded
        for text_id, tekst in parsed.teksten.items():
            where = ("teksten", text_id)
            if text_id in teksten:
                col.problems.append(
                    loaded.problem(where, "duplicate-id", f"text '{text_id}' twice")
                )
            teksten[text_id] = tekst
            if _placeholders(tekst.nl) != _placeholders(tekst.en):
                message = f"text '{text_id}': nl and en use different {{placeholders}}"
                col.problems.append(loaded.problem(where, "placeholder-mismatch", message))
    if not files:
        col.problems.append(
            ContentProblem(f"{DIALOGEN}/teksten.yml", 1, "missing-file", "no texts")
        )
    elif first is not None:
        for text_id in required:
            if text_id not in teksten:
                message = f"text '{text_id}' is used by the bot but missing"
                col.problems.append(first.problem((), "missing-text", message))
    return teksten


def _check_orgs(
    orgs: tuple[Organisatie, ...], y: LoadedYaml, desks: Mapping[str, Loket], p: list
) -> None:
    for i, org in enumerate(orgs):
        seen: set[str] = set()
        for j, entry in enumerate(org.loketten):
            where = ("organisaties", i, "loketten", j, "loket")
            if entry.loket not in desks:
                p.append(
                    y.problem(where, "unknown-desk", f"{org.id}: unknown desk '{entry.loket}'")
                )
            if entry.loket in seen:
                p.append(y.problem(where, "duplicate-id", f"{org.id}: desk '{entry.loket}' twice"))
            seen.add(entry.loket)
        for required in REQUIRED_DESKS:
            if required not in seen:
                p.append(
                    y.problem(
                        ("organisaties", i, "id"),
                        "org-without-vertrouwenspersoon",
                        f"{org.id}: every organisation needs a {required}",
                    )
                )


def _check_topics(
    topics: tuple[Onderwerp, ...],
    y: LoadedYaml,
    desks: Mapping[str, Loket],
    vragen: Mapping[str, Vraag],
    p: list,
) -> None:
    defined = {t.id for t in topics}
    for missing in (t for t in TOPICS if t not in defined):
        p.append(y.problem(("onderwerpen",), "missing-topic", f"topic '{missing}' is not defined"))
    for i, topic in enumerate(topics):
        if topic.id not in TOPICS:
            p.append(
                y.problem(
                    ("onderwerpen", i, "id"), "unknown-topic", f"'{topic.id}' is not a topic id"
                )
            )
        if not topic.loketten:
            p.append(
                y.problem(
                    ("onderwerpen", i), "topic-without-desk", f"{topic.id}: no desk to advise"
                )
            )
        for j, entry in enumerate(topic.loketten):
            if entry.loket not in desks:
                p.append(
                    y.problem(
                        ("onderwerpen", i, "loketten", j, "loket"),
                        "unknown-desk",
                        f"{topic.id}: unknown desk '{entry.loket}'",
                    )
                )
        for j, vraag in enumerate(topic.vragen):
            if vragen and vraag not in vragen:
                p.append(
                    y.problem(
                        ("onderwerpen", i, "vragen", j),
                        "unknown-question",
                        f"{topic.id}: unknown question '{vraag}'",
                    )
                )


def _check_questions(vragen: tuple[Vraag, ...], y: LoadedYaml, p: list) -> None:
    for i, vraag in enumerate(vragen):
        values = [o.waarde for o in vraag.opties]
        if vraag.feit not in CUES:
            p.append(
                y.problem(
                    ("vragen", i, "feit"),
                    "unknown-fact",
                    f"{vraag.id}: unknown fact '{vraag.feit}'",
                )
            )
        if len(set(values)) != len(values):
            p.append(
                y.problem(("vragen", i, "opties"), "duplicate-id", f"{vraag.id}: option twice")
            )
        for field_name in ("ja", "nee"):
            value = getattr(vraag, field_name)
            if value is not None and value not in values:
                p.append(
                    y.problem(
                        ("vragen", i, field_name),
                        "unknown-option",
                        f"{vraag.id}: '{field_name}' names unknown option '{value}'",
                    )
                )


def _check_rules(
    regels: tuple[Regel, ...],
    y: LoadedYaml,
    desks: Mapping[str, Loket],
    topics: Mapping[str, Onderwerp],
    orgs: Mapping[str, Organisatie],
    vragen: Mapping[str, Vraag],
    p: list,
) -> None:
    fact_values: dict[str, set[str]] = {name: set(values) for name, values in CUES.items()}
    for vraag in vragen.values():
        fact_values.setdefault(vraag.feit, set()).update(o.waarde for o in vraag.opties)
    seen: set[str] = set()
    for i, regel in enumerate(regels):
        if regel.id in seen:
            p.append(y.problem(("regels", i, "id"), "duplicate-id", f"rule '{regel.id}' twice"))
        seen.add(regel.id)
        for j, topic in enumerate(regel.als.onderwerp):
            if topic not in topics:
                p.append(
                    y.problem(
                        ("regels", i, "als", "onderwerp", j),
                        "unknown-topic",
                        f"{regel.id}: unknown topic '{topic}'",
                    )
                )
        for j, org in enumerate(regel.als.organisatie):
            if org not in orgs:
                p.append(
                    y.problem(
                        ("regels", i, "als", "organisatie", j),
                        "unknown-org",
                        f"{regel.id}: unknown organisation '{org}'",
                    )
                )
        for fact, values in regel.als.feiten.items():
            where = ("regels", i, "als", "feiten", fact)
            if fact not in fact_values:
                p.append(y.problem(where, "unknown-fact", f"{regel.id}: unknown fact '{fact}'"))
                continue
            for value in values:
                if value not in fact_values[fact]:
                    p.append(
                        y.problem(
                            where, "unknown-option", f"{regel.id}: '{fact}' is never '{value}'"
                        )
                    )
        for desk in (*regel.gewicht, *regel.uitsluiten):
            if desk not in desks:
                p.append(
                    y.problem(("regels", i), "unknown-desk", f"{regel.id}: unknown desk '{desk}'")
                )


def _load_dilemmas(root: Path, topics: set[str], desks: set[str], p: list) -> Any:
    """The dilemma library is optional content: checked when its folder exists."""
    if not (root / KENNISBANK / "dilemmas").is_dir():
        return None
    try:
        from bot.dilemmas.library import load_dilemmas
    except ImportError:
        return None
    library, problems = load_dilemmas(root, topics, desks)
    p.extend(problems)
    return library
