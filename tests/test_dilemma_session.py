"""Sessions for a room: the plan, the pure state machine, the projector screen, the CLI, groups."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from bot.core.replies import Bars, Message, Option
from bot.dilemmas import session as s
from bot.dilemmas.replies import (
    POLL_OPTION_CHARS,
    POLL_QUESTION_CHARS,
    percentages,
    poll_for,
    question_replies,
    reveal_replies,
)
from bot.dilemmas.sessie_screen import Screen, render, run_session

PLAN = ("kerstpakket_leverancier", "zwager_doet_mee", "grappen_over_collega")


def press(library, state, *keys):
    effects = []
    for key in keys:
        state, new = s.step(library, state, key)
        effects += new
    return state, effects


# --- the plan ---------------------------------------------------------------------------------


def test_plans(library) -> None:
    assert s.build_plan(library, plan="onboarding")[0] == library.plan("onboarding").dilemmas
    assert s.build_plan(library, plan=" zwager_doet_mee , laptop_prive")[0] == (
        "zwager_doet_mee",
        "laptop_prive",
    )
    ids, error = s.build_plan(library, plan="laptop_prive,bestaat_niet")
    assert ids == () and "bestaat_niet" in error
    ids, _ = s.build_plan(library, chapter="4")
    assert len(ids) == len(library.by_chapter("4"))
    assert [library.get(i).gir for i in ids] == sorted(
        (library.get(i).gir for i in ids), key=lambda g: [int(p) for p in g.split(".")]
    )
    assert s.build_plan(library, chapter="4.8")[0] == ("zwager_doet_mee", "inhuur_bekende")
    five = s.build_plan(library, chapter="4", count=5, seed=1)[0]
    assert len(five) == 5 and five == s.build_plan(library, chapter="4", count=5, seed=1)[0]
    assert all(
        library.get(i).onderwerp == "misstand" for i in s.build_plan(library, topic="misstand")[0]
    )
    assert all(
        "leidinggevenden" in library.get(i).tags
        for i in s.build_plan(library, tag="leidinggevenden")[0]
    )
    assert s.build_plan(library)[0] == library.plan("onboarding").dilemmas
    assert s.build_plan(library, chapter="twaalf")[1].startswith("not a GIR chapter")
    assert s.build_plan(library, chapter="1")[1] == "no dilemma matches that choice"
    assert s.build_plan(library, chapter="4", count=0)[1] == "--count must be 1 or more"


# --- the state machine ------------------------------------------------------------------------


def test_a_whole_session(library) -> None:
    state = s.start_session(PLAN)
    assert state.phase == s.QUESTION and state.current_id == PLAN[0]

    state, effects = press(library, state, "", "7", "abc")
    assert state.phase == s.ENTRY and state.entry == (7,)
    assert state.notice == "dilemma_sessie_getal" and effects == []
    state, _ = press(library, state, "-2")
    assert state.notice == "dilemma_sessie_getal" and state.entry == (7,)
    state, _ = press(library, state, "100000")
    assert state.notice == "dilemma_sessie_te_groot"
    state, _ = press(library, state, "30", "b")  # undo the 30
    assert state.entry == (7,) and state.notice is None
    state, effects = press(library, state, "12", "0", " 3 ")
    assert state.phase == s.REVEALED
    assert effects == [
        s.RecordVotes(PLAN[0], (("houden", 7), ("melden", 12), ("terugsturen", 0), ("verloten", 3)))
    ]
    assert state.counts(PLAN[0]) == (7, 12, 0, 3)

    state, _ = press(library, state, "n")  # to dilemma 2
    assert state.current_id == PLAN[1] and state.phase == s.QUESTION
    state, _ = press(library, state, "b")  # back to 1: opens at its reveal, no second entry
    assert state.current_id == PLAN[0] and state.phase == s.REVEALED
    state, _ = press(library, state, "b")
    assert state.notice == "dilemma_sessie_al_eerste" and state.index == 0
    state, _ = press(library, state, "", "s")  # to 2, then skip it
    assert state.current_id == PLAN[2]
    state, effects = press(library, state, "o")  # discuss without votes
    assert state.phase == s.REVEALED and effects == [] and state.counts(PLAN[2]) is None
    state, _ = press(library, state, "?")
    assert state.notice == "dilemma_sessie_onbekende_toets"
    state, _ = press(library, state, "n")
    assert state.phase == s.ENDED
    assert press(library, state, "n", "b", "7")[0] == state  # ended stays ended


def test_entry_can_be_left_and_quit_anywhere(library) -> None:
    state, _ = press(library, s.start_session(PLAN), "v", "b")
    assert state.phase == s.QUESTION and state.entry == ()
    state, effects = press(library, state, "", "5", "q")
    assert state.phase == s.ENDED and effects == []  # an unfinished count is not recorded


def test_empty_plan_is_ended() -> None:
    assert s.start_session(()).phase == s.ENDED


def test_group_counts_from_a_poll_are_recorded_once(library) -> None:
    state = s.start_session(PLAN[1:2])
    state, effects = s.with_counts(library, state, [2, 5, 1])
    assert effects == [
        s.RecordVotes("zwager_doet_mee", (("terugtrekken", 2), ("blijven", 5), ("zwijgen", 1)))
    ]
    state, effects = s.with_counts(library, state, [9, 9, 9])
    assert effects == [] and state.counts("zwager_doet_mee") == (2, 5, 1)
    empty, effects = s.with_counts(library, s.start_session(PLAN[1:2]), {})
    assert effects == [] and empty.counts("zwager_doet_mee") == (0, 0, 0)


# --- helpers for the Telegram group -----------------------------------------------------------


def test_poll_fits_telegram(library, texts) -> None:
    for dilemma in library.all():
        for lang in ("nl", "en"):
            poll = poll_for(dilemma, texts, lang)
            assert len(poll.question) <= POLL_QUESTION_CHARS
            assert 3 <= len(poll.options) <= 4
            assert all(0 < len(o) <= POLL_OPTION_CHARS for o in poll.options)
            assert poll.option_ids == tuple(o.id for o in dilemma.opties)
    poll = poll_for(library.get("laptop_prive"), texts, "nl")
    assert poll.question == "De laptop van het werk voor thuis: Wat doe jij?"
    assert poll.options[0].startswith("A. ")


def test_group_reveal_replies(library, texts) -> None:
    dilemma = library.get("grappen_over_collega")
    next_button = (Option("sessie:next", "Volgend dilemma"),)
    replies = reveal_replies(
        dilemma, [3, 1, 0, 2], library, texts, "nl", min_total=1, options=next_button
    )
    bars = replies[0]
    assert isinstance(bars, Bars) and bars.title == "Zo stemde de groep (6 stemmen)"
    assert [n for _, n in bars.items] == [3, 1, 0, 2]
    body = "\n".join(r.text for r in replies if isinstance(r, Message))
    for option in dilemma.opties:
        assert option.tekst.nl in body and option.bespreking.nl in body
    assert "onderdeel 6.1: Omgangsvormen" in body and "de vertrouwenspersoon" in body
    assert replies[-1].options == next_button
    few = reveal_replies(dilemma, {"direct": 2}, library, texts, "nl")  # default needs 5
    assert "pas zien als er 5 stemmen" in few[0].text
    question = question_replies(dilemma, library, texts, "en")
    assert question[0].kind == "heading" and len(question[1].options) == 4


@pytest.mark.parametrize(
    ("values", "expected"),
    [([1, 1, 1], [34, 33, 33]), ([0, 0, 0], [0, 0, 0]), ([7, 12, 0, 3], [32, 54, 0, 14])],
)
def test_percentages_add_up(values, expected) -> None:
    assert percentages(values) == expected
    assert sum(expected) in (0, 100)


# --- the projector screen ---------------------------------------------------------------------


def screen_text(screen: Screen, state: s.SessionState, width: int = 120) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(render(screen, state))
    return console.export_text()


def test_screens_show_what_the_room_needs(library, texts) -> None:
    screen = Screen(library, texts, "nl")
    state = s.start_session(PLAN)
    shown = screen_text(screen, state)
    assert "EEN KERSTPAKKET VAN EEN LEVERANCIER" in shown
    assert "Dilemma 1 van 3" in shown and "GIR 4.1" in shown
    assert " A " in shown and " D " in shown and "Wat doe jij?" in shown
    assert "Enter = stemmen invoeren" in shown and "q = stoppen" in shown

    state, _ = press(library, state, "", "7", "x")
    shown = screen_text(screen, state)
    assert "7 stemmen" in shown and "Typ een heel getal" in shown and "◀ ?" in shown

    state, _ = press(library, state, "12", "0", "3")
    shown = screen_text(screen, state)
    assert "Zo stemde de groep (22 stemmen)" in shown
    assert "12  (54%)" in shown and "0  (0%)" in shown and "█" in shown
    assert "Wie kan helpen:" in shown and "n of Enter = volgend dilemma" in shown
    assert "Zo is het open en hoef je niet alleen te kiezen" in shown

    state, _ = press(library, state, "n", "o")
    assert "Er zijn geen stemmen ingevoerd" in screen_text(screen, state)

    state, _ = press(library, state, "q")
    shown = screen_text(screen, state)
    assert "Klaar!" in shown and "22" in shown and "De stemmen zijn niet bewaard" in shown


def test_the_reveal_fits_a_projected_terminal(library, texts) -> None:
    """Every dilemma, asked and revealed, fits a 120 x 35 terminal with the prompt line below."""
    for lang in ("nl", "en"):
        screen = Screen(library, texts, lang)
        for dilemma in library.all():
            state = s.start_session((dilemma.id,))
            state, _ = s.with_counts(library, state, [5] * len(dilemma.opties))
            asked = screen_text(screen, s.start_session((dilemma.id,))).rstrip().splitlines()
            revealed = screen_text(screen, state).rstrip().splitlines()
            assert len(asked) <= 34 and len(revealed) <= 34, (dilemma.id, lang)


class Recorder:
    """Keeps the calls in order, to check them one by one; the CLI test uses the real store."""

    def __init__(self) -> None:
        self.votes: list[tuple[str, str]] = []

    def add_dilemma_vote(self, *, dilemma_id: str, option: str) -> None:
        self.votes.append((dilemma_id, option))


def test_run_session_with_scripted_keys(library, texts) -> None:
    keys = iter(["", "2", "1", "0", "0", "n", "s", "q"])
    prompts: list[str] = []

    def read(prompt: str) -> str:
        prompts.append(prompt)
        return next(keys)

    recorder = Recorder()
    screen = Screen(library, texts, "en", recording=True)
    console = Console(width=120, record=True, color_system=None, force_terminal=False)
    final = run_session(screen, PLAN, console, recorder, read)
    assert final.phase == s.ENDED
    assert recorder.votes == [(PLAN[0], "houden")] * 2 + [(PLAN[0], "melden")]
    assert "How many votes for A? " in prompts and "Key: " in prompts
    assert "The votes are kept as anonymous counts" in console.export_text()


def test_run_session_ends_on_end_of_input(library, texts) -> None:
    def read(_prompt: str) -> str:
        raise EOFError

    console = Console(width=120, record=True, color_system=None)
    final = run_session(Screen(library, texts, "nl"), PLAN, console, None, read)
    assert final.phase == s.ENDED


def test_a_failing_store_does_not_stop_the_session(library, texts) -> None:
    class Broken:
        def add_dilemma_vote(self, **_kw) -> None:
            raise OSError("disk full")

    keys = iter(["", "1", "1", "1", "1", "q"])
    screen = Screen(library, texts, "nl", recording=True)
    console = Console(width=120, record=True, color_system=None)
    run_session(screen, PLAN, console, Broken(), lambda _p: next(keys))
    assert screen.recording is False
    assert "De stemmen zijn niet bewaard" in console.export_text()


# --- the command, with the real statistics store on disk ---------------------------------------


def cli(args: list[str], data: Path, keys: str = ""):
    from bot.cli import build_app

    env = {"WEGWIJZER_DATA_DIR": str(data), "WEGWIJZER_SETTINGS": "", "COLUMNS": "160"}
    return CliRunner().invoke(build_app(), ["sessie", *args], input=keys, env=env)


def test_cli_lists_dilemmas_and_plans(tmp_path: Path) -> None:
    result = cli(["--list"], tmp_path)
    assert result.exit_code == 0
    assert "kerstpakket_leverancier" in result.output and "onboarding" in result.output


def test_cli_refuses_unknown_choices(tmp_path: Path) -> None:
    result = cli(["--plan", "geen_idee"], tmp_path)
    assert result.exit_code == 2 and "unknown dilemma id or plan: geen_idee" in result.output
    assert cli(["--lang", "de"], tmp_path).exit_code == 2
    assert cli(["--chapter", "1"], tmp_path).exit_code == 2


def test_cli_session_records_votes_in_the_store(tmp_path: Path) -> None:
    from bot.settings import Settings
    from bot.stats.store import SignalenStore

    keys = "\n".join(["", "4", "9", "1", "n", "q"]) + "\n"
    result = cli(["--plan", "zwager_doet_mee,laptop_prive", "--lang", "en"], tmp_path, keys)
    assert result.exit_code == 0, result.output
    assert "YOUR BROTHER-IN-LAW TAKES PART IN THE TENDER" in result.output
    assert "How the group voted (14 votes)" in result.output
    store = SignalenStore.from_settings(Settings(data_dir=tmp_path))
    assert store.dilemma_tally("zwager_doet_mee") == {"terugtrekken": 4, "blijven": 9, "zwijgen": 1}
    assert store.dilemma_tally("laptop_prive") == {}

    result = cli(["--plan", "zwager_doet_mee", "--no-record"], tmp_path, "\n1\n1\n1\nq\n")
    assert result.exit_code == 0 and "not stored" in result.output
    assert store.dilemma_tally("zwager_doet_mee")["zwijgen"] == 1
