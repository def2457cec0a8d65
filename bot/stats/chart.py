"""A trend chart per topic over the periods, readable when printed in black and white.

One small panel per report row, all on the same scale, so nothing depends on colour: each row
also has its own line style and marker. Hidden counts are gaps in the line with the marker
("<5" or "x") written under the zero line, outside the range of values, so no hidden count is
ever drawn as a value.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no screen on a server; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402

from bot.stats.report import Report, ReportError  # noqa: E402

LINE_STYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<")


def chart_series(report: Report) -> dict[int, list[float]]:
    """Row index -> the values to draw, NaN where a count is hidden (a gap, never its value).

    Rows without any count are left out: an empty panel only takes room.
    """
    return {
        index: [math.nan if cell.hidden else float(cell.value) for cell in cells]
        for index, cells in enumerate(report.table.cells)
        if any(cell.value for cell in cells)
    }


def render_chart(report: Report, target: Path) -> int:
    """Write the PNG; returns the number of panels. Raises ReportError when there is no data."""
    if report.by != "period":
        raise ReportError("a chart shows a trend over periods: leave out --by")
    table = report.table
    series = chart_series(report)
    panels = list(series)
    if not panels or len(report.columns) < 1:
        raise ReportError("no counts in this selection, so there is nothing to chart")
    columns = 2 if len(panels) > 1 else 1
    rows = math.ceil(len(panels) / columns)
    fig, axes = plt.subplots(
        rows,
        columns,
        figsize=(6.2 * columns, 2.5 * rows + 1.4),
        sharex=True,
        sharey=True,
        squeeze=False,
    )
    shown_max = max(
        (cell.value for index in panels for cell in table.cells[index] if not cell.hidden),
        default=0,
    )
    top = max(shown_max, table.threshold) * 1.15
    x = list(range(len(report.columns)))
    for slot, index in enumerate(panels):
        ax = axes[slot // columns][slot % columns]
        cells = table.cells[index]
        ax.plot(
            x,
            series[index],
            color="black",
            linestyle=LINE_STYLES[index % len(LINE_STYLES)],
            marker=MARKERS[index % len(MARKERS)],
            markersize=5,
            linewidth=1.6,
        )
        ax.axhline(0, color="0.4", linewidth=0.8)
        for position, cell in zip(x, cells, strict=True):
            if cell.hidden:
                ax.text(
                    position,
                    -0.11 * top,
                    str(table.label(cell)),
                    ha="center",
                    va="center",
                    fontsize=7,
                    style="italic",
                    color="0.25",
                )
        total = table.label(table.row_totals[index])
        title = f"{textwrap.shorten(report.rows[index].label, 60)}  (totaal {total})"
        ax.set_title(title, fontsize=9, loc="left")
        ax.set_ylim(-0.2 * top, top)
        ax.grid(axis="y", color="0.85", linewidth=0.6)
        ax.tick_params(labelsize=7)
    for slot in range(len(panels), rows * columns):
        axes[slot // columns][slot % columns].set_visible(False)
    step = max(1, math.ceil(len(x) / 12))
    for ax in axes[-1]:
        ax.set_xticks(x[::step], [report.columns[i] for i in x[::step]], rotation=45, ha="right")
    for slot in range(len(panels)):
        ax = axes[slot // columns][slot % columns]
        if slot // columns == rows - 1 or slot + columns >= len(panels):
            ax.tick_params(labelbottom=True)
            plt.setp(ax.get_xticklabels(), rotation=45, ha="right")
    ticks = [tick for tick in axes[0][0].get_yticks() if 0 <= tick <= top]
    axes[0][0].set_yticks(ticks)  # no negative ticks: below zero only the hidden markers live
    fig.suptitle(
        f"{report.title}: aantal per {report.column_header}", fontsize=11, fontweight="bold"
    )
    explained = [
        *report.footnotes(),
        "Onder de nullijn staat waar een aantal verborgen is; de lijn is daar onderbroken. "
        "(Below the zero line: where a count is hidden; the line has a gap there.)",
    ]
    notes = "\n".join(textwrap.fill(note, int(fig.get_figwidth() * 19)) for note in explained)
    fig.text(0.01, 0.005, notes, fontsize=6.5, va="bottom", ha="left", color="0.2")
    note_lines = notes.count("\n") + 1
    fig.tight_layout(rect=(0, 0.02 + 0.12 * note_lines / (2.5 * rows + 1.4), 1, 0.97))
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, dpi=130, metadata={"Software": None})
    plt.close(fig)
    return len(panels)
