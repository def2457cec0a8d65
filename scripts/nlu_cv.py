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
    .venv/bin/python scripts/nlu_cv.py --clf logreg --c 20
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np
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
    p.add_argument("--clf", choices=["svc", "logreg"], default="svc")
    p.add_argument("--c", type=float, default=None, help="regularisation C (default: engine's)")
    p.add_argument("--class-weight", choices=["balanced", "none"], default=None)
    p.add_argument("--word-ngrams", type=int, nargs=2, default=list(embedded.WORD_NGRAMS))
    p.add_argument("--char-ngrams", type=int, nargs=2, default=list(embedded.CHAR_NGRAMS))
    p.add_argument("--confusions", type=int, default=12, help="most frequent confusions shown")
    return p.parse_args(argv)


def make_classifier(args: argparse.Namespace):
    weight = embedded_train.CLASS_WEIGHT if args.class_weight is None else (
        None if args.class_weight == "none" else "balanced")
    if args.clf == "logreg":
        return LogisticRegression(C=args.c or 10.0, class_weight=weight, max_iter=3000)
    return embedded_train.classifier(args.c or embedded_train.SVM_C, weight)


def fold_engine(args: argparse.Namespace, data: TrainingData, texts: list[str],
                labels: np.ndarray) -> EmbeddedNLU:
    """Train the pipeline on one fold's training part and compile it as the runtime does."""
    word, char = embedded_train.vectorizers(tuple(args.word_ngrams), tuple(args.char_ngrams))
    char_matrix = char.fit_transform(texts)
    matrix = sparse.hstack([word.fit_transform(texts), char_matrix]).tocsr()
    clf = make_classifier(args).fit(matrix, labels)
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
    prepared, _ = embedded_train.prepare_texts(data)
    labels = np.array(label_list)
    truth: list[str] = []
    guess: list[str] = []
    for seed in range(args.repeats):
        splitter = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=seed)
        for train_idx, test_idx in splitter.split(prepared, labels):
            engine = fold_engine(args, data, [prepared[i] for i in train_idx], labels[train_idx])
            for i in test_idx:
                if labels[i] in TOPICS:
                    truth.append(str(labels[i]))
                    guess.append(advice_topic(engine, raw[i]))
    total = len(truth)
    correct = sum(t == g for t, g in zip(truth, guess, strict=True))
    print(f"pipeline: clf={args.clf} C={args.c or 'default'} class_weight="
          f"{args.class_weight or embedded_train.CLASS_WEIGHT} word={tuple(args.word_ngrams)} "
          f"char={tuple(args.char_ngrams)}; {args.folds}-fold x {args.repeats}")
    print(f"{'topic':<26}{'n':>5}{'precision':>11}{'recall':>8}")
    for topic in TOPICS:
        tp = sum(1 for t, g in zip(truth, guess, strict=True) if t == g == topic)
        predicted = guess.count(topic)
        actual = truth.count(topic)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        print(f"{topic:<26}{actual // args.repeats:>5}{precision:>11.3f}{recall:>8.3f}")
    print(f"topic accuracy (CV): {100.0 * correct / total:.1f}% of {total // args.repeats} "
          "topic examples")
    confusions = Counter((t, g) for t, g in zip(truth, guess, strict=True) if t != g)
    if confusions and args.confusions:
        print("most frequent confusions (true -> predicted: count over all repeats):")
        for (t, g), n in confusions.most_common(args.confusions):
            print(f"  {t} -> {g}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
