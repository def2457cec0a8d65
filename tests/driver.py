"""A small driver that plays scripted conversations through the pure core and keeps the replies."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.conversation import Context, new_state, step
from bot.core.events import Event, UserChoice, UserCommand, UserText
from bot.core.replies import DeskCard, Effect, Forget, Message, Reply
from bot.core.state import State


@dataclass
class Talk:
    ctx: Context
    state: State = field(default_factory=State)
    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    history: list[list[Reply]] = field(default_factory=list)

    @classmethod
    def open(cls, ctx: Context, org: str | None = None, lang: str = "nl") -> Talk:
        talk = cls(ctx, new_state(lang, org, seed=7))
        talk.send(UserCommand("start"))
        return talk

    def send(self, event: Event) -> list[Reply]:
        result = step(self.ctx, self.state, event)
        self.state = result.state  # type: ignore[assignment]
        self.replies = list(result.replies)
        self.effects.extend(result.effects)
        self.history.append(self.replies)
        if any(isinstance(e, Forget) for e in result.effects):
            self.state = new_state(self.state.lang, None, seed=8)
        return self.replies

    def say(self, text: str) -> list[Reply]:
        return self.send(UserText(text))

    def choose(self, value: str) -> list[Reply]:
        """Choose by option value, or by the start of its label."""
        last = self.last_message
        for option in last.options:
            if option.value == value or option.label.lower().startswith(value.lower()):
                return self.send(UserChoice(option.value))
        raise AssertionError(f"no option {value!r} in {[o.label for o in last.options]}")

    def command(self, name: str, argument: str = "") -> list[Reply]:
        return self.send(UserCommand(name, argument))

    @property
    def last_message(self) -> Message:
        messages = [r for r in self.replies if isinstance(r, Message)]
        assert messages, f"no message in {self.replies}"
        return messages[-1]

    @property
    def desks(self) -> list[str]:
        return [r.desk_id for r in self.replies if isinstance(r, DeskCard)]

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies if isinstance(r, Message))

    def answer_until_advice(self, answers: dict[str, str], limit: int = 8) -> list[str]:
        """Answer follow-up questions by fact name until desk cards appear."""
        for _ in range(limit):
            if self.desks:
                return self.desks
            if self.state.step == "confirm":
                self.choose("ja")
                continue
            assert self.state.step == "question", (self.state.step, self.text)
            vraag = self.ctx.content.vragen[self.state.question]
            values = [o.waarde for o in vraag.opties]
            default = next(
                v for v in ("weet_niet", "nee", "medewerker", "anders", *values) if v in values
            )
            self.choose(answers.get(vraag.feit, default))
        assert self.desks, self.text
        return self.desks
