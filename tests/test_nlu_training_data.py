"""The Rasa-format training data: read correctly, checked, and rich enough."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content.yamlload import ContentError
from bot.nlu.base import CONVERSATION_INTENTS, TOPICS
from bot.nlu.training_data import (
    MIN_TOPIC_EXAMPLES,
    check_training_data,
    load_training_data,
)
from bot.settings import PROJECT_ROOT

DIALOGEN = PROJECT_ROOT / "dialogen"


def test_repository_data_is_clean() -> None:
    assert check_training_data(DIALOGEN) == []


def test_every_intent_is_trained_and_topics_have_enough_examples() -> None:
    data = load_training_data(DIALOGEN)
    assert set(data.examples) == set(TOPICS) | set(CONVERSATION_INTENTS)
    for topic in TOPICS:
        assert len(data.examples[topic]) >= MIN_TOPIC_EXAMPLES, topic


def test_some_english_in_every_topic() -> None:
    data = load_training_data(DIALOGEN)
    english = ("my ", "i ", "a colleague", "someone", "can i", "my")
    for topic in TOPICS:
        assert any(e.lower().startswith(english) for e in data.examples[topic]), topic


def test_entity_markup_is_stripped_and_synonyms_read(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "nlu.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n'
        "    - hoi [Anna](naam)\n    - hallo [daar]{\"entity\": \"x\"}\n"
        "- synonym: leidinggevende\n  examples: |\n    - baas\n"
        "- lookup: loket\n  examples: |\n    - vertrouwenspersoon\n",
        encoding="utf-8",
    )
    data = load_training_data(tmp_path)
    assert data.examples["greet"] == ["hoi Anna", "hallo daar"]
    assert data.synonyms == {"baas": "leidinggevende"}
    assert data.lookups == {"loket": ["vertrouwenspersoon"]}
    assert data.origins[("greet", "hallo daar")] == (str(tmp_path / "data" / "nlu.yml"), 6)


@pytest.fixture()
def dialogen_copy(tmp_path: Path) -> Path:
    shutil.copytree(DIALOGEN, tmp_path / "dialogen")
    return tmp_path / "dialogen"


def test_duplicate_example_under_two_intents_is_reported_with_line(dialogen_copy: Path) -> None:
    extra = dialogen_copy / "data" / "zz_extra.yml"  # read after the real files
    extra.write_text('version: "3.1"\nnlu:\n- intent: deny\n  examples: |\n    - ja\n',
                     encoding="utf-8")
    problems = check_training_data(dialogen_copy)
    assert [p.kind for p in problems] == ["nlu-duplicate"]
    assert problems[0].file.endswith("zz_extra.yml") and problems[0].line == 5
    assert "'affirm'" in problems[0].message and "'deny'" in problems[0].message


def test_unknown_intent_and_too_few_examples(dialogen_copy: Path) -> None:
    extra = dialogen_copy / "data" / "extra.yml"
    extra.write_text('version: "3.1"\nnlu:\n- intent: gezellig\n  examples: |\n    - gezellig\n',
                     encoding="utf-8")
    for name in ("nlu_misstand.yml", "nlu_verhalen.yml", "nlu_eerste_berichten.yml",
                 "nlu_kort.yml", "nlu_hulpvragen.yml", "nlu_werkplek.yml"):
        (dialogen_copy / "data" / name).unlink()  # every file with misstand examples
    kinds = {(p.kind, p.message.split("'")[1]) for p in check_training_data(dialogen_copy)}
    assert ("nlu-intent", "gezellig") in kinds
    assert ("nlu-examples", "misstand") in kinds


def test_malformed_yaml_gives_file_and_line(dialogen_copy: Path) -> None:
    bad = dialogen_copy / "data" / "kapot.yml"
    bad.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: [unclosed\n',
                   encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_training_data(dialogen_copy)
    problem = caught.value.problems[0]
    assert problem.file.endswith("kapot.yml") and problem.kind == "yaml-syntax"
    assert problem.line >= 4
    assert check_training_data(dialogen_copy)[0].kind == "yaml-syntax"


def test_wrong_shape_is_reported(dialogen_copy: Path) -> None:
    (dialogen_copy / "data" / "vorm.yml").write_text("nlu:\n- just a string\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_training_data(dialogen_copy)
    assert caught.value.problems[0].kind == "nlu-shape"
    assert caught.value.problems[0].line == 2


def test_no_data_files_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        load_training_data(tmp_path)
    assert caught.value.problems[0].kind == "missing"


def test_rasa_project_files_exist_and_name_every_intent() -> None:
    import yaml

    domain = yaml.safe_load((DIALOGEN / "domain.yml").read_text(encoding="utf-8"))
    assert set(domain["intents"]) == set(TOPICS) | set(CONVERSATION_INTENTS)
    config = yaml.safe_load((DIALOGEN / "config.yml").read_text(encoding="utf-8"))
    assert config["language"] == "nl"
    assert any(step["name"] == "DIETClassifier" for step in config["pipeline"])
    for name in ("rules.yml", "stories.yml"):
        data = yaml.safe_load((DIALOGEN / "data" / name).read_text(encoding="utf-8"))
        for block in data.get("rules", []) + data.get("stories", []):
            for step in block["steps"]:
                if "action" in step:
                    assert step["action"] in domain["responses"]
                if "intent" in step:
                    assert step["intent"] in domain["intents"]


def test_kennisbank_texts_are_extra_training_text_and_part_of_the_cache_key(tmp_path):
    """Dilemma situations and topic descriptions train the embedded engine too; editing them
    must retrain it, so they are part of the data digest."""
    import shutil

    from bot.nlu.base import TOPICS
    from bot.nlu.training_data import load_training_data
    from bot.settings import PROJECT_ROOT

    for folder in ("dialogen", "kennisbank"):
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder)
    data = load_training_data(tmp_path / "dialogen")
    assert len(data.extra) > 100
    assert {topic for _, topic in data.extra} <= set(TOPICS)
    topics = tmp_path / "kennisbank" / "onderwerpen.yml"
    topics.write_text(topics.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert load_training_data(tmp_path / "dialogen").digest != data.digest
