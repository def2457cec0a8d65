"""Turn facts (organisation, topic, answers) into ranked desks, each with the reasons that fired.

The ranking is data-driven: a topic gives base weights (kennisbank/onderwerpen.yml), routing rules
shift them or rule desks out (kennisbank/routering.yml), and desks the organisation does not have
are dropped. Every step leaves a reason, so an ico can audit why the bot advised what it did.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.content.loader import Content
from bot.content.schema import Regel, Tekst, Voorwaarde
from bot.nlu.base import NLU

MAX_DESKS = 3
DEFAULT_ORG = "rijk"  # rijksbreed: generic desk types, no ministry-specific promises


@dataclass(frozen=True)
class Reason:
    """Why a desk moved: the rule (or topic) that fired and its explanation."""

    source: str  # "onderwerp:<id>" or "regel:<id>"
    text: Tekst


@dataclass
class AdvisedDesk:
    desk: str
    score: int
    reasons: list[Reason] = field(default_factory=list)


@dataclass(frozen=True)
class Advice:
    desks: tuple[AdvisedDesk, ...]
    excluded: tuple[tuple[str, Reason], ...]  # desks ruled out, and why

    @property
    def desk_ids(self) -> list[str]:
        return [d.desk for d in self.desks]


def matches(cond: Voorwaarde | None, org: str | None, topic: str | None, facts: Mapping) -> bool:
    """True when every part of the condition holds (an empty condition always holds)."""
    if cond is None:
        return True
    if cond.onderwerp and topic not in cond.onderwerp:
        return False
    if cond.organisatie and org not in cond.organisatie:
        return False
    return all(facts.get(name) in values for name, values in cond.feiten.items())


def fired_rules(content: Content, org: str | None, topic: str, facts: Mapping) -> list[Regel]:
    return [r for r in content.regels if matches(r.als, org, topic, facts)]


def advise(content: Content, org: str | None, topic: str, facts: Mapping[str, str]) -> Advice:
    """Rank the desks for this situation, best first, at most three."""
    scores: dict[str, AdvisedDesk] = {}
    for entry in content.onderwerpen[topic].loketten:
        desk = scores.setdefault(entry.loket, AdvisedDesk(entry.loket, 0))
        desk.score += entry.gewicht
        desk.reasons.append(Reason(f"onderwerp:{topic}", entry.reden))
    excluded: dict[str, Reason] = {}
    for regel in fired_rules(content, org, topic, facts):
        reason = Reason(f"regel:{regel.id}", regel.reden)
        for desk_id, delta in regel.gewicht.items():
            desk = scores.setdefault(desk_id, AdvisedDesk(desk_id, 0))
            desk.score += delta
            if delta > 0 and not regel.uitsluiten:  # a ruling-out is explained once, above
                desk.reasons.append(reason)
        for desk_id in regel.uitsluiten:
            excluded.setdefault(desk_id, reason)
    order = {d: i for i, d in enumerate(scores)}
    ranked = sorted(
        (
            d
            for d in scores.values()
            if d.score > 0 and d.desk not in excluded and content.desk_in_org(org, d.desk)
        ),
        key=lambda d: (-d.score, order[d.desk]),
    )
    shown_excluded = tuple((d, r) for d, r in excluded.items() if content.desk_in_org(org, d))
    return Advice(tuple(ranked[:MAX_DESKS]), shown_excluded)


@dataclass(frozen=True)
class FirstAdvice:
    """What the bot would advise on one first message, with no follow-up questions."""

    topic: str
    confidence: float
    desks: list[str]
    crisis: bool
    manager_involved: bool


def first_message_advice(content: Content, nlu: NLU, org: str | None, text: str) -> FirstAdvice:
    """The single-message interface used by `wegwijzer advise --jsonl` and the evaluation."""
    interp = nlu.parse(text)
    topic = interp.topic or _best_topic(content, interp.ranking) or "geen_integriteit"
    org = org if org in content.organisaties else DEFAULT_ORG
    desks = advise(content, org, topic, dict(interp.cues)).desk_ids
    if interp.crisis:
        desks = ["noodhulp", *[d for d in desks if d != "noodhulp"]][:MAX_DESKS]
    return FirstAdvice(topic, round(float(interp.confidence), 4), desks, interp.crisis,
                       interp.cues.get("manager_involved") == "ja")


def _best_topic(content: Content, ranking: tuple[tuple[str, float], ...]) -> str | None:
    """Without a confident topic, the best-ranked topic still gives the likeliest advice."""
    for intent, _score in ranking:
        if intent in content.onderwerpen:
            return intent
    return None
