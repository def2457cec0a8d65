"""Practice alone: pick a dilemma, choose an option, then read what to weigh for every option.

Pure functions, no I/O: the core hands in events and the state, and gets back the new state,
replies and effects (one anonymous vote count per dilemma). A returned state of None means
"leave practice mode". Nobody is scored: after a choice, every option is discussed alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from bot.content.schema import Tekst
from bot.core.events import Event, UnsupportedInput, UserChoice, UserCommand, UserText
from bot.core.replies import CountDilemmaVote, Effect, Forget, Message, Option, Reply
from bot.dilemmas.library import DilemmaLibrary
from bot.dilemmas.model import Dilemma
from bot.dilemmas.replies import (
    MIN_VOTES_SHOWN,
    discussion_text,
    help_text,
    question_replies,
    tally_replies,
)
from bot.dilemmas.texts import letter, name_of, say

PREFIX = "dilemma:"
V_RANDOM = PREFIX + "random"
V_CHAPTERS = PREFIX + "chapters"
V_TOPICS = PREFIX + "topics"
V_CHAPTER = PREFIX + "chapter:"
V_TOPIC = PREFIX + "topic:"
V_OPTION = PREFIX + "option:"
V_NEXT = PREFIX + "next"
V_BACK = PREFIX + "back"
V_STOP = PREFIX + "stop"

RANDOM_WORDS = {"willekeurig", "random", "zomaar", "maakt niet uit", "any"}
STOP_WORDS = {"stop", "stoppen", "quit", "exit", "klaar"}
MAX_TEXT = 200  # a longer message cannot be an option number; it is not looked at further

Texts = Mapping[str, Tekst]
Names = Mapping[str, Tekst] | None
Tally = Callable[[str], Mapping[str, int]]
Outcome = tuple["PracticeState | None", list[Reply], list[Effect]]


@dataclass(frozen=True)
class PracticeState:
    """Where the user is in practice mode; kept in memory only, like every conversation."""

    stage: str = "menu"  # menu | chapters | topics | question | after
    dilemma_id: str | None = None
    chapter: str | None = None  # the filter the user chose, kept for "another dilemma"
    topic: str | None = None
    seed: int = 0
    seen: tuple[str, ...] = ()
    voted: tuple[str, ...] = ()
    offered: tuple[Option, ...] = ()  # the options last shown, for typed numbers and re-asking
    asked: int = 0  # how many dilemmas were asked; in option values, so old buttons do not vote


Step = tuple[PracticeState, list[Reply]]


def _with_offer(state: PracticeState, replies: list[Reply]) -> PracticeState:
    last = next((r for r in reversed(replies) if isinstance(r, Message) and r.options), None)
    return replace(state, offered=last.options if last else ())


def _menu(state: PracticeState, texts: Texts, lang: str, text_id: str = "dilemma_menu") -> Step:
    options = (
        Option(V_RANDOM, say(texts, "dilemma_optie_willekeurig", lang)),
        Option(V_CHAPTERS, say(texts, "dilemma_optie_hoofdstuk", lang)),
        Option(V_TOPICS, say(texts, "dilemma_optie_onderwerp", lang)),
        Option(V_BACK, say(texts, "dilemma_optie_terug", lang)),
    )
    replies: list[Reply] = [Message(say(texts, text_id, lang), options=options)]
    return _with_offer(replace(state, stage="menu", dilemma_id=None), replies), replies


def _chapters(library: DilemmaLibrary, state: PracticeState, texts: Texts, lang: str) -> Step:
    options = []
    for chapter in library.chapters():
        title = library.gir_title(chapter)
        label = say(
            texts,
            "dilemma_hoofdstuk_label",
            lang,
            nummer=chapter,
            titel=title.get(lang) if title else "",
            aantal=len(library.by_chapter(chapter)),
        )
        options.append(Option(V_CHAPTER + chapter, label))
    replies: list[Reply] = [
        Message(say(texts, "dilemma_kies_hoofdstuk", lang), options=tuple(options))
    ]
    return _with_offer(replace(state, stage="chapters"), replies), replies


def _topics(
    library: DilemmaLibrary, state: PracticeState, texts: Texts, lang: str, topic_names: Names
) -> Step:
    options = tuple(
        Option(V_TOPIC + topic, name_of("onderwerp", topic, texts, lang, topic_names))
        for topic in library.topics()
    )
    replies: list[Reply] = [Message(say(texts, "dilemma_kies_onderwerp", lang), options=options)]
    return _with_offer(replace(state, stage="topics"), replies), replies


def _ask(
    library: DilemmaLibrary, state: PracticeState, dilemma: Dilemma, texts: Texts, lang: str
) -> Step:
    seen = tuple(s for s in state.seen if s != dilemma.id) + (dilemma.id,)
    asked = state.asked + 1
    new = replace(state, stage="question", dilemma_id=dilemma.id, seen=seen, asked=asked)
    prefix = f"{V_OPTION}{asked}:"
    replies = question_replies(dilemma, library, texts, lang, value_prefix=prefix)
    return _with_offer(new, replies), replies


def _draw(
    library: DilemmaLibrary,
    state: PracticeState,
    texts: Texts,
    lang: str,
    chapter: str | None = None,
    topic: str | None = None,
) -> Step:
    state = replace(state, chapter=chapter, topic=topic)
    dilemma = library.pick(
        state.seed + len(state.seen), chapter=chapter, topic=topic, exclude=state.seen
    )
    if dilemma is None:
        return _menu(state, texts, lang, "dilemma_niet_gevonden")
    return _ask(library, state, dilemma, texts, lang)


def _from_argument(
    library: DilemmaLibrary, state: PracticeState, texts: Texts, lang: str, argument: str
) -> Step:
    word = argument.strip()
    if not word:
        return _menu(state, texts, lang)
    if word.lower() in RANDOM_WORDS:
        return _draw(library, state, texts, lang)
    found = library.resolve(word[:MAX_TEXT])
    if found is None:
        return _menu(state, texts, lang, "dilemma_niet_gevonden")
    kind, value = found
    if kind == "dilemma":
        dilemma = library.get(value)
        assert dilemma is not None
        return _ask(library, replace(state, chapter=None, topic=None), dilemma, texts, lang)
    if kind == "chapter":
        return _draw(library, state, texts, lang, chapter=value)
    return _draw(library, state, texts, lang, topic=value)


def start(
    library: DilemmaLibrary,
    texts: Texts,
    lang: str,
    argument: str,
    seed: int,
) -> tuple[PracticeState, list[Reply]]:
    """`/dilemma [argument]`: empty offers a choice; a chapter, topic or id goes straight on."""
    return _from_argument(library, PracticeState(seed=seed), texts, lang, argument)


def _reveal(
    library: DilemmaLibrary,
    state: PracticeState,
    dilemma: Dilemma,
    option_id: str,
    texts: Texts,
    lang: str,
    tally: Tally,
    desk_names: Names,
) -> Outcome:
    index = next(i for i, o in enumerate(dilemma.opties) if o.id == option_id)
    effects: list[Effect] = []
    counts = dict(tally(dilemma.id)) if tally else {}
    if dilemma.id not in state.voted:
        effects.append(CountDilemmaVote(dilemma.id, option_id))
        # the vote is counted after this step, so add it here: the user sees themselves included
        counts[option_id] = counts.get(option_id, 0) + 1
    chosen = dilemma.opties[index]
    replies: list[Reply] = [
        Message(
            say(
                texts,
                "dilemma_jouw_keuze",
                lang,
                letter=letter(index),
                keuze=chosen.tekst.get(lang).rstrip("."),
            )
        ),
        Message(discussion_text(dilemma, lang)),
    ]
    replies.extend(tally_replies(dilemma, counts, texts, lang, MIN_VOTES_SHOWN))
    options = (
        Option(V_NEXT, say(texts, "dilemma_optie_nog_een", lang)),
        Option(V_BACK, say(texts, "dilemma_optie_terug", lang)),
        Option(V_STOP, say(texts, "dilemma_optie_stop", lang)),
    )
    closing = help_text(dilemma, library, texts, lang, desk_names)
    closing += "\n\n" + say(texts, "dilemma_geen_score", lang)
    replies.append(Message(closing, options=options))
    voted = state.voted if dilemma.id in state.voted else (*state.voted, dilemma.id)
    new = replace(state, stage="after", voted=voted)
    return _with_offer(new, replies), replies, effects


def _typed_value(state: PracticeState, text: str) -> str | None:
    """A typed option number, or a letter while a dilemma is asked, as the option's value."""
    word = text.strip().lower().rstrip(".)")
    if state.stage == "question" and re.fullmatch(r"[a-h]", word):
        index = ord(word) - ord("a")
        return state.offered[index].value if index < len(state.offered) else None
    if re.fullmatch(r"\d{1,2}", word):
        index = int(word) - 1
        return state.offered[index].value if 0 <= index < len(state.offered) else None
    if word in STOP_WORDS:
        return V_STOP
    return None


def _reask(state: PracticeState, texts: Texts, lang: str) -> list[Reply]:
    """A kind word and the same options again; nothing is lost."""
    text_id = "dilemma_kies_optie" if state.stage == "question" else "dilemma_kies_nummer"
    return [Message(say(texts, text_id, lang), options=state.offered)]


def handle(
    library: DilemmaLibrary,
    texts: Texts,
    state: PracticeState,
    event: Event,
    lang: str,
    tally: Tally,
    *,
    desk_names: Names = None,
    topic_names: Names = None,
) -> tuple[PracticeState | None, list[Reply], list[Effect]]:
    """One step of practice mode.

    A command other than /dilemma is not ours: we return (None, [], []) so the core leaves
    practice mode and handles the command itself (/stop, /help, /privacy, ...).
    """
    if isinstance(event, UserCommand):
        if event.name != "dilemma":
            return None, [], []
        new, replies = _from_argument(library, state, texts, lang, event.argument)
        return new, replies, []
    if isinstance(event, UnsupportedInput):
        return state, [Message(say(texts, "dilemma_onleesbaar", lang), options=state.offered)], []
    if isinstance(event, UserText):
        value = _typed_value(state, event.text[:MAX_TEXT]) if len(event.text) <= MAX_TEXT else None
        if value is None:
            return state, _reask(state, texts, lang), []
    elif isinstance(event, UserChoice):
        value = event.value
    else:  # pragma: no cover - every Event kind is handled above
        return state, [], []
    return _choose(library, texts, state, value, lang, tally, desk_names, topic_names)


def _choose(
    library: DilemmaLibrary,
    texts: Texts,
    state: PracticeState,
    value: str,
    lang: str,
    tally: Tally,
    desk_names: Names,
    topic_names: Names,
) -> Outcome:
    if value == V_STOP:
        return None, [Message(say(texts, "dilemma_tot_ziens", lang))], [Forget()]
    if value == V_BACK:
        return None, [Message(say(texts, "dilemma_terug_naar_wegwijzer", lang))], []
    if value == V_RANDOM:
        new, replies = _draw(library, state, texts, lang)
    elif value == V_CHAPTERS:
        new, replies = _chapters(library, state, texts, lang)
    elif value == V_TOPICS:
        new, replies = _topics(library, state, texts, lang, topic_names)
    elif value.startswith(V_CHAPTER) and library.by_chapter(value[len(V_CHAPTER) :]):
        new, replies = _draw(library, state, texts, lang, chapter=value[len(V_CHAPTER) :])
    elif value.startswith(V_TOPIC) and library.by_topic(value[len(V_TOPIC) :]):
        new, replies = _draw(library, state, texts, lang, topic=value[len(V_TOPIC) :])
    elif value == V_NEXT:
        new, replies = _draw(library, state, texts, lang, state.chapter, state.topic)
    elif value.startswith(V_OPTION) and state.stage == "question" and state.dilemma_id:
        dilemma = library.get(state.dilemma_id)
        asked, _, option_id = value[len(V_OPTION) :].partition(":")
        current = asked == str(state.asked)  # a button from an earlier dilemma does not vote
        if current and dilemma is not None and dilemma.option(option_id) is not None:
            return _reveal(library, state, dilemma, option_id, texts, lang, tally, desk_names)
        return state, _reask(state, texts, lang), []
    else:
        # a stale button (from an earlier screen) or an unknown value: ask again, lose nothing
        return state, _reask(state, texts, lang), []
    return new, replies, []
