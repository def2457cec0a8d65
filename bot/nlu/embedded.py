"""The default engine: a small linear classifier trained from the Rasa-format data.

Layers, in order, for every message: the crisis rules (`crisis.py`), the cue rules (`cues.py`),
then a topic classifier over word and character n-grams (trained in `embedded_train.py` with
scikit-learn). Messages that look like nothing in the training data (gibberish, another
language) are rejected as out_of_scope by a similarity check, because a classifier alone always
picks some class.

Running the engine needs numpy only: the trained model is compiled into plain arrays and cached
on disk under a key made of the data's hash and the code version, so a normal start loads it in
milliseconds without importing scikit-learn. The cache holds only what the team wrote (training
examples and weights), never user text.
"""

from __future__ import annotations

import logging
import pickle
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.nlu import crisis, cues, ranking
from bot.nlu.base import TOPICS, Interpretation
from bot.nlu.normalize import normalize
from bot.nlu.training_data import load_training_data

log = logging.getLogger(__name__)

MODEL_VERSION = "embedded-10"
RANKING_SIZE = 5
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (3, 5)
TOKEN_PATTERN = r"(?u)\b[a-z0-9][a-z0-9']*\b"
WORD_RE = re.compile(r"[a-z][a-z']+")
_TOKEN_RE = re.compile(TOKEN_PATTERN)
_SPACES = re.compile(r"\s\s+")
# Below this similarity to the nearest training example a message is "not like anything we know".
MIN_SIMILARITY = 0.22
KEEP_CACHED = 3


def apply_synonyms(text: str, pattern: re.Pattern[str] | None, table: dict[str, str]) -> str:
    if pattern is None:
        return text
    return pattern.sub(lambda m: table[m.group(0)], text)


def synonym_table(synonyms: dict[str, str]) -> tuple[dict[str, str], re.Pattern[str] | None]:
    """Normalised variant -> canonical word, and one regex that finds every variant."""
    table = {normalize(k): normalize(v) for k, v in synonyms.items() if normalize(k)}
    table = {k: v for k, v in table.items() if k != v}
    if not table:
        return {}, None
    alternatives = sorted(table, key=len, reverse=True)
    return table, re.compile(r"\b(" + "|".join(re.escape(a) for a in alternatives) + r")\b")


def softmax(logits: np.ndarray, temperature: float) -> np.ndarray:
    z = np.atleast_2d(logits) / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def word_ngrams(text: str) -> list[str]:
    """The same n-grams as scikit-learn's word analyzer with TOKEN_PATTERN and WORD_NGRAMS."""
    tokens = _TOKEN_RE.findall(text)
    grams = list(tokens)
    low, high = WORD_NGRAMS
    for n in range(max(2, low), min(high, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def char_wb_ngrams(text: str) -> list[str]:
    """The same n-grams as scikit-learn's `char_wb` analyzer with CHAR_NGRAMS."""
    grams: list[str] = []
    low, high = CHAR_NGRAMS
    for word in _SPACES.sub(" ", text).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[offset : offset + n])
            while offset + n < length:
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:
                break
    return grams


@dataclass
class CompiledModel:
    """A trained model as plain data: picklable and usable with numpy alone."""

    word_vocabulary: dict[str, int]
    word_idf: np.ndarray
    char_vocabulary: dict[str, int]
    char_idf: np.ndarray
    coef: np.ndarray  # (word features + char features) x classes
    intercept: np.ndarray
    classes: list[str]
    temperature: float
    train_char: tuple[np.ndarray, np.ndarray, np.ndarray, int]  # CSC data, indices, indptr, rows
    vocabulary: frozenset[str]
    synonyms: dict[str, str]
    synonym_pattern: re.Pattern[str] | None
    digest: str

    def prepare(self, text: str) -> str:
        return apply_synonyms(normalize(text), self.synonym_pattern, self.synonyms)

    def margins(self, prepared: str) -> tuple[np.ndarray, dict[int, float]]:
        """Margins per class, and the normalised char n-gram vector (for the similarity check).

        Same numbers as TfidfVectorizer (sublinear tf, idf, L2 norm per part) followed by
        LinearSVC.decision_function, computed directly: about ten times faster per message.
        """
        logits = self.intercept.copy()
        char_vector: dict[int, float] = {}
        parts = (
            (word_ngrams, self.word_vocabulary, self.word_idf, 0),
            (char_wb_ngrams, self.char_vocabulary, self.char_idf, len(self.word_vocabulary)),
        )
        for analyze, vocab, idf, offset in parts:
            counts: dict[int, int] = {}
            for gram in analyze(prepared):
                index = vocab.get(gram)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            if not counts:
                continue
            index = np.fromiter(counts, dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            values = (1.0 + np.log(tf)) * idf[index]
            values /= np.sqrt(values @ values)
            logits = logits + values @ self.coef[index + offset]
            if offset:
                char_vector = dict(zip(index.tolist(), values.tolist(), strict=True))
        return logits, char_vector

    def max_similarity(self, char_vector: dict[int, float]) -> float:
        """Cosine similarity of the message to its nearest training example (char n-grams)."""
        data, indices, indptr, rows = self.train_char
        scores = np.zeros(rows)
        for column, value in char_vector.items():
            start, end = indptr[column], indptr[column + 1]
            scores[indices[start:end]] += data[start:end] * value
        return float(scores.max()) if rows else 0.0


class EmbeddedNLU:
    """Crisis layer first, then cues, then the classifier; never raises on any string."""

    name = "embedded"

    def __init__(self, model: CompiledModel, threshold: float = 0.45):
        self.model = model
        self.threshold = threshold

    @classmethod
    def from_dialogen(
        cls, dialogen_dir: Path, threshold: float = 0.45, cache_dir: Path | None = None
    ) -> EmbeddedNLU:
        """Train from `dialogen/data/*.yml`, or load the model cached for this exact data."""
        data = load_training_data(dialogen_dir)
        key = f"{MODEL_VERSION}-{data.digest}"
        cache_file = cache_dir / f"{key}.pkl" if cache_dir else None
        model = _read_cache(cache_file)
        if model is None:
            from bot.nlu.embedded_train import train

            model = train(data)
            _write_cache(cache_file, model)
        return cls(model, threshold)

    def parse(self, text: str) -> Interpretation:
        try:
            return self._parse(text)
        except Exception:  # noqa: BLE001 - the contract: never raise; the bot asks instead
            log.exception("embedded NLU failed on a message (text not logged)")
            return Interpretation("out_of_scope", 0.0)

    def _parse(self, text: str) -> Interpretation:
        is_crisis = crisis.is_crisis(text)
        found = cues.extract(text)
        prepared = self.model.prepare(text) if isinstance(text, str) else ""
        words = WORD_RE.findall(prepared)
        if not words:
            return Interpretation("out_of_scope", 1.0, crisis=is_crisis, cues=found)
        logits, char = self.model.margins(prepared)
        probs = softmax(logits, self.model.temperature)[0]
        order = np.argsort(probs)[::-1]
        classes = self.model.classes
        full = [(classes[i], float(probs[i])) for i in order]
        if self._unfamiliar(words, char):
            full = [("out_of_scope", 1.0), *[(i, 0.0) for i, _ in full if i != "out_of_scope"]]
        full = ranking.adjust(full, len(words))
        top = tuple((i, round(p, 4)) for i, p in full[:RANKING_SIZE])
        intent, confidence = top[0]
        topic = intent if intent in TOPICS and confidence >= self.threshold else None
        return Interpretation(intent, confidence, topic, top, is_crisis, found)

    def _unfamiliar(self, words: list[str], char: dict[int, float]) -> bool:
        """True for text with no known word and little resemblance to any training example."""
        if any(w in self.model.vocabulary for w in words if len(w) >= 3):
            return False
        return not char or self.model.max_similarity(char) < MIN_SIMILARITY


def _read_cache(path: Path | None) -> CompiledModel | None:
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            model = pickle.load(handle)  # noqa: S301 - our own cache, in the user's data dir
        return model if isinstance(model, CompiledModel) else None
    except Exception:  # noqa: BLE001 - a broken cache is rebuilt, never fatal
        log.warning("NLU cache %s unreadable; retraining", path.name)
        return None


def _write_cache(path: Path | None, model: CompiledModel) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as handle:
            pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
        older = sorted(path.parent.glob("embedded-*.pkl"), key=lambda p: p.stat().st_mtime)
        for stale in older[:-KEEP_CACHED]:  # other content versions: keep a few, drop the rest
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        log.warning("NLU cache not writable; the model is trained at every start")
