"""Training the embedded engine with scikit-learn; only needed when the model cache is empty.

Word n-grams (1-2) catch the vocabulary of each topic; character n-grams within word boundaries
(3-5; 2-5 did no better in cross-validation and cost 7 MB more when training) catch typos, missing
accents and Dutch compounds ("kerstpakket", "kerst pakket"). A linear SVM trains in a fraction of
a second. Its margins become probabilities through a softmax whose temperature is fitted on
held-out margins, so that the confidence threshold means what it says. The result is compiled
into plain arrays (`CompiledModel`), so that running the engine needs numpy only: scikit-learn is
imported here, at training time, and nowhere else.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from bot.nlu.embedded import (
    CHAR_NGRAMS,
    TOKEN_PATTERN,
    WORD_NGRAMS,
    WORD_RE,
    CompiledModel,
    apply_synonyms,
    softmax,
    synonym_table,
)
from bot.nlu.normalize import normalize
from bot.nlu.training_data import TrainingData


def complement_nb_log_prob(matrix: sparse.csr_matrix, labels: np.ndarray, classes: np.ndarray,
                           alpha: float) -> np.ndarray:
    """Complement naive Bayes weights (Rennie et al. 2003), equal to ComplementNB's
    `feature_log_prob_` with `norm=False`, computed in one dense array.

    Why not `ComplementNB().fit`: it keeps several dense class-by-feature arrays alive at once, and
    that pushed a training run with an empty cache over 200 MB; a test checks both agree.
    """
    onehot = sparse.csr_matrix(
        (np.ones(len(labels)), (np.searchsorted(classes, labels), np.arange(len(labels)))),
        shape=(len(classes), len(labels)))
    weights = np.asarray((onehot @ matrix).todense(), dtype=np.float64)  # per-class counts
    np.subtract(weights.sum(axis=0, keepdims=True) + alpha, weights, out=weights)  # complement
    weights /= weights.sum(axis=1, keepdims=True)
    np.log(weights, out=weights)
    weights *= -1.0
    return weights


class Blended:
    """A linear SVM plus scaled, centred complement-NB weights: still one linear model.

    Why: naive Bayes weights rare topic words more boldly than the SVM; adding its (centred)
    scores to the SVM margins raised cross-validated accuracy, and because both are linear in
    the same features the sum compiles into the same plain arrays as the SVM alone.
    """

    def __init__(self, svm: LinearSVC, matrix: sparse.csr_matrix, labels: np.ndarray,
                 weight: float):
        log_prob = complement_nb_log_prob(matrix, labels, svm.classes_, NB_ALPHA)
        log_prob -= log_prob.mean(axis=0, keepdims=True)
        # Put the NB scores on the scale of the SVM margins (on the training data).
        scale = np.std(svm.decision_function(matrix)) / max(float(np.std(matrix @ log_prob.T)),
                                                            1e-9)
        log_prob *= weight * scale
        log_prob += svm.coef_
        self.coef_ = log_prob
        self.intercept_ = svm.intercept_
        self.classes_ = svm.classes_

    def decision_function(self, matrix: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(matrix @ self.coef_.T) + self.intercept_


@dataclass
class Fitted:
    """The scikit-learn objects behind a compiled model (kept for tests and inspection)."""

    word: TfidfVectorizer
    char: TfidfVectorizer
    classifier: Blended
    temperature: float
    char_matrix: sparse.csr_matrix

    def margins(self, prepared: list[str]) -> np.ndarray:
        matrix = sparse.hstack([self.word.transform(prepared), self.char.transform(prepared)])
        return self.classifier.decision_function(matrix.tocsr())


# Chosen by stratified cross-validation on the training data (`scripts/nlu_cv.py`).
SVM_C = 2.0  # 5-fold x 4 CV: C=1 82.4%, C=2 82.7%, C=3 82.9% (small, consistent gain)
CLASS_WEIGHT: str | None = "balanced"
# 5-fold x 8 CV (`--clf cnb --blend W --extra dilemmas titels uitleg`): SVM alone 83.4%,
# W=0.6 83.8%, W=1.0 83.5%; without the kennisbank text: SVM 82.8%, W=0.6 83.4%.
NB_WEIGHT = 0.6
NB_ALPHA = 0.3
# Character n-grams seen in fewer training texts than this are dropped: 7 MB less at the peak of a
# cold training (which must stay under 200 MB) for 0.2 points of CV accuracy (5-fold x 4: 1 87.1%,
# 2 86.9%). Rare words are always kept: they often name the topic.
CHAR_MIN_DF = 2


def vectorizers(
    word_ngrams: tuple[int, int] = WORD_NGRAMS, char_ngrams: tuple[int, int] = CHAR_NGRAMS,
    char_min_df: int = CHAR_MIN_DF,
) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    """The two feature sets; the runtime re-implements exactly these analyzers (embedded.py)."""
    word = TfidfVectorizer(analyzer="word", ngram_range=word_ngrams, sublinear_tf=True,
                           token_pattern=TOKEN_PATTERN)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=char_ngrams, sublinear_tf=True,
                           min_df=char_min_df)
    return word, char


def classifier(c: float = SVM_C, class_weight: str | None = CLASS_WEIGHT) -> LinearSVC:
    return LinearSVC(C=c, class_weight=class_weight)


def fit_blended(matrix: sparse.csr_matrix, labels: list[str] | np.ndarray,
                weight: float = NB_WEIGHT) -> Blended:
    svm = classifier().fit(matrix, labels)
    return Blended(svm, matrix, np.asarray(labels), weight)


def prepare_texts(data: TrainingData, extra: bool = True) -> tuple[list[str], list[str]]:
    """Normalised, synonym-mapped training texts and their labels (what the classifier sees).

    `extra=False` leaves out the kennisbank text (cross-validation adds it to training folds only).
    """
    table, pattern = synonym_table(data.synonyms)
    raw_texts, labels = data.pairs()
    if extra:
        raw_texts = raw_texts + [t for t, _ in data.extra]
        labels = labels + [topic for _, topic in data.extra]
    return [apply_synonyms(normalize(t), pattern, table) for t in raw_texts], labels


def fit_temperature(matrix: sparse.csr_matrix, labels: list[str], parts: int = 4) -> float:
    """The softmax temperature that minimises the log loss on a held-out part of the data.

    One classifier is fitted on all but one of `parts` stratified parts and its margins on the
    rest are used (the vectorizers are shared, which leaks a little vocabulary). One split is
    enough for a single number: with 3 folds instead the result moved by at most one step of the
    grid, while a cold start took 0.9 s longer and more memory.
    """
    y = np.array(labels)
    _, counts = np.unique(y, return_counts=True)
    parts = max(2, min(parts, int(counts.min())))
    splitter = StratifiedKFold(n_splits=parts, shuffle=True, random_state=7)
    train_idx, test_idx = next(splitter.split(matrix, y))
    clf = fit_blended(matrix[train_idx], y[train_idx])
    logits = clf.decision_function(matrix[test_idx])
    index = {c: i for i, c in enumerate(clf.classes_)}
    truth = np.array([index[c] for c in y[test_idx]])
    del clf  # freed before the final model is fitted: a lower training peak
    gc.collect()
    best, best_loss = 1.0, float("inf")
    for temperature in np.geomspace(0.02, 2.0, 60):
        probs = softmax(logits, float(temperature))
        loss = -float(np.log(probs[np.arange(len(truth)), truth] + 1e-12).sum())
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return best


def fit(data: TrainingData, calibrate: bool = True) -> tuple[Fitted, list[str]]:
    """Fit vectorizers, classifier and temperature; returns them and the prepared texts."""
    texts, labels = prepare_texts(data)
    word, char = vectorizers()
    matrix = sparse.hstack([word.fit_transform(texts), char.fit_transform(texts)], format="csr")
    # The temperature first: its fold models are freed before the final one is fitted. Only one
    # copy of the features is kept alive; the character block is cut out of it at the end.
    temperature = fit_temperature(matrix, labels) if calibrate else 1.0
    clf = fit_blended(matrix, labels)
    return Fitted(word, char, clf, temperature, matrix[:, len(word.vocabulary_):]), texts


def compile_fitted(fitted: Fitted, texts: list[str], data: TrainingData) -> CompiledModel:
    """Plain arrays and dicts: what the runtime needs, nothing from scikit-learn."""
    table, pattern = synonym_table(data.synonyms)
    char_csc = fitted.char_matrix.tocsc()
    return CompiledModel(
        word_vocabulary={str(k): int(v) for k, v in fitted.word.vocabulary_.items()},
        word_idf=np.asarray(fitted.word.idf_, dtype=np.float64),
        char_vocabulary={str(k): int(v) for k, v in fitted.char.vocabulary_.items()},
        char_idf=np.asarray(fitted.char.idf_, dtype=np.float64),
        coef=np.ascontiguousarray(fitted.classifier.coef_.T, dtype=np.float64),
        intercept=np.asarray(fitted.classifier.intercept_, dtype=np.float64),
        classes=[str(c) for c in fitted.classifier.classes_],
        temperature=fitted.temperature,
        train_char=(char_csc.data.astype(np.float64), char_csc.indices.astype(np.int64),
                    char_csc.indptr.astype(np.int64), int(char_csc.shape[0])),
        vocabulary=frozenset(w for t in texts for w in WORD_RE.findall(t)),
        synonyms=table,
        synonym_pattern=pattern,
        digest=data.digest,
    )


def train(data: TrainingData, calibrate: bool = True) -> CompiledModel:
    fitted, texts = fit(data, calibrate)
    return compile_fitted(fitted, texts, data)
