"""The wegwijzer conversation as a pure function: (context, state, event) -> StepResult.

No I/O happens here. The context carries read-only knowledge (content, an NLU engine, the
configured contacts and a read-only view of dilemma vote counts); the result carries the new
state, the replies to render and the effects for the runtime to carry out.

Invariants the tests hold us to: it never raises on any event, every result ends with a message
that offers a way forward, and a crisis message interrupts whatever step we are in.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from bot.advice import Advice, advise, matches
from bot.content.loader import Content
from bot.content.schema import LANGUAGES, Tekst, Vraag
from bot.core.events import Event, UnsupportedInput, UserChoice, UserCommand, UserText
from bot.core.replies import (
    CardSection,
    CountConversation,
    DeskCard,
    Effect,
    Forget,
    Message,
    Option,
    Reply,
    StepResult,
    Table,
)
from bot.core.state import State
from bot.core.text_input import clean, normalise, option_number
from bot.nlu.base import NLU, Interpretation

log = logging.getLogger(__name__)
fallbacks = 0  # how often the guard in step() had to answer; tests require it to stay 0

YES, NO = "ja", "nee"
_WORD_SPLIT = re.compile(r"[^\w'-]+")
CMD = "cmd:"
# Words that end the conversation when typed alone, in any step.
STOP_WORDS = {"stop", "stoppen", "/stop", "quit", "exit", "einde", "klaar"}

TEXT_IDS = (
    "welcome",
    "privacy",
    "help",
    "ask_org",
    "ask_story",
    "confirm_yes",
    "confirm_no",
    "pick_topic",
    "not_understood",
    "answer_not_understood",
    "empty_input",
    "no_words",
    "too_long",
    "unsupported_input",
    "unknown_choice",
    "unknown_command",
    "crisis",
    "crisis_continue",
    "greet_back",
    "thanks_back",
    "advice_intro",
    "advice_excluded",
    "advice_none",
    "card_why",
    "card_does",
    "card_does_not",
    "card_confidential",
    "card_for_whom",
    "card_next",
    "card_contact",
    "menu_compare",
    "menu_prepare",
    "menu_other",
    "menu_dilemma",
    "menu_loketten",
    "menu_stop",
    "compare_title",
    "compare_col_desk",
    "compare_col_confidential",
    "compare_col_report",
    "compare_col_judges",
    "compare_col_external",
    "yes",
    "no",
    "prepare",
    "goodbye",
    "start_again",
    "loketten_intro",
    "loketten_no_org",
    "other_question",
    "language_switch",
    "dilemma_unavailable",
    "conf_vertrouwelijk",
    "conf_zorgvuldig",
    "conf_niet_gegarandeerd",
    "org_not_understood",
)


@dataclass(frozen=True)
class Context:
    """Read-only knowledge for one step."""

    content: Content
    nlu: NLU
    contacts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    tally: Callable[[str], Mapping[str, int]] = lambda _dilemma_id: {}

    def __repr__(self) -> str:
        return f"Context(content={self.content.version}, nlu={getattr(self.nlu, 'name', '?')})"


class _Out:
    """Collects replies and effects while a step runs."""

    def __init__(self, ctx: Context, state: State):
        self.ctx, self.state = ctx, state
        self.text = ""  # the cleaned message of this step, never stored in the state
        self.replies: list[Reply] = []
        self.effects: list[Effect] = []

    def t(self, text_id: str, **values: object) -> str:
        return self.ctx.content.text(text_id, self.state.lang, **values)

    def say(self, text_id: str, kind: str = "normal", **values: object) -> None:
        self.replies.append(Message(self.t(text_id, **values), kind=kind))

    def result(self) -> StepResult:
        return StepResult(self.state, tuple(self.replies), tuple(self.effects))


def new_state(lang: str = "nl", org: str | None = None, seed: int = 0) -> State:
    lang = lang if lang in LANGUAGES else LANGUAGES[0]
    return State(lang=lang, org=org, preset_org=org, seed=seed)


def step(ctx: Context, state: State, event: Event) -> StepResult:
    """Handle one event. Any unexpected failure still yields a kind answer and keeps the state."""
    global fallbacks
    out = _Out(ctx, state)
    try:
        _dispatch(out, event)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never leave a user in silence
        fallbacks += 1
        log.error("conversation step failed (%s); answered with a fallback", type(exc).__name__)
        out = _Out(ctx, state)
        out.say("not_understood")
        _prompt(out)
    return out.result()


# --- dispatch -----------------------------------------------------------------------------


def _dispatch(out: _Out, event: Event) -> None:
    if isinstance(event, UserCommand):
        _command(out, event.name.lower().lstrip("/"), event.argument)
    elif isinstance(event, UnsupportedInput):
        out.say("unsupported_input")
        _prompt(out)
    elif isinstance(event, UserChoice):
        _choice(out, event.value)
    elif isinstance(event, UserText):
        _text(out, event.text)
    else:
        out.say("unsupported_input")
        _prompt(out)


def _command(out: _Out, name: str, argument: str) -> None:
    if name == "start":
        st = out.state  # a fresh start keeps only the language and an organisation set in advance
        out.state = new_state(st.lang, st.preset_org, st.seed + 1)
        out.say("welcome")
        _prompt(out)
    elif name == "stop":
        again = Option(f"{CMD}start", out.t("start_again"))
        out.replies.append(Message(out.t("goodbye"), options=(again,)))
        out.effects.append(Forget())
    elif name in ("help", "privacy"):
        out.say(name, kind="privacy" if name == "privacy" else "normal")
        _prompt(out)
    elif name == "loketten":
        _list_desks(out)
        _prompt(out)
    elif name == "dilemma":
        _start_practice(out, argument)
    elif name in ("taal", "lang", "language"):
        wanted = argument.strip().lower()[:2]
        lang = wanted if wanted in LANGUAGES else ("en" if out.state.lang == "nl" else "nl")
        out.state = replace(out.state, lang=lang)
        _prompt(out)
    else:
        out.say("unknown_command")
        _prompt(out)


def _choice(out: _Out, value: str) -> None:
    if value.startswith(CMD):
        _command(out, value[len(CMD) :], "")
        return
    if out.state.practice is not None:
        _practice(out, UserChoice(value))
        return
    if value not in {o.value for o in out.state.options}:
        out.say("unknown_choice")
        _prompt(out)
        return
    _answer(out, value, None)


def _text(out: _Out, raw: str) -> None:
    cleaned = clean(raw)
    out.text = cleaned.text
    interp = out.ctx.nlu.parse(cleaned.text) if cleaned.has_words else None
    if interp is not None and interp.crisis:
        out.say("crisis", kind="crisis")
        out.say("crisis_continue")
        _prompt(out)
        return
    if out.state.practice is not None and not cleaned.text.startswith("/"):
        if normalise(cleaned.text) in STOP_WORDS:
            _command(out, "stop", "")
        else:
            _practice(out, UserText(cleaned.text))
        return
    if not cleaned.text:
        out.say("empty_input")
        _prompt(out)
        return
    if not cleaned.has_words:
        out.say("no_words")
        _prompt(out)
        return
    if cleaned.text.startswith("/"):
        name, _, argument = cleaned.text[1:].partition(" ")
        _command(out, name, argument)
        return
    if normalise(cleaned.text) in STOP_WORDS:
        _command(out, "stop", "")
        return
    if cleaned.truncated:
        out.say("too_long")
    index = option_number(cleaned.text, len(out.state.options))
    if index is not None:
        _choice(out, out.state.options[index].value)
        return
    label = _match_label(cleaned.text, out.state.options)
    if label is not None:
        _choice(out, label)
        return
    assert interp is not None
    _answer(out, None, interp)


def _match_label(text: str, options: tuple[Option, ...]) -> str | None:
    """A typed answer that is exactly one option's label (ignoring case and accents)."""
    wanted = normalise(text).rstrip(".!?")
    hits = [o.value for o in options if normalise(o.label) == wanted]
    return hits[0] if len(hits) == 1 else None


# --- steps -----------------------------------------------------------------------------------


def _answer(out: _Out, value: str | None, interp: Interpretation | None) -> None:
    """A choice (value) or free text (interp) in the current step."""
    st = out.state
    if interp is not None:
        out.state = st = st.with_facts(_known_cues(interp))
    handler = {
        "new": _on_new,
        "org": _on_org,
        "story": _on_story,
        "pick": _on_story,
        "confirm": _on_confirm,
        "question": _on_question,
        "advice": _on_advice_menu,
    }.get(st.step, _on_new)
    handler(out, value, interp)


def _on_new(out: _Out, value: str | None, interp: Interpretation | None) -> None:
    out.say("welcome")
    if interp is not None and interp.topic is not None:
        out.state = replace(out.state, candidate=interp.topic)
    _next(out)


def _on_org(out: _Out, value: str | None, interp: Interpretation | None) -> None:
    org = value[len("org:") :] if value and value.startswith("org:") else None
    if org is None and interp is not None:
        org = _org_from_text(out.ctx.content, out.text)
        if org is None and interp.topic is not None:
            out.state = replace(out.state, candidate=interp.topic)
    if org is None:
        out.say("org_not_understood")
        _prompt(out)
        return
    out.state = replace(out.state, org=org)
    _next(out)


def _org_from_text(content: Content, text: str) -> str | None:
    """The organisation named in free text, by its id, name or one of its search words."""
    words = f" {normalise(text)} "
    found = []
    for org in content.organisaties.values():
        names = (org.id.replace("_", " "), normalise(org.naam.nl), normalise(org.naam.en))
        if any(f" {normalise(w)} " in words for w in (*org.zoekwoorden, *names) if w):
            found.append(org.id)
    return found[0] if len(found) == 1 else None


def _on_story(out: _Out, value: str | None, interp: Interpretation | None) -> None:
    st, content = out.state, out.ctx.content
    if value is not None and value.startswith("topic:"):
        out.state = replace(st, topic=value[len("topic:") :], candidate=None, misses=0)
        _next(out)
        return
    if interp is None:
        _prompt(out)
        return
    if interp.topic is not None and interp.topic in content.onderwerpen:
        out.state = replace(st, step="confirm", candidate=interp.topic, misses=0)
        _prompt(out)
        return
    small_talk = {"greet": "greet_back", "thanks": "thanks_back", "help": "help"}
    if interp.intent in small_talk and interp.topic is None:
        out.say(small_talk[interp.intent])
        _prompt(out)
        return
    out.state = replace(st, step="pick", misses=st.misses + 1)
    out.say("not_understood")
    _prompt(out)


def _on_confirm(out: _Out, value: str | None, interp: Interpretation | None) -> None:
    st = out.state
    if value is None and interp is not None:
        if interp.intent == "affirm":
            value = YES
        elif interp.intent == "deny":
            value = NO
        elif interp.topic is not None and interp.topic != st.candidate:
            out.state = replace(st, candidate=interp.topic)
            _prompt(out)
            return
    if value == YES and st.candidate is not None:
        out.state = replace(st, topic=st.candidate, candidate=None)
        out.say("confirm_yes")
        _next(out)
    elif value == NO:
        out.state = replace(st, step="pick", candidate=None)
        out.say("confirm_no")
        _prompt(out)
    else:
        out.say("answer_not_understood")
        _prompt(out)


def _on_question(out: _Out, value: str | None, interp: Interpretation | None) -> None:
    st = out.state
    vraag = out.ctx.content.vragen[st.question] if st.question else None
    if vraag is None:
        _next(out)
        return
    if value is None and interp is not None:
        value = _value_from_words(vraag, out.text) or _value_from_text(vraag, interp)
    if value is None or value not in {o.waarde for o in vraag.opties}:
        out.say("answer_not_understood")
        _prompt(out)
        return
    out.state = st.with_facts({vraag.feit: value}, overwrite=True)
    out.state = replace(out.state, question=None)
    _next(out)


def _value_from_words(vraag: Vraag, text: str) -> str | None:
    """The one option whose search words occur in the typed answer (none or several: None)."""
    words = f" {_WORD_SPLIT.sub(' ', normalise(text))} "

    def occurs(word: str) -> bool:
        # Short words must match whole ("nee" is not "neem"); longer ones may be a word's start.
        word = normalise(word)
        return f" {word} " in words if len(word) < 5 else f" {word}" in words

    hits = {o.waarde for o in vraag.opties for w in o.zoekwoorden if occurs(w)}
    return hits.pop() if len(hits) == 1 else None


def _value_from_text(vraag: Vraag, interp: Interpretation) -> str | None:
    if vraag.feit in interp.cues:
        return interp.cues[vraag.feit]
    by_intent = {
        "affirm": vraag.ja,
        "deny": vraag.nee,
        "dont_know": "weet_niet",
        "wants_talk": "praten",
        "wants_report": "melden",
    }
    return by_intent.get(interp.intent)


def _on_advice_menu(out: _Out, value: str | None, interp: Interpretation | None) -> None:
    st = out.state
    if value == "menu:compare":
        _compare(out)
        _prompt(out)
    elif value == "menu:prepare":
        out.say("prepare")
        _prompt(out)
    elif value == "menu:other":
        out.state = replace(st, step="story", topic=None, candidate=None, facts=(), advised=())
        out.say("other_question")
        _prompt(out)
    elif value is None and interp is not None and interp.topic is not None:
        # A new situation told after the advice: start again on that topic, keep the organisation.
        out.state = replace(st, step="confirm", topic=None, candidate=interp.topic, facts=())
        out.state = out.state.with_facts(_known_cues(interp))
        _prompt(out)
    elif value is None and interp is not None and interp.intent in ("thanks", "goodbye"):
        out.say("thanks_back")
        _prompt(out)
    else:
        out.say("answer_not_understood")
        _prompt(out)


# --- moving on ----------------------------------------------------------------------------


def _next(out: _Out) -> None:
    """Go to the first step that still lacks what the advice needs, and ask for it."""
    st, content = out.state, out.ctx.content
    if st.org is None:
        out.state = replace(st, step="org")
    elif st.topic is None and st.candidate is not None:
        out.state = replace(st, step="confirm")
    elif st.topic is None:
        out.state = replace(st, step="story")
    else:
        question = _next_question(content, st)
        if question is not None:
            out.state = replace(st, step="question", question=question)
        else:
            _give_advice(out)
            return
    _prompt(out)


def _next_question(content: Content, st: State) -> str | None:
    facts = st.fact_map
    for vraag_id in content.onderwerpen[st.topic].vragen:
        vraag = content.vragen[vraag_id]
        if vraag.feit not in facts and matches(vraag.als, st.org, st.topic, facts):
            return vraag_id
    return None


def _known_cues(interp: Interpretation) -> dict[str, str]:
    return {name: value for name, value in interp.cues.items() if isinstance(value, str)}


def _give_advice(out: _Out) -> None:
    st, content = out.state, out.ctx.content
    assert st.topic is not None
    result = advise(content, st.org, st.topic, st.fact_map)
    out.state = replace(st, step="advice", advised=tuple(result.desk_ids))
    if not result.desks:
        out.say("advice_none")
    else:
        out.say("advice_intro")
        for desk_id, reason in result.excluded:
            desk = content.desk_name(st.org, desk_id, st.lang)
            out.say("advice_excluded", desk=desk, reason=reason.text.get(st.lang))
        out.replies.extend(_cards(out, result))
    if result.desks and not st.counted:
        out.effects.append(
            CountConversation(
                org=st.org or "rijk",
                topic=st.topic,
                desk=result.desks[0].desk,
                content_version=content.version,
            )
        )
        out.state = replace(out.state, counted=True)
    _prompt(out)


def _cards(out: _Out, result: Advice) -> list[DeskCard]:
    st, content = out.state, out.ctx.content
    cards = []
    for rank, advised in enumerate(result.desks, start=1):
        loket = content.loketten[advised.desk]
        org_entry = _org_entry(content, st.org, advised.desk)
        voor_wie = org_entry.voor_wie if org_entry and org_entry.voor_wie else loket.voor_wie
        where = (
            org_entry.waar_te_vinden
            if org_entry and org_entry.waar_te_vinden
            else loket.waar_te_vinden
        )
        contact = _contact(out.ctx.contacts, st.org, advised.desk) or where.get(st.lang)
        reasons: list[str] = []
        # The rules that fired say most about this situation; the topic's general reason last.
        ordered = sorted(advised.reasons, key=lambda r: not r.source.startswith("regel:"))
        for reason in ordered:
            text = reason.text.get(st.lang)
            if text not in reasons:
                reasons.append(text)
        sections = (
            CardSection(out.t("card_does"), loket.doet.get(st.lang)),
            CardSection(out.t("card_does_not"), loket.doet_niet.get(st.lang)),
            CardSection(out.t("card_confidential"), loket.vertrouwelijk.get(st.lang)),
            CardSection(out.t("card_for_whom"), voor_wie.get(st.lang)),
            CardSection(out.t("card_next"), loket.daarna.get(st.lang)),
            CardSection(out.t("card_contact"), contact),
        )
        cards.append(
            DeskCard(
                desk_id=advised.desk,
                rank=rank,
                title=content.desk_name(st.org, advised.desk, st.lang),
                subtitle=loket.kort.get(st.lang),
                reasons=tuple(reasons),
                sections=sections,
                reasons_heading=out.t("card_why"),
            )
        )
    return cards


def _org_entry(content: Content, org: str | None, desk: str):
    if org is None:
        return None
    return next((e for e in content.organisaties[org].loketten if e.loket == desk), None)


def _contact(contacts: Mapping[str, Mapping[str, str]], org: str | None, desk: str) -> str | None:
    for key in (org or "", "*"):
        value = contacts.get(key, {}).get(desk)
        if value:
            return value
    return None


def _compare(out: _Out) -> None:
    st, content = out.state, out.ctx.content
    yes, no = out.t("yes"), out.t("no")
    rows = []
    for desk_id in st.advised:
        loket = content.loketten[desk_id]
        rows.append(
            (
                content.desk_name(st.org, desk_id, st.lang),
                out.t(f"conf_{loket.vertrouwelijkheid}"),
                yes if loket.formele_melding else no,
                yes if loket.oordeelt else no,
                yes if loket.extern else no,
            )
        )
    columns = ("desk", "confidential", "report", "judges", "external")
    out.replies.append(
        Table(
            title=out.t("compare_title"),
            columns=tuple(out.t(f"compare_col_{c}") for c in columns),
            rows=tuple(rows),
        )
    )


def _list_desks(out: _Out) -> None:
    st, content = out.state, out.ctx.content
    lines = [
        f"- {content.desk_name(st.org, d, st.lang)}: {loket.kort.get(st.lang)}"
        for d, loket in content.loketten.items()
        if d != "noodhulp" and content.desk_in_org(st.org, d)
    ]
    intro = out.t("loketten_intro") if st.org else out.t("loketten_no_org")
    out.replies.append(Message(intro + "\n\n" + "\n".join(lines)))


# --- prompts -------------------------------------------------------------------------------


def _prompt(out: _Out) -> None:
    """Ask what the current step needs, with its options; every result ends with one of these."""
    st, content = out.state, out.ctx.content
    lang = st.lang
    if st.practice is not None:
        offered = getattr(st.practice, "offered", ())
        if offered:
            out.replies.append(Message(out.t("practice_continue"), options=offered))
            return
        out.state = st = replace(st, practice=None)
    if st.step == "new":
        out.state = st = replace(st, step="org" if st.org is None else "story")
    if st.step == "org":
        options = tuple(
            Option(f"org:{org.id}", org.naam.get(lang)) for org in content.organisaties.values()
        ) + (Option(f"{CMD}taal", out.t("language_switch")),)
        _ask(out, out.t("ask_org"), options)
    elif st.step in ("story", "pick"):
        options = tuple(
            Option(f"topic:{t.id}", t.naam.get(lang)) for t in content.onderwerpen.values()
        )
        _ask(out, out.t("ask_story" if st.step == "story" else "pick_topic"), options)
    elif st.step == "confirm" and st.candidate is not None:
        topic = content.onderwerpen[st.candidate]
        _ask(out, topic.bevestiging.get(lang), (Option(YES, out.t("yes")), Option(NO, out.t("no"))))
    elif st.step == "question" and st.question is not None:
        vraag = content.vragen[st.question]
        options = tuple(Option(o.waarde, o.label.get(lang)) for o in vraag.opties)
        _ask(out, vraag.tekst.get(lang), options)
    elif st.step == "advice":
        items = [("menu:compare", "menu_compare"), ("menu:prepare", "menu_prepare")]
        items.append(("menu:other", "menu_other"))
        if content.dilemmas is not None:
            items.append((f"{CMD}dilemma", "menu_dilemma"))
        items += [(f"{CMD}loketten", "menu_loketten"), (f"{CMD}stop", "menu_stop")]
        _ask(out, out.t("other_question"), tuple(Option(v, out.t(k)) for v, k in items))
    else:
        out.state = replace(st, step="story", candidate=None)
        _prompt(out)


def _ask(out: _Out, text: str, options: tuple[Option, ...]) -> None:
    out.state = replace(out.state, options=options)
    out.replies.append(Message(text, options=options))


# --- dilemma practice ---------------------------------------------------------------------


def _start_practice(out: _Out, argument: str) -> None:
    library = out.ctx.content.dilemmas
    if library is None:
        out.say("dilemma_unavailable")
        _prompt(out)
        return
    from bot.dilemmas import practice

    st = out.state
    pstate, replies = practice.start(
        library, out.ctx.content.teksten, st.lang, argument, st.seed + len(st.facts)
    )
    out.state = replace(st, practice=pstate, seed=st.seed + 1)
    out.replies.extend(replies)


def _practice(out: _Out, event: Event) -> None:
    from bot.dilemmas import practice

    st, content = out.state, out.ctx.content
    pstate, replies, effects = practice.handle(
        content.dilemmas,
        content.teksten,
        st.practice,
        event,
        st.lang,
        out.ctx.tally,
        desk_names={
            d: Tekst(nl=content.desk_name(st.org, d, "nl"), en=content.desk_name(st.org, d, "en"))
            for d in content.loketten
        },
        topic_names={t: topic.naam for t, topic in content.onderwerpen.items()},
    )
    out.state = replace(st, practice=pstate)
    if any(isinstance(e, Forget) for e in effects):
        # Stopping from practice ends the whole conversation, with the usual goodbye.
        out.effects.extend(e for e in effects if not isinstance(e, Forget))
        _command(out, "stop", "")
        return
    out.replies.extend(replies)
    out.effects.extend(effects)
    if pstate is None:
        _prompt(out)
