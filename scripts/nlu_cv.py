#!/usr/bin/env python
"""Stratified k-fold cross-validation of the embedded engine on its own training data.

Why: model and hyper-parameter choices must be made on the training data alone, never on an
evaluation set. Each fold trains the real embedded pipeline (normalisation, synonyms, word and
char n-gram tf-idf, linear classifier, compiled runtime model) on the other folds and parses the
held-out examples with `EmbeddedNLU`, so the unfamiliar-text rejection and the ranking rules are
in the loop. The topic of a held-out example is what the advice uses: the confident topic, else
the best topic in the ranking, else `geen_integriteit`. Pipeline variants are command-line flags,
so a choice can be reproduced:

    .venv/bin/python scripts/nlu_cv.py                      # the engine as configured
    .venv/bin/python scripts/nlu_cv.py --c 0.5 --char-ngrams 1 5 --repeats 3
    .venv/bin/python scripts/nlu_cv.py --clf svc --no-extra   # the SVM alone, NLU data only
    .venv/bin/python scripts/nlu_cv.py --clf logreg --c 20
    .venv/bin/python scripts/nlu_cv.py --dev new_examples.yml  # score new, untrained data

The kennisbank text (dilemma situations and titles, topic explanations) that the engine trains on
as well is added to the training side of every fold and is never held out.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import yaml
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.nlu import embedded, embedded_train  # noqa: E402
from bot.nlu.base import TOPICS  # noqa: E402
from bot.nlu.embedded import EmbeddedNLU  # noqa: E402
from bot.nlu.training_data import TrainingData, load_training_data  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dialogen", type=Path, default=ROOT / "dialogen")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--repeats", type=int, default=2, help="shuffled repetitions (seeds 0..n-1)")
    p.add_argument("--clf", choices=["blend", "svc", "logreg", "sgd", "split"], default="blend",
                   help="blend: the engine's SVM + complement NB; svc: SVM alone; sgd: "
                   "modified_huber; split: word and char SVMs averaged")
    p.add_argument("--blend", type=float, default=None,
                   help="blend: NB weight (default: engine's); split: weight of the char model")
    p.add_argument("--word-weight", type=float, default=1.0, help="scale of the word block")
    p.add_argument("--no-extra", action="store_true",
                   help="leave out the kennisbank text (otherwise added to training folds only)")
    p.add_argument("--c", type=float, default=None, help="regularisation C (default: engine's)")
    p.add_argument("--class-weight", choices=["balanced", "none"], default=None)
    p.add_argument("--word-ngrams", type=int, nargs=2, default=list(embedded.WORD_NGRAMS))
    p.add_argument("--char-ngrams", type=int, nargs=2, default=list(embedded.CHAR_NGRAMS))
    p.add_argument("--char-min-df", type=int, default=embedded_train.CHAR_MIN_DF,
                   help="drop character n-grams seen in fewer training texts")
    p.add_argument("--dev", type=Path, nargs="+", default=None,
                   help="Rasa NLU files never trained on: train once on all the training data "
                   "and score these instead of cross-validating")
    p.add_argument("--confusions", type=int, default=12, help="most frequent confusions shown")
    return p.parse_args(argv)


class Combined:
    """Linear models on the same features, combined as one linear model (compiles as usual)."""

    def __init__(self, coef: np.ndarray, intercept: np.ndarray, classes: np.ndarray):
        self.coef_, self.intercept_, self.classes_ = coef, intercept, classes

    def decision_function(self, matrix):
        return matrix @ self.coef_.T + self.intercept_


def fit_classifier(args: argparse.Namespace, matrix, labels: np.ndarray, n_word: int):
    """The configured classifier (or combination) on one fold's training part."""
    if args.clf == "blend":
        weight = embedded_train.NB_WEIGHT if args.blend is None else args.blend
        svm = make_classifier(args).fit(matrix, labels)
        return embedded_train.Blended(svm, matrix, labels, weight)
    if args.clf == "sgd":
        from sklearn.linear_model import SGDClassifier

        return SGDClassifier(loss="modified_huber", alpha=args.c or 1e-4, max_iter=50,
                             class_weight="balanced", random_state=0).fit(matrix, labels)
    if args.clf == "split":
        blend = 0.5 if args.blend is None else args.blend
        word = make_classifier(args).fit(matrix[:, :n_word], labels)
        char = make_classifier(args).fit(matrix[:, n_word:], labels)
        coef = np.hstack([(1 - blend) * word.coef_, blend * char.coef_])
        return Combined(coef, (1 - blend) * word.intercept_ + blend * char.intercept_,
                        word.classes_)
    return make_classifier(args).fit(matrix, labels)


def make_classifier(args: argparse.Namespace):
    weight = embedded_train.CLASS_WEIGHT if args.class_weight is None else (
        None if args.class_weight == "none" else "balanced")
    if args.clf == "logreg":
        return LogisticRegression(C=args.c or 10.0, class_weight=weight, max_iter=3000)
    return embedded_train.classifier(args.c or embedded_train.SVM_C, weight)


def fold_engine(args: argparse.Namespace, data: TrainingData, texts: list[str],
                labels: np.ndarray) -> EmbeddedNLU:
    """Train the pipeline on one fold's training part and compile it as the runtime does."""
    word, char = embedded_train.vectorizers(tuple(args.word_ngrams), tuple(args.char_ngrams),
                                             args.char_min_df)
    char_matrix = char.fit_transform(texts)
    word_matrix = word.fit_transform(texts) * args.word_weight
    matrix = sparse.hstack([word_matrix, char_matrix]).tocsr()
    clf = fit_classifier(args, matrix, labels, word_matrix.shape[1])
    if args.word_weight != 1.0:  # the runtime feeds unscaled word features: fold the scale in
        coef = clf.coef_.copy()
        coef[:, : word_matrix.shape[1]] *= args.word_weight
        clf = Combined(coef, clf.intercept_, clf.classes_)
    fitted = embedded_train.Fitted(word, char, clf, 1.0, char_matrix.tocsr())
    return EmbeddedNLU(embedded_train.compile_fitted(fitted, texts, data))


def advice_topic(engine: EmbeddedNLU, text: str) -> str:
    """The topic the advice would use for this message (see bot.advice.first_message_advice)."""
    interp = engine.parse(text)
    if interp.topic:
        return interp.topic
    return next((i for i, _ in interp.ranking if i in TOPICS), "geen_integriteit")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # The runtime analyzers read these module constants; keep them in step with the variant.
    embedded.WORD_NGRAMS = tuple(args.word_ngrams)
    embedded.CHAR_NGRAMS = tuple(args.char_ngrams)
    data = load_training_data(args.dialogen)
    raw, label_list = data.pairs()
    prepared, _ = embedded_train.prepare_texts(data, extra=False)
    labels = np.array(label_list)
    if args.no_extra:
        data.extra = []
    everything, all_labels = embedded_train.prepare_texts(data)
    extra_texts = everything[len(prepared):]
    extra_labels = np.array(all_labels[len(prepared):], dtype=labels.dtype)
    truth: list[str] = []
    guess: list[str] = []
    if args.dev:
        engine = fold_engine(args, data, everything, np.array(all_labels))
        for text, topic in dev_examples(args.dev):
            truth.append(topic)
            guess.append(advice_topic(engine, text))
        args.repeats = 1
        scheme = f"trained on all, scored on {len(truth)} dev examples"
    for seed in range(0 if args.dev else args.repeats):
        splitter = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=seed)
        for train_idx, test_idx in splitter.split(prepared, labels):
            engine = fold_engine(args, data, [prepared[i] for i in train_idx] + extra_texts,
                                 np.concatenate([labels[train_idx], extra_labels]))
            for i in test_idx:
                if labels[i] in TOPICS:
                    truth.append(str(labels[i]))
                    guess.append(advice_topic(engine, raw[i]))
        scheme = f"{args.folds}-fold x {args.repeats}"
    print(f"pipeline: clf={args.clf} C={args.c or 'default'} class_weight="
          f"{args.class_weight or embedded_train.CLASS_WEIGHT} word={tuple(args.word_ngrams)} "
          f"char={tuple(args.char_ngrams)} blend={args.blend or 'default'} "
          f"word_weight={args.word_weight} char_min_df={args.char_min_df} "
          f"+{len(extra_texts)} kennisbank texts (training side); {scheme}")
    report(truth, guess, args.repeats, args.confusions, "dev" if args.dev else "CV")
    return 0


def dev_examples(files: list[Path]) -> list[tuple[str, str]]:
    """(text, topic) for every topic example in the given Rasa NLU files."""
    found: list[tuple[str, str]] = []
    for file in files:
        for entry in yaml.safe_load(file.read_text(encoding="utf-8")).get("nlu", []):
            if entry.get("intent") in TOPICS:
                found += [(line.strip()[2:], entry["intent"])
                          for line in entry["examples"].splitlines() if line.strip()]
    return found


def report(truth: list[str], guess: list[str], repeats: int, confusions: int, name: str) -> None:
    """Per-topic precision and recall, accuracy, and the most frequent confusions."""
    pairs = list(zip(truth, guess, strict=True))
    print(f"{'topic':<26}{'n':>5}{'precision':>11}{'recall':>8}")
    for topic in TOPICS:
        tp = sum(1 for t, g in pairs if t == g == topic)
        predicted = guess.count(topic)
        actual = truth.count(topic)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        print(f"{topic:<26}{actual // repeats:>5}{precision:>11.3f}{recall:>8.3f}")
    correct = sum(t == g for t, g in pairs)
    print(f"topic accuracy ({name}): {100.0 * correct / len(pairs):.1f}% of "
          f"{len(pairs) // repeats} topic examples")
    counted = Counter((t, g) for t, g in pairs if t != g)
    if counted and confusions:
        print("most frequent confusions (true -> predicted: count over all repeats):")
        for (t, g), n in counted.most_common(confusions):
            print(f"  {t} -> {g}: {n}")


if __name__ == "__main__":
    raise SystemExit(main())
