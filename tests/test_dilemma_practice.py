"""Practice alone, walked end to end through the pure functions (and once through the core)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content.schema import Tekst
from bot.core.events import UnsupportedInput, UserChoice, UserCommand, UserText
from bot.core.replies import Bars, CountDilemmaVote, Forget, Message
from bot.dilemmas import practice
from bot.dilemmas.practice import PracticeState


def no_votes(_dilemma_id: str) -> Mapping[str, int]:
    return {}


def text_of(replies) -> str:
    parts = []
    for reply in replies:
        if isinstance(reply, Message):
            parts.append(reply.text)
            parts.extend(o.label for o in reply.options)
        elif isinstance(reply, Bars):
            parts.append(reply.title)
            parts.extend(label for label, _ in reply.items)
    return "\n".join(parts)


def last_options(replies) -> tuple:
    return next(r.options for r in reversed(replies) if isinstance(r, Message) and r.options)


def test_menu_then_chapter_then_vote_then_discussion(library, texts) -> None:
    state, replies = practice.start(library, texts, "nl", "", seed=3)
    assert state.stage == "menu"
    menu = last_options(replies)
    assert [o.value for o in menu] == [
        "dilemma:random",
        "dilemma:chapters",
        "dilemma:topics",
        "dilemma:back",
    ]
    assert "Niemand ziet wat jij kiest" in replies[0].text

    state, replies, effects = practice.handle(
        library, texts, state, UserChoice("dilemma:chapters"), "nl", no_votes
    )
    chapters = last_options(replies)
    assert [o.value for o in chapters] == [f"dilemma:chapter:{c}" for c in "2345678"]
    assert chapters[2].label.startswith("4. Belangenverstrengeling")
    assert effects == []

    state, replies, effects = practice.handle(library, texts, state, UserText("3"), "nl", no_votes)
    dilemma = library.get(state.dilemma_id)
    assert state.stage == "question" and dilemma.chapter == "4"
    assert replies[0].kind == "heading" and dilemma.titel.nl in replies[0].text
    assert "GIR " + dilemma.gir in replies[0].text
    options = last_options(replies)
    assert [o.label[:2] for o in options] == ["A.", "B.", "C.", "D."][: len(dilemma.opties)]
    assert dilemma.situatie.nl in replies[1].text

    chosen = dilemma.opties[1]
    state, replies, effects = practice.handle(
        library, texts, state, UserChoice(options[1].value), "nl", no_votes
    )
    assert effects == [CountDilemmaVote(dilemma.id, chosen.id)]
    shown = text_of(replies)
    assert f"Je koos B: {chosen.tekst.nl}" in shown
    for option in dilemma.opties:  # every option discussed, not only the chosen one
        assert option.bespreking.nl in shown
    assert "pas zien als er 5 stemmen of meer zijn" in shown  # one vote: too few to show
    assert not any(isinstance(r, Bars) for r in replies)
    assert "Gedragscode Integriteit Rijk" in shown and dilemma.gir in shown
    assert "Wie kan je helpen" in shown
    assert [o.value for o in last_options(replies)] == [
        "dilemma:next",
        "dilemma:back",
        "dilemma:stop",
    ]
    assert state.stage == "after"


def test_the_tally_includes_the_new_vote_and_shows_percentages(library, texts) -> None:
    dilemma = library.get("kerstpakket_leverancier")
    earlier = {"houden": 1, "melden": 2, "terugsturen": 1}  # four votes before this one

    state, _ = practice.start(library, texts, "en", dilemma.id, seed=0)
    state, replies, effects = practice.handle(
        library, texts, state, UserText("d"), "en", lambda _id: earlier
    )
    assert effects == [CountDilemmaVote(dilemma.id, "verloten")]
    bars = next(r for r in replies if isinstance(r, Bars))
    assert bars.title == "How 5 people chose so far"
    assert [count for _, count in bars.items] == [1, 2, 1, 1]
    assert [label for label, _ in bars.items] == ["A (20%)", "B (40%)", "C (20%)", "D (20%)"]


def test_typing_letters_numbers_and_nonsense(library, texts) -> None:
    state, _ = practice.start(library, texts, "nl", "lunch_met_lobbyist", seed=0)
    for nonsense in ("", "e", "9", "x" * 20_000, "\x00\x1b[31m", "🙂🙂"):
        same, replies, effects = practice.handle(
            library, texts, state, UserText(nonsense), "nl", no_votes
        )
        assert same == state and effects == []
        assert "Kies een van de antwoorden" in replies[0].text
        assert replies[0].options == state.offered  # the same choices again, nothing lost
    for typed, option in (("B", "op_kantoor"), ("2)", "op_kantoor"), ("c.", "gaan")):
        _, _, effects = practice.handle(library, texts, state, UserText(typed), "nl", no_votes)
        assert effects == [CountDilemmaVote("lunch_met_lobbyist", option)]


def test_one_vote_per_dilemma_even_with_an_old_button(library, texts) -> None:
    state, replies = practice.start(library, texts, "nl", "zwager_doet_mee", seed=0)
    button = last_options(replies)[0]
    state, _, effects = practice.handle(
        library, texts, state, UserChoice(button.value), "nl", no_votes
    )
    assert len(effects) == 1
    again, replies, effects = practice.handle(
        library, texts, state, UserChoice(button.value), "nl", no_votes
    )
    assert effects == [] and again == state
    assert replies[0].options == state.offered


def test_a_button_from_an_earlier_dilemma_does_not_vote(library, texts) -> None:
    """Option ids repeat across dilemmas ("melden"); an old button must not vote on a new one."""
    state, replies = practice.start(library, texts, "nl", "kerstpakket_leverancier", seed=0)
    old_melden = next(o for o in last_options(replies) if o.value.endswith(":melden"))
    state, _, _ = practice.handle(library, texts, state, UserText("a"), "nl", no_votes)
    state, _, _ = practice.handle(
        library, texts, state, UserCommand("dilemma", "druk_rapport_aanpassen"), "nl", no_votes
    )
    assert library.get(state.dilemma_id).option("melden") is not None  # the same option id
    same, replies, effects = practice.handle(
        library, texts, state, UserChoice(old_melden.value), "nl", no_votes
    )
    assert effects == [] and same == state and replies[0].options == state.offered


def test_next_keeps_the_chosen_chapter_and_avoids_repeats(library, texts) -> None:
    state, _ = practice.start(library, texts, "nl", "7", seed=11)
    seen = []
    for _ in range(len(library.by_chapter("7"))):
        seen.append(state.dilemma_id)
        assert library.get(state.dilemma_id).chapter == "7"
        state, _, _ = practice.handle(library, texts, state, UserText("1"), "nl", no_votes)
        state, _, _ = practice.handle(
            library, texts, state, UserChoice("dilemma:next"), "nl", no_votes
        )
    assert len(set(seen)) == len(library.by_chapter("7"))
    assert library.get(state.dilemma_id).chapter == "7"  # starts over, still chapter 7


@pytest.mark.parametrize(
    ("argument", "check"),
    [
        ("4.5", lambda d: d.gir == "4.5"),
        ("h6", lambda d: d.chapter == "6"),
        ("misstand", lambda d: d.onderwerp == "misstand"),
        ("relatie_met_teamlid", lambda d: d.id == "relatie_met_teamlid"),
        ("willekeurig", lambda d: d is not None),
    ],
)
def test_start_with_an_argument(library, texts, argument, check) -> None:
    state, replies = practice.start(library, texts, "nl", argument, seed=5)
    assert state.stage == "question" and check(library.get(state.dilemma_id))


def test_unknown_argument_offers_the_menu(library, texts) -> None:
    state, replies = practice.start(library, texts, "en", "quantum ethics", seed=5)
    assert state.stage == "menu"
    assert replies[0].text.startswith("I could not find that dilemma")
    assert len(replies[0].options) == 4


def test_topics_menu_uses_kennisbank_names_when_given(library, texts) -> None:
    state, _ = practice.start(library, texts, "nl", "", seed=1)
    names = {"informatie": Tekst(nl="Informatie (kennisbank)", en="Information")}
    state, replies, _ = practice.handle(
        library, texts, state, UserChoice("dilemma:topics"), "nl", no_votes, topic_names=names
    )
    labels = {o.value: o.label for o in last_options(replies)}
    assert labels["dilemma:topic:informatie"] == "Informatie (kennisbank)"
    assert labels["dilemma:topic:misstand"] == "Een misstand"  # our own fallback
    state, replies, _ = practice.handle(
        library, texts, state, UserChoice("dilemma:topic:misstand"), "nl", no_votes
    )
    assert library.get(state.dilemma_id).onderwerp == "misstand"


def test_desk_names_from_the_kennisbank(library, texts) -> None:
    state, _ = practice.start(library, texts, "nl", "controles_overgeslagen", seed=0)
    names = {"huis_voor_klokkenluiders": Tekst(nl="HUIS", en="HOUSE")}
    _, replies, _ = practice.handle(
        library, texts, state, UserText("a"), "nl", no_votes, desk_names=names
    )
    assert "HUIS" in text_of(replies) and "de vertrouwenspersoon" in text_of(replies)


def test_leaving_practice(library, texts) -> None:
    state, _ = practice.start(library, texts, "nl", "laptop_prive", seed=0)
    new, replies, effects = practice.handle(
        library, texts, state, UserChoice("dilemma:back"), "nl", no_votes
    )
    assert new is None and effects == [] and "terug bij de wegwijzer" in replies[0].text
    new, replies, effects = practice.handle(library, texts, state, UserText("stop"), "nl", no_votes)
    assert new is None and effects == [Forget()]
    new, replies, effects = practice.handle(
        library, texts, state, UserCommand("privacy"), "nl", no_votes
    )
    assert (new, replies, effects) == (None, [], [])  # not ours: the core handles it
    new, replies, _ = practice.handle(
        library, texts, state, UserCommand("dilemma", "8"), "nl", no_votes
    )
    assert library.get(new.dilemma_id).chapter == "8"


def test_unreadable_input_gets_a_kind_answer(library, texts) -> None:
    state, _ = practice.start(library, texts, "nl", "", seed=0)
    same, replies, effects = practice.handle(
        library, texts, state, UnsupportedInput("sticker"), "nl", no_votes
    )
    assert same == state and effects == [] and replies[0].options == state.offered


def test_nobody_is_scored(library, texts) -> None:
    """Whatever you choose, you read the same discussion: no option is announced as 'right'."""
    for dilemma in library.all():
        seen = set()
        for index in range(len(dilemma.opties)):
            state, _ = practice.start(library, texts, "nl", dilemma.id, seed=0)
            _, replies, _ = practice.handle(
                library, texts, state, UserText(str(index + 1)), "nl", no_votes
            )
            seen.add(text_of(replies[1:]))
        assert len(seen) == 1, dilemma.id


def test_through_the_core_with_the_merged_texts(content, library) -> None:
    """With the lead's merged texts, no text id shows up raw."""
    state, replies = practice.start(content.dilemmas, content.teksten, "nl", "", seed=2)
    state, replies, _ = practice.handle(
        content.dilemmas, content.teksten, state, UserText("1"), "nl", no_votes
    )
    state, replies, _ = practice.handle(
        content.dilemmas, content.teksten, state, UserText("a"), "nl", no_votes
    )
    assert "dilemma_" not in text_of(replies)


events = st.one_of(
    st.builds(UserText, st.text(max_size=40)),
    st.builds(UserText, st.sampled_from(["1", "2", "3", "4", "5", "a", "b", "d", "stop", "7"])),
    st.builds(
        UserChoice,
        st.sampled_from(
            [
                "dilemma:random",
                "dilemma:chapters",
                "dilemma:topics",
                "dilemma:chapter:4",
                "dilemma:chapter:9",
                "dilemma:topic:informatie",
                "dilemma:topic:nope",
                "dilemma:option:melden",
                "dilemma:option:zzz",
                "dilemma:next",
                "dilemma:back",
                "dilemma:stop",
                "garbage",
            ]
        ),
    ),
    st.builds(UserCommand, st.sampled_from(["dilemma", "help"]), st.text(max_size=12)),
    st.builds(UnsupportedInput, st.sampled_from(["photo", "voice"])),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000), script=st.lists(events, max_size=12))
def test_any_sequence_never_raises_and_always_offers_a_way_on(library, texts, seed, script):
    state: PracticeState | None
    state, _ = practice.start(library, texts, "nl", "", seed=seed)
    voted: list[str] = []
    for event in script:
        if state is None:
            break
        state, replies, effects = practice.handle(library, texts, state, event, "nl", no_votes)
        voted += [e.dilemma_id for e in effects if isinstance(e, CountDilemmaVote)]
        if state is not None:
            assert last_options(replies) if replies else True
            assert state.offered
    assert len(voted) == len(set(voted))  # one vote per dilemma per practice
