"""Make any incoming text safe to reason about, and notice input we cannot read."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_CHARS = 2000  # the NLU reads at most this much; longer messages are read from the start
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class CleanText:
    text: str
    truncated: bool
    has_words: bool  # at least one letter or digit: emoji-only or punctuation-only is not


def clean(raw: object) -> CleanText:
    """Strip control and direction characters, fold white space, cap the length."""
    text = raw if isinstance(raw, str) else str(raw or "")
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", text))
    text = _SPACE.sub(" ", text).strip()
    truncated = len(text) > MAX_CHARS
    if truncated:
        text = text[:MAX_CHARS]
    has_words = any(ch.isalnum() for ch in text)
    return CleanText(text, truncated, has_words)


def option_number(text: str, count: int) -> int | None:
    """'2', '2.', ' 2 ' -> index 1 when there are at least two options; else None."""
    match = re.fullmatch(r"\(?(\d{1,2})[.)]?", text.strip())
    if not match:
        return None
    number = int(match.group(1))
    return number - 1 if 1 <= number <= count else None


def normalise(text: str) -> str:
    """Lowercase without accents, for matching option labels and organisation names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()
