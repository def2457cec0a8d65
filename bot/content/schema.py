"""The shape of every content file, as pydantic models (unknown fields are errors).

Field names are Dutch where they are domain terms the content editors (ico's) use, so the YAML
reads naturally for them: naam, loketten, onderwerpen, vragen, teksten.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
LANGUAGES = ("nl", "en")  # every Tekst has these; the first is the default


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tekst(Strict):
    """A user-facing text in Dutch (B1) and English. Both are required."""

    nl: str
    en: str

    @field_validator("nl", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("empty translation")
        return value.strip()

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl


Vertrouwelijkheid = Literal["vertrouwelijk", "zorgvuldig", "niet_gegarandeerd"]


class Loket(Strict):
    """A kind of desk, described once; organisations say which ones they have."""

    id: str = Field(pattern=ID_PATTERN)
    naam: Tekst
    kort: Tekst  # one line: what kind of desk this is
    doet: Tekst  # what the desk does
    doet_niet: Tekst  # what it does not do or cannot promise
    vertrouwelijkheid: Vertrouwelijkheid
    vertrouwelijk: Tekst  # how confidential, in plain words
    voor_wie: Tekst
    daarna: Tekst  # what happens next when you go there
    extern: bool = False  # outside the own organisation
    formele_melding: bool = False  # can receive a formal report
    oordeelt: bool = False  # gives a formal judgement
    landelijk: bool = False  # available to everyone regardless of organisation
    waar_te_vinden: Tekst  # where to find contact details when none is configured
    bronnen: tuple[str, ...] = ()


class OrganisatieLoket(Strict):
    loket: str
    lokale_naam: Tekst | None = None
    voor_wie: Tekst | None = None  # overrides the desk's general text for this organisation
    waar_te_vinden: Tekst | None = None


class Organisatie(Strict):
    id: str = Field(pattern=ID_PATTERN)
    naam: Tekst
    omschrijving: Tekst
    zoekwoorden: tuple[str, ...] = ()  # words that identify it in free text (lowercase)
    loketten: tuple[OrganisatieLoket, ...]


class OnderwerpLoket(Strict):
    loket: str
    gewicht: int = Field(ge=1, le=100)
    reden: Tekst


class Onderwerp(Strict):
    id: str = Field(pattern=ID_PATTERN)
    naam: Tekst
    bevestiging: Tekst  # the confirming question, "Gaat het over ...?"
    uitleg: Tekst  # what falls under this topic, in plain words
    uri_rij: str  # row label in the annual reports' overview tables
    gir: str  # Gedragscode Integriteit Rijk chapter or section
    vragen: tuple[str, ...] = ()
    loketten: tuple[OnderwerpLoket, ...]
    bronnen: tuple[str, ...] = ()


class Voorwaarde(Strict):
    """All given parts must hold; a list means 'any of these'."""

    onderwerp: tuple[str, ...] = ()
    organisatie: tuple[str, ...] = ()
    feiten: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    @field_validator("feiten", mode="before")
    @classmethod
    def _listify(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: (v,) if isinstance(v, str) else v for k, v in value.items()}
        return value


class Regel(Strict):
    """A routing rule: when the facts match, shift desk weights or rule desks out, with a reason."""

    id: str = Field(pattern=ID_PATTERN)
    als: Voorwaarde
    gewicht: dict[str, int] = Field(default_factory=dict)
    uitsluiten: tuple[str, ...] = ()
    reden: Tekst
    bron: str = ""


class VraagOptie(Strict):
    waarde: str = Field(pattern=ID_PATTERN)
    label: Tekst
    # Words that mean this option when someone types an answer (nl and en, lowercase).
    zoekwoorden: tuple[str, ...] = ()


class Vraag(Strict):
    """A follow-up question that sets one fact; asked only when it can change the advice."""

    id: str = Field(pattern=ID_PATTERN)
    feit: str
    tekst: Tekst
    opties: tuple[VraagOptie, ...] = Field(min_length=2)
    ja: str | None = None  # which option a plain "yes" means
    nee: str | None = None
    als: Voorwaarde | None = None


class KennisbankMeta(Strict):
    versie: str
    omschrijving: Tekst


class LokettenFile(Strict):
    loketten: tuple[Loket, ...]


class OrganisatiesFile(Strict):
    organisaties: tuple[Organisatie, ...]


class OnderwerpenFile(Strict):
    onderwerpen: tuple[Onderwerp, ...]


class RouteringFile(Strict):
    regels: tuple[Regel, ...]


class VragenFile(Strict):
    vragen: tuple[Vraag, ...]


class TekstenFile(Strict):
    teksten: dict[str, Tekst]
