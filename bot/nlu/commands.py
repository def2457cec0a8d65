"""The NLU area's commands: `eval`, `bench`, and `rasa setup|train|serve`.

These are developer/ico tools, so their messages are in English and live in code. Every failure
(no Rasa venv, server not running, malformed evaluation file) ends in a clear message and a
non-zero exit code, never a traceback.
"""

from __future__ import annotations

import signal
import subprocess
from contextlib import ExitStack
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.commands import ContentOption, SettingsOption, print_problems
from bot.commands import settings_from as _settings
from bot.content.yamlload import ContentError
from bot.settings import Settings

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

class EngineChoice(StrEnum):
    embedded = "embedded"
    rasa = "rasa"
    both = "both"


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]{message}[/]", markup=True)
    return typer.Exit(code)


def _engines(choice: EngineChoice) -> list[str]:
    return ["embedded", "rasa"] if choice == EngineChoice.both else [choice.value]


def _load_content(settings: Settings):
    """The kennisbank for desk advice; without it only the NLU parts are measured."""
    from bot.content.loader import load_content

    try:
        return load_content(settings.content_dir)
    except ContentError as exc:
        err.print(f"[yellow]Content has problems ({len(exc.problems)}); measuring the NLU only. "
                  "Run `wegwijzer check`.[/]")
    return None


def _rasa_engine(settings: Settings, stack: ExitStack, start: bool):
    """A strict Rasa client: the configured server, or a temporary one we start and stop."""
    from bot.nlu import rasa_project
    from bot.nlu.rasa_client import RasaNLU, RasaUnavailable

    client = RasaNLU(settings.rasa_url, settings.confidence_threshold, strict=True)
    try:
        client.check()
        return client
    except RasaUnavailable as exc:
        if not start or not rasa_project.venv_ready(settings):
            raise _fail(str(exc)) from None
    err.print(f"No Rasa server at {settings.rasa_url}; starting a temporary one.")
    try:
        url = stack.enter_context(rasa_project.running_server(settings, log=err.print))
    except rasa_project.RasaSetupError as exc:
        raise _fail(str(exc)) from None
    return RasaNLU(url, settings.confidence_threshold, strict=True)


def eval_command(
    file: Annotated[Path, typer.Argument(help="YAML list of cases (see DESIGN.md).")],
    nlu: Annotated[EngineChoice, typer.Option("--nlu", help="Engine(s) to measure.")] = (
        EngineChoice.embedded
    ),
    start_rasa: Annotated[bool, typer.Option(
        help="Start a temporary Rasa server when none is running.")] = True,
    misses: Annotated[bool, typer.Option(help="List the cases with a wrong topic.")] = False,
    settings_file: SettingsOption = None,
    content: ContentOption = None,
) -> None:
    """Topic accuracy, desk advice, crisis and cue detection on an evaluation file."""
    from bot.nlu import evaluate
    from bot.nlu.engines import load_engine
    from bot.nlu.rasa_client import RasaUnavailable

    settings = _settings(settings_file, content_dir=content)
    try:
        cases = evaluate.load_cases(file)
    except ContentError as exc:
        print_problems(exc, "The evaluation file")
        raise typer.Exit(2) from None
    loaded = _load_content(settings)
    results = []
    with ExitStack() as stack:
        for name in _engines(nlu):
            engine = (
                _rasa_engine(settings, stack, start_rasa) if name == "rasa"
                else load_engine(settings, "embedded")
            )
            try:
                predictions = evaluate.predict_all(engine, loaded, cases)
            except RasaUnavailable as exc:
                raise _fail(str(exc)) from None
            results.append(evaluate.compute(name, cases, predictions))
    out.print(f"{file}: {len(cases)} cases")
    evaluate.render(results, out, show_misses=misses)


def bench_command(
    nlu: Annotated[EngineChoice, typer.Option("--nlu", help="Engine(s) to measure.")] = (
        EngineChoice.both
    ),
    messages: Annotated[Path | None, typer.Option(
        help="Evaluation YAML whose texts are used (default: evaluatie/eval.yml).")] = None,
    count: Annotated[int, typer.Option(min=10, help="Messages to time per engine.")] = 1000,
    settings_file: SettingsOption = None,
    content: ContentOption = None,
) -> None:
    """Start-up time, latency (median, p99) and peak memory per engine, each in a fresh process."""
    from bot.nlu import bench, evaluate, rasa_project

    settings = _settings(settings_file, content_dir=content)
    source = messages or settings.content_dir / "evaluatie" / "eval.yml"
    try:
        texts = [c.text for c in evaluate.load_cases(source)]
    except ContentError as exc:
        raise _fail(f"Cannot read messages: {exc.problems[0]}", 2) from None
    texts = (texts * (count // len(texts) + 1))[:count]
    engines = _engines(nlu)
    if "rasa" in engines and not rasa_project.venv_ready(settings):
        err.print("[yellow]Rasa is not set up (`wegwijzer rasa setup`); measuring embedded only."
                  "[/]")
        engines = [e for e in engines if e != "rasa"]
    if not engines:
        raise _fail("Nothing to measure.")
    out.print(f"Measuring {', '.join(engines)} on {len(texts)} messages, each in a fresh process.")
    results = bench.run_bench(settings, engines, texts)
    table = Table(title="NLU benchmark")
    columns = ("engine", "start s", "median ms", "p99 ms", "peak RSS MB")
    for column in columns:
        table.add_column(column, justify="left" if column == "engine" else "right")
    names = {"embedded-cold": "embedded, no cache"}
    for r in results:
        name = names.get(r["engine"], r["engine"])
        if "error" in r:
            table.add_row(name, f"[red]failed: {r['error']}[/]", *[""] * 3)
            continue
        table.add_row(name, f"{r['start_s']:.2f}", f"{r['median_ms']:.2f}",
                      f"{r['p99_ms']:.2f}", f"{r['peak_mb']:.0f}")
    out.print(table)
    out.print("start: until the engine answers (embedded: from process start, with the cached "
              "model; no cache: scikit-learn import and training from the YAML included, as on "
              "the first start after a content change; rasa: from `rasa run` until its model is "
              "loaded). peak RSS: peak resident memory (rasa: server + client).")


rasa_app = typer.Typer(help="The optional Rasa engine: set up, train, serve.",
                       no_args_is_help=True)


@rasa_app.command("setup")
def rasa_setup(
    python: Annotated[str | None, typer.Option(help="Python 3.10 interpreter to use.")] = None,
    settings_file: SettingsOption = None,
) -> None:
    """Create (or reuse) the Python 3.10 venv with rasa==3.6.21."""
    from bot.nlu import rasa_project

    settings = _settings(settings_file)
    try:
        rasa_project.setup(settings, log=out.print, python=python)
    except rasa_project.RasaSetupError as exc:
        raise _fail(str(exc)) from None


@rasa_app.command("train")
def rasa_train(
    force: Annotated[bool, typer.Option(help="Train even when the data did not change.")] = False,
    settings_file: SettingsOption = None,
    content: ContentOption = None,
) -> None:
    """Train a Rasa model from dialogen/ (only when the data changed)."""
    from bot.nlu import rasa_project

    settings = _settings(settings_file, content_dir=content)
    try:
        rasa_project.train(settings, log=out.print, force=force)
    except rasa_project.RasaSetupError as exc:
        raise _fail(str(exc)) from None


@rasa_app.command("serve")
def rasa_serve(
    port: Annotated[int | None, typer.Option(help="Port on 127.0.0.1 (default: from rasa_url).")]
    = None,
    settings_file: SettingsOption = None,
    content: ContentOption = None,
) -> None:
    """Run `rasa run --enable-api` on 127.0.0.1 (telemetry off) until Ctrl-C."""
    from bot.nlu import rasa_project

    settings = _settings(settings_file, content_dir=content)
    try:
        model = rasa_project.train(settings, log=out.print)
    except rasa_project.RasaSetupError as exc:
        raise _fail(str(exc)) from None
    port = port or rasa_project.port_of(settings.rasa_url)
    out.print(f"Serving {model.name} on http://127.0.0.1:{port} (Ctrl-C stops).")
    process = subprocess.Popen(
        rasa_project.serve_command(settings, model, port), env=rasa_project.rasa_env(),
        cwd=rasa_project.work_dir(settings),
    )
    try:
        code = process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGINT)
        rasa_project.stop(process)
        code = 0
    if code not in (0, -signal.SIGINT, -signal.SIGTERM):
        raise _fail(f"`rasa run` stopped with exit code {code}.")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `wegwijzer` app."""
    app.command("eval")(eval_command)
    app.command("bench")(bench_command)
    app.add_typer(rasa_app, name="rasa")


