"""The terminal channel: reads lines, hands them to the runtime, renders replies with rich.

It does I/O only. Commands start with '/', everything else is text; a bare number picks an option
(the core resolves it, so every channel behaves the same).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console, Group
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table as RichTable
from rich.text import Text

from bot.core.events import Event, UserCommand, UserText
from bot.core.replies import Bars, DeskCard, Message, Reply, Table
from bot.runtime import Wegwijzer

KEY = "terminal"
CHANNEL = "terminal"
MAX_WIDTH = 96


def to_event(line: str) -> Event:
    stripped = line.strip()
    if stripped.startswith("/") and len(stripped) > 1 and not stripped[1].isspace():
        name, _, argument = stripped[1:].partition(" ")
        return UserCommand(name.lower(), argument.strip())
    return UserText(line)


class TerminalRenderer:
    """Renders replies for a person at a terminal: calm colours, numbered options, tidy cards."""

    def __init__(self, console: Console, text: Callable[[str], str]):
        self.console = console
        self.text = text

    def render(self, replies: list[Reply]) -> None:
        for reply in replies:
            if isinstance(reply, Message):
                self._message(reply)
            elif isinstance(reply, DeskCard):
                self._card(reply)
            elif isinstance(reply, Table):
                self._table(reply)
            elif isinstance(reply, Bars):
                self._bars(reply)

    def _message(self, msg: Message) -> None:
        body = _paragraphs(msg.text)
        if msg.kind == "crisis":
            title = self.text("terminal_crisis_title")
            self.console.print(Panel(body, title=title, border_style="bold red", padding=(0, 1)))
        elif msg.kind == "privacy":
            title = self.text("terminal_privacy_title")
            self.console.print(Panel(body, title=title, border_style="blue", padding=(0, 1)))
        else:
            self.console.print(Padding(body, (0, 0, 0, 1)))
        if msg.options:
            width = len(str(len(msg.options)))
            for number, option in enumerate(msg.options, start=1):
                self.console.print(
                    f"   [bold cyan]{number:>{width}}[/]  {escape(option.label)}", highlight=False
                )
            self.console.print(f"   [dim]{escape(self.text('terminal_hint'))}[/]", highlight=False)
        self.console.print()

    def _card(self, card: DeskCard) -> None:
        parts: list[Text] = [Text(card.subtitle, style="italic")]
        if card.reasons:
            parts.append(Text(f"\n{card.reasons_heading}", style="bold green"))
            parts.append(_bullets(card.reasons))
        for section in card.sections:
            parts.append(Text(f"\n{section.heading}", style="bold"))
            parts.append(Text(section.text))
        title = f"[bold]{card.rank}. {escape(card.title)}[/]"
        self.console.print(
            Panel(
                Group(*parts), title=title, title_align="left", border_style="green", padding=(0, 1)
            )
        )
        self.console.print()

    def _table(self, table: Table) -> None:
        rich_table = RichTable(title=table.title, title_style="bold", show_lines=False)
        for column in table.columns:
            rich_table.add_column(column, overflow="fold")
        for row in table.rows:
            rich_table.add_row(*row)
        self.console.print(rich_table)
        self.console.print()

    def _bars(self, bars: Bars) -> None:
        total = max((count for _, count in bars.items), default=0) or 1
        self.console.print(f"[bold]{escape(bars.title)}[/]")
        label_width = max((len(label) for label, _ in bars.items), default=0)
        for label, count in bars.items:
            bar = "█" * round(30 * count / total)
            self.console.print(f"  {escape(label):<{label_width}}  {bar} {count}", highlight=False)
        self.console.print()


def _bullets(items: tuple[str, ...] | list[str]) -> RichTable:
    """Bullets with a hanging indent, so wrapped lines stay under their text."""
    grid = RichTable.grid(padding=(0, 1))
    grid.add_column(width=1)
    grid.add_column()
    for item in items:
        grid.add_row("•", item)
    return grid


def _paragraphs(text: str) -> Group:
    """Plain text where lines starting with '- ' are bullets."""
    parts: list[Text | RichTable] = []
    bullets: list[str] = []
    for line in text.splitlines():
        if line.startswith("- "):
            bullets.append(line[2:])
            continue
        if bullets:
            parts.append(_bullets(bullets))
            bullets = []
        parts.append(Text(line))
    if bullets:
        parts.append(_bullets(bullets))
    return Group(*parts)


def run_chat(
    wegwijzer: Wegwijzer,
    console: Console,
    read_line: Callable[[], str],
    org: str | None = None,
) -> None:
    """The chat loop: until /stop, end of input or Ctrl-C (which also forgets the conversation)."""

    def text(text_id: str) -> str:
        state = wegwijzer.state_of(KEY)
        return wegwijzer.content.text(text_id, state.lang if state else wegwijzer.settings.language)

    renderer = TerminalRenderer(console, text)
    console.rule(f"[bold]{escape(text('terminal_title'))}[/]", style="green")
    renderer.render(wegwijzer.handle(KEY, UserCommand("start"), CHANNEL, org=org))
    while True:
        try:
            line = read_line()
        except (EOFError, KeyboardInterrupt):
            console.print()
            renderer.render(wegwijzer.handle(KEY, UserCommand("stop"), CHANNEL))
            return
        replies = wegwijzer.handle(KEY, to_event(line), CHANNEL, org=org)
        console.print()
        renderer.render(replies)
        if wegwijzer.state_of(KEY) is None:  # the conversation was stopped and forgotten
            return


def make_console() -> Console:
    console = Console(highlight=False)
    if console.width > MAX_WIDTH:
        console = Console(highlight=False, width=MAX_WIDTH)
    return console
