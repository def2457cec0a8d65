"""Turn a `tmux capture-pane -e -p` dump into a PNG for the README (rich SVG -> rsvg-convert).

Usage: python scripts/screenshot_terminal.py CAPTURE.ansi FIRST_LINE LAST_LINE OUT.png [TITLE]
Needs cairosvg (`pip install cairosvg`, not a project dependency: only for documentation images).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text


def main(capture: str, first: str, last: str, out: str, title: str = "wegwijzer chat") -> None:
    lines = Path(capture).read_text(encoding="utf-8").splitlines()[int(first) - 1 : int(last)]
    console = Console(
        record=True, width=100, force_terminal=True, color_system="truecolor", file=io.StringIO()
    )
    console.print(Text.from_ansi("\n".join(lines)))
    import cairosvg  # only for documentation images: pip install cairosvg

    svg = console.export_svg(title=title).replace("Fira Code", "DejaVu Sans Mono")
    cairosvg.svg2png(bytestring=svg.encode(), write_to=out)


if __name__ == "__main__":
    main(*sys.argv[1:])
