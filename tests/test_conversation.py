"""Whole conversations through the pure core: scripted turns, assertions on the replies."""

from __future__ import annotations

import pytest

from bot.core.conversation import Context
from bot.core.replies import CountConversation, DeskCard, Forget, Message, Table
from tests.driver import Talk


@pytest.fixture(scope="module")
def ctx(content, nlu) -> Context:
    return Context(content, nlu)


def to_topic(ctx: Context, org: str, topic: str) -> Talk:
    talk = Talk.open(ctx)
    talk.choose(f"org:{org}")
    talk.choose(f"topic:{topic}")
    return talk


# One scripted conversation per desk, each ending with that desk as the top advice.
DESK_PATHS = [
    (
        "vertrouwenspersoon",
        "bzk",
        "ongewenste_omgangsvormen",
        {"manager_involved": "ja", "goal": "praten"},
    ),
    ("integriteitscoordinator", "bzk", "informatie", {"goal": "melden", "manager_involved": "nee"}),
    (
        "leidinggevende",
        "rijk",
        "belangenverstrengeling",
        {"interest_kind": "nevenwerk", "manager_involved": "nee"},
    ),
    ("personeelsraadgever", "bzk", "arbeidsconflict", {"manager_involved": "ja"}),
    (
        "klachtencommissie",
        "ezk_lnv",
        "ongewenste_omgangsvormen",
        {"goal": "klacht", "manager_involved": "nee"},
    ),
    ("cif", "financien", "financiele_schending", {"relation": "oud_medewerker"}),
    (
        "huis_voor_klokkenluiders",
        "rijk",
        "misstand",
        {"manager_involved": "ja", "public_interest": "ja"},
    ),
    ("hr_adviseur", "rijk", "geen_integriteit", {}),
    ("compliance_officer", "financien", "belangenverstrengeling", {"interest_kind": "financieel"}),
    ("bedrijfsarts_bmw", "rijk", "arbeidsconflict", {"health": "ja", "manager_involved": "nee"}),
]


@pytest.mark.parametrize(
    ("desk", "org", "topic", "answers"), DESK_PATHS, ids=[p[0] for p in DESK_PATHS]
)
def test_each_desk_can_be_the_top_advice(ctx, desk, org, topic, answers):
    talk = to_topic(ctx, org, topic)
    desks = talk.answer_until_advice(answers)
    assert desks[0] == desk
    assert 1 <= len(desks) <= 3
    card = next(r for r in talk.replies if isinstance(r, DeskCard))
    assert card.reasons, "every advised desk says why it fits"
    headings = [s.heading for s in card.sections]
    assert len(headings) == 6 and all(s.text for s in card.sections)
    counts = [e for e in talk.effects if isinstance(e, CountConversation)]
    assert counts == [CountConversation(org, topic, desk, ctx.content.version)]


def test_police_is_top_when_someone_wants_to_press_charges(ctx):
    talk = Talk.open(ctx)
    talk.choose("org:rijk")
    talk.say("Een collega heeft geld uit mijn tas gestolen en ik wil aangifte doen bij de politie")
    if talk.state.step == "confirm" and talk.state.candidate != "financiele_schending":
        talk.choose("nee")  # the person corrects the bot's guess and picks from the list
    if talk.state.step == "pick":
        talk.choose("topic:financiele_schending")
    assert talk.state.fact_map.get("aangifte") == "ja"
    desks = talk.answer_until_advice({})
    assert desks[0] == "politie"


def test_noodhulp_comes_first_in_a_crisis(ctx):
    talk = Talk.open(ctx)
    talk.say("ik zie het niet meer zitten, ik wil er een eind aan maken")
    crisis = [r for r in talk.replies if isinstance(r, Message) and r.kind == "crisis"]
    assert crisis and "112" in crisis[0].text and "113" in crisis[0].text
    assert talk.replies[0] is crisis[0], "the crisis answer comes before anything else"


MANAGER_CASES = [
    (org, topic)
    for org in ("rijk", "bzk", "financien", "ezk_lnv")
    for topic in (
        "ongewenste_omgangsvormen",
        "belangenverstrengeling",
        "informatie",
        "bedrijfsmiddelen",
        "arbeidsconflict",
        "financiele_schending",
    )
]


@pytest.mark.parametrize(("org", "topic"), MANAGER_CASES)
def test_manager_involved_never_advises_the_leidinggevende(ctx, org, topic):
    talk = to_topic(ctx, org, topic)
    desks = talk.answer_until_advice({"manager_involved": "ja", "goal": "melden"})
    assert "leidinggevende" not in desks
    assert "leidinggevende" not in talk.state.advised
    assert any("leidinggevende" in r.text.lower() for r in talk.replies if isinstance(r, Message))


def test_manager_involved_from_free_text_skips_the_question(ctx):
    talk = Talk.open(ctx)
    talk.choose("org:bzk")
    talk.say("mijn leidinggevende schreeuwt elke dag tegen me en kleineert me waar iedereen bij is")
    assert talk.state.candidate == "ongewenste_omgangsvormen"
    talk.choose("ja")
    asked = []
    for _ in range(6):
        if talk.desks:
            break
        asked.append(talk.state.question)
        talk.choose("weet_niet" if talk.state.question != "gezondheid" else "nee")
    assert "leidinggevende_betrokken" not in asked
    assert "leidinggevende" not in talk.desks


@pytest.mark.parametrize("org", ["rijk", "bzk", "ezk_lnv"])
def test_cif_is_offered_only_at_financien(ctx, org):
    for topic in ctx.content.onderwerpen:
        talk = to_topic(ctx, org, topic)
        desks = talk.answer_until_advice({"relation": "oud_medewerker", "anonymous": "ja"})
        assert "cif" not in desks


def test_cif_is_offered_at_financien_to_hired_staff(ctx):
    talk = to_topic(ctx, "financien", "financiele_schending")
    assert "cif" in talk.answer_until_advice({"relation": "inhuur"})


def test_personeelsraadgever_only_where_configured(ctx):
    configured = {
        org.id
        for org in ctx.content.organisaties.values()
        if any(e.loket == "personeelsraadgever" for e in org.loketten)
    }
    assert configured == {"bzk"}
    for org in ("rijk", "financien", "ezk_lnv"):
        talk = to_topic(ctx, org, "arbeidsconflict")
        assert "personeelsraadgever" not in talk.answer_until_advice({"manager_involved": "ja"})
    talk = to_topic(ctx, "bzk", "arbeidsconflict")
    assert "personeelsraadgever" in talk.answer_until_advice({"manager_involved": "ja"})


def walk_to(ctx: Context, target: str) -> Talk:
    """A conversation brought to a given step."""
    talk = Talk.open(ctx)
    if target == "org":
        return talk
    talk.choose("org:financien")
    if target == "story":
        return talk
    if target == "pick":
        talk.say("qwzx blorp")
        return talk
    if target == "confirm":
        talk.say("mag ik een kerstpakket van een leverancier aannemen?")
        return talk
    talk.choose("topic:ongewenste_omgangsvormen")
    if target == "question":
        return talk
    talk.answer_until_advice({})
    return talk


STEPS = ["org", "story", "pick", "confirm", "question", "advice"]


@pytest.mark.parametrize("target", STEPS)
def test_crisis_interrupts_from_every_state(ctx, target):
    talk = walk_to(ctx, target)
    assert talk.state.step == target
    before = talk.state
    talk.say("Ik wil niet meer leven")
    assert isinstance(talk.replies[0], Message) and talk.replies[0].kind == "crisis"
    assert talk.state.step == before.step and talk.state.facts == before.facts
    assert talk.last_message.options, "after the crisis answer the conversation can go on"


@pytest.mark.parametrize("target", STEPS)
def test_stop_forgets_the_conversation_from_every_state(ctx, target):
    talk = walk_to(ctx, target)
    talk.command("stop")
    assert any(isinstance(e, Forget) for e in talk.effects)
    assert "vergeten" in talk.text
    assert [o.value for o in talk.last_message.options] == ["cmd:start"]


def test_stop_typed_as_a_word_also_forgets(ctx):
    talk = walk_to(ctx, "question")
    talk.say("stop")
    assert any(isinstance(e, Forget) for e in talk.effects)


BAD_INPUTS = {
    "empty": "",
    "spaces": "   \n\t ",
    "huge": "pesten " * 3000,
    "control": "mijn\x00 baas\x07 \x1b[31m pest \u202e me",
    "emoji": "😢😢😡🙈",
    "punctuation": "?!?!...",
    "binary-ish": "\udcff\ufffd\x01\x02",
}


@pytest.mark.parametrize("name", BAD_INPUTS)
@pytest.mark.parametrize("target", ["org", "story", "question", "advice"])
def test_bad_input_gets_a_kind_answer(ctx, name, target):
    talk = walk_to(ctx, target)
    before = talk.state
    replies = talk.say(BAD_INPUTS[name])
    assert replies and isinstance(replies[-1], Message) and replies[-1].options
    assert talk.state.org == before.org
    if talk.state.step == before.step:
        assert talk.state.topic == before.topic
    text = talk.text
    assert "Traceback" not in text and "Error" not in text


def test_huge_message_is_read_from_the_start(ctx):
    talk = walk_to(ctx, "story")
    talk.say("Mijn collega pest mij elke dag. " + "bla " * 10_000)
    assert "lang" in talk.text
    assert talk.state.step in ("confirm", "pick")


def test_only_numbers_reach_advice(ctx):
    talk = Talk.open(ctx)
    for _ in range(12):
        if talk.desks:
            break
        talk.say("1")
    assert talk.desks, talk.text
    talk.say("1")  # compare
    assert any(isinstance(r, Table) for r in talk.replies)


def test_only_free_text_reaches_advice(ctx):
    talk = Talk.open(ctx)
    talk.say("ik werk bij de belastingdienst")
    assert talk.state.org == "financien"
    talk.say("een leverancier wil me een duur etentje aanbieden, mag dat?")
    assert talk.state.candidate == "belangenverstrengeling"
    talk.say("ja klopt")
    replies = ["een cadeau", "nee", "ik wil het eerst bespreken", "ik werk er gewoon"]
    for answer in replies:
        if talk.desks:
            break
        talk.say(answer)
    assert talk.desks, talk.text
    assert talk.desks[0] in ("leidinggevende", "integriteitscoordinator", "vertrouwenspersoon")


def test_story_told_before_the_organisation_is_kept(ctx):
    talk = Talk.open(ctx)
    talk.say("mijn collega maakt steeds seksuele opmerkingen over mij")
    assert talk.state.step == "org"
    talk.choose("org:ezk_lnv")
    assert talk.state.step == "confirm"
    assert talk.state.candidate == "ongewenste_omgangsvormen"


def test_denied_topic_offers_the_list(ctx):
    talk = walk_to(ctx, "confirm")
    talk.choose("nee")
    assert talk.state.step == "pick"
    assert len(talk.last_message.options) == len(ctx.content.onderwerpen)


def test_advice_menu_compare_prepare_other(ctx):
    talk = walk_to(ctx, "advice")
    talk.choose("menu:compare")
    table = next(r for r in talk.replies if isinstance(r, Table))
    assert len(table.rows) == len(talk.state.advised)
    talk.choose("menu:prepare")
    assert "getuigen" in talk.text or "Wie waren erbij" in talk.text
    talk.choose("menu:other")
    assert talk.state.step == "story" and talk.state.org == "financien"


def test_count_is_added_once_per_conversation(ctx):
    talk = walk_to(ctx, "advice")
    talk.choose("menu:other")
    talk.choose("topic:informatie")
    talk.answer_until_advice({})
    assert len([e for e in talk.effects if isinstance(e, CountConversation)]) == 1


def test_english_conversation(ctx):
    talk = Talk.open(ctx, lang="en")
    assert "Hello" in talk.text
    talk.choose("org:rijk")
    talk.say("I saw my colleague copy client files to a USB stick")
    assert talk.state.step in ("confirm", "pick")
    talk.command("taal", "nl")
    assert talk.state.lang == "nl"


def test_privacy_help_and_desk_list(ctx):
    talk = Talk.open(ctx, org="financien")
    talk.command("privacy")
    assert "Telegram" in talk.text and talk.last_message.options
    talk.command("loketten")
    assert "Commissie integriteit" in talk.text or "CiF" in talk.text
    talk.command("help")
    assert "/stop" in talk.text
    talk.command("onbekend")
    assert "/help" in talk.text


def test_stale_or_forged_choice_is_refused_kindly(ctx):
    talk = walk_to(ctx, "question")
    from bot.core.events import UserChoice

    talk.send(UserChoice("topic:does_not_exist"))
    assert talk.state.step == "question"
    assert talk.last_message.options


def test_unsupported_media_gets_a_kind_reply(ctx):
    from bot.core.events import UnsupportedInput

    talk = walk_to(ctx, "story")
    talk.send(UnsupportedInput("photo"))
    assert "foto" in talk.text and talk.last_message.options


def test_start_again_forgets_the_chosen_organisation_but_keeps_a_preset_one(ctx):
    talk = walk_to(ctx, "question")
    talk.command("start")
    assert talk.state.org is None and talk.state.step == "org"
    preset = Talk.open(ctx, org="bzk")
    assert preset.state.step == "story"
    preset.choose("topic:informatie")
    preset.command("start")
    assert preset.state.org == "bzk" and preset.state.topic is None
