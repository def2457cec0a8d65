"""The default engine: a small scikit-learn classifier trained from the Rasa-format data.

Why this shape: word n-grams catch the vocabulary of each topic, character n-grams (within word
boundaries) catch typos, missing accents and Dutch compounds ("kerstpakket", "kerst pakket").
A linear SVM trains in a fraction of a second; its margins become probabilities through a
softmax whose temperature is fitted by cross-validation when the model is built, so that the
threshold below which the bot asks means what it says. Messages that look like nothing in the
training data (gibberish, another language) are rejected as out_of_scope by a similarity check,
because a classifier alone always picks some class.

The trained model is cached on disk under a key made of the data's hash and the code version:
the cache holds only what the team wrote (training examples), never user text.
"""

from __future__ import annotations

import logging
import pickle
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from bot.nlu import crisis, cues, ranking
from bot.nlu.base import TOPICS, Interpretation
from bot.nlu.normalize import normalize
from bot.nlu.training_data import TrainingData, load_training_data

log = logging.getLogger(__name__)

MODEL_VERSION = "embedded-3"
RANKING_SIZE = 5
_WORD = re.compile(r"[a-z][a-z']+")
# Below this similarity to the nearest training example a message is "not like anything we know".
MIN_SIMILARITY = 0.22


def _apply_synonyms(text: str, pattern: re.Pattern[str] | None, table: dict[str, str]) -> str:
    if pattern is None:
        return text
    return pattern.sub(lambda m: table[m.group(0)], text)


@dataclass
class _Model:
    """Everything needed to parse, picklable."""

    word: TfidfVectorizer
    char: TfidfVectorizer
    classifier: LinearSVC
    temperature: float
    train_char: sparse.csr_matrix  # for the similarity check (rows are L2-normalised)
    vocabulary: frozenset[str]
    synonyms: dict[str, str]
    synonym_pattern: re.Pattern[str] | None
    digest: str

    def prepare(self, text: str) -> str:
        return _apply_synonyms(normalize(text), self.synonym_pattern, self.synonyms)

    def features(self, prepared: list[str]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        char = self.char.transform(prepared)
        return sparse.hstack([self.word.transform(prepared), char]).tocsr(), char


def _synonym_table(data: TrainingData) -> tuple[dict[str, str], re.Pattern[str] | None]:
    table = {normalize(k): normalize(v) for k, v in data.synonyms.items() if normalize(k)}
    table = {k: v for k, v in table.items() if k != v}
    if not table:
        return {}, None
    alternatives = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(a) for a in alternatives) + r")\b")
    return table, pattern


def _vectorizers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    word = TfidfVectorizer(
        analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=1,
        token_pattern=r"(?u)\b[a-z0-9][a-z0-9']*\b",
    )
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1)
    return word, char


def _classifier() -> LinearSVC:
    return LinearSVC(C=1.0, class_weight="balanced")


def _softmax(logits: np.ndarray, temperature: float) -> np.ndarray:
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _fit_temperature(matrix: sparse.csr_matrix, labels: list[str], folds: int = 3) -> float:
    """Pick the softmax temperature that minimises the held-out log loss.

    The margins come from out-of-fold classifiers (the vectorizers are shared, which leaks a
    little vocabulary but keeps the start-up cost to three small fits).
    """
    y = np.array(labels)
    _, counts = np.unique(y, return_counts=True)
    folds = max(2, min(folds, int(counts.min())))
    logits_all: list[np.ndarray] = []
    truth_all: list[np.ndarray] = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=7)
    for train_idx, test_idx in splitter.split(matrix, y):
        clf = _classifier().fit(matrix[train_idx], y[train_idx])
        logits_all.append(clf.decision_function(matrix[test_idx]))
        index = {c: i for i, c in enumerate(clf.classes_)}
        truth_all.append(np.array([index[c] for c in y[test_idx]]))
    best, best_loss = 1.0, float("inf")
    for temperature in np.geomspace(0.02, 2.0, 60):
        loss = 0.0
        for logits, truth in zip(logits_all, truth_all, strict=True):
            probs = _softmax(logits, float(temperature))
            loss -= float(np.log(probs[np.arange(len(truth)), truth] + 1e-12).sum())
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return best


def train(data: TrainingData, calibrate: bool = True) -> _Model:
    """Fit vectorizers, classifier and temperature on the training data."""
    table, pattern = _synonym_table(data)
    raw_texts, labels = data.pairs()
    texts = [_apply_synonyms(normalize(t), pattern, table) for t in raw_texts]
    word, char = _vectorizers()
    char_matrix = char.fit_transform(texts)
    matrix = sparse.hstack([word.fit_transform(texts), char_matrix]).tocsr()
    classifier = _classifier().fit(matrix, labels)
    temperature = _fit_temperature(matrix, labels) if calibrate else 1.0
    vocabulary = frozenset(w for t in texts for w in _WORD.findall(t))
    return _Model(word, char, classifier, temperature, char_matrix.tocsr(), vocabulary,
                  table, pattern, data.digest)


class EmbeddedNLU:
    """Crisis layer first, then cues, then the classifier; never raises on any string."""

    name = "embedded"

    def __init__(self, model: _Model, threshold: float = 0.45):
        self.model = model
        self.threshold = threshold

    @classmethod
    def from_dialogen(
        cls, dialogen_dir: Path, threshold: float = 0.45, cache_dir: Path | None = None
    ) -> EmbeddedNLU:
        """Train from `dialogen/data/*.yml`, or load the model cached for this exact data."""
        data = load_training_data(dialogen_dir)
        key = f"{MODEL_VERSION}-{sklearn.__version__}-{data.digest}"
        cache_file = cache_dir / f"{key}.pkl" if cache_dir else None
        model = _read_cache(cache_file)
        if model is None:
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
        words = _WORD.findall(prepared)
        if not words:
            return Interpretation("out_of_scope", 1.0, crisis=is_crisis, cues=found)
        features, char = self.model.features([prepared])
        logits = self.model.classifier.decision_function(features)
        probs = _softmax(np.atleast_2d(logits), self.model.temperature)[0]
        order = np.argsort(probs)[::-1]
        classes = self.model.classifier.classes_
        full = [(str(classes[i]), float(probs[i])) for i in order]
        if self._unfamiliar(words, char):
            full = [("out_of_scope", 1.0), *[(i, 0.0) for i, _ in full if i != "out_of_scope"]]
        full = ranking.adjust(full, len(words))
        top = tuple((i, round(p, 4)) for i, p in full[:RANKING_SIZE])
        intent, confidence = top[0]
        topic = intent if intent in TOPICS and confidence >= self.threshold else None
        return Interpretation(intent, confidence, topic, top, is_crisis, found)

    def _unfamiliar(self, words: list[str], char: sparse.csr_matrix) -> bool:
        """True for text with no known word and little resemblance to any training example."""
        if any(w in self.model.vocabulary for w in words if len(w) >= 3):
            return False
        similarity = (self.model.train_char @ char.T).max() if char.nnz else 0.0
        return float(similarity) < MIN_SIMILARITY


def _read_cache(path: Path | None) -> _Model | None:
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            model = pickle.load(handle)  # noqa: S301 - our own cache, in the user's data dir
        return model if isinstance(model, _Model) else None
    except Exception:  # noqa: BLE001 - a broken cache is rebuilt, never fatal
        log.warning("NLU cache %s unreadable; retraining", path.name)
        return None


def _write_cache(path: Path | None, model: _Model) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as handle:
            pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        log.warning("NLU cache not writable; the model is trained at every start")
