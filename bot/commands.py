"""The foundation's commands: `chat` (terminal), `check` (content) and `advise --jsonl`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from bot.content.loader import Content, load_content
from bot.content.yamlload import ContentError
from bot.core.conversation import TEXT_IDS
from bot.settings import Settings, SettingsError, load_settings

err = Console(stderr=True, highlight=False)

SettingsOption = Annotated[
    Path | None, typer.Option("--settings", help="Settings file (default: user config dir).")
]
ContentOption = Annotated[
    Path | None, typer.Option("--content", help="Folder with kennisbank/ and dialogen/.")
]


def settings_from(path: Path | None = None, **overrides: Any) -> Settings:
    """Settings with command-line overrides; a bad file or value stops with a clear message."""
    try:
        settings = load_settings(path)
        for name, value in overrides.items():
            if value is not None:
                setattr(settings, name, value)
        return settings
    except (SettingsError, ValueError) as exc:
        err.print(f"[red]Settings problem:[/] {exc}")
        raise typer.Exit(2) from None


def print_problems(error: ContentError, what: str = "The content") -> None:
    err.print(f"[red bold]{what} has {len(error.problems)} problem(s):[/]")
    for problem in error.problems:
        err.print(f"  {problem}", markup=False)


def content_from(settings: Settings) -> Content:
    try:
        return load_content(settings.content_dir, required_texts=TEXT_IDS)
    except ContentError as exc:
        print_problems(exc)
        err.print("[red]Not starting: fix the content first (`wegwijzer check`).[/]")
        raise typer.Exit(2) from None


def open_wegwijzer(settings: Settings, with_recorder: bool = True):
    """Content, NLU engine and (optionally) the statistics store, or a clear message and exit."""
    from bot.nlu.engines import load_engine
    from bot.runtime import Wegwijzer

    content = content_from(settings)
    try:
        nlu = load_engine(settings)
    except Exception as exc:  # noqa: BLE001 - engines raise their own friendly errors
        err.print(f"[red]The language engine could not start:[/] {exc}")
        raise typer.Exit(2) from None
    recorder = open_recorder(settings) if with_recorder else None
    return Wegwijzer(content, nlu, settings, recorder)


def open_recorder(settings: Settings):
    """The anonymous-count store; without it the bot still helps people, it just does not count."""
    try:
        from bot.stats.store import SignalenStore

        return SignalenStore(settings.stats_path, period=settings.period)
    except Exception as exc:  # noqa: BLE001
        err.print(f"[yellow]Not counting statistics this session:[/] {exc}")
        return None


def chat(
    org: Annotated[str | None, typer.Option(help="Organisation id, set in advance.")] = None,
    lang: Annotated[str | None, typer.Option(help="nl or en.")] = None,
    nlu: Annotated[str | None, typer.Option(help="embedded or rasa.")] = None,
    settings_file: SettingsOption = None,
    content: ContentOption = None,
) -> None:
    """Open the wegwijzer chat in this terminal (no token, no server)."""
    from bot.channels.terminal import make_console, run_chat

    settings = settings_from(settings_file, language=lang, nlu=nlu, content_dir=content)
    wegwijzer = open_wegwijzer(settings)
    if org is not None and org not in wegwijzer.content.organisaties:
        known = ", ".join(wegwijzer.content.organisaties)
        err.print(f"[red]Unknown organisation '{org}'.[/] Choose one of: {known}")
        raise typer.Exit(2)
    console = make_console()
    run_chat(wegwijzer, console, lambda: console.input("[bold green]> [/]"), org=org)


def check(settings_file: SettingsOption = None, content: ContentOption = None) -> None:
    """Validate all content (schema and cross-references); exit 1 when anything is wrong."""
    settings = settings_from(settings_file, content_dir=content)
    try:
        loaded = load_content(settings.content_dir, required_texts=TEXT_IDS)
    except ContentError as exc:
        print_problems(exc)
        raise typer.Exit(1) from None
    problems = _check_training_data(settings)
    if problems:
        print_problems(ContentError(problems))
        raise typer.Exit(1)
    dilemmas = len(loaded.dilemmas.all()) if loaded.dilemmas is not None else 0
    Console(highlight=False).print(
        f"[green]Content OK[/] (version {loaded.version}): {len(loaded.organisaties)} "
        f"organisations, {len(loaded.loketten)} desks, {len(loaded.onderwerpen)} topics, "
        f"{len(loaded.regels)} rules, {len(loaded.vragen)} questions, {len(loaded.teksten)} "
        f"texts, {dilemmas} dilemmas."
    )


def _check_training_data(settings: Settings) -> list:
    """The NLU area may offer a check of its training data; use it when it is there."""
    try:
        from bot.nlu.training_data import check_training_data
    except ImportError:
        return []
    return list(check_training_data(settings.content_dir / "dialogen"))


def advise(
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Read and write JSON lines.")] = False,
    org: Annotated[str | None, typer.Option(help="Organisation when a line has none.")] = None,
    settings_file: SettingsOption = None,
    content: ContentOption = None,
) -> None:
    """Advice on single first messages: {"id","org","text"} per line in, one result per line out."""
    from bot.advice import first_message_advice
    from bot.nlu.engines import load_engine

    if not jsonl:
        err.print("Use --jsonl: one JSON object per line on stdin.")
        raise typer.Exit(2)
    settings = settings_from(settings_file, content_dir=content)
    loaded = content_from(settings)
    nlu = load_engine(settings)
    out = sys.stdout
    for number, line in enumerate(sys.stdin.buffer, start=1):
        if not line.strip():
            continue
        record: dict[str, Any] = {}
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise ValueError("expected an object with a string 'text'")
            advice = first_message_advice(loaded, nlu, record.get("org") or org, record["text"])
            result: dict[str, Any] = {
                "id": record.get("id"),
                "topic": advice.topic,
                "confidence": advice.confidence,
                "desks": advice.desks,
                "crisis": advice.crisis,
                "manager_involved": advice.manager_involved,
            }
        except (ValueError, UnicodeDecodeError) as exc:
            reason = "not valid JSON" if isinstance(exc, json.JSONDecodeError) else str(exc)
            ident = record.get("id") if isinstance(record, dict) else None
            result = {"id": ident, "error": f"line {number}: {reason}"}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()


def register(app: typer.Typer) -> None:
    app.command()(chat)
    app.command()(check)
    app.command()(advise)
