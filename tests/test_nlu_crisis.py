"""The crisis layer: catches every cry for help or threat, not figurative speech."""

from __future__ import annotations

import pytest

from bot.nlu.crisis import check, is_crisis

SELF_HARM = [
    "ik zie het niet meer zitten",
    "Ik zie het echt allemaal niet meer zitten...",
    "ik zie t niet meer zitten",
    "ik wil er een eind aan maken",
    "Ik wil er een einde aan maken.",
    "ik denk erover om er een eind aan te maken",
    "ik ga er een eind aan maken",
    "ik wil een einde maken aan mijn leven",
    "ik wil niet meer leven",
    "ik wil dood",
    "ik wil liever dood zijn",
    "soms denk ik aan zelfmoord",
    "gedachten over zelfdoding",
    "ik ben suicidaal",
    "ik doe mezelf wat aan",
    "straks doe ik mezelf iets aan",
    "ik heb zin om mezelf iets aan te doen",
    "ik wil mezelf van kant maken",
    "ik snij mezelf, ik wil mezelf snijden",
    "ik wil er niet meer zijn",
    "ik wil slapen en niet meer wakker worden",
    "het leven heeft geen zin",
    "iedereen is beter af zonder mij",
    "niemand zal me missen",
    "ik heb een afscheidsbrief geschreven",
    "ik wil voor de trein springen",
    "ik ga al mijn pillen innemen",
    "ik zie geen uitweg meer",
    "ik kan zo niet meer verder",
    "wat is het nummer van 113",
    "IK ZIE HET NIET MEER ZITTEN",
    "ik zie het niet meer zittn en wil er een eind aan maken",
    "I want to kill myself",
    "i want to die",
    "I'm going to end my life",
    "sometimes I think about suicide",
    "i don't want to live anymore",
    "I keep hurting myself",
    "everyone would be better off without me",
    "I can't go on",
]

THREATS = [
    "hij dreigt me iets aan te doen",
    "mijn collega dreigt mij te vermoorden",
    "mijn teamleider dreigde dat hij me iets aan zou doen",
    "ik ben bang dat hij me iets aandoet",
    "hij zei dat hij me komt opwachten en in elkaar slaat",
    "hij heeft gezegd dat hij me gaat vermoorden",
    "ik heb een doodsbedreiging gekregen",
    "ik word bedreigd met een mes",
    "er staat een man met een mes bij de balie",
    "iemand heeft een pistool op kantoor",
    "er ligt een bom in het gebouw",
    "ik ga hem iets aandoen als hij zo doorgaat",
    "hij slaat me",
    "mijn collega heeft me net geslagen",
    "ik ben verkracht door een collega",
    "bel 112",
    "ik ben in gevaar",
    "he threatened to kill me",
    "my colleague said he would hurt me",
    "he has a knife",
    "i was assaulted at work",
]

FIGURATIVE = [
    "die deadline maakt me kapot",
    "die deadlines maken me echt kapot",
    "ik schiet mezelf in de voet als ik dat doe",
    "dan schiet ik mezelf wel in de voet",
    "dit is moordend druk",
    "ik sta onder moordende druk",
    "ik ga dood van het lachen",
    "ik ga dood van schaamte",
    "ik ben doodop",
    "ik ben doodmoe van die vergaderingen",
    "dat is politieke zelfmoord",
    "dat plan is een zelfmoordactie",
    "this job is killing me",
    "I'm dying to know the answer",
    "i'm shooting myself in the foot",
    "my manager threatens to fire me",
    "mijn manager dreigt me te ontslaan",
    "hij dreigt met ontslag als ik het meld",
    "ik ga mijn rapport afmaken",
    "ik wil mijn opleiding afmaken",
    "melden heeft geen zin meer",
    "het heeft geen zin om dit te melden",
    "ik zie het niet zitten om naar HR te gaan",
    "ik wil een eind maken aan het pesten",
    "ik wil een einde maken aan deze situatie",
    "ik wil er een eind aan maken dat hij me steeds belt",
    "ik zie geen toekomst meer voor dit project bij ons ministerie",
    "ik kan hem wel vermoorden als hij weer te laat is",
    "de aanslag van de belastingdienst is te hoog",
    "mijn teamleider wil dat ik de aanslag verhoog",
    "ik ben doodsbang voor presentaties",
    "ik durf niet meer naar kantoor want die collega kijkt me steeds aan",
    "mijn laptop maakt me gek",
    "killer app voor ons team",
    "kill the project",
    "ik heb een wapenstok bij me als boa",
]


@pytest.mark.parametrize("text", SELF_HARM)
def test_self_harm_is_caught(text: str) -> None:
    result = check(text)
    assert result.crisis, text
    assert result.kind == "self"


@pytest.mark.parametrize("text", THREATS)
def test_threats_and_violence_are_caught(text: str) -> None:
    assert is_crisis(text), text


@pytest.mark.parametrize("text", FIGURATIVE)
def test_figurative_speech_does_not_fire(text: str) -> None:
    assert not is_crisis(text), check(text)


def test_accents_and_repeats_do_not_hide_a_crisis() -> None:
    assert is_crisis("ik zie het niet meeeeer zitten!!!")
    assert is_crisis("Ik wíl er een eind aan maken")


def test_figurative_words_do_not_mask_a_real_crisis_in_the_same_message() -> None:
    assert is_crisis("die deadline maakt me kapot en ik wil niet meer leven")


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01", "😀" * 50, "x" * 20000, "a\u202eb"])
def test_never_raises_on_odd_input(text: str) -> None:
    assert check(text).crisis is False


def test_non_string_input_is_no_crisis() -> None:
    assert check(None).crisis is False  # type: ignore[arg-type]
    assert check(b"ik wil dood").crisis is False  # type: ignore[arg-type]
