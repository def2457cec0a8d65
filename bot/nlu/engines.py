"""Pick and build the NLU engine a deployment asked for."""

from __future__ import annotations

from pathlib import Path

from bot.nlu.base import NLU
from bot.settings import Settings


def dialogen_dir(settings: Settings) -> Path:
    return settings.content_dir / "dialogen"


def cache_dir(settings: Settings) -> Path:
    """Where trained models are kept (only training data goes in, never user text)."""
    return settings.data_dir / "nlu-cache"


def load_engine(settings: Settings, engine: str | None = None, strict: bool = False) -> NLU:
    """The embedded engine by default; `settings.nlu == "rasa"` (or engine="rasa") gives Rasa.

    For Rasa the service is contacted once here: when it is not there, `RasaUnavailable` (a
    friendly message saying how to start it) is raised at start-up rather than mid-conversation.
    """
    choice = engine or settings.nlu
    if choice == "rasa":
        from bot.nlu.rasa_client import RasaNLU

        client = RasaNLU(settings.rasa_url, settings.confidence_threshold, strict=strict)
        client.check()
        return client
    from bot.nlu.embedded import EmbeddedNLU

    return EmbeddedNLU.from_dialogen(
        dialogen_dir(settings), settings.confidence_threshold, cache_dir(settings)
    )
