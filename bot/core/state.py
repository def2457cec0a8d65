"""The state of one conversation: small, immutable, and held in memory only."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bot.core.replies import Option

STEPS = ("new", "org", "story", "confirm", "pick", "question", "advice")


@dataclass(frozen=True)
class State:
    """Where the conversation is, and the facts it has gathered (no message text is kept)."""

    step: str = "new"
    lang: str = "nl"
    org: str | None = None
    preset_org: str | None = None  # set in advance by the channel or settings; kept on /start
    topic: str | None = None
    candidate: str | None = None  # a topic guessed from free text, waiting for confirmation
    facts: tuple[tuple[str, str], ...] = ()
    question: str | None = None
    options: tuple[Option, ...] = ()  # what the last prompt offered; numbers refer to these
    counted: bool = False
    advised: tuple[str, ...] = ()
    misses: int = 0  # messages in a row we could not understand
    practice: Any = None  # a dilemma practice state while practising
    seed: int = 0

    @property
    def fact_map(self) -> dict[str, str]:
        return dict(self.facts)

    def with_facts(self, new: dict[str, str], overwrite: bool = False) -> State:
        merged = dict(self.facts)
        for name, value in new.items():
            if overwrite or name not in merged:
                merged[name] = value
        return replace(self, facts=tuple(sorted(merged.items())))
