"""The Telegram channel's own user-facing texts (dialogen/teksten_telegram.yml).

The content loader merges every `dialogen/teksten*.yml`, so normally these come with the rest of
the content; the file can also be read on its own (tests, `wegwijzer check` of this part).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot.content.schema import Tekst, TekstenFile
from bot.content.yamlload import ContentError, ContentProblem, load_yaml

TEXTS_FILE = Path("dialogen") / "teksten_telegram.yml"

# Every id the channel uses; start-up refuses to run when one is missing.
TEXT_IDS: tuple[str, ...] = (
    "telegram_cmd_start",
    "telegram_cmd_help",
    "telegram_cmd_privacy",
    "telegram_cmd_loketten",
    "telegram_cmd_stop",
    "telegram_cmd_dilemma",
    "telegram_cmd_taal",
    "telegram_cmd_groep_sessie",
    "telegram_cmd_groep_dilemma",
    "telegram_cmd_groep_onthul",
    "telegram_cmd_groep_stop",
    "telegram_cmd_groep_help",
    "telegram_kaart_waarom",
    "telegram_gekozen",
    "telegram_knop_verlopen",
    "telegram_fout",
    "telegram_groep_uitnodiging",
    "telegram_groep_knop_prive",
    "telegram_groep_alleen_beheerder",
    "telegram_groep_controle_mislukt",
    "telegram_groep_welkom",
    "telegram_groep_knop_trek",
    "telegram_groep_knop_hoofdstuk",
    "telegram_groep_knop_onthul",
    "telegram_groep_knop_volgende",
    "telegram_groep_knop_stop",
    "telegram_groep_kies_hoofdstuk",
    "telegram_groep_stem",
    "telegram_groep_geen_sessie",
    "telegram_groep_geen_dilemma",
    "telegram_groep_al_onthuld",
    "telegram_groep_gestopt",
    "telegram_groep_onbekend",
    "telegram_groep_help",
    "telegram_groep_geen_dilemmas",
)


class _Keep(dict):
    """Leaves an unknown {placeholder} visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class TelegramTexts:
    """Look up a text by id in the user's language and fill in {placeholders}; never raises."""

    def __init__(self, teksten: Mapping[str, Tekst]) -> None:
        self.teksten = teksten

    def missing(self) -> list[str]:
        return [text_id for text_id in TEXT_IDS if text_id not in self.teksten]

    def say(self, text_id: str, lang: str, **values: object) -> str:
        tekst = self.teksten.get(text_id)
        if tekst is None:
            return text_id
        return tekst.get(lang).format_map(_Keep({k: str(v) for k, v in values.items()}))


def load_telegram_texts(content_dir: Path) -> tuple[dict[str, Tekst], list[ContentProblem]]:
    """Read only this channel's texts file; problems carry file:line."""
    path = Path(content_dir) / TEXTS_FILE
    if not path.exists():
        return {}, [ContentProblem(str(path), 1, "missing-file", "Telegram texts not found")]
    try:
        loaded = load_yaml(path)
        parsed = TekstenFile.model_validate(loaded.data)
    except ContentError as exc:
        return {}, list(exc.problems)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        return {}, [ContentProblem(str(path), 1, "schema", str(exc).splitlines()[0])]
    return dict(parsed.teksten), []
