"""The interface every NLU engine implements, and the ids it may return."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

TOPICS: tuple[str, ...] = (
    "ongewenste_omgangsvormen",
    "belangenverstrengeling",
    "financiele_schending",
    "informatie",
    "misbruik_bevoegdheden",
    "bedrijfsmiddelen",
    "prive_gedragingen",
    "misstand",
    "arbeidsconflict",
    "geen_integriteit",
)

# Intents that are not topics: small talk, commands in words, and answers the flow asks for.
CONVERSATION_INTENTS: tuple[str, ...] = (
    "greet",
    "goodbye",
    "thanks",
    "stop",
    "help",
    "out_of_scope",
    "affirm",
    "deny",
    "dont_know",
    "wants_talk",
    "wants_report",
)

# Cue names and the values they can take. A cue absent from `Interpretation.cues` is unknown.
CUES: dict[str, tuple[str, ...]] = {
    "manager_involved": ("ja", "nee"),  # the user's own leidinggevende is (part of) the problem
    "goal": ("praten", "melden", "klacht"),  # talk in confidence, report, or file a complaint
    "anonymous": ("ja",),  # wants to stay anonymous
    "relation": ("medewerker", "oud_medewerker", "inhuur"),
    "role": ("omstander", "leidinggevende"),  # asks as a bystander, or as a manager
    "public_interest": ("ja",),
    "health": ("ja",),  # health or wellbeing affected
    "interest_kind": ("nevenwerk", "geschenk", "financieel"),  # side job, gift, financial interest
    "aangifte": ("ja",),  # wants to file a police report
}


@dataclass(frozen=True)
class Interpretation:
    """What an engine made of one message.

    `intent` is a topic id, or one of the conversational intents (greet, thanks, stop, help,
    out_of_scope, affirm, deny, ...). `topic` is set only when the intent is a topic and the
    confidence is at or above the engine's threshold; below it the bot asks instead of guessing.
    """

    intent: str
    confidence: float
    topic: str | None = None
    ranking: tuple[tuple[str, float], ...] = ()
    crisis: bool = False
    cues: dict[str, str] = field(default_factory=dict)


class NLU(Protocol):
    """An engine: parse one message. Must never raise on any string input."""

    name: str

    def parse(self, text: str) -> Interpretation: ...
