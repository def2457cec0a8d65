"""Text normalisation shared by every NLU layer.

People type fast on phones: no accents, doubled letters ("heeeelp"), odd spacing, emoji. Every
layer (crisis, cues, classifier) sees the same cleaned form, so a rule written once matches all
spellings. The input is capped in length so that a 20 000-character paste costs no more than a
long message.
"""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 2000  # longer input is cut: the first part carries what matters for routing

_REPEAT = re.compile(r"(\w)\1{2,}")  # three or more of the same letter
_NON_TEXT = re.compile(r"[^a-z0-9' ]+")
_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


def strip_accents(text: str) -> str:
    """'privé' -> 'prive', 'financiële' -> 'financiele'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize(text: object) -> str:
    """Lowercase, accent-free, repeats collapsed, punctuation to spaces; never raises.

    A run of three or more equal letters becomes two ("heeeeel" -> "heel", "zooo" -> "zoo"),
    which keeps real Dutch double letters intact.
    """
    if not isinstance(text, str):
        return ""
    text = text[:MAX_CHARS]
    text = strip_accents(text.translate(_APOSTROPHES)).lower()
    text = _REPEAT.sub(r"\1\1", text)
    text = _NON_TEXT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()
