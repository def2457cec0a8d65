"""Turn the core's replies into Telegram HTML messages.

Every string that comes from content or from a user is escaped with `html.escape` before it is
put between tags; only the tags written here are markup. Long replies are split between
paragraphs so no message passes Telegram's length limit; options go on the last part.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.core.replies import Bars, DeskCard, Message, Option, Reply, Table

MAX_CHARS = 3500  # Telegram allows 4096 characters (UTF-16 units); keep room for emoji
CHUNK = 500  # raw characters per line at most: escaped (x5 worst case) it still fits
BAR_WIDTH = 10
KIND_ICONS = {"crisis": "🚨", "warning": "⚠️", "privacy": "🔒"}

Say = Callable[[str], str]  # text id -> text in the user's language


@dataclass(frozen=True)
class Rendered:
    """One Telegram message: HTML text and the options to show as buttons."""

    html: str
    options: tuple[Option, ...] = ()


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def _chunks(line: str) -> list[str]:
    """A raw line cut into pieces of at most CHUNK characters, at spaces where possible."""
    pieces = []
    while len(line) > CHUNK:
        cut = line.rfind(" ", CHUNK // 2, CHUNK)
        cut = cut if cut > 0 else CHUNK
        pieces.append(line[:cut])
        line = line[cut:].lstrip(" ")
    pieces.append(line)
    return pieces


def _lines(text: str, tag: str | None = None) -> list[str]:
    """Escaped HTML lines of a raw text; bullets shown as bullets; a tag never spans lines."""
    out = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        bullet = raw.startswith("- ")
        for i, piece in enumerate(_chunks(raw[2:] if bullet else raw)):
            line = esc(piece)
            if tag and line.strip():
                line = f"<{tag}>{line}</{tag}>"
            out.append(("• " if bullet and i == 0 else "") + line)
    return out


def _paragraphs(text: str, tag: str | None = None) -> list[str]:
    """Escaped paragraphs of a plain text (blank lines separate paragraphs)."""
    blocks = [block.strip("\n") for block in text.replace("\r\n", "\n").split("\n\n")]
    return ["\n".join(_lines(block, tag)) for block in blocks if block.strip()]


def _message(reply: Message) -> list[str]:
    if reply.kind == "heading":
        return _paragraphs(reply.text, "b")
    blocks = _paragraphs(reply.text)
    if not blocks:
        return []
    icon = KIND_ICONS.get(reply.kind)
    if reply.kind in ("crisis", "warning"):
        first, _, rest = reply.text.strip("\n").partition("\n\n")
        blocks = [f"{icon} " + "\n".join(_lines(first, "b")), *_paragraphs(rest)]
    elif icon:
        blocks[0] = f"{icon} {blocks[0]}"
    return blocks


def _card(card: DeskCard, say: Say) -> list[str]:
    head = _lines(f"{card.rank}. {card.title}", "b")
    if card.subtitle:
        head += _lines(card.subtitle, "i")
    blocks = ["\n".join(head)]
    if card.reasons:
        reasons = [f"• {line}" for reason in card.reasons for line in _lines(reason)]
        blocks.append("\n".join([*_lines(say("telegram_kaart_waarom"), "b"), *reasons]))
    for section in card.sections:
        blocks.append("\n".join([*_lines(section.heading, "b"), *_lines(section.text.strip())]))
    return blocks


def _table(table: Table) -> list[str]:
    """Rows as small blocks: phones are too narrow for a real table."""
    blocks = ["\n".join(_lines(table.title, "b"))] if table.title else []
    for row in table.rows:
        if not row:
            continue
        lines = _lines(row[0], "b")
        for column, cell in zip(table.columns[1:], row[1:], strict=False):
            if cell:
                lines += _lines(f"{column}: {cell}" if column else cell)
        blocks.append("\n".join(lines))
    return blocks


def _bars(bars: Bars) -> list[str]:
    top = max((count for _, count in bars.items), default=0)
    lines = _lines(bars.title, "b") if bars.title else []
    for label, count in bars.items:
        filled = round(BAR_WIDTH * count / top) if top else 0
        bar = "▓" * filled + "░" * (BAR_WIDTH - filled)
        lines += [*_lines(label), f"<code>{bar}</code> {count}"]
    return ["\n".join(lines)]


def blocks_of(reply: Reply, say: Say) -> list[str]:
    """The escaped HTML paragraphs of one reply."""
    if isinstance(reply, Message):
        return _message(reply)
    if isinstance(reply, DeskCard):
        return _card(reply, say)
    if isinstance(reply, Table):
        return _table(reply)
    if isinstance(reply, Bars):
        return _bars(reply)
    return []


def _split_block(block: str, limit: int) -> Iterable[str]:
    """A block longer than the limit, cut between lines (no line is longer than the limit)."""
    part = ""
    for line in block.split("\n"):
        candidate = f"{part}\n{line}" if part else line
        if len(candidate) > limit and part:
            yield part
            candidate = line
        part = candidate
    if part:
        yield part


def pack(blocks: list[str], limit: int = MAX_CHARS) -> list[str]:
    """Join blocks with blank lines into as few messages as fit under the limit."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        for piece in _split_block(block, limit) if len(block) > limit else [block]:
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) > limit and current:
                messages.append(current)
                candidate = piece
            current = candidate
    if current:
        messages.append(current)
    return messages


def render(reply: Reply, say: Say, limit: int = MAX_CHARS) -> list[Rendered]:
    """One reply as one or more messages; its options on the last one."""
    parts = pack(blocks_of(reply, say), limit)
    options = reply.options if isinstance(reply, Message) else ()
    if not parts:
        if not options:
            return []
        parts = ["…"]
    rendered = [Rendered(part) for part in parts]
    rendered[-1] = Rendered(parts[-1], options)
    return rendered


def render_all(replies: Iterable[Reply], say: Say, limit: int = MAX_CHARS) -> list[Rendered]:
    return [message for reply in replies for message in render(reply, say, limit)]
