"""Deployment settings: one YAML file plus WEGWIJZER_* environment variables.

Everything a deployment may change lives here (paths, thresholds, contact details, the Telegram
token), so that code and content stay the same everywhere. Secrets are never printed: `repr` hides
them and error messages name the setting, not its value.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import platformdirs
import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "WEGWIJZER_"
SETTINGS_ENV = "WEGWIJZER_SETTINGS"
MIN_SUPPRESSION = 5


class SettingsError(Exception):
    """A settings file or variable is wrong; the message says which and why, never a secret."""


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    content_dir: Path = PROJECT_ROOT
    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("wegwijzer")))
    stats_db: Path | None = None  # default: data_dir / "signalen.db"
    period: Literal["month", "week"] = "month"
    suppression_threshold: int = MIN_SUPPRESSION
    language: Literal["nl", "en"] = "nl"
    default_org: str | None = None
    nlu: Literal["embedded", "rasa"] = "embedded"
    confidence_threshold: float = Field(default=0.45, ge=0.0, le=1.0)
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_python: str | None = None  # default: pyenv's 3.10.13
    rasa_venv: Path | None = None  # default: data_dir / "rasa-venv"
    conversation_timeout_minutes: float = Field(default=30.0, gt=0)
    telegram_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    # contacts[org][desk] = how to reach that desk, filled in by a deployment.
    contacts: dict[str, dict[str, str]] = Field(default_factory=dict)

    @field_validator("suppression_threshold")
    @classmethod
    def _only_upward(cls, value: int) -> int:
        if value < MIN_SUPPRESSION:
            raise ValueError(f"may only be raised, never below {MIN_SUPPRESSION}")
        return value

    @property
    def stats_path(self) -> Path:
        return self.stats_db or self.data_dir / "signalen.db"

    @property
    def rasa_venv_path(self) -> Path:
        return self.rasa_venv or self.data_dir / "rasa-venv"

    def contact(self, org: str, desk: str) -> str | None:
        return self.contacts.get(org, {}).get(desk) or self.contacts.get("*", {}).get(desk)


def default_settings_file() -> Path:
    return Path(platformdirs.user_config_dir("wegwijzer")) / "settings.yml"


def load_settings(path: Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read the settings file (if any), then let WEGWIJZER_* variables override single values."""
    env = dict(os.environ if env is None else env)
    explicit = path or (Path(env[SETTINGS_ENV]) if env.get(SETTINGS_ENV) else None)
    file = explicit or default_settings_file()
    data: dict[str, Any] = {}
    if file.exists():
        try:
            loaded = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
            raise SettingsError(f"{file}: cannot read settings ({type(exc).__name__})") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise SettingsError(f"{file}: settings must be a mapping of name: value")
        data.update(loaded or {})
    elif explicit:
        raise SettingsError(f"{file}: settings file not found")
    for name in Settings.model_fields:
        value = env.get(ENV_PREFIX + name.upper())
        if value not in (None, ""):
            data[name] = value
    if env.get("TELEGRAM_BOT_TOKEN"):
        data["telegram_token"] = env["TELEGRAM_BOT_TOKEN"]
    if env.get("TELEGRAM_API_BASE_URL"):
        data["telegram_api_base_url"] = env["TELEGRAM_API_BASE_URL"]
    try:
        return Settings(**data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise SettingsError(f"{file}: {problems}") from None
