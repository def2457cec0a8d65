"""Build the replies that show a dilemma and reveal its discussion, for every channel.

Practice mode, the terminal session and the Telegram group session all show the same things:
the situation with lettered options, then how people chose (counts only, and only when there
are enough of them), the discussion of every option, the GIR section and the desks that can
help. Nothing here scores a person: there is no "right" option to announce.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.content.schema import Tekst
from bot.core.replies import Bars, Message, Option, Reply
from bot.dilemmas.library import DilemmaLibrary
from bot.dilemmas.model import Dilemma
from bot.dilemmas.texts import letter, name_of, say

MIN_VOTES_SHOWN = 5  # below this total, say there are too few votes instead of showing them
POLL_QUESTION_CHARS = 300  # Telegram's limit for a poll question
POLL_OPTION_CHARS = 100  # Telegram's limit for a poll option

Texts = Mapping[str, Tekst]
Names = Mapping[str, Tekst] | None


def option_value(prefix: str, option_id: str) -> str:
    return f"{prefix}{option_id}"


def question_text(dilemma: Dilemma, texts: Texts, lang: str) -> str:
    if dilemma.vraag is not None:
        return dilemma.vraag.get(lang)
    return say(texts, "dilemma_vraag", lang)


def gir_label(dilemma: Dilemma, library: DilemmaLibrary, texts: Texts, lang: str) -> str:
    """'GIR 4.1 Geschenken, ...' — the section with its title when known."""
    title = library.gir_title(dilemma.gir)
    return say(
        texts, "dilemma_gir", lang, sectie=dilemma.gir, titel=title.get(lang) if title else ""
    ).strip()


def question_replies(
    dilemma: Dilemma,
    library: DilemmaLibrary,
    texts: Texts,
    lang: str,
    value_prefix: str = "dilemma:option:",
) -> list[Reply]:
    """The title, the situation and the options as lettered choices."""
    options = tuple(
        Option(option_value(value_prefix, o.id), f"{letter(i)}. {o.tekst.get(lang)}")
        for i, o in enumerate(dilemma.opties)
    )
    heading = f"{dilemma.titel.get(lang)}\n{gir_label(dilemma, library, texts, lang)}"
    body = f"{dilemma.situatie.get(lang)}\n\n{question_text(dilemma, texts, lang)}"
    return [Message(heading, kind="heading"), Message(body, options=options)]


@dataclass(frozen=True)
class PollSpec:
    """A native poll for a group: question and option texts within Telegram's limits."""

    question: str
    options: tuple[str, ...]
    option_ids: tuple[str, ...]  # option_ids[i] belongs to options[i]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def poll_for(dilemma: Dilemma, texts: Texts, lang: str) -> PollSpec:
    """Post the situation as a message first; the poll carries the question and the options."""
    question = f"{dilemma.titel.get(lang)}: {question_text(dilemma, texts, lang)}"
    return PollSpec(
        question=_clip(question, POLL_QUESTION_CHARS),
        options=tuple(
            _clip(f"{letter(i)}. {o.tekst.get(lang)}", POLL_OPTION_CHARS)
            for i, o in enumerate(dilemma.opties)
        ),
        option_ids=tuple(o.id for o in dilemma.opties),
    )


def counts_by_option(dilemma: Dilemma, counts: Mapping[str, int] | Sequence[int]) -> list[int]:
    """Counts in option order, from a mapping by option id or a list in poll order."""
    if isinstance(counts, Mapping):
        return [max(0, int(counts.get(o.id, 0))) for o in dilemma.opties]
    values = [max(0, int(c)) for c in counts][: len(dilemma.opties)]
    return values + [0] * (len(dilemma.opties) - len(values))


def percentages(values: Sequence[int]) -> list[int]:
    """Whole percentages that add up to 100 (largest remainder), or all zero when empty."""
    total = sum(values)
    if total == 0:
        return [0 for _ in values]
    raw = [v * 100 / total for v in values]
    result = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - result[i], reverse=True)
    for i in order[: 100 - sum(result)]:
        result[i] += 1
    return result


def tally_replies(
    dilemma: Dilemma,
    counts: Mapping[str, int] | Sequence[int],
    texts: Texts,
    lang: str,
    min_total: int = MIN_VOTES_SHOWN,
    title_id: str = "dilemma_stemmen_titel",
) -> list[Reply]:
    """Bars of how people chose, or a short note when there are too few votes to show."""
    values = counts_by_option(dilemma, counts)
    total = sum(values)
    if total < max(1, min_total):
        return [Message(say(texts, "dilemma_te_weinig_stemmen", lang, aantal=min_total))]
    items = tuple(
        (say(texts, "dilemma_balk", lang, letter=letter(i), procent=pct), value)
        for i, (value, pct) in enumerate(zip(values, percentages(values), strict=True))
    )
    return [Bars(say(texts, title_id, lang, totaal=total), items)]


def discussion_text(dilemma: Dilemma, lang: str) -> str:
    """Every option with what to weigh, as paragraphs: 'A. option' then its discussion."""
    parts = [
        f"{letter(i)}. {o.tekst.get(lang)}\n{o.bespreking.get(lang)}"
        for i, o in enumerate(dilemma.opties)
    ]
    return "\n\n".join(parts)


def help_text(
    dilemma: Dilemma, library: DilemmaLibrary, texts: Texts, lang: str, desk_names: Names = None
) -> str:
    """Where this fits in the GIR, and who could help with a situation like this."""
    desks = ", ".join(name_of("loket", d, texts, lang, desk_names) for d in dilemma.loketten)
    title = library.gir_title(dilemma.gir)
    gir = say(
        texts,
        "dilemma_gir_regel",
        lang,
        sectie=dilemma.gir,
        titel=title.get(lang) if title else "",
    )
    return "\n".join([gir, say(texts, "dilemma_loket_regel", lang, loketten=desks)])


def reveal_replies(
    dilemma: Dilemma,
    counts: Mapping[str, int] | Sequence[int],
    library: DilemmaLibrary,
    texts: Texts,
    lang: str,
    desk_names: Names = None,
    min_total: int = MIN_VOTES_SHOWN,
    options: tuple[Option, ...] = (),
) -> list[Reply]:
    """For a group session: the spread, the discussion of every option, the GIR and the desks.

    `counts` is a mapping by option id or a list in option (poll) order. `options` go on the last
    message, e.g. "next dilemma" for the admin.
    """
    replies = tally_replies(dilemma, counts, texts, lang, min_total, "dilemma_zaal_titel")
    replies.append(Message(say(texts, "dilemma_bespreking_intro", lang)))
    replies.append(Message(discussion_text(dilemma, lang)))
    replies.append(Message(help_text(dilemma, library, texts, lang, desk_names), options=options))
    return replies
