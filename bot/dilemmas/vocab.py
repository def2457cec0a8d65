"""Which topic and desk ids exist, and their names, taken from the kennisbank when it is there.

The dilemmas refer to topics and desks by id. The lead's `kennisbank/loketten.yml` and
`kennisbank/onderwerpen.yml` are the source of truth; until they exist (or when they cannot be
read) we fall back to the vocabulary fixed in the design brief, so the sessions keep working.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from bot.content.schema import LokettenFile, OnderwerpenFile, Tekst
from bot.content.yamlload import ContentError, load_yaml
from bot.nlu.base import TOPICS

# The desk ids of the design brief (DESIGN.md, "Vocabulary").
DESKS: tuple[str, ...] = (
    "vertrouwenspersoon",
    "integriteitscoordinator",
    "leidinggevende",
    "personeelsraadgever",
    "klachtencommissie",
    "cif",
    "huis_voor_klokkenluiders",
    "hr_adviseur",
    "compliance_officer",
    "bedrijfsarts_bmw",
    "politie",
    "noodhulp",
)


def _read(path: Path, model):
    if not path.exists():
        return None
    try:
        return model.model_validate(load_yaml(path).data)
    except (ContentError, ValidationError):
        return None


def kennisbank_names(content_dir: Path) -> tuple[dict[str, Tekst], dict[str, Tekst]]:
    """(desk names, topic names) from the kennisbank; empty when it is not (yet) readable."""
    base = Path(content_dir) / "kennisbank"
    desks = _read(base / "loketten.yml", LokettenFile)
    topics = _read(base / "onderwerpen.yml", OnderwerpenFile)
    return (
        {d.id: d.naam for d in desks.loketten} if desks else {},
        {t.id: t.naam for t in topics.onderwerpen} if topics else {},
    )


def known_ids(content_dir: Path) -> tuple[set[str], set[str]]:
    """(topic ids, desk ids): from the kennisbank when readable, else the design vocabulary."""
    desk_names, topic_names = kennisbank_names(content_dir)
    return (set(topic_names) or set(TOPICS), set(desk_names) or set(DESKS))
