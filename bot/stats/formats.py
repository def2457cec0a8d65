"""A Report as a rich table, CSV or JSON: the same suppressed values, the same footnotes."""

from __future__ import annotations

import csv
import io
import json

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.stats.report import Report
from bot.stats.suppression import Cell

TOTAL = "Totaal"


def _line(report: Report, cells: tuple[Cell, ...], total: Cell) -> list[int | str]:
    return [report.table.label(cell) for cell in cells] + [report.table.label(total)]


def table_rows(report: Report) -> list[tuple[str, list[int | str]]]:
    """(label, values + total) per report row, then the total row."""
    t = report.table
    rows = [
        (row.label, _line(report, cells, total))
        for row, cells, total in zip(report.rows, t.cells, t.row_totals, strict=True)
    ]
    rows.append((TOTAL, _line(report, t.column_totals, t.grand_total)))
    return rows


def print_rich(report: Report, console: Console) -> None:
    """The table, split into several column blocks when the terminal is too narrow for all."""
    rows = table_rows(report)
    headers = [*report.columns, TOTAL]
    widths = [
        max(len(header), *(len(str(values[k])) for _, values in rows)) + 3
        for k, header in enumerate(headers)
    ]
    label_width = min(44, max(22, *(len(label) for label, _ in rows)))
    if label_width + 3 + sum(widths) > console.width:
        label_width = min(label_width, 30)  # fold long labels rather than split into many blocks
    blocks: list[list[int]] = [[]]
    used = label_width + 3
    for k, width in enumerate(widths):
        if blocks[-1] and used + width > console.width:
            blocks.append([])
            used = label_width + 3
        blocks[-1].append(k)
        used += width
    for number, block in enumerate(blocks, start=1):
        title = report.title + (f" ({number}/{len(blocks)})" if len(blocks) > 1 else "")
        table = Table(
            title=title,
            title_style="bold",
            caption=_filters_caption(report) if number == len(blocks) else None,
            caption_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
        )
        table.add_column(report.row_header, width=label_width, overflow="fold")
        for k in block:
            table.add_column(
                headers[k],
                justify="right",
                no_wrap=True,
                style="bold" if k == len(headers) - 1 else None,
            )
        for index, (label, values) in enumerate(rows):
            table.add_row(
                label,
                *(str(values[k]) for k in block),
                style="bold" if index == len(rows) - 1 else None,
                end_section=index == len(rows) - 2,
            )
        console.print(table)
    for note in report.footnotes():
        console.print(Text(f"  {note}", style="dim"))


def _filters_caption(report: Report) -> str:
    parts = [f"kolommen: {report.column_header}"]
    for name, value in report.filters.describe().items():
        if value:
            parts.append(f"{name}: {', '.join(value) if isinstance(value, list) else value}")
    return "; ".join(parts)


def to_csv(report: Report) -> str:
    """Wide CSV like the table, `ids` naming the topics in each row; footnotes as '# ' lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([report.row_header, "ids", *report.columns, TOTAL])
    for (label, values), row in zip(table_rows(report), [*report.rows, None], strict=True):
        ids = " ".join(row.ids) if row is not None else ""
        writer.writerow([label, ids, *values])
    for note in report.footnotes():
        buffer.write(f"# {note}\n")
    return buffer.getvalue()


def to_dict(report: Report) -> dict:
    t = report.table
    return {
        "title": report.title,
        "by": report.by,
        "threshold": t.threshold,
        "filters": report.filters.describe(),
        "columns": list(report.columns),
        "rows": [
            {
                "label": row.label,
                "ids": list(row.ids),
                "cells": [t.label(cell) for cell in cells],
                "total": t.label(total),
            }
            for row, cells, total in zip(report.rows, t.cells, t.row_totals, strict=True)
        ],
        "totals": {
            "cells": [t.label(cell) for cell in t.column_totals],
            "total": t.label(t.grand_total),
        },
        "suppressed": {"primary": t.primary_count, "secondary": t.secondary_count},
        "footnotes": report.footnotes(),
    }


def to_json(reports: list[Report]) -> str:
    """One report as an object; several (dilemmas) as a list."""
    data = to_dict(reports[0]) if len(reports) == 1 else [to_dict(r) for r in reports]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
