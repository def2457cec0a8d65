"""The Rasa client without a Rasa server: clear errors, and the mapping of Rasa's answer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli import build_app
from bot.nlu.engines import load_engine
from bot.nlu.rasa_client import RasaNLU, RasaUnavailable
from bot.nlu.rasa_project import free_port
from bot.settings import Settings

runner = CliRunner()


@pytest.fixture()
def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


def test_check_on_a_dead_port_is_friendly(dead_url: str) -> None:
    with pytest.raises(RasaUnavailable) as caught:
        RasaNLU(dead_url).check()
    message = str(caught.value)
    assert dead_url in message and "wegwijzer rasa serve" in message and "--nlu embedded" in message


def test_load_engine_fails_early_with_the_friendly_error(tmp_path: Path, dead_url: str) -> None:
    with pytest.raises(RasaUnavailable):
        load_engine(Settings(data_dir=tmp_path, nlu="rasa", rasa_url=dead_url))


def test_strict_parse_raises_and_lenient_parse_still_does_safety(dead_url: str) -> None:
    with pytest.raises(RasaUnavailable):
        RasaNLU(dead_url, strict=True).parse("mijn collega pest me")
    result = RasaNLU(dead_url).parse("mijn baas pest me en ik zie het niet meer zitten")
    assert result.topic is None and result.confidence == 0.0
    assert result.crisis is True
    assert result.cues["manager_involved"] == "ja"


def test_empty_input_needs_no_server(dead_url: str) -> None:
    assert RasaNLU(dead_url, strict=True).parse("\x00\x01  ").intent == "out_of_scope"


def _rasa_answer(name: str, confidence: float, text: str = "kort") -> dict:
    return {
        "text": text,
        "intent": {"name": name, "confidence": confidence},
        "intent_ranking": [
            {"name": name, "confidence": confidence},
            {"name": "geen_integriteit", "confidence": 1 - confidence},
        ],
        "entities": [],
    }


def test_interpret_maps_topic_and_threshold() -> None:
    client = RasaNLU(threshold=0.5)
    sure = client.interpret(_rasa_answer("misstand", 0.9), False, {})
    assert (sure.intent, sure.topic, sure.confidence) == ("misstand", "misstand", 0.9)
    unsure = client.interpret(_rasa_answer("misstand", 0.4), True, {"goal": "melden"})
    assert unsure.topic is None and unsure.crisis and unsure.cues == {"goal": "melden"}
    fallback = client.interpret(_rasa_answer("nlu_fallback", 0.7), False, {})
    assert fallback.intent == "out_of_scope" and fallback.topic is None


class _Nonsense(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self._send(b"<html>not rasa</html>")

    def do_POST(self) -> None:  # noqa: N802
        self._send(b"[1, 2, 3]" if self.path == "/model/parse" else b"?")

    def _send(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def nonsense_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Nonsense)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_server_that_is_not_rasa_gives_a_clear_error(nonsense_server: str) -> None:
    client = RasaNLU(nonsense_server, strict=True)
    with pytest.raises(RasaUnavailable, match="no model loaded"):
        client.check()
    with pytest.raises(RasaUnavailable, match="unexpected answer"):
        client.parse("mijn collega pest me")


def _settings_file(tmp_path: Path, **values: str) -> Path:
    path = tmp_path / "settings.yml"
    path.write_text(yaml.safe_dump({"data_dir": str(tmp_path / "data"), **values}),
                    encoding="utf-8")
    return path


def test_rasa_train_without_venv_says_to_run_setup(tmp_path: Path) -> None:
    settings = _settings_file(tmp_path, rasa_venv=str(tmp_path / "geen-venv"))
    result = runner.invoke(build_app(), ["rasa", "train", "--settings", str(settings)])
    assert result.exit_code == 1
    assert "wegwijzer rasa setup" in result.output and "Traceback" not in result.output


def test_rasa_setup_with_a_missing_interpreter_is_clear(tmp_path: Path) -> None:
    settings = _settings_file(tmp_path, rasa_venv=str(tmp_path / "venv"),
                              rasa_python=str(tmp_path / "python3.10"))
    result = runner.invoke(build_app(), ["rasa", "setup", "--settings", str(settings)])
    assert result.exit_code == 1
    assert "not found" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "venv").exists()


def test_rasa_setup_refuses_a_wrong_python_version(tmp_path: Path) -> None:
    import sys

    settings = _settings_file(tmp_path, rasa_venv=str(tmp_path / "venv"),
                              rasa_python=sys.executable)
    result = runner.invoke(build_app(), ["rasa", "setup", "--settings", str(settings)])
    assert result.exit_code == 1
    assert "needs 3.10" in result.output


def test_rasa_serve_without_venv_is_clear(tmp_path: Path) -> None:
    settings = _settings_file(tmp_path, rasa_venv=str(tmp_path / "geen-venv"))
    result = runner.invoke(build_app(), ["rasa", "serve", "--settings", str(settings)])
    assert result.exit_code == 1 and "wegwijzer rasa setup" in result.output
