"""`wegwijzer stats`: anonymous counts for integrity coordinators, with small cells suppressed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot.stats.periods import Period, PeriodError, parse_period

err = Console(stderr=True, highlight=False)


def _period(value: str | None, option: str) -> Period | None:
    if value is None:
        return None
    try:
        return parse_period(value)
    except PeriodError as exc:
        err.print(f"[red]{option}:[/] {exc}", markup=True)
        raise typer.Exit(2) from None


def stats(
    org: Annotated[
        list[str] | None,
        typer.Option("--org", metavar="ORG", help="Only this organisation (repeatable)."),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", metavar="PERIOD", help="First period: 2025-01 or 2025-W02."),
    ] = None,
    stop: Annotated[
        str | None, typer.Option("--to", metavar="PERIOD", help="Last period, inclusive.")
    ] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option("--topic", metavar="TOPIC", help="Only this topic id (repeatable)."),
    ] = None,
    by: Annotated[
        str, typer.Option("--by", metavar="COLUMNS", help="Columns: period, org, desk or channel.")
    ] = "period",
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout.")] = False,
    chart: Annotated[
        Path | None,
        typer.Option("--chart", metavar="FILE", help="Also write a trend chart (PNG) to FILE."),
    ] = None,
    dilemmas: Annotated[
        bool, typer.Option("--dilemmas", help="Dilemma votes instead of conversations.")
    ] = False,
    purge_before: Annotated[
        str | None,
        typer.Option(
            "--purge-before", metavar="PERIOD", help="Delete all counts of periods before PERIOD."
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before purging.")] = False,
    export: Annotated[
        Path | None,
        typer.Option("--export", metavar="FILE", help="Write all counts to FILE (JSON)."),
    ] = None,
    import_: Annotated[
        Path | None,
        typer.Option("--import", metavar="FILE", help="Add the counts in FILE (an export)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Import a file even if it was imported before.")
    ] = False,
    settings_file: Annotated[
        Path | None,
        typer.Option(
            "--settings", metavar="FILE", help="Settings file (default: user config dir)."
        ),
    ] = None,
) -> None:
    """Anonymous conversation counts per topic (rows of the annual reports), small counts hidden."""
    from bot.commands import settings_from
    from bot.stats.report import Filters, ReportError
    from bot.stats.store import SignalenStore, StatsError

    actions = [purge_before is not None, export is not None, import_ is not None]
    if sum(actions) > 1 or (any(actions) and (as_csv or as_json or chart or dilemmas)):
        err.print(
            "Use one of --purge-before, --export, --import at a time, without report options."
        )
        raise typer.Exit(2)
    if as_csv and as_json:
        err.print("Choose --csv or --json, not both.")
        raise typer.Exit(2)
    settings = settings_from(settings_file)
    path = settings.stats_path
    try:
        if import_ is not None:
            _import(SignalenStore(path, period=settings.period), import_, force)
        elif export is not None:
            _export(SignalenStore(path, period=settings.period, readonly=True), export)
        elif purge_before is not None:
            cutoff = _period(purge_before, "--purge-before")
            assert cutoff is not None
            _purge(SignalenStore(path, period=settings.period), cutoff, yes)
        else:
            from bot.nlu.base import TOPICS

            unknown = [t for t in topic or () if t not in TOPICS]
            if unknown:
                raise ReportError(f"unknown topic {unknown[0]!r}; topics: {', '.join(TOPICS)}")
            filters = Filters(
                orgs=tuple(org or ()),
                topics=tuple(topic or ()),
                start=_period(start, "--from"),
                stop=_period(stop, "--to"),
            )
            store = SignalenStore(path, period=settings.period, readonly=True)
            _report(store, settings, filters, by, as_csv, as_json, chart, dilemmas)
    except (StatsError, ReportError) as exc:
        err.print(f"Statistics: {exc}", markup=False)
        raise typer.Exit(2) from None


def _report(store, settings, filters, by, as_csv, as_json, chart, dilemmas) -> None:  # noqa: ANN001
    from bot.stats.chart import render_chart
    from bot.stats.formats import print_rich, to_csv, to_json
    from bot.stats.labels import topic_labels
    from bot.stats.report import ReportError, dilemma_reports, signalen_report

    threshold = settings.suppression_threshold
    if not store.exists:
        err.print(f"No counts yet: {store.path} does not exist.", markup=False)
    with store:
        if dilemmas:
            reports = dilemma_reports(store.dilemma_votes(), filters, threshold)
            if not reports:
                err.print("No dilemma votes in this selection.")
        else:
            labels = topic_labels(settings.content_dir)
            reports = [
                signalen_report(
                    store.conversations(),
                    labels,
                    filters,
                    threshold,
                    by,
                    current=store.current_period(),
                )
            ]
    if chart is not None:
        if dilemmas:
            raise ReportError("--chart draws conversations; leave out --dilemmas")
        panels = render_chart(reports[0], chart)
        err.print(f"Chart with {panels} topic(s) written to {chart}", markup=False)
    if as_json:
        sys.stdout.write(to_json(reports) if reports else "[]\n")
    elif as_csv:
        sys.stdout.write("\n".join(to_csv(r) for r in reports))
    else:
        console = Console(highlight=False)
        for report in reports:
            print_rich(report, console)


def _export(store, target: Path) -> None:  # noqa: ANN001
    from bot.stats.exchange import write_export
    from bot.stats.report import ReportError

    if not store.exists:
        raise ReportError(f"nothing to export: {store.path} does not exist")
    with store:
        conversations, votes = write_export(store, target)
    err.print(
        f"Exported {conversations} conversation counts and {votes} dilemma counts to {target}. "
        "These are the raw counts (not suppressed): keep the file as safe as the database.",
        markup=False,
    )


def _import(store, source: Path, force: bool) -> None:  # noqa: ANN001
    from bot.stats.exchange import ImportFileError, read_import
    from bot.stats.report import ReportError

    try:
        conversations, votes, fingerprint = read_import(source)
    except ImportFileError as exc:
        raise ReportError(str(exc)) from None
    with store:
        if store.already_imported(fingerprint) and not force:
            raise ReportError(
                f"{source} was imported before; importing it again would count it twice "
                "(use --force if that is really what you want). Nothing was changed."
            )
        store.merge(conversations, votes, fingerprint)
    added = sum(c.n for c in conversations)
    err.print(
        f"Imported {len(conversations)} conversation counts ({added} conversations) and "
        f"{len(votes)} dilemma counts from {source}.",
        markup=False,
    )


def _purge(store, cutoff: Period, yes: bool) -> None:  # noqa: ANN001
    if not store.exists:
        err.print(f"Nothing to purge: {store.path} does not exist.", markup=False)
        return
    with store:
        old = sorted(
            {c.period for c in store.conversations()} | {d.period for d in store.dilemma_votes()}
        )
        old = [key for key in old if parse_period(key).start < cutoff.start]
        if not old:
            err.print(f"No periods before {cutoff.key}; nothing removed.")
            return
        if not yes and not typer.confirm(
            f"Delete all counts of {len(old)} period(s) before {cutoff.key} "
            f"({old[0]} .. {old[-1]})?",
            default=False,
            err=True,
        ):
            err.print("Nothing removed.")
            return
        conversations, votes = store.purge_before(cutoff)
    err.print(
        f"Removed {conversations} conversation counts and {votes} dilemma counts of "
        f"{len(old)} period(s) before {cutoff.key}."
    )


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `wegwijzer` app."""
    app.command()(stats)
