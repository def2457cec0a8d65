"""Property-based tests: random text and random event sequences never break the conversation."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import conversation
from bot.core.conversation import Context, new_state, step
from bot.core.events import UnsupportedInput, UserChoice, UserCommand, UserText
from bot.core.replies import Forget, Message

PHRASES = [
    "mijn baas pest me",
    "mag ik een cadeau aannemen van een leverancier",
    "ja",
    "nee",
    "1",
    "2",
    "3",
    "7",
    "99",
    "ik wil het melden",
    "eerst praten",
    "ik zie het niet meer zitten",
    "stop",
    "/help",
    "belastingdienst",
    "I saw a colleague leak documents",
    "",
    "😀",
]


def events():
    texts = st.one_of(st.text(max_size=300), st.sampled_from(PHRASES))
    commands = st.sampled_from(["start", "help", "privacy", "loketten", "taal", "dilemma", "xyz"])
    choices = st.one_of(
        st.sampled_from(
            [
                "org:bzk",
                "org:financien",
                "topic:misstand",
                "ja",
                "nee",
                "menu:compare",
                "menu:prepare",
                "menu:other",
                "cmd:loketten",
                "praten",
                "melden",
                "a",
                "b",
            ]
        ),
        st.text(max_size=20),
    )
    return st.one_of(
        texts.map(UserText),
        commands.map(UserCommand),
        choices.map(UserChoice),
        st.sampled_from(["photo", "voice", "sticker", "document"]).map(UnsupportedInput),
        st.just("pick-offered"),
    )


@pytest.fixture(scope="module")
def ctx(content, nlu) -> Context:
    return Context(content, nlu, tally=lambda _id: {"a": 3, "b": 9})


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sequence=st.lists(events(), min_size=1, max_size=25), lang=st.sampled_from(["nl", "en"]))
def test_random_event_sequences_never_break_the_conversation(ctx, sequence, lang):
    before = conversation.fallbacks
    state = new_state(lang, seed=3)
    for event in sequence:
        if event == "pick-offered":
            offered = state.options or ()
            event = (
                UserChoice(offered[len(sequence) % len(offered)].value)
                if offered
                else UserText("1")
            )
        previous = state
        result = step(ctx, state, event)
        replies = result.replies
        assert replies, f"silence after {event!r}"
        last = replies[-1]
        assert isinstance(last, Message) and last.options, f"no way forward after {event!r}"
        for reply in replies:
            if isinstance(reply, Message):
                assert reply.text.strip()
        if any(isinstance(e, Forget) for e in result.effects):
            state = new_state(lang, seed=4)
            continue
        state = result.state
        is_restart = isinstance(event, (UserCommand, UserChoice)) and getattr(
            event, "name", getattr(event, "value", "")
        ) in ("start", "cmd:start")
        if previous.org is not None and not is_restart:
            assert state.org == previous.org, "the conversation lost its organisation"
    assert conversation.fallbacks == before, "the core's guard had to catch an exception"


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=3000))
def test_any_text_in_the_story_step_gets_an_answer(ctx, text):
    before = conversation.fallbacks
    state = new_state("nl", org="bzk", seed=1)
    state = step(ctx, state, UserCommand("start")).state
    result = step(ctx, state, UserText(text))
    assert result.replies and isinstance(result.replies[-1], Message)
    assert result.replies[-1].options
    assert conversation.fallbacks == before
