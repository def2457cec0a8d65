"""From stored counts to a publishable table: filter, group into report rows, suppress.

Every output format (terminal, CSV, JSON, chart) is drawn from one `Report`, so they all show
exactly the same suppressed values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.stats.labels import TopicLabels, ordered_topics
from bot.stats.periods import Period, in_window, parse_period, period_of, period_range
from bot.stats.store import ConversationCount, DilemmaCount
from bot.stats.suppression import SuppressedTable, suppress

DIMENSIONS = ("period", "org", "desk", "channel")
MAX_COLUMNS = 260  # five years of weeks; more is not a table anyone can read


class ReportError(ValueError):
    """The selection cannot be shown (too many periods, an unknown dimension, ...)."""


@dataclass(frozen=True)
class Filters:
    orgs: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    start: Period | None = None
    stop: Period | None = None

    def keep(self, period: str, org: str | None = None, topic: str | None = None) -> bool:
        if self.orgs and org is not None and org not in self.orgs:
            return False
        if self.topics and topic is not None and topic not in self.topics:
            return False
        return in_window(parse_period(period), self.start, self.stop)

    def describe(self) -> dict[str, object]:
        return {
            "org": list(self.orgs),
            "topic": list(self.topics),
            "from": self.start.key if self.start else None,
            "to": self.stop.key if self.stop else None,
        }


@dataclass(frozen=True)
class Row:
    label: str
    ids: tuple[str, ...]  # the topic ids (or option) counted in this row


@dataclass(frozen=True)
class Report:
    title: str
    row_header: str
    column_header: str
    rows: tuple[Row, ...]
    columns: tuple[str, ...]
    table: SuppressedTable
    filters: Filters
    by: str
    notes: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self.table.grand_total.value == 0

    def footnotes(self) -> list[str]:
        """What a reader must know to read the table right (Dutch, then English)."""
        notes = [
            "Aantallen zijn gesprekken met de wegwijzer, geen meldingen. "
            "(Counts are conversations with the bot, not reports.)"
        ]
        t = self.table.threshold
        if self.table.primary_count:
            notes.append(
                f"<{t}: 1 tot en met {t - 1}, te klein om te tonen. "
                f"(<{t}: 1 to {t - 1}, too small to show.)"
            )
        if self.table.secondary_count:
            notes.append(
                "x: verborgen zodat een klein aantal niet uit de totalen is terug te rekenen "
                "(secundaire onderdrukking). (x: hidden so that a small count cannot be worked "
                "out from the totals.)"
            )
        if self.table.pinned:
            notes.append(
                "Let op: in deze selectie zijn bijna alle aantallen klein, zodat sommige ook "
                "verborgen nog te raden zijn; kies een ruimere selectie (meer perioden, minder "
                "filters). (Nearly all counts here are small; widen the selection.)"
            )
        return [*notes, *self.notes]


def signalen_report(
    counts: Iterable[ConversationCount],
    labels: TopicLabels,
    filters: Filters,
    threshold: int,
    by: str = "period",
    current: Period | None = None,
) -> Report:
    """The *Overzicht signalen*: report rows by columns (periods, or orgs, desks, channels)."""
    if by not in DIMENSIONS:
        raise ReportError(f"--by must be one of {', '.join(DIMENSIONS)}")
    kept = [c for c in counts if filters.keep(c.period, c.org, c.topic)]
    present = {c.topic for c in kept}
    topics = [t for t in ordered_topics(present) if not filters.topics or t in filters.topics]
    topics += [t for t in filters.topics if t not in topics]
    grouped: dict[str, list[str]] = {}
    for topic in topics:
        grouped.setdefault(labels.label(topic), []).append(topic)
    rows = tuple(Row(label, tuple(ids)) for label, ids in grouped.items())
    if by == "period":
        columns = _period_columns([c.period for c in kept], filters, current)
    else:
        columns = sorted({getattr(c, by) for c in kept})
    _check_width(columns)
    row_of = {topic: index for index, row in enumerate(rows) for topic in row.ids}
    col_of = {key: index for index, key in enumerate(columns)}
    values = [[0] * len(columns) for _ in rows]
    for c in kept:
        values[row_of[c.topic]][col_of[getattr(c, by)]] += c.n
    titles = {
        "period": "periode",
        "org": "organisatie",
        "desk": "eerst geadviseerd loket",
        "channel": "kanaal",
    }
    return Report(
        title="Overzicht signalen",
        row_header="Type signaal (URI)",
        column_header=titles[by],
        rows=rows,
        columns=tuple(columns),
        table=suppress(values, threshold),
        filters=filters,
        by=by,
        notes=(labels.note,) if labels.note else (),
    )


def dilemma_reports(
    votes: Iterable[DilemmaCount], filters: Filters, threshold: int
) -> list[Report]:
    """One table per dilemma: options by periods, suppressed like the signalen."""
    per_dilemma: dict[str, list[DilemmaCount]] = defaultdict(list)
    for vote in votes:
        if filters.keep(vote.period):
            per_dilemma[vote.dilemma_id].append(vote)
    reports = []
    for dilemma_id in sorted(per_dilemma):
        kept = per_dilemma[dilemma_id]
        options = sorted({v.option for v in kept})
        columns = _period_columns([v.period for v in kept], filters, None)
        _check_width(columns)
        values = [[0] * len(columns) for _ in options]
        for v in kept:
            values[options.index(v.option)][columns.index(v.period)] += v.n
        reports.append(
            Report(
                title=f"Dilemma {dilemma_id}: stemmen per optie",
                row_header="optie",
                column_header="periode",
                rows=tuple(Row(option, (option,)) for option in options),
                columns=tuple(columns),
                table=suppress(values, threshold),
                filters=filters,
                by="period",
            )
        )
    return reports


def _period_columns(keys: Sequence[str], filters: Filters, current: Period | None) -> list[str]:
    """Every period in the window, gaps included (a trend needs its zeros), when modes agree."""
    periods = sorted({parse_period(key) for key in keys})
    modes = {p.mode for p in periods}
    if len(modes) > 1:
        return [p.key for p in periods]  # month and week data mixed: show what is there
    mode = modes.pop() if modes else (current.mode if current else None)
    if mode is None:
        return []
    first = periods[0] if periods else current
    last = periods[-1] if periods else current
    if filters.start is not None:
        first = period_of(filters.start.start, mode)
        if first.start < filters.start.start:
            first = first.next()
    if filters.stop is not None:
        last = period_of(filters.stop.end, mode)
    if first is None or last is None or first.start > last.start:
        return []
    if (last.start - first.start).days > MAX_COLUMNS * 31:
        raise ReportError("that window holds too many periods to show; narrow --from/--to")
    span = period_range(first, last)
    _check_width(span)
    return [p.key for p in span]


def _check_width(columns: Sequence[object]) -> None:
    if len(columns) > MAX_COLUMNS:
        raise ReportError(
            f"{len(columns)} columns is too many to show; narrow the selection with --from/--to"
        )
