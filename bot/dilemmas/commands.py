"""`wegwijzer sessie`: a dilemma session for a room, shown on a projector, run from the terminal."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.content.schema import LANGUAGES
from bot.dilemmas.library import DilemmaLibrary, load_dilemmas
from bot.dilemmas.sessie_screen import Screen, VoteRecorder, run_session
from bot.dilemmas.session import build_plan
from bot.dilemmas.texts import load_dilemma_texts
from bot.dilemmas.vocab import kennisbank_names, known_ids


def _settings():
    from bot.settings import SettingsError, load_settings

    try:
        return load_settings(), None
    except SettingsError as exc:
        return None, str(exc)


def open_recorder(settings) -> tuple[VoteRecorder | None, str]:
    """The statistics store when that part is installed and opens; else None and why not."""
    try:
        from bot.stats.store import SignalenStore  # another area's module; optional here
    except ImportError:
        return None, "statistics store not available: votes are shown, not stored"
    try:
        if hasattr(SignalenStore, "from_settings"):
            return SignalenStore.from_settings(settings), ""
        return SignalenStore(settings.stats_path), ""
    except Exception as exc:  # noqa: BLE001 - any failure of the store must not stop a session
        return (
            None,
            f"statistics store could not be opened ({type(exc).__name__}): votes not stored",
        )


def load_library(content_dir: Path) -> tuple[DilemmaLibrary | None, list[str]]:
    topics, desks = known_ids(content_dir)
    library, problems = load_dilemmas(content_dir, topics, desks)
    return library, [str(p) for p in problems]


def _list(console: Console, library: DilemmaLibrary, lang: str) -> None:
    table = Table(title="Dilemmas", show_lines=False)
    table.add_column("id", no_wrap=True)
    table.add_column("GIR", no_wrap=True, min_width=3)
    table.add_column("title", ratio=2)
    table.add_column("topic, tags", ratio=1)
    for d in sorted(library.all(), key=lambda d: [int(p) for p in d.gir.split(".")]):
        table.add_row(d.id, d.gir, d.titel.get(lang), ", ".join((d.onderwerp, *d.tags)))
    console.print(table)
    plans = Table(title="Plans (--plan NAME)")
    for column in ("plan", "minutes", "dilemmas", "description"):
        plans.add_column(column)
    for p in library.plans:
        plans.add_row(p.id, str(p.minuten), str(len(p.dilemmas)), p.omschrijving.get(lang))
    console.print(plans)


def sessie(
    plan: Annotated[
        str | None, typer.Option(help="A plan name (see --list) or dilemma ids: id1,id2,...")
    ] = None,
    chapter: Annotated[str | None, typer.Option(help="GIR chapter (2-8) or section (4.1)")] = None,
    topic: Annotated[str | None, typer.Option(help="Topic id, e.g. belangenverstrengeling")] = None,
    tag: Annotated[
        str | None, typer.Option(help="Audience tag, e.g. nieuw, leidinggevenden")
    ] = None,
    count: Annotated[int | None, typer.Option(help="At most this many dilemmas")] = None,
    lang: Annotated[str, typer.Option(help="Language on screen: nl or en")] = "nl",
    seed: Annotated[int | None, typer.Option(help="Draw for --count (default: random)")] = None,
    list_: Annotated[
        bool, typer.Option("--list", help="List dilemmas and plans, then stop")
    ] = False,
    no_record: Annotated[
        bool, typer.Option("--no-record", help="Do not add the votes to the statistics")
    ] = False,
) -> None:
    """Run a dilemma session for a room: show, type the votes, reveal, discuss."""
    console = Console()
    if lang not in LANGUAGES:
        console.print("[red]--lang must be nl or en[/red]")
        raise typer.Exit(2)
    settings, settings_error = _settings()
    content_dir = settings.content_dir if settings else Path(__file__).resolve().parents[2]
    library, problems = load_library(content_dir)
    texts, text_problems = load_dilemma_texts(content_dir)
    problems += [str(p) for p in text_problems]
    if library is None or problems:
        console.print("[red]The dilemma content has problems; fix these first:[/red]")
        for problem in problems:
            console.print(f"  {problem}", markup=False, highlight=False)
        raise typer.Exit(1)
    if list_:
        _list(console, library, lang)
        return
    ids, error = build_plan(
        library,
        plan,
        chapter,
        topic,
        tag,
        count,
        seed if seed is not None else random.randrange(10**6),
    )
    if error:
        console.print(f"[red]{error}[/red] (see: wegwijzer sessie --list)")
        raise typer.Exit(2)
    recorder, note = (None, "votes not stored (--no-record)") if no_record else (None, "")
    if not no_record:
        if settings is None:
            note = f"settings unreadable, votes not stored: {settings_error}"
        else:
            recorder, note = open_recorder(settings)
    desk_names, _ = kennisbank_names(content_dir)
    screen = Screen(library, texts, lang, desk_names, recording=recorder is not None)
    run_session(screen, ids, console, recorder)
    if note:
        console.print(note, style="dim")


def register(app: typer.Typer) -> None:
    """Add `wegwijzer sessie` to the app."""
    app.command("sessie")(sessie)
