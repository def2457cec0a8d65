"""Run the optional Rasa engine: its own Python 3.10 venv, training, and a localhost server.

Rasa 3.6 only runs on Python < 3.11, and it is big (about 2.7 GB with TensorFlow), so it lives in a
separate venv (default under the user's data directory) and runs as a separate process that the
bot talks to over HTTP on 127.0.0.1. Everything Rasa writes (its models, its `.rasa` cache) goes
under the data directory too, never into the repository. Telemetry is always off.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bot.settings import Settings

RASA_VERSION = "3.6.21"
PYTHON_VERSION = "3.10"
# Extra pins for the venv. Tests run Rasa as a server from the project venv, so pytest (which
# would need `packaging<21` there, anchors §4.1) is not installed in it.
EXTRA_PINS: tuple[str, ...] = ()

Log = Callable[[str], None]


class RasaSetupError(Exception):
    """Setting up, training or starting Rasa failed; the message says what to do."""


def rasa_env() -> dict[str, str]:
    env = dict(os.environ)
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.pop("PYTHONPATH", None)
    return env


def default_python() -> str:
    """pyenv's 3.10.13: `$(pyenv root)/versions/3.10.13/bin/python`."""
    root = os.environ.get("PYENV_ROOT")
    if not root and shutil.which("pyenv"):
        try:
            root = subprocess.run(
                ["pyenv", "root"], capture_output=True, text=True, timeout=20, check=True
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            root = None
    root = root or str(Path.home() / ".pyenv")
    return str(Path(root) / "versions" / "3.10.13" / "bin" / "python")


def python_for(settings: Settings) -> str:
    return settings.rasa_python or default_python()


def venv_bin(settings: Settings, name: str) -> Path:
    return settings.rasa_venv_path / "bin" / name


def installed_version(settings: Settings) -> str | None:
    """The Rasa version in the venv, read from package metadata (fast: no TensorFlow import)."""
    python = venv_bin(settings, "python")
    if not python.exists():
        return None
    code = "import importlib.metadata as m; print(m.version('rasa'))"
    try:
        done = subprocess.run(
            [str(python), "-c", code], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def venv_ready(settings: Settings) -> bool:
    return installed_version(settings) == RASA_VERSION and venv_bin(settings, "rasa").exists()


def setup(settings: Settings, log: Log = print, python: str | None = None) -> Path:
    """Create the venv with rasa==3.6.21, or reuse it when it is already good (idempotent)."""
    venv = settings.rasa_venv_path
    if venv_ready(settings):
        log(f"Rasa {RASA_VERSION} is already installed in {venv}; nothing to do.")
        return venv
    interpreter = python or python_for(settings)
    if not Path(interpreter).exists():
        raise RasaSetupError(
            f"Python {PYTHON_VERSION} not found at {interpreter}. Install it (for example "
            "`pyenv install 3.10.13`) or set `rasa_python` in the settings."
        )
    version = _python_version(interpreter)
    if not version.startswith(PYTHON_VERSION + "."):
        raise RasaSetupError(
            f"{interpreter} is Python {version or '?'}; Rasa {RASA_VERSION} needs {PYTHON_VERSION}."
        )
    if venv.exists() and not (venv / "bin" / "python").exists():
        raise RasaSetupError(f"{venv} exists but is not a venv; move it away or set `rasa_venv`.")
    venv.parent.mkdir(parents=True, exist_ok=True)
    if not (venv / "bin" / "python").exists():
        log(f"Creating a Python {version} venv in {venv} ...")
        _run([interpreter, "-m", "venv", str(venv)], "creating the venv")
    pip = [str(venv_bin(settings, "python")), "-m", "pip"]
    log(f"Installing rasa=={RASA_VERSION} (about 2.7 GB; this takes a few minutes) ...")
    _run([*pip, "install", "--upgrade", "pip<24"], "upgrading pip")
    _run([*pip, "install", f"rasa=={RASA_VERSION}", *EXTRA_PINS], "installing Rasa")
    if not venv_ready(settings):
        raise RasaSetupError(f"Rasa {RASA_VERSION} did not install correctly in {venv}.")
    log(f"Rasa {RASA_VERSION} is ready in {venv}.")
    return venv


def _python_version(interpreter: str) -> str:
    try:
        done = subprocess.run(
            [interpreter, "-c", "import platform; print(platform.python_version())"],
            capture_output=True, text=True, timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()


def _run(command: list[str], what: str, cwd: Path | None = None) -> None:
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, env=rasa_env(), cwd=cwd, check=False
        )
    except OSError as exc:
        raise RasaSetupError(f"{what} failed: {exc.strerror or exc}") from None
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
        raise RasaSetupError(f"{what} failed (exit {done.returncode}):\n{tail}")


# --- training -------------------------------------------------------------------------------


def project_files(dialogen: Path) -> list[Path]:
    """What a Rasa model is trained from: config, domain and every data file."""
    data = sorted((dialogen / "data").glob("*.yml"))
    return [dialogen / "config.yml", dialogen / "domain.yml", *data]


def project_hash(dialogen: Path) -> str:
    sha = hashlib.sha256(RASA_VERSION.encode())
    for file in project_files(dialogen):
        if file.exists():
            sha.update(file.name.encode())
            sha.update(file.read_bytes())
    return sha.hexdigest()[:16]


def models_dir(settings: Settings) -> Path:
    return settings.data_dir / "rasa-models"


def work_dir(settings: Settings) -> Path:
    """Rasa's working directory (it writes a `.rasa` cache there): outside the repository."""
    path = settings.data_dir / "rasa-work"
    path.mkdir(parents=True, exist_ok=True)
    return path


def model_path(settings: Settings) -> Path:
    dialogen = settings.content_dir / "dialogen"
    return models_dir(settings) / f"wegwijzer-{project_hash(dialogen)}.tar.gz"


def train(settings: Settings, log: Log = print, force: bool = False) -> Path:
    """Train a model for the current data, unless one with the same data hash exists."""
    if not venv_ready(settings):
        raise RasaSetupError("The Rasa venv is missing. Run `wegwijzer rasa setup` first.")
    dialogen = (settings.content_dir / "dialogen").resolve()
    missing = [f.name for f in project_files(dialogen)[:2] if not f.exists()]
    if missing:
        raise RasaSetupError(f"{dialogen} is not a Rasa project: missing {', '.join(missing)}.")
    target = model_path(settings)
    if target.exists() and not force:
        log(f"Model is up to date: {target}")
        return target
    models_dir(settings).mkdir(parents=True, exist_ok=True)
    log("Training the Rasa model (a few minutes) ...")
    started = time.monotonic()
    _run(
        [
            str(venv_bin(settings, "rasa")), "train",
            "--data", str(dialogen / "data"),
            "--domain", str(dialogen / "domain.yml"),
            "--config", str(dialogen / "config.yml"),
            "--out", str(models_dir(settings)),
            "--fixed-model-name", target.name.removesuffix(".tar.gz"),
        ],
        "training the Rasa model",
        cwd=work_dir(settings),
    )
    if not target.exists():
        raise RasaSetupError(f"Rasa finished but {target} was not written.")
    for old in models_dir(settings).glob("wegwijzer-*.tar.gz"):
        if old != target:
            old.unlink(missing_ok=True)
    log(f"Trained in {time.monotonic() - started:.0f} s: {target}")
    return target


# --- serving --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_of(url: str) -> int:
    return httpx.URL(url).port or 5005


def serve_command(settings: Settings, model: Path, port: int) -> list[str]:
    return [
        str(venv_bin(settings, "rasa")), "run", "--enable-api",
        "--interface", "127.0.0.1", "--port", str(port),
        "--model", str(model), "--quiet",
    ]


def wait_ready(url: str, process: subprocess.Popen | None, timeout: float = 300.0) -> None:
    """Poll `/status` until a model is loaded; fail early when the process dies."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=5.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise RasaSetupError(f"`rasa run` stopped (exit {process.returncode}).")
            try:
                response = client.get(f"{url}/status")
                if response.status_code == 200 and response.json().get("model_file"):
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(1.0)
    raise RasaSetupError(f"Rasa did not become ready at {url} within {timeout:.0f} s.")


@contextmanager
def running_server(settings: Settings, log: Log = print, port: int | None = None,
                   timeout: float = 300.0) -> Iterator[str]:
    """Train if needed, start `rasa run` on a free localhost port, yield its URL, stop it."""
    model = train(settings, log)
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    log(f"Starting Rasa on {url} (this takes up to a minute) ...")
    process = subprocess.Popen(
        serve_command(settings, model, port), env=rasa_env(), cwd=work_dir(settings),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        wait_ready(url, process, timeout)
        yield url
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    """Stop our own server process (and only it)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
