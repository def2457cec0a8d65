"""What a channel can hand to the core: one user action, already stripped of any identity."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UserText:
    """Free text typed by the user (a bare option number is resolved by the core)."""

    text: str


@dataclass(frozen=True)
class UserChoice:
    """An option chosen from the last offered options (button press), by its value."""

    value: str


@dataclass(frozen=True)
class UserCommand:
    """A slash command without the slash: start, help, privacy, loketten, stop, dilemma, taal."""

    name: str
    argument: str = ""


@dataclass(frozen=True)
class UnsupportedInput:
    """Something the bot cannot read (photo, voice, sticker, file, ...); `kind` names it."""

    kind: str


Event = UserText | UserChoice | UserCommand | UnsupportedInput
