"""Shared post-processing of an engine's intent ranking, so both engines behave alike.

Two rules, both about first messages that describe a situation:

- Short-answer intents (ja, nee, hallo, praten, melden, ...) are what people type in reply to a
  question. When a long message ranks such an intent first, the message is a situation that also
  says "I want to talk" or "I want to report" (the cue rules catch that part). Then the ranking
  is taken over the topics (and out_of_scope) only, renormalised: the probability of each topic
  given that the message is not a short answer.
- out_of_scope means "not an integrity question", so `geen_integriteit` is the topic that fits it
  best: it is moved right behind out_of_scope, so a caller looking for the best topic finds it.
"""

from __future__ import annotations

from bot.nlu.base import CONVERSATION_INTENTS, TOPICS

LONG_MESSAGE_WORDS = 8
SHORT_ANSWERS = frozenset(CONVERSATION_INTENTS) - {"out_of_scope"}
_SITUATION = frozenset(TOPICS) | {"out_of_scope"}

Ranking = list[tuple[str, float]]


def adjust(ranking: Ranking, word_count: int) -> Ranking:
    """Apply both rules to a full ranking (best first); returns a new list."""
    ranking = list(ranking)
    if not ranking:
        return ranking
    if word_count >= LONG_MESSAGE_WORDS and ranking[0][0] in SHORT_ANSWERS:
        situation = [(i, p) for i, p in ranking if i in _SITUATION]
        mass = sum(p for _, p in situation)
        if mass > 0:
            ranking = sorted(((i, p / mass) for i, p in situation), key=lambda x: -x[1])
    if ranking[0][0] == "out_of_scope":
        rest = [r for r in ranking[1:] if r[0] != "geen_integriteit"]
        geen = [r for r in ranking[1:] if r[0] == "geen_integriteit"] or [("geen_integriteit", 0.0)]
        ranking = [ranking[0], *geen, *rest]
    return ranking
