"""What the core hands back: replies to render and effects to carry out.

Replies are data, never markup: each channel renders them its own way (rich in the terminal,
escaped HTML and inline keyboards in Telegram). Effects are the only things that may leave the
process: an anonymous count, or the instruction to forget this conversation.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Option:
    """A choice the user can make; `value` is opaque to the user, `label` is shown."""

    value: str
    label: str


@dataclass(frozen=True)
class Message:
    """Plain text (paragraphs separated by blank lines, bullets as lines starting with '- ').

    `kind` lets a channel style it: "normal", "crisis", "warning", "privacy", "heading".
    """

    text: str
    options: tuple[Option, ...] = ()
    kind: str = "normal"


@dataclass(frozen=True)
class CardSection:
    heading: str
    text: str


@dataclass(frozen=True)
class DeskCard:
    """One advised desk: its name, why it fits, and what to expect there."""

    desk_id: str
    rank: int
    title: str
    subtitle: str
    reasons: tuple[str, ...]
    sections: tuple[CardSection, ...]
    reasons_heading: str = ""


@dataclass(frozen=True)
class Table:
    """A small comparison table (desks side by side, a vote tally, ...)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Bars:
    """A distribution to draw as bars: label -> count (votes, never people)."""

    title: str
    items: tuple[tuple[str, int], ...]


Reply = Message | DeskCard | Table | Bars


@dataclass(frozen=True)
class CountConversation:
    """Add one to the anonymous count for this conversation (once, after advice was shown)."""

    org: str
    topic: str
    desk: str
    content_version: str


@dataclass(frozen=True)
class CountDilemmaVote:
    """Add one vote for an option of a dilemma (no person, no time beyond the period)."""

    dilemma_id: str
    option: str


@dataclass(frozen=True)
class Forget:
    """The conversation ended: drop its state now."""


Effect = CountConversation | CountDilemmaVote | Forget


@dataclass(frozen=True)
class StepResult:
    state: object
    replies: tuple[Reply, ...] = field(default_factory=tuple)
    effects: tuple[Effect, ...] = field(default_factory=tuple)
