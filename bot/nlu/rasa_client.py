"""The optional Rasa engine: a client for a `rasa run --enable-api` service on localhost.

Rasa 3.6 needs Python 3.10, so it runs as its own process (see `wegwijzer rasa serve`) and this
client calls its `/model/parse`. The same crisis layer and cue rules run here first, so safety does
not depend on which engine classifies. When the service is not there the caller gets a
`RasaUnavailable` with a message a person can act on, never a traceback.
"""

from __future__ import annotations

import logging

import httpx

from bot.nlu import crisis, cues, ranking
from bot.nlu.base import TOPICS, Interpretation
from bot.nlu.normalize import MAX_CHARS

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """The Rasa service cannot be reached or answered nonsense; the message says what to do."""


def _friendly(url: str, reason: str) -> str:
    return (
        f"The Rasa NLU service at {url} is not available ({reason}). Start it with "
        "`wegwijzer rasa serve` (after `wegwijzer rasa setup` and `wegwijzer rasa train`), "
        "or use the built-in engine with `--nlu embedded`."
    )


class RasaNLU:
    """Maps Rasa's parse result onto `Interpretation`."""

    name = "rasa"

    def __init__(self, url: str = "http://127.0.0.1:5005", threshold: float = 0.45,
                 timeout: float = 10.0, client: httpx.Client | None = None, strict: bool = False):
        self.url = url.rstrip("/")
        self.threshold = threshold
        # strict: parse raises RasaUnavailable (evaluation, benchmarks). Not strict (the bot):
        # a lost service gives an unsure answer, so the bot asks; crisis and cues still work.
        self.strict = strict
        self._client = client or httpx.Client(timeout=timeout, trust_env=False)

    def check(self) -> None:
        """Raise RasaUnavailable unless the service is up with a model loaded."""
        try:
            response = self._client.get(f"{self.url}/status")
        except httpx.HTTPError as exc:
            raise RasaUnavailable(_friendly(self.url, type(exc).__name__)) from None
        if response.status_code != 200:
            raise RasaUnavailable(_friendly(self.url, f"HTTP {response.status_code}"))
        try:
            loaded = bool(response.json().get("model_file"))
        except ValueError:
            loaded = False
        if not loaded:
            raise RasaUnavailable(_friendly(self.url, "no model loaded"))

    def parse(self, text: str) -> Interpretation:
        """Parse one message. Only in strict mode does a lost service raise RasaUnavailable."""
        text = text if isinstance(text, str) else ""
        is_crisis = crisis.is_crisis(text)
        found = cues.extract(text)
        clean = "".join(ch for ch in text[:MAX_CHARS] if ch.isprintable() or ch in "\n\t").strip()
        if not clean:
            return Interpretation("out_of_scope", 1.0, crisis=is_crisis, cues=found)
        try:
            return self._remote(clean, is_crisis, found)
        except RasaUnavailable:
            if self.strict:
                raise
            log.warning("Rasa service unavailable at %s; answering 'not sure'", self.url)
            return Interpretation("out_of_scope", 0.0, crisis=is_crisis, cues=found)

    def _remote(self, clean: str, is_crisis: bool, found: dict[str, str]) -> Interpretation:
        try:
            response = self._client.post(f"{self.url}/model/parse", json={"text": clean})
        except httpx.HTTPError as exc:
            raise RasaUnavailable(_friendly(self.url, type(exc).__name__)) from None
        if response.status_code != 200:
            raise RasaUnavailable(_friendly(self.url, f"HTTP {response.status_code}"))
        try:
            result = response.json()
        except ValueError:
            raise RasaUnavailable(_friendly(self.url, "answer was not JSON")) from None
        try:
            return self.interpret(result, is_crisis, found)
        except (AttributeError, TypeError, ValueError):
            raise RasaUnavailable(_friendly(self.url, "unexpected answer")) from None

    def interpret(self, result: dict, is_crisis: bool, found: dict[str, str]) -> Interpretation:
        """Turn Rasa's JSON (`intent`, `intent_ranking`) into an Interpretation."""
        intent = result.get("intent") or {}
        full = [
            (str(r.get("name")), float(r.get("confidence") or 0.0))
            for r in (result.get("intent_ranking") or [])
            if isinstance(r, dict)
        ]
        if not full:
            full = [(str(intent.get("name") or "out_of_scope"),
                     float(intent.get("confidence") or 0.0))]
        full = [("out_of_scope" if i == "nlu_fallback" else i, p) for i, p in full]
        full = ranking.adjust(full, len(str(result.get("text") or "").split()))
        top = tuple((i, round(p, 4)) for i, p in full[:5])
        name, confidence = top[0]
        topic = name if name in TOPICS and confidence >= self.threshold else None
        return Interpretation(name, confidence, topic, top, is_crisis, found)

    def close(self) -> None:
        self._client.close()
