"""Measure routing quality on an evaluation file: topic, desks, crisis and the manager cue.

The file is a YAML list in the schema of DESIGN.md's last section. Each case runs through the
same single-message path that `wegwijzer advise --jsonl` uses (`bot.advice.first_message_advice`),
so the figures here are the figures a held-out evaluation would see. The metrics are plain
counts; `render` prints them as rich tables, engines side by side.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bot.content.yamlload import ContentError, ContentProblem, load_yaml
from bot.nlu.base import NLU, TOPICS, Interpretation

FIELDS = ("id", "org", "text", "topic", "also_ok_topics", "good_desks", "bad_desks", "crisis",
          "manager_involved")
NO_TOPIC = "(vraagt)"  # the engine was not sure and would ask


@dataclass(frozen=True)
class EvalCase:
    id: str
    org: str
    text: str
    topic: str
    also_ok_topics: tuple[str, ...]
    good_desks: tuple[str, ...]
    bad_desks: tuple[str, ...]
    crisis: bool
    manager_involved: bool

    def topic_ok(self, predicted: str | None) -> bool:
        return predicted == self.topic or predicted in self.also_ok_topics


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def load_cases(path: Path) -> list[EvalCase]:
    """Read and check an evaluation file; every problem is reported with file:line."""
    loaded = load_yaml(path)
    if not isinstance(loaded.data, list):
        raise ContentError([loaded.problem((), "eval-shape", "expected a YAML list of cases")])
    problems: list[ContentProblem] = []
    cases: list[EvalCase] = []
    seen: set[str] = set()
    for index, item in enumerate(loaded.data):
        where = (index,)
        if not isinstance(item, dict):
            problems.append(loaded.problem(where, "eval-shape", "a case must be a mapping"))
            continue
        missing = [f for f in ("id", "text", "topic") if f not in item]
        if missing:
            problems.append(loaded.problem(where, "eval-field", f"missing {', '.join(missing)}"))
            continue
        unknown = sorted(set(item) - set(FIELDS))
        if unknown:
            problems.append(loaded.problem(where, "eval-field", f"unknown field {unknown[0]}"))
        if not isinstance(item["text"], str):
            problems.append(loaded.problem((index, "text"), "eval-type", "text must be a string"))
            continue
        if item["topic"] not in TOPICS:
            problems.append(loaded.problem((index, "topic"), "eval-topic",
                                           f"unknown topic '{item['topic']}'"))
            continue
        bad_lists = [f for f in ("also_ok_topics", "good_desks", "bad_desks")
                     if not _str_list(item.get(f, []))]
        if bad_lists:
            problems.append(loaded.problem((index, bad_lists[0]), "eval-type",
                                           f"{bad_lists[0]} must be a list of ids"))
            continue
        flags = [f for f in ("crisis", "manager_involved")
                 if not isinstance(item.get(f, False), bool)]
        if flags:
            problems.append(loaded.problem((index, flags[0]), "eval-type",
                                           f"{flags[0]} must be true or false"))
            continue
        ident = str(item["id"])
        if ident in seen:
            problems.append(
                loaded.problem((index, "id"), "eval-duplicate", f"duplicate id {ident}")
            )
        seen.add(ident)
        cases.append(EvalCase(
            ident, str(item.get("org") or "rijk"), item["text"], item["topic"],
            tuple(item.get("also_ok_topics", [])), tuple(item.get("good_desks", [])),
            tuple(item.get("bad_desks", [])), bool(item.get("crisis", False)),
            bool(item.get("manager_involved", False)),
        ))
    if problems:
        raise ContentError(problems)
    if not cases:
        raise ContentError([ContentProblem(loaded.file, 1, "eval-empty", "no cases in the file")])
    return cases


@dataclass
class Prediction:
    topic: str  # the topic the advice used
    confident: bool  # the engine itself was sure (topic at/above threshold)
    desks: list[str]
    crisis: bool
    manager_cue: bool


class _Recording:
    """Wraps an engine so the interpretation behind an advice can be inspected afterwards."""

    def __init__(self, nlu: NLU):
        self.nlu = nlu
        self.name = nlu.name
        self.last: Interpretation | None = None

    def parse(self, text: str) -> Interpretation:
        self.last = self.nlu.parse(text)
        return self.last


def predict_all(nlu: NLU, content: Any, cases: list[EvalCase]) -> list[Prediction]:
    """Run every case through the advice path (or the NLU alone when content is None)."""
    recorder = _Recording(nlu)
    predictions: list[Prediction] = []
    for case in cases:
        if content is not None:
            from bot.advice import first_message_advice

            advice = first_message_advice(content, recorder, case.org, case.text)
            interp = recorder.last or Interpretation("out_of_scope", 0.0)
            topic, desks, crisis = advice.topic, list(advice.desks), bool(advice.crisis)
        else:
            interp = recorder.parse(case.text)
            topic = interp.topic or NO_TOPIC
            desks, crisis = [], interp.crisis
        predictions.append(Prediction(
            topic, interp.topic is not None, desks, crisis,
            interp.cues.get("manager_involved") == "ja",
        ))
    return predictions


@dataclass
class Metrics:
    engine: str
    n: int
    topic_correct: int = 0
    confident: int = 0
    confident_correct: int = 0
    desk_cases: int = 0
    desk_top1: int = 0
    desk_top1_strict: int = 0
    bad_in_two: int = 0
    crisis_cases: int = 0
    crisis_caught: int = 0
    calm_cases: int = 0
    false_alarms: int = 0
    manager_cases: int = 0
    manager_caught: int = 0
    manager_false: int = 0
    per_topic: dict[str, tuple[float, float, int]] = field(default_factory=dict)
    confusion: Counter = field(default_factory=Counter)
    misses: list[tuple[str, str, str]] = field(default_factory=list)

    def pct(self, part: int, whole: int) -> str:
        return f"{100.0 * part / whole:.1f}%" if whole else "n/a"


def compute(engine: str, cases: list[EvalCase], preds: list[Prediction]) -> Metrics:
    m = Metrics(engine, len(cases))
    truth: list[str] = []
    guess: list[str] = []
    for case, pred in zip(cases, preds, strict=True):
        ok = case.topic_ok(pred.topic)
        m.topic_correct += ok
        m.confident += pred.confident
        m.confident_correct += pred.confident and ok
        effective = case.topic if ok else pred.topic
        truth.append(case.topic)
        guess.append(effective)
        m.confusion[(case.topic, effective)] += 1
        if not ok:
            m.misses.append((case.id, case.topic, pred.topic))
        if pred.desks and case.good_desks:
            m.desk_cases += 1
            m.desk_top1 += pred.desks[0] in case.good_desks
            m.desk_top1_strict += pred.desks[0] == case.good_desks[0]
            m.bad_in_two += any(d in case.bad_desks for d in pred.desks[:2])
        if case.crisis:
            m.crisis_cases += 1
            m.crisis_caught += pred.crisis
        else:
            m.calm_cases += 1
            m.false_alarms += pred.crisis
        if case.manager_involved:
            m.manager_cases += 1
            m.manager_caught += pred.manager_cue
        else:
            m.manager_false += pred.manager_cue
    for topic in TOPICS:
        tp = sum(1 for t, g in zip(truth, guess, strict=True) if t == topic and g == topic)
        predicted = sum(1 for g in guess if g == topic)
        actual = sum(1 for t in truth if t == topic)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        m.per_topic[topic] = (precision, recall, actual)
    return m


def summary_rows(m: Metrics) -> list[tuple[str, str]]:
    rows = [
        ("cases", str(m.n)),
        ("topic accuracy", m.pct(m.topic_correct, m.n)),
        ("confident (no question needed)", m.pct(m.confident, m.n)),
        ("accuracy when confident", m.pct(m.confident_correct, m.confident)),
    ]
    if m.desk_cases:
        rows += [
            ("desk top-1 in good_desks", m.pct(m.desk_top1, m.desk_cases)),
            ("desk top-1 = best good desk", m.pct(m.desk_top1_strict, m.desk_cases)),
            ("bad desk among first two", m.pct(m.bad_in_two, m.desk_cases)),
        ]
    rows += [
        ("crisis recall", f"{m.pct(m.crisis_caught, m.crisis_cases)} "
                          f"({m.crisis_caught}/{m.crisis_cases})"),
        ("crisis false alarms", f"{m.pct(m.false_alarms, m.calm_cases)} "
                                f"({m.false_alarms}/{m.calm_cases})"),
        ("manager cue recall", m.pct(m.manager_caught, m.manager_cases)),
        ("manager cue false alarms", m.pct(m.manager_false, m.n - m.manager_cases)),
    ]
    return rows


_SHORT = {t: t[:10] for t in TOPICS}


def render(results: list[Metrics], console: Console, show_misses: bool = False) -> None:
    """Summary side by side, then per engine: per-topic precision/recall and confusion matrix."""
    summary = Table(title="Evaluation", show_lines=False)
    summary.add_column("metric")
    for m in results:
        summary.add_column(m.engine, justify="right")
    rows = [summary_rows(m) for m in results]
    for i, (label, _) in enumerate(rows[0]):
        summary.add_row(label, *[r[i][1] for r in rows])
    console.print(summary)
    for m in results:
        per = Table(title=f"Per topic ({m.engine})")
        per.add_column("topic")
        per.add_column("n", justify="right")
        per.add_column("precision", justify="right")
        per.add_column("recall", justify="right")
        for topic, (p, r, n) in m.per_topic.items():
            per.add_row(topic, str(n), f"{p:.2f}", f"{r:.2f}")
        console.print(per)
        labels = [*TOPICS, *sorted({g for (_, g) in m.confusion if g not in TOPICS})]
        matrix = Table(title=f"Confusion matrix ({m.engine}): rows true, columns predicted")
        matrix.add_column("true \\ pred")
        for label in labels:
            matrix.add_column(_SHORT.get(label, label[:10]), justify="right")
        for t in TOPICS:
            cells = [str(m.confusion.get((t, g), "") or "") for g in labels]
            matrix.add_row(_SHORT[t], *cells)
        console.print(matrix)
        if show_misses and m.misses:
            console.print(f"[bold]Wrong topic ({m.engine}):[/] " + ", ".join(
                f"{i} {t}->{p}" for i, t, p in m.misses))
