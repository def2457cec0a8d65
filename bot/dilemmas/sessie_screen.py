"""The projector screen of `wegwijzer sessie`: rich rendering and the keyboard loop (I/O only).

All decisions live in the pure `session` state machine; this module only draws its state and
reads the facilitator's keys. Texts come from `dialogen/teksten_dilemma.yml`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.content.schema import Tekst
from bot.dilemmas.library import DilemmaLibrary
from bot.dilemmas.model import Dilemma
from bot.dilemmas.replies import gir_label, percentages, question_text
from bot.dilemmas.session import (
    ENDED,
    ENTRY,
    QUESTION,
    RecordVotes,
    SessionState,
    current,
    start_session,
    step,
)
from bot.dilemmas.texts import letter, name_of, say

LETTER_STYLES = (
    "bold white on blue",
    "bold white on dark_green",
    "bold black on yellow",
    "bold white on magenta",
)
BAR_STYLES = ("blue", "green", "yellow", "magenta")
BAR_WIDTH = 40


class VoteRecorder(Protocol):
    """The part of the lead's `Recorder` (bot.runtime) that sessions use."""

    def add_dilemma_vote(self, *, dilemma_id: str, option: str) -> None: ...


@dataclass
class Screen:
    library: DilemmaLibrary
    texts: Mapping[str, Tekst]
    lang: str
    desk_names: Mapping[str, Tekst] = field(default_factory=dict)
    recording: bool = False  # are votes stored as anonymous counts?

    def t(self, text_id: str, **values: object) -> str:
        return say(self.texts, text_id, self.lang, **values)


def _header(screen: Screen, state: SessionState, dilemma: Dilemma) -> RenderableType:
    left = Text(
        screen.t("dilemma_sessie_teller", nummer=state.index + 1, totaal=len(state.plan)),
        style="bold",
    )
    right = Text(gir_label(dilemma, screen.library, screen.texts, screen.lang), style="cyan")
    grid = Table.grid(expand=True)
    grid.add_column()
    grid.add_column(justify="right")
    grid.add_row(left, right)
    return grid


def _title(dilemma: Dilemma, lang: str, padding: int) -> RenderableType:
    return Panel(
        Text(dilemma.titel.get(lang).upper(), style="bold white", justify="center"),
        box=box.HEAVY,
        border_style="bright_blue",
        padding=(padding, 2),
    )


def _options(
    screen: Screen, dilemma: Dilemma, entry: tuple[int, ...], asking: int | None
) -> RenderableType:
    table = Table.grid(padding=(0, 2))
    table.add_column(width=5)
    table.add_column(ratio=1)
    table.add_column(justify="right", width=14)
    for i, option in enumerate(dilemma.opties):
        badge = Text(f" {letter(i)} ", style=LETTER_STYLES[i % len(LETTER_STYLES)])
        count = Text("")
        if i < len(entry):
            count = Text(screen.t("dilemma_sessie_stemmen_kort", aantal=entry[i]), style="bold")
        elif asking == i:
            count = Text("◀ ?", style="bold yellow")
        table.add_row(badge, Text(option.tekst.get(screen.lang), style="bold"), count)
        table.add_row("", "", "")
    return table


def _bars(screen: Screen, dilemma: Dilemma, counts: tuple[int, ...] | None) -> RenderableType:
    if counts is None or sum(counts) == 0:
        return Text(screen.t("dilemma_sessie_geen_stemmen"), style="italic")
    top = max(counts)
    table = Table(
        title=screen.t("dilemma_zaal_titel", totaal=sum(counts)),
        title_style="bold",
        title_justify="left",
        box=None,
        show_header=False,
        padding=(0, 1),
        expand=True,
    )
    table.add_column(width=2)
    table.add_column(width=BAR_WIDTH, no_wrap=True)
    table.add_column(width=11, justify="right", no_wrap=True)
    table.add_column(ratio=1, overflow="ellipsis", no_wrap=True)
    for i, (value, pct) in enumerate(zip(counts, percentages(counts), strict=True)):
        length = round(BAR_WIDTH * value / top) if top else 0
        bar = Text("█" * length or "▏", style=BAR_STYLES[i % len(BAR_STYLES)])
        label = Text(f"{value}  ({pct}%)", style="bold")
        option = Text(dilemma.opties[i].tekst.get(screen.lang), style="dim")
        table.add_row(Text(letter(i), style="bold"), bar, label, option)
    return table


def _discussion(screen: Screen, dilemma: Dilemma) -> RenderableType:
    table = Table.grid(padding=(0, 1))
    table.add_column(width=3)
    table.add_column(ratio=1)
    for i, option in enumerate(dilemma.opties):
        if i:
            table.add_row("", "")
        table.add_row(
            Text(letter(i), style="bold"),
            Text.assemble(
                (option.tekst.get(screen.lang), "bold"), "\n", option.bespreking.get(screen.lang)
            ),
        )
    return table


def _help(screen: Screen, dilemma: Dilemma) -> RenderableType:
    desks = ", ".join(
        name_of("loket", d, screen.texts, screen.lang, screen.desk_names) for d in dilemma.loketten
    )
    return Group(
        Text.assemble((screen.t("dilemma_sessie_wie_helpt"), "bold"), " ", (desks, "bold green")),
        Text(screen.t("dilemma_geen_score"), style="italic"),
    )


def _footer(screen: Screen, state: SessionState) -> RenderableType:
    keys = {
        QUESTION: "dilemma_sessie_toetsen_vraag",
        ENTRY: "dilemma_sessie_toetsen_invoer",
    }.get(state.phase, "dilemma_sessie_toetsen_onthuld")
    parts: list[RenderableType] = []
    if state.notice:
        parts.append(Text(screen.t(state.notice), style="bold yellow"))
    parts.append(Text(screen.t(keys), style="reverse"))
    return Group(*parts)


def _summary(screen: Screen, state: SessionState) -> RenderableType:
    table = Table(box=box.SIMPLE_HEAVY, expand=True)
    table.add_column("#", width=3)
    table.add_column(screen.t("dilemma_sessie_kolom_dilemma"), ratio=1)
    table.add_column(screen.t("dilemma_sessie_kolom_stemmen"), justify="right")
    for i, dilemma_id in enumerate(state.plan):
        dilemma = screen.library.get(dilemma_id)
        counts = state.counts(dilemma_id)
        table.add_row(
            str(i + 1),
            dilemma.titel.get(screen.lang) if dilemma else dilemma_id,
            str(sum(counts)) if counts else "–",
        )
    stored = "dilemma_sessie_opgeslagen" if screen.recording else "dilemma_sessie_niet_opgeslagen"
    return Group(
        Panel(
            Text(screen.t("dilemma_sessie_klaar"), style="bold", justify="center"),
            box=box.HEAVY,
            border_style="bright_blue",
            padding=(1, 2),
        ),
        table,
        Text(screen.t(stored), style="italic"),
    )


def render(screen: Screen, state: SessionState) -> RenderableType:
    """The whole screen for the current state."""
    dilemma = current(screen.library, state)
    if state.phase == ENDED or dilemma is None:
        return _summary(screen, state)
    lang = screen.lang
    if state.phase in (QUESTION, ENTRY):
        asking = len(state.entry) if state.phase == ENTRY else None
        return Group(
            _header(screen, state, dilemma),
            _title(dilemma, lang, padding=1),
            Padding(Text(dilemma.situatie.get(lang)), (1, 4, 0, 4)),
            Padding(Text(question_text(dilemma, screen.texts, lang), style="bold"), (1, 4)),
            Padding(_options(screen, dilemma, state.entry, asking), (0, 4)),
            _footer(screen, state),
        )
    return Group(
        _header(screen, state, dilemma),
        _title(dilemma, lang, padding=0),
        Padding(_bars(screen, dilemma, state.counts(dilemma.id)), (1, 2, 0, 2)),
        Padding(_discussion(screen, dilemma), (1, 2, 0, 2)),
        Padding(_help(screen, dilemma), (1, 2)),
        _footer(screen, state),
    )


def prompt(screen: Screen, state: SessionState) -> str:
    if state.phase == ENTRY:
        return screen.t("dilemma_sessie_vraag_aantal", letter=letter(len(state.entry))) + " "
    return screen.t("dilemma_sessie_prompt") + " "


def record(recorder: VoteRecorder | None, effect: RecordVotes) -> bool:
    """Add the room's votes to the anonymous counts; False when that did not work."""
    if recorder is None:
        return False
    try:
        for option, votes in effect.counts:
            for _ in range(votes):
                recorder.add_dilemma_vote(dilemma_id=effect.dilemma_id, option=option)
    except Exception:  # another area's store must never stop a running session  # noqa: BLE001
        return False
    return True


def run_session(
    screen: Screen,
    plan: tuple[str, ...],
    console: Console,
    recorder: VoteRecorder | None = None,
    read_key: Callable[[str], str] | None = None,
) -> SessionState:
    """Show the plan dilemma by dilemma until the facilitator quits or the plan ends."""
    read = read_key or (lambda text: console.input(text))
    state = start_session(plan)
    while True:
        console.clear()
        console.print(render(screen, state))
        if state.phase == ENDED:
            return state
        try:
            key = read(prompt(screen, state))
        except (EOFError, KeyboardInterrupt):
            key = "q"
        state, effects = step(screen.library, state, key)
        for effect in effects:
            if not record(recorder, effect):
                screen.recording = False
