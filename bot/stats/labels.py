"""Row labels and row order for the statistics, after the annual reports' *Overzicht signalen*.

The label of a topic is its `uri_rij` in kennisbank/onderwerpen.yml, so an ico sees the rows of the
reports they already write. The stats must work even when the content is being edited or broken,
so a missing or invalid file falls back to the topic ids, with a note saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from bot.content.schema import OnderwerpenFile
from bot.content.yamlload import ContentError, load_yaml
from bot.nlu.base import TOPICS

# The row order of BZK Tabel 3 (Overzicht signalen, 001:293-307), then the topics the reports'
# URI rows lack: labour relations (Financiën VP category 8) and "not an integrity matter" (Anders).
REPORT_ORDER: tuple[str, ...] = (
    "financiele_schending",
    "belangenverstrengeling",
    "informatie",
    "misbruik_bevoegdheden",
    "ongewenste_omgangsvormen",
    "bedrijfsmiddelen",
    "prive_gedragingen",
    "misstand",
    "arbeidsconflict",
    "geen_integriteit",
)
assert set(REPORT_ORDER) == set(TOPICS), "every topic needs a place in the report order"


@dataclass(frozen=True)
class TopicLabels:
    labels: dict[str, str]
    note: str | None = None  # why the labels are ids, when they are

    def label(self, topic: str) -> str:
        return self.labels.get(topic, topic)


def topic_labels(content_dir: Path) -> TopicLabels:
    """`uri_rij` per topic from the content, or the ids with a note when that is not possible."""
    path = content_dir / "kennisbank" / "onderwerpen.yml"
    if not path.exists():
        return TopicLabels({}, f"row labels are topic ids ({path} not found)")
    try:
        loaded = load_yaml(path)
        parsed = OnderwerpenFile.model_validate(loaded.data)
    except (ContentError, ValidationError):
        return TopicLabels({}, f"row labels are topic ids ({path} is not valid; `wegwijzer check`)")
    return TopicLabels({topic.id: topic.uri_rij for topic in parsed.onderwerpen})


def ordered_topics(present: set[str]) -> list[str]:
    """Every known topic in report order, then any other topic found in the data, sorted."""
    return [*REPORT_ORDER, *sorted(present - set(REPORT_ORDER))]
