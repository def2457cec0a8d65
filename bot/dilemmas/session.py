"""A facilitated session as a pure state machine: show, count the room's votes, reveal, move on.

The terminal screen (`sessie_screen`) and the Telegram group session drive the same machine:
the terminal types counts per option, a group hands over a closed poll's counts with
`with_counts`. Keys: Enter/v = type votes, o = reveal without votes, n = next, b = back,
s = skip, q = quit. Each dilemma's votes are recorded at most once per session.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from bot.dilemmas.library import DilemmaLibrary
from bot.dilemmas.model import Dilemma
from bot.dilemmas.replies import counts_by_option

MAX_VOTES = 9999  # more than any room; a larger number is a typing slip
DEFAULT_PLAN = "onboarding"

QUESTION, ENTRY, REVEALED, ENDED = "vraag", "invoer", "onthuld", "einde"


@dataclass(frozen=True)
class RecordVotes:
    """Effect: add these counts for a dilemma to the anonymous statistics."""

    dilemma_id: str
    counts: tuple[tuple[str, int], ...]  # (option id, votes)


@dataclass(frozen=True)
class SessionState:
    plan: tuple[str, ...]
    index: int = 0
    phase: str = QUESTION
    entry: tuple[int, ...] = ()  # counts typed so far for the current dilemma, in option order
    results: tuple[tuple[str, tuple[int, ...]], ...] = ()  # dilemma id -> counts (this session)
    notice: str | None = None  # text id of a kind remark about the last input

    @property
    def current_id(self) -> str | None:
        return self.plan[self.index] if 0 <= self.index < len(self.plan) else None

    def counts(self, dilemma_id: str) -> tuple[int, ...] | None:
        return dict(self.results).get(dilemma_id)


def current(library: DilemmaLibrary, state: SessionState) -> Dilemma | None:
    return library.get(state.current_id) if state.current_id else None


def start_session(plan: Sequence[str]) -> SessionState:
    return SessionState(plan=tuple(plan), phase=QUESTION if plan else ENDED)


def _go(state: SessionState, index: int) -> SessionState:
    """Move to a dilemma; one that already has votes opens at its reveal (votes count once)."""
    if index >= len(state.plan):
        return replace(state, index=len(state.plan), phase=ENDED, entry=(), notice=None)
    dilemma_id = state.plan[index]
    phase = REVEALED if state.counts(dilemma_id) is not None else QUESTION
    return replace(state, index=index, phase=phase, entry=(), notice=None)


def _back(state: SessionState) -> SessionState:
    if state.index == 0:
        return replace(state, notice="dilemma_sessie_al_eerste")
    return _go(state, state.index - 1)


def with_counts(
    library: DilemmaLibrary, state: SessionState, counts: Mapping[str, int] | Sequence[int]
) -> tuple[SessionState, list[RecordVotes]]:
    """Store the room's counts for the current dilemma and reveal it (a group's closed poll)."""
    dilemma = current(library, state)
    if dilemma is None:
        return state, []
    values = tuple(counts_by_option(dilemma, counts))
    if state.counts(dilemma.id) is not None:  # already recorded: show, never count twice
        return replace(state, phase=REVEALED, entry=(), notice=None), []
    results = (*state.results, (dilemma.id, values))
    new = replace(state, phase=REVEALED, entry=(), results=results, notice=None)
    pairs = tuple((o.id, v) for o, v in zip(dilemma.opties, values, strict=True))
    effects = [RecordVotes(dilemma.id, pairs)] if sum(values) else []
    return new, effects


def reveal_without_votes(state: SessionState) -> SessionState:
    return replace(state, phase=REVEALED, entry=(), notice=None)


def step(
    library: DilemmaLibrary, state: SessionState, key: str
) -> tuple[SessionState, list[RecordVotes]]:
    """One line typed by the facilitator."""
    word = key.strip().lower()[:20]
    if state.phase == ENDED:
        return state, []
    if word in ("q", "quit", "stop"):
        return replace(state, phase=ENDED, entry=(), notice=None), []
    if state.phase == QUESTION:
        if word in ("", "v"):
            return replace(state, phase=ENTRY, entry=(), notice=None), []
        if word == "o":
            return reveal_without_votes(state), []
        if word in ("s", "n"):
            return _go(state, state.index + 1), []
        if word == "b":
            return _back(state), []
        return replace(state, notice="dilemma_sessie_onbekende_toets"), []
    if state.phase == ENTRY:
        return _entry_step(library, state, word)
    # REVEALED
    if word in ("", "n", "s"):
        return _go(state, state.index + 1), []
    if word == "b":
        return _back(state), []
    return replace(state, notice="dilemma_sessie_onbekende_toets"), []


def _entry_step(
    library: DilemmaLibrary, state: SessionState, word: str
) -> tuple[SessionState, list[RecordVotes]]:
    dilemma = current(library, state)
    if dilemma is None:
        return _go(state, state.index + 1), []
    if word == "b":  # undo the last count, or leave the entry when nothing was typed yet
        if state.entry:
            return replace(state, entry=state.entry[:-1], notice=None), []
        return replace(state, phase=QUESTION, notice=None), []
    if not re.fullmatch(r"\d+", word):
        return replace(state, notice="dilemma_sessie_getal"), []
    value = int(word)
    if value > MAX_VOTES:
        return replace(state, notice="dilemma_sessie_te_groot"), []
    entry = (*state.entry, value)
    if len(entry) < len(dilemma.opties):
        return replace(state, entry=entry, notice=None), []
    return with_counts(library, state, entry)


def build_plan(
    library: DilemmaLibrary,
    plan: str | None = None,
    chapter: str | None = None,
    topic: str | None = None,
    tag: str | None = None,
    count: int | None = None,
    seed: int = 0,
) -> tuple[tuple[str, ...], str | None]:
    """The dilemma ids for a session, or an error message (for the facilitator, in English).

    `plan` is a named plan from plannen.yml or ids separated by commas; otherwise the dilemmas
    of a chapter and/or topic and/or tag; with nothing given, the onboarding plan.
    """
    if plan:
        named = library.plan(plan.strip())
        if named:
            ids = list(named.dilemmas)
        else:
            ids = [p.strip() for p in plan.split(",") if p.strip()]
            unknown = [i for i in ids if library.get(i) is None]
            if unknown:
                return (), f"unknown dilemma id or plan: {', '.join(unknown)}"
    elif chapter or topic or tag:
        chosen = library.all()
        if chapter:
            if not re.fullmatch(r"[1-8](\.[1-9])?", chapter.strip()):
                return (), f"not a GIR chapter: {chapter!r} (use 2 to 8, or a section like 4.1)"
            chosen = tuple(library.by_chapter(chapter))
        if topic:
            chosen = tuple(d for d in chosen if d.onderwerp == topic)
        if tag:
            chosen = tuple(d for d in chosen if tag in d.tags)
        ids = [d.id for d in sorted(chosen, key=lambda d: [int(p) for p in d.gir.split(".")])]
    elif library.plan(DEFAULT_PLAN):
        ids = list(library.plan(DEFAULT_PLAN).dilemmas)  # type: ignore[union-attr]
    else:
        ids = [library.by_chapter(c)[0].id for c in library.chapters()]
    if not ids:
        return (), "no dilemma matches that choice"
    if count is not None:
        if count < 1:
            return (), "--count must be 1 or more"
        if count < len(ids):
            keep = set(random.Random(seed).sample(ids, count))
            ids = [i for i in ids if i in keep]
    return tuple(dict.fromkeys(ids)), None
