"""The user-facing texts of the dilemma part: look them up, fill in values, load them standalone.

The lead's content loader merges every `dialogen/teksten*.yml`; `wegwijzer sessie` may run
without the rest of the content, so it can load `dialogen/teksten_dilemma.yml` on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot.content.schema import Tekst, TekstenFile
from bot.content.yamlload import ContentError, ContentProblem, load_yaml
from bot.dilemmas.library import validate_model

TEXTS_FILE = Path("dialogen") / "teksten_dilemma.yml"
LETTERS = "ABCDEFGH"


class _Blank(dict):
    """Leaves an unknown {placeholder} visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def say(texts: Mapping[str, Tekst], text_id: str, lang: str, **values: object) -> str:
    """The text in the user's language with {placeholders} filled in; never raises.

    A missing id shows the id itself, so a gap is visible (the tests make sure there is none).
    """
    tekst = texts.get(text_id)
    if tekst is None:
        return text_id
    return tekst.get(lang).format_map(_Blank({k: str(v) for k, v in values.items()}))


def name_of(
    kind: str,
    item_id: str,
    texts: Mapping[str, Tekst],
    lang: str,
    names: Mapping[str, Tekst] | None = None,
) -> str:
    """A desk's or topic's name: from the kennisbank when given, else from our own texts."""
    if names and item_id in names:
        return names[item_id].get(lang)
    fallback = f"dilemma_{kind}_{item_id}"
    if fallback in texts:
        return texts[fallback].get(lang)
    return item_id.replace("_", " ")


def letter(index: int) -> str:
    return LETTERS[index] if 0 <= index < len(LETTERS) else str(index + 1)


def load_dilemma_texts(content_dir: Path) -> tuple[dict[str, Tekst], list[ContentProblem]]:
    """Read our texts file; problems carry file:line like every content error."""
    path = Path(content_dir) / TEXTS_FILE
    if not path.exists():
        return {}, [ContentProblem(str(path), 1, "missing-file", "dilemma texts not found")]
    try:
        loaded = load_yaml(path)
    except ContentError as exc:
        return {}, list(exc.problems)
    parsed, problems = validate_model(loaded, TekstenFile, loaded.data, ())
    if parsed is None:
        return {}, problems
    return dict(parsed.teksten), []
