"""Cue rules: the facts in a message that change the advice."""

from __future__ import annotations

import pytest

from bot.nlu.base import CUES
from bot.nlu.cues import extract


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mn teamleider stuurt me s nachts appjes met hartjes", {"manager_involved": "ja"}),
        ("mn tl stuurt me s nachts appjes met hartjes", {"manager_involved": "ja"}),
        ("mijn lg kleineert me", {"manager_involved": "ja"}),
        ("Mijn leidinggevende schreeuwt tegen me", {"manager_involved": "ja"}),
        ("my boss keeps touching me", {"manager_involved": "ja"}),
        ("mijn leidinggevende weet er niets van", {"manager_involved": "nee"}),
        ("het gaat niet over mijn leidinggevende maar over een collega",
         {"manager_involved": "nee"}),
        ("ik heb het al met mijn leidinggevende besproken", {}),
        ("ik heb al maanden ruzie met mijn leidinggevende", {"manager_involved": "ja"}),
        ("the relationship with my manager is broken", {"manager_involved": "ja"}),
        ("ik moet van hogerop een rapport aanpassen", {"manager_involved": "ja"}),
        ("ik word onder druk gezet door een hogere manager", {"manager_involved": "ja"}),
        ("my team lead keeps commenting on my body", {"manager_involved": "ja"}),
        ("mijn leidinggevende zegt dat ik het moet melden", {"goal": "melden"}),
        ("ik wil eerst alleen even praten, niet melden", {"goal": "praten"}),
        ("ik wil graag met iemand praten", {"goal": "praten"}),
        ("hoe kan ik dit melden?", {"goal": "melden"}),
        ("ik wil een formele klacht indienen", {"goal": "klacht"}),
        ("ik wil naar de klachtencommissie", {"goal": "klacht"}),
        ("I want to report this", {"goal": "melden"}),
        ("ik wil het anoniem melden", {"goal": "melden", "anonymous": "ja"}),
        ("niemand mag weten dat ik het ben", {"anonymous": "ja"}),
        ("Ik ben oud-medewerker van de Belastingdienst", {"relation": "oud_medewerker"}),
        ("ik werk er sinds vorig jaar niet meer", {"relation": "oud_medewerker"}),
        ("ik ben ingehuurd via een bureau", {"relation": "inhuur"}),
        ("als zzp'er werk ik hier al twee jaar", {"relation": "inhuur"}),
        ("I'm a contractor at the tax office", {"relation": "inhuur"}),
        ("Ik ben leidinggevende en een van mijn medewerkers wordt gepest",
         {"role": "leidinggevende"}),
        ("as a manager, what should I do", {"role": "leidinggevende"}),
        ("ik zag dat een collega klantgegevens kopieerde", {"role": "omstander"}),
        ("mijn collega wordt steeds uitgescholden", {"role": "omstander"}),
        ("burgers worden benadeeld en dat gaat in de doofpot", {"public_interest": "ja"}),
        ("dit is gevaar voor de volksgezondheid", {"public_interest": "ja"}),
        ("ik slaap slecht en zit thuis met stress", {"health": "ja"}),
        ("I can't sleep because of this", {"health": "ja"}),
        ("mag ik een kerstpakket van een leverancier houden", {"interest_kind": "geschenk"}),
        ("moet ik mijn nevenwerkzaamheden melden", {"interest_kind": "nevenwerk",
                                                   "goal": "melden"}),
        ("ik heb aandelen in een bedrijf dat wij controleren", {"interest_kind": "financieel"}),
        ("ik wil aangifte doen bij de politie", {"aangifte": "ja", "goal": "melden"}),
    ],
)
def test_cues_found(text: str, expected: dict[str, str]) -> None:
    found = extract(text)
    for name, value in expected.items():
        assert found.get(name) == value, (text, found)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("ik zie het niet meer zitten", "role"),
        ("mijn collega pest me", "manager_involved"),
        ("ik heb een vraag over mijn belastingaangifte", "aangifte"),
        ("hoeveel vakantiedagen heb ik", "goal"),
        ("de externe partij stuurde een mail", "relation"),
        ("de directeur van dat bedrijf belde me", "manager_involved"),
        ("een collega ging met pensioen", "health"),
    ],
)
def test_cue_not_invented(text: str, absent: str) -> None:
    assert absent not in extract(text), extract(text)


def test_every_value_is_in_the_shared_vocabulary() -> None:
    samples = [
        "mn baas pest me, ik wil anoniem melden, ik ben oud-medewerker en slaap slecht",
        "als leidinggevende wil ik eerst praten over een inhuurkracht, burgers worden benadeeld",
        "ik zag een collega een cadeau aannemen, ik wil aangifte doen",
    ]
    for text in samples:
        for name, value in extract(text).items():
            assert value in CUES[name], (name, value)


@pytest.mark.parametrize("text", ["", "\x00", "😀😀", "x" * 20000, "\ud800"])
def test_odd_input_gives_no_cues_and_no_error(text: str) -> None:
    assert isinstance(extract(text), dict)
