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


def load_engine(settings: Settings, engine: str | None = None) -> NLU:
    """The embedded engine by default; `settings.nlu == "rasa"` (or engine="rasa") gives Rasa.

    Building the Rasa client does not contact the service; call `.check()` to fail early with a
    friendly `RasaUnavailable`.
    """
    choice = engine or settings.nlu
    if choice == "rasa":
        from bot.nlu.rasa_client import RasaNLU

        return RasaNLU(settings.rasa_url, threshold=settings.confidence_threshold)
    from bot.nlu.embedded import EmbeddedNLU

    return EmbeddedNLU.from_dialogen(
        dialogen_dir(settings), settings.confidence_threshold, cache_dir(settings)
    )
