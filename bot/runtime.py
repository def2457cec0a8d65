"""Runs conversations for any channel: keeps states in memory, expires them, applies effects.

This is the only place where the pure core meets the outside world: counts go to the recorder,
`Forget` drops a state at once, and idle states are dropped after the configured timeout. No
message text and no channel identity is ever stored: `key` is an opaque value chosen by the channel.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Protocol

from bot.content.loader import Content, load_content
from bot.core.conversation import TEXT_IDS, Context, new_state, step
from bot.core.events import Event
from bot.core.replies import CountConversation, CountDilemmaVote, Forget, Reply
from bot.core.state import State
from bot.idle import IdleMap
from bot.nlu.base import NLU
from bot.settings import Settings

log = logging.getLogger(__name__)


class Recorder(Protocol):
    """Where anonymous counts go (bot.stats.store.SignalenStore)."""

    def add_conversation(
        self, *, org: str, topic: str, desk: str, channel: str, content_version: str
    ) -> None: ...

    def add_dilemma_vote(self, *, dilemma_id: str, option: str) -> None: ...

    def dilemma_tally(self, dilemma_id: str) -> dict[str, int]: ...


class Wegwijzer:
    """Holds content, NLU, settings and recorder; one in-memory state per conversation key."""

    def __init__(
        self,
        content: Content,
        nlu: NLU,
        settings: Settings,
        recorder: Recorder | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.content = content
        self.nlu = nlu
        self.settings = settings
        self.recorder = recorder
        self.clock = clock
        self._sessions: IdleMap[Hashable, State] = IdleMap(self.timeout_seconds, clock)
        self._random = random.SystemRandom()
        self.context = Context(
            content=content, nlu=nlu, contacts=settings.contacts, tally=self._tally
        )

    @classmethod
    def from_settings(cls, settings: Settings, recorder: Recorder | None = None) -> Wegwijzer:
        """Load and validate content, start the NLU engine; raises ContentError on bad content."""
        from bot.nlu.engines import load_engine

        content = load_content(settings.content_dir, required_texts=TEXT_IDS)
        return cls(content, load_engine(settings), settings, recorder)

    @property
    def timeout_seconds(self) -> float:
        return self.settings.conversation_timeout_minutes * 60

    def __len__(self) -> int:
        return len(self._sessions)

    def state_of(self, key: Hashable) -> State | None:
        return self._sessions.get(key, touch=False)

    def handle(
        self, key: Hashable, event: Event, channel: str, org: str | None = None
    ) -> list[Reply]:
        """Run one event through the core for this conversation and carry out the effects."""
        state = self._sessions.get(key)
        if state is None:
            preset = org if org in self.content.organisaties else self.settings.default_org
            state = new_state(self.settings.language, preset, self._random.randrange(1 << 30))
        result = step(self.context, state, event)
        forget = False
        for effect in result.effects:
            if isinstance(effect, Forget):
                forget = True
            else:
                self._record(effect, channel)
        if forget:
            self._sessions.pop(key)
        else:
            self._sessions.put(key, result.state)  # type: ignore[arg-type]
        return list(result.replies)

    def record_votes(self, dilemma_id: str, counts: Iterable[tuple[str, int]]) -> None:
        """A group's closed poll: add its counts per option (no voter is known, only numbers)."""
        for option, votes in counts:
            for _ in range(max(0, int(votes))):
                self._record(CountDilemmaVote(dilemma_id, option), "group")

    def forget(self, key: Hashable) -> None:
        self._sessions.pop(key)

    def expire_idle(self) -> int:
        """Drop conversations idle for longer than the timeout; returns how many."""
        return self._sessions.expire_idle()

    def _record(self, effect: object, channel: str) -> None:
        if self.recorder is None:
            return
        try:
            if isinstance(effect, CountConversation):
                self.recorder.add_conversation(
                    org=effect.org,
                    topic=effect.topic,
                    desk=effect.desk,
                    channel=channel,
                    content_version=effect.content_version,
                )
            elif isinstance(effect, CountDilemmaVote):
                self.recorder.add_dilemma_vote(dilemma_id=effect.dilemma_id, option=effect.option)
        except Exception as exc:  # noqa: BLE001 - a count must never break a conversation
            log.warning("could not record an anonymous count: %s", type(exc).__name__)

    def _tally(self, dilemma_id: str) -> Mapping[str, int]:
        if self.recorder is None:
            return {}
        try:
            return self.recorder.dilemma_tally(dilemma_id)
        except Exception as exc:  # noqa: BLE001
            log.warning("could not read dilemma counts: %s", type(exc).__name__)
            return {}
