"""`wegwijzer eval` and `bench`: the evaluation file, the metrics, and clear messages."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli import build_app
from bot.content.yamlload import ContentError
from bot.nlu.base import TOPICS
from bot.nlu.evaluate import EvalCase, Prediction, compute, load_cases
from bot.settings import PROJECT_ROOT

EVAL = PROJECT_ROOT / "evaluatie" / "eval.yml"
runner = CliRunner()


def _settings_file(tmp_path: Path, **extra: str) -> Path:
    path = tmp_path / "settings.yml"
    data = {"data_dir": str(tmp_path / "data"), **extra}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_the_projects_evaluation_set_is_valid_and_broad() -> None:
    cases = load_cases(EVAL)
    assert len(cases) >= 200
    assert {c.org for c in cases} == {"rijk", "bzk", "financien", "ezk_lnv"}
    assert {c.topic for c in cases} == set(TOPICS)
    assert sum(c.crisis for c in cases) >= 10
    assert sum(c.manager_involved for c in cases) >= 20
    assert len({c.id for c in cases}) == len(cases)


def test_evaluation_set_is_not_training_data() -> None:
    from bot.nlu.normalize import normalize
    from bot.nlu.training_data import load_training_data

    data = load_training_data(PROJECT_ROOT / "dialogen")
    trained = {normalize(t) for items in data.examples.values() for t in items}
    assert not [c.id for c in load_cases(EVAL) if normalize(c.text) in trained]


@pytest.mark.parametrize(
    ("content", "kind", "line"),
    [
        ("- id: a\n  text: hoi\n  topic: onbekend\n", "eval-topic", 3),
        ("- id: a\n  text: [1, 2]\n  topic: misstand\n", "eval-type", 2),
        ("- id: a\n  topic: misstand\n", "eval-field", 1),
        ("- id: a\n  text: x\n  topic: misstand\n  crisis: misschien\n", "eval-type", 4),
        ("- id: a\n  text: x\n  topic: misstand\n  good_desks: vp\n", "eval-type", 4),
        ("id: a\n", "eval-shape", 1),
        ("- id: a\n  text: 'x\n", "yaml-syntax", 3),
        ("[]\n", "eval-empty", 1),
        ("- id: a\n  text: x\n  topic: misstand\n- id: a\n  text: y\n  topic: misstand\n",
         "eval-duplicate", 4),
    ],
)
def test_malformed_files_say_file_and_line(tmp_path: Path, content: str, kind: str,
                                           line: int) -> None:
    path = tmp_path / "eval.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_cases(path)
    problem = caught.value.problems[0]
    assert problem.kind == kind
    # an unclosed quote is reported where it starts or where the file ends
    assert problem.line == line or (kind == "yaml-syntax" and problem.line in (2, 3))


def _case(topic: str, good=("vertrouwenspersoon",), bad=("leidinggevende",), crisis=False,
          also=(), manager=False) -> EvalCase:
    return EvalCase("x", "rijk", "tekst", topic, tuple(also), tuple(good), tuple(bad), crisis,
                    manager)


def test_metrics_are_counted_by_hand() -> None:
    cases = [
        _case("misstand"),
        _case("misstand", also=("informatie",)),
        _case("informatie", crisis=True, manager=True),
        _case("arbeidsconflict"),
    ]
    preds = [
        Prediction("misstand", True, ["vertrouwenspersoon"], False, False),
        Prediction("informatie", True, ["integriteitscoordinator", "leidinggevende"], False, False),
        Prediction("informatie", False, ["noodhulp"], False, True),
        Prediction("misstand", True, ["leidinggevende"], True, True),
    ]
    m = compute("test", cases, preds)
    assert m.topic_correct == 3
    assert m.confident == 3 and m.confident_correct == 2
    assert (m.desk_cases, m.desk_top1, m.bad_in_two) == (4, 1, 2)
    assert (m.crisis_cases, m.crisis_caught) == (1, 0)
    assert (m.calm_cases, m.false_alarms) == (3, 1)
    assert (m.manager_cases, m.manager_caught, m.manager_false) == (1, 1, 1)
    precision, recall, n = m.per_topic["misstand"]
    assert (round(precision, 2), recall, n) == (0.67, 1.0, 2)
    assert m.confusion[("arbeidsconflict", "misstand")] == 1
    assert m.misses == [("x", "arbeidsconflict", "misstand")]


def test_eval_command_prints_the_tables(tmp_path: Path) -> None:
    cases = yaml.safe_load(EVAL.read_text(encoding="utf-8"))[:12]
    small = tmp_path / "klein.yml"
    small.write_text(yaml.safe_dump(cases, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(build_app(), ["eval", str(small), "--settings",
                                         str(_settings_file(tmp_path))])
    assert result.exit_code == 0, result.output
    for heading in ("topic accuracy", "desk top-1", "bad desk among first two",
                    "crisis recall", "crisis false alarms", "Per topic", "Confusion matrix"):
        assert heading in result.output


def test_eval_command_reports_a_malformed_file_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "kapot.yml"
    bad.write_text("- id: a\n  text: hoi\n  topic: verkeerd\n", encoding="utf-8")
    result = runner.invoke(build_app(), ["eval", str(bad), "--settings",
                                         str(_settings_file(tmp_path))])
    assert result.exit_code == 2
    assert f"{bad}:3" in result.output and "unknown topic" in result.output
    assert "Traceback" not in result.output


def test_eval_with_rasa_down_gives_a_friendly_message(tmp_path: Path) -> None:
    from bot.nlu.rasa_project import free_port

    settings = _settings_file(tmp_path, rasa_url=f"http://127.0.0.1:{free_port()}")
    result = runner.invoke(build_app(), ["eval", str(EVAL), "--nlu", "rasa", "--no-start-rasa",
                                         "--settings", str(settings)])
    assert result.exit_code == 1
    assert "not available" in result.output and "wegwijzer rasa serve" in result.output
    assert "Traceback" not in result.output


def test_bench_measures_the_embedded_engine(tmp_path: Path) -> None:
    result = runner.invoke(build_app(), ["bench", "--nlu", "embedded", "--count", "30",
                                         "--settings", str(_settings_file(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "embedded" in result.output and "p99 ms" in result.output
    assert "embedded, no cache" in result.output  # the cold start is measured too
    assert "failed" not in result.output
