"""The real Rasa engine: trained from dialogen/, served by `rasa run` on localhost.

These tests run whenever the Rasa venv exists (`wegwijzer rasa setup`); without it they are
skipped with that reason. A session fixture trains the model if the data changed (minutes) and
starts one `rasa run --enable-api` on a free 127.0.0.1 port for the whole session.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli import build_app
from bot.nlu import rasa_project
from bot.nlu.base import CONVERSATION_INTENTS, TOPICS
from bot.nlu.engines import load_engine
from bot.nlu.rasa_client import RasaNLU
from bot.settings import PROJECT_ROOT, Settings, load_settings

pytestmark = pytest.mark.rasa
KNOWN = set(TOPICS) | set(CONVERSATION_INTENTS)


@pytest.fixture(scope="session")
def rasa_settings() -> Settings:
    settings = load_settings()
    settings.content_dir = PROJECT_ROOT
    if not rasa_project.venv_ready(settings):
        pytest.skip(f"Rasa venv not found at {settings.rasa_venv_path} "
                    "(run `wegwijzer rasa setup` to enable these tests)")
    return settings


@pytest.fixture(scope="session")
def rasa_url(rasa_settings: Settings) -> Iterator[str]:
    with rasa_project.running_server(rasa_settings, log=lambda _m: None) as url:
        yield url


@pytest.fixture(scope="session")
def rasa(rasa_url: str, rasa_settings: Settings) -> RasaNLU:
    return RasaNLU(rasa_url, rasa_settings.confidence_threshold, strict=True)


def test_training_is_skipped_when_the_data_did_not_change(rasa_settings: Settings,
                                                          rasa_url: str) -> None:
    messages: list[str] = []
    path = rasa_project.train(rasa_settings, log=messages.append)
    assert path.exists() and messages == [f"Model is up to date: {path}"]


def test_server_listens_on_localhost_only(rasa_url: str) -> None:
    assert rasa_url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("mn teamleider stuurt me s nachts appjes met hartjes", "ongewenste_omgangsvormen"),
        ("mag ik een kerstpakket van een leverancier houden?", "belangenverstrengeling"),
        ("een collega declareert ritten die hij nooit heeft gereden", "financiele_schending"),
    ],
)
def test_rasa_understands_typical_messages(rasa: RasaNLU, text: str, topic: str) -> None:
    result = rasa.parse(text)
    assert result.intent == topic, result.ranking
    assert result.intent in KNOWN and 0.0 <= result.confidence <= 1.0


def test_same_crisis_layer_and_cues(rasa: RasaNLU) -> None:
    result = rasa.parse("mijn leidinggevende pest me en ik zie het niet meer zitten")
    assert result.crisis is True
    assert result.cues["manager_involved"] == "ja"


@pytest.mark.parametrize("text", ["", "x" * 20000, "\x00\x01\x1b[0m", "😀😀😀", "ja", "hoi"])
def test_odd_input_through_rasa(rasa: RasaNLU, text: str) -> None:
    result = rasa.parse(text)
    assert result.intent in KNOWN
    assert result.topic is None or result.topic in TOPICS


def test_load_engine_connects_to_rasa(rasa_settings: Settings, rasa_url: str) -> None:
    settings = rasa_settings.model_copy(update={"nlu": "rasa", "rasa_url": rasa_url})
    engine = load_engine(settings)
    assert engine.name == "rasa"
    assert engine.parse("bedankt").intent == "thanks"


def test_eval_both_engines_side_by_side(rasa_settings: Settings, rasa_url: str,
                                        tmp_path: Path) -> None:
    cases = yaml.safe_load((PROJECT_ROOT / "evaluatie" / "eval.yml").read_text("utf-8"))[:15]
    small = tmp_path / "klein.yml"
    small.write_text(yaml.safe_dump(cases, allow_unicode=True), encoding="utf-8")
    settings_file = tmp_path / "settings.yml"
    settings_file.write_text(yaml.safe_dump({
        "data_dir": str(rasa_settings.data_dir), "rasa_url": rasa_url,
        "rasa_venv": str(rasa_settings.rasa_venv_path),
    }), encoding="utf-8")
    result = CliRunner().invoke(build_app(), ["eval", str(small), "--nlu", "both",
                                              "--settings", str(settings_file)])
    assert result.exit_code == 0, result.output
    assert "embedded" in result.output and "rasa" in result.output
