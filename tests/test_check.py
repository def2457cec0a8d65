"""`wegwijzer check`: each kind of content error is caught and reported as file:line."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bot.content.loader import load_content
from bot.content.yamlload import ContentError
from bot.core.conversation import TEXT_IDS


def edit(root: Path, name: str, change: Callable[[dict], object]) -> Path:
    """Load a content file, change its data, write it back as YAML."""
    path = root / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def problems_of(root: Path) -> list:
    with pytest.raises(ContentError) as caught:
        load_content(root, required_texts=TEXT_IDS)
    return caught.value.problems


def the_problem(root: Path, kind: str):
    found = [p for p in problems_of(root) if p.kind == kind]
    assert found, f"no {kind} problem"
    return found[0]


def line_of(path: Path, line: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[line - 1]


def desk(data: dict, desk_id: str) -> dict:
    return next(d for d in data["loketten"] if d["id"] == desk_id)


def topic(data: dict, topic_id: str) -> dict:
    return next(t for t in data["onderwerpen"] if t["id"] == topic_id)


def test_the_shipped_content_is_valid(content):
    assert content.version.startswith(content.meta.versie)
    assert set(content.onderwerpen) >= {"ongewenste_omgangsvormen", "misstand", "geen_integriteit"}


def test_yaml_syntax_error_names_the_line(content_copy):
    path = content_copy / "kennisbank/routering.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[10] = "    gewicht: {vertrouwenspersoon: 10"
    path.write_text("\n".join(lines), encoding="utf-8")
    problem = the_problem(content_copy, "yaml-syntax")
    assert problem.file == "kennisbank/routering.yml" and 10 <= problem.line <= 13


def test_binary_file_is_an_encoding_error(content_copy):
    (content_copy / "dialogen/vragen.yml").write_bytes(b"vragen:\n  - id: \xff\xfe\x00\x01\n")
    assert the_problem(content_copy, "encoding").file == "dialogen/vragen.yml"


def test_missing_file(content_copy):
    (content_copy / "kennisbank/routering.yml").unlink()
    assert the_problem(content_copy, "missing-file").file == "kennisbank/routering.yml"


def test_wrong_type(content_copy):
    edit(content_copy, "kennisbank/organisaties.yml", lambda d: d.update(organisaties="bzk"))
    assert the_problem(content_copy, "wrong-type").file == "kennisbank/organisaties.yml"


def test_empty_file_is_not_a_mapping(content_copy):
    (content_copy / "kennisbank/meta.yml").write_text("", encoding="utf-8")
    assert the_problem(content_copy, "wrong-type").file == "kennisbank/meta.yml"


def test_missing_field_points_at_the_desk(content_copy):
    path = edit(content_copy, "kennisbank/loketten.yml", lambda d: desk(d, "cif").pop("kort"))
    problem = the_problem(content_copy, "missing-field")
    assert "kort" in problem.message
    assert "id: cif" in line_of(path, problem.line) or "cif" in problem.message


def test_unknown_field_is_a_typo(content_copy):
    path = edit(
        content_copy,
        "kennisbank/loketten.yml",
        lambda d: desk(d, "vertrouwenspersoon").update(vertrouwlijk_typo="x"),
    )
    problem = the_problem(content_copy, "unknown-field")
    assert "vertrouwlijk_typo" in line_of(path, problem.line)


def test_missing_translation(content_copy):
    path = edit(
        content_copy,
        "kennisbank/onderwerpen.yml",
        lambda d: topic(d, "misstand")["uitleg"].pop("en"),
    )
    problem = the_problem(content_copy, "missing-translation")
    assert "uitleg" in problem.message
    assert "uitleg" in line_of(path, problem.line) or "nl:" in line_of(path, problem.line)


def test_empty_translation(content_copy):
    edit(content_copy, "dialogen/teksten.yml", lambda d: d["teksten"]["welcome"].update(en="  "))
    assert "welcome" in the_problem(content_copy, "missing-translation").message


def test_duplicate_desk_id(content_copy):
    edit(
        content_copy,
        "kennisbank/loketten.yml",
        lambda d: d["loketten"].append(dict(d["loketten"][0])),
    )
    assert the_problem(content_copy, "duplicate-id").file == "kennisbank/loketten.yml"


def test_unknown_desk_in_a_topic(content_copy):
    path = edit(
        content_copy,
        "kennisbank/onderwerpen.yml",
        lambda d: topic(d, "informatie")["loketten"][0].update(loket="ombudsman_x"),
    )
    problem = the_problem(content_copy, "unknown-desk")
    assert "ombudsman_x" in line_of(path, problem.line)


def test_unknown_desk_in_a_rule(content_copy):
    edit(
        content_copy,
        "kennisbank/routering.yml",
        lambda d: d["regels"][0].update(uitsluiten=["baas"]),
    )
    assert "baas" in the_problem(content_copy, "unknown-desk").message


def test_topic_without_desk(content_copy):
    edit(
        content_copy,
        "kennisbank/onderwerpen.yml",
        lambda d: topic(d, "misstand").update(loketten=[]),
    )
    assert "misstand" in the_problem(content_copy, "topic-without-desk").message


def test_organisation_without_vertrouwenspersoon(content_copy):
    def drop_vp(data: dict) -> None:
        org = next(o for o in data["organisaties"] if o["id"] == "ezk_lnv")
        org["loketten"] = [e for e in org["loketten"] if e["loket"] != "vertrouwenspersoon"]

    edit(content_copy, "kennisbank/organisaties.yml", drop_vp)
    assert "ezk_lnv" in the_problem(content_copy, "org-without-vertrouwenspersoon").message


def test_missing_topic(content_copy):
    edit(
        content_copy,
        "kennisbank/onderwerpen.yml",
        lambda d: d.update(onderwerpen=[t for t in d["onderwerpen"] if t["id"] != "misstand"]),
    )
    assert "misstand" in the_problem(content_copy, "missing-topic").message


def test_unknown_topic_in_a_rule(content_copy):
    edit(
        content_copy,
        "kennisbank/routering.yml",
        lambda d: d["regels"][0]["als"].update(onderwerp=["pesterij"]),
    )
    assert "pesterij" in the_problem(content_copy, "unknown-topic").message


def test_unknown_organisation_in_a_rule(content_copy):
    edit(
        content_copy,
        "kennisbank/routering.yml",
        lambda d: d["regels"][0]["als"].update(organisatie=["defensie"]),
    )
    assert "defensie" in the_problem(content_copy, "unknown-org").message


def test_unknown_question_in_a_topic(content_copy):
    edit(
        content_copy,
        "kennisbank/onderwerpen.yml",
        lambda d: topic(d, "informatie")["vragen"].append("schoenmaat"),
    )
    assert "schoenmaat" in the_problem(content_copy, "unknown-question").message


def test_unknown_fact_in_a_question(content_copy):
    edit(content_copy, "dialogen/vragen.yml", lambda d: d["vragen"][0].update(feit="schoenmaat"))
    assert "schoenmaat" in the_problem(content_copy, "unknown-fact").message


def test_rule_on_a_value_no_question_can_give(content_copy):
    edit(
        content_copy,
        "kennisbank/routering.yml",
        lambda d: d["regels"][0]["als"].update(feiten={"manager_involved": "misschien"}),
    )
    assert "misschien" in the_problem(content_copy, "unknown-option").message


def test_placeholder_mismatch_between_languages(content_copy):
    edit(
        content_copy,
        "dialogen/teksten.yml",
        lambda d: d["teksten"]["advice_excluded"].update(en="Why not {loket}: {reason}"),
    )
    assert "advice_excluded" in the_problem(content_copy, "placeholder-mismatch").message


def test_text_used_by_the_bot_is_missing(content_copy):
    edit(content_copy, "dialogen/teksten.yml", lambda d: d["teksten"].pop("goodbye"))
    assert "goodbye" in the_problem(content_copy, "missing-text").message


def test_invalid_value(content_copy):
    edit(
        content_copy,
        "kennisbank/onderwerpen.yml",
        lambda d: topic(d, "informatie")["loketten"][0].update(gewicht=500),
    )
    assert the_problem(content_copy, "invalid-value").file == "kennisbank/onderwerpen.yml"


def test_all_problems_are_reported_in_one_run(content_copy):
    edit(content_copy, "dialogen/vragen.yml", lambda d: d["vragen"][0].update(feit="schoenmaat"))
    edit(content_copy, "dialogen/teksten.yml", lambda d: d["teksten"].pop("goodbye"))
    kinds = {p.kind for p in problems_of(content_copy)}
    assert {"unknown-fact", "missing-text"} <= kinds


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=120
    )


def test_check_command_prints_file_and_line(content_copy):
    edit(
        content_copy,
        "kennisbank/onderwerpen.yml",
        lambda d: topic(d, "misstand").update(loketten=[]),
    )
    result = run_cli("check", "--content", str(content_copy))
    assert result.returncode == 1
    assert "kennisbank/onderwerpen.yml:" in result.stderr
    assert "topic-without-desk" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_command_passes_on_shipped_content():
    result = run_cli("check")
    assert result.returncode == 0, result.stderr
    assert "Content OK" in result.stdout


def test_start_up_refuses_broken_content(content_copy):
    (content_copy / "kennisbank/loketten.yml").write_text("loketten: [", encoding="utf-8")
    result = run_cli("chat", "--content", str(content_copy))
    assert result.returncode == 2
    assert "kennisbank/loketten.yml:1" in result.stderr
    assert "Not starting" in result.stderr and "Traceback" not in result.stderr
