"""The shape of the dilemma content, as pydantic models (unknown fields are errors).

A dilemma is a short situation with three or four options that can each be defended, a
discussion per option, the GIR section it belongs to, the topic it is about and the desks that
could help. Field names are Dutch, like the rest of the kennisbank, so ico's can edit the YAML.
"""

from __future__ import annotations

from pydantic import Field

from bot.content.schema import ID_PATTERN, Strict, Tekst

GIR_SECTION_PATTERN = r"^[1-8](\.[1-9])?$"

# Audience and theme tags a dilemma may carry (ids, not user-facing text).
TAGS: frozenset[str] = frozenset(
    {
        "iedereen",  # fits any audience
        "nieuw",  # good for onboarding new staff
        "leidinggevenden",  # written for managers
        "omstander",  # the bystander's point of view
        "inkoop",  # procurement and hiring of externals
        "beleid",  # policy work
        "uitvoering",  # front-line and executive work
        "extern",  # hired staff and externals
        "financien",  # norms that hold at Financiën (incl. Belastingdienst, Douane, Toeslagen)
        "ezk_lnv",  # norms that hold at EZK and LNV
        "bzk",  # norms or desks specific to BZK
    }
)

MAX_OPTION_CHARS = 100  # a Telegram poll option holds at most 100 characters
MAX_TITLE_CHARS = 70
MAX_SITUATION_CHARS = 700  # short enough to read aloud and to fit a projected screen


class DilemmaOptie(Strict):
    """One course of action: a short label and what to weigh when you choose it."""

    id: str = Field(pattern=ID_PATTERN, max_length=24)
    tekst: Tekst
    bespreking: Tekst


class Dilemma(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=48)
    titel: Tekst
    situatie: Tekst
    vraag: Tekst | None = None  # defaults to the general "Wat doe je?"
    opties: tuple[DilemmaOptie, ...] = Field(min_length=3, max_length=4)
    gir: str = Field(pattern=GIR_SECTION_PATTERN)  # chapter "4" or section "4.1"
    onderwerp: str
    loketten: tuple[str, ...] = Field(min_length=1)  # best first
    tags: tuple[str, ...] = Field(min_length=1)
    bronnen: tuple[str, ...] = ()  # seed lines ("002:208") or reference keys ("[G1]")

    @property
    def chapter(self) -> str:
        return self.gir.split(".")[0]

    def option(self, option_id: str) -> DilemmaOptie | None:
        return next((o for o in self.opties if o.id == option_id), None)


class DilemmasFile(Strict):
    dilemmas: tuple[Dilemma, ...]


class GirParagraaf(Strict):
    id: str = Field(pattern=GIR_SECTION_PATTERN)
    titel: Tekst


class GirHoofdstuk(Strict):
    id: str = Field(pattern=r"^[1-8]$")
    titel: Tekst
    paragrafen: tuple[GirParagraaf, ...] = ()


class GirFile(Strict):
    """The chapter structure of the Gedragscode Integriteit Rijk (December 2019)."""

    bron: str
    hoofdstukken: tuple[GirHoofdstuk, ...]


class Plan(Strict):
    """A ready-made session plan for trainers: a named list of dilemma ids."""

    id: str = Field(pattern=ID_PATTERN)
    naam: Tekst
    omschrijving: Tekst
    minuten: int = Field(ge=5, le=240)
    dilemmas: tuple[str, ...] = Field(min_length=1)


class PlannenFile(Strict):
    plannen: tuple[Plan, ...]
