"""The crisis layer: acute danger to the writer or to others, checked on every message first.

Recall comes first: a missed cry for help is far worse than showing 112/113 once too often. The
layer therefore uses broad patterns for suicidal talk, self-harm, threats of violence and weapons,
in Dutch and English, on normalised text (no accents, lowercase, repeats collapsed), so typos in
punctuation or accents do not matter. Figurative speech that uses the same words ("die deadline
maakt me kapot", "ik schiet mezelf in de voet", "moordend druk", "dying to know") is removed
before the patterns run, so those idioms never fire on their own.

This is deliberately not a learned model: its behaviour must be predictable and auditable, and it
must not change when the topic training data changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlu.normalize import normalize

# Idioms removed before matching. Each is a figure of speech that contains a crisis word.
_FIGURATIVE: tuple[str, ...] = (
    r"\b(schiet|schieten|schoot|schiet je) (mezelf|mijzelf|jezelf|zichzelf|ons|ik mezelf)"
    r"( \w+)? in (de|m'n|mn|mijn|je|eigen) voet\b",
    r"\bshoot(ing)? (myself|yourself|ourselves) in the foot\b",
    r"\bmoordend\w*",
    r"\bmoordwijf\b",
    r"\b(politieke|sociale|carriere|commerciele) zelfmoord\b",
    r"\bzelfmoord ?(actie|missie|plan van aanpak)\b",
    r"\b(ik )?(ga|gaan|ging) (bijna )?dood van (het |de |die |dat )?"
    r"(lachen|honger|dorst|hitte|kou|verveling|stress|zenuwen|schaamte|nieuwsgierigheid)\b",
    r"\b(lach|lachte|verveel|verveelde) (me|mij) (dood|kapot|rot|een ongeluk)\b",
    r"\bdood ?(op|moe|ziek van|normaal|gewoon|stil|eenvoudig|serieus|leuk|saai|zonde|jammer)\b",
    r"\bdoodsbang voor (spinnen|presenteren|presentaties|vliegen|fouten)\b",
    r"\b(maakt|maken|maakte) (me|mij|ons) (helemaal )?(kapot|gek|dood ?moe)\b",
    r"\b(is|was) (echt |helemaal )?(killing|kills) (me|us)\b",
    r"\b(this|that|it|the \w+|my \w+) (is )?(killing|kills) (me|us)\b",
    r"\bdying (to|for)\b",
    r"\bkiller\w*\b",
    r"\b(ik )?kan (hem|haar|ze|die \w+) wel (vermoorden|schieten|wurgen|schieten)\b",
    r"\bi could (just )?kill (him|her|them)\b",
    r"\b(deadline|deadlines|werkdruk|vergadering|vergaderingen) (maakt|maken) (me|mij) kapot\b",
    r"\b(het|dat|dit) (project|werk|rapport) (is )?(ten )?dode opgeschreven\b",
    r"\bover mijn lijk\b",
    r"\bover my dead body\b",
    r"\b(zelfmoord|suicide) ?preventie ?(beleid|training|cursus|week)\b",
    r"\b(kill|killed|killing) (the|this|that) (project|deal|idea|plan|meeting)\b",
    r"\b(een )?eind(e)? (aan )?(maken|gemaakt|maakt|te maken) aan "
    r"(het|dit|dat|de|die|deze|zijn|haar|hun) (pesten|gedrag|samenwerking|situatie|gedoe|"
    r"conflict|discussie|treiteren|misbruik|fraude|"
    r"project|opdracht|contract|relatie|gesprek|ruzie)\b",
    r"\b(een )?eind(e)? (maken|maakt|te maken) aan (het|dit|dat|de|die|deze|zijn|haar) "
    r"(pesten|gedrag|samenwerking|situatie|gedoe|conflict|discussie|treiteren|misbruik|fraude|"
    r"project|opdracht|contract|relatie|gesprek|ruzie)\b",
)

# Patterns that signal acute danger. Grouped by kind so an audit can see which rule fired.
_SELF: tuple[str, ...] = (
    r"\bzie (het leven|mijn leven|alles|het|t|'t)( (echt|allemaal|gewoon|helemaal|totaal|even|"
    r"soms|nu|echt))* niet meer zitten\b",
    r"\bzie (echt |helemaal )?geen uitweg\b",
    r"\bgeen uitweg meer\b",
    r"\bzie geen (toekomst|licht|zin) meer$",
    r"\bzie geen zin (meer )?in (het|mijn) leven\b",
    r"\b(er|het) (een )?eind(e)? aan ((gaat|ga|gaan|wil|wilde|zou|zal) )?"
    r"(maken|te maken|maak)\b"
    r"(?! (dat|door|zodat|met een melding|en (het|dit) melden))",
    r"\b(er )?(een )?eind(e)? (maken|te maken|maak) aan (mijn|m'n|mn|het|me|alles)( leven)?$",
    r"\b(een )?eind(e)? (maken|te maken|maak) aan (mijn|m'n|mn|het|me) leven\b",
    r"\b(mijn|m'n|mn) leven (be)?eindigen\b",
    r"\bniet meer (verder )?(willen |wil )?leven\b",
    r"\b(wil|wilde|zou willen) (graag |het liefst )?(dood|sterven)\b",
    r"\bik (ga|wil) dood\b",
    r"\bliever dood\b",
    r"\bzelf ?moord\w*\b",
    r"\bzelfdoding\b",
    r"\bsuicid\w*\b",
    r"\b(mezelf|mijzelf|me|mij) (van kant|ophangen|opknopen|doodmaken|dood maken|doden|"
    r"vergiftigen)\b",
    r"\b(mezelf|mijzelf) (iets|wat|pijn) (aan ?doen|aan te doen|te doen|doen)\b",
    r"\b(doe|doen|deed|ga) (ik )?(mezelf|mijzelf) (iets|wat|pijn) aan\b",
    r"\b(mezelf|mijzelf) (iets|wat) aandoe\b",
    r"\b(mezelf|mijzelf) (snijden|snij|beschadigen|verwonden)\b",
    r"\bzelfbeschadiging\b|\bautomutilatie\b",
    r"\bik wil er niet meer zijn\b|\ber niet meer (willen |wil )zijn\b",
    r"\bniet meer wakker (te )?(worden|word)\b",
    r"\b(leven|bestaan) (heeft|is) (echt |toch )?geen zin\b",
    r"\b(alles|het leven|mijn leven) heeft (nog |echt |toch )?geen zin\b",
    r"\b(niets|niks) heeft (nog |meer )?zin( meer)?$",
    r"\b(iedereen|jullie|ze|mijn familie) (is|zijn|zou|zouden) beter af zonder (mij|me)\b",
    r"\bniemand (zal|zou) (me|mij) missen\b",
    r"\bafscheidsbrief\b",
    r"\b(voor de trein|van het dak|van de brug|van een flat) (springen|spring|gaan liggen)\b",
    r"\b(alle|al mijn|een hoop|veel) (pillen|slaappillen|medicijnen) (in ?nemen|slikken)\b",
    r"\bkan (zo |echt |gewoon )*niet meer (verder )?leven\b",
    r"\bik kan (zo |echt |gewoon )*niet meer verder$",
    r"\b(kill|killing|hurt|hurting|harm|harming|cut|cutting) (myself|my self)\b",
    r"\bend (it all|my life|things)\b",
    r"\b(want to|wanna|going to|gonna|wish to) die\b",
    r"\bwish i (was|were) dead\b",
    r"\b(don't|dont|do not) want to (live|be alive|be here)( anymore)?\b",
    r"\bno (reason|point) (to|in) (live|living|going on)\b",
    r"\bcan'?t go on\b",
    r"\bself ?harm\w*\b",
    r"\bbetter off without me\b",
    r"\btake my (own )?life\b",
    r"\b113\b",
)

_HARM = (
    r"(iets|wat|wat ergs|iets ergs) aan ?((te|zou|zal|gaat|gaan|wil) )?(doen|doet|deed)|"
    r"vermoorden|vermoord|"
    r"dood ?(te )?maken|dood ?maakt|doden|in elkaar (te )?(slaan|slaat|trappen)|slaan|"
    r"neer ?(te )?steken|neer ?(te )?schieten|te grazen (te )?nemen|pijn (te )?doen|verkrachten"
)
_THREAT: tuple[str, ...] = (
    rf"\b(dreigt|dreigde|dreigen|gedreigd|bedreigt|bedreigde|bedreigd)( \w+){{0,3}} "
    rf"(me|mij|ons|mijn \w+|haar|hem|mensen|collega'?s?)( \w+){{0,3}}( te)? ({_HARM})\b",
    rf"\b(gaat|wil|gaan|willen|komt|zal|zei dat hij|zei dat ze|zegt dat hij|zegt dat ze)"
    rf"( \w+){{0,3}} (me|mij|ons|haar|hem)( te)? ({_HARM})\b",
    r"\b(me|mij|ons) (komen |komt )?af (te )?maken\b",
    rf"\b(hij|zij|ze|die \w+) (me|mij|ons)( \w+){{0,2}} ({_HARM})\b",
    rf"\bbang dat (hij|zij|ze|iemand|die \w+)( \w+){{0,2}} (me|mij|ons|haar|hem) ({_HARM})\b",
    rf"\bik (ga|wil|zal)( \w+){{0,2}} (hem|haar|iemand|die (man|vrouw|gast|vent|collega|"
    rf"manager|leidinggevende|klootzak|eikel)|mijn (collega|manager|leidinggevende|baas))"
    rf"( te)? ({_HARM})\b",
    r"\bdoods ?bedreig\w*\b",
    r"\b(me|mij|ons)( \w+){0,6} in elkaar (te )?(slaan|slaat|trappen|trapt|meppen)\b",
    r"\b(bedreigd|bedreigt|bedreigde|dreigt|dreigde|aangevallen|gestoken) met (een |de )?"
    r"(mes|wapen|pistool|vuurwapen|geweer|de dood)\b",
    r"\b(heeft|had|draagt|droeg|met|pakte|pakt|trok|trekt) (een |zijn |haar )?"
    r"(mes|pistool|vuurwapen|geweer|wapen)\b",
    r"\b(bom|explosief|explosieven)\b",
    r"\b(schietpartij|gijzeling|terroristische aanslag|aanslag (plegen|op (mij|ons|het|de|een)))\b",
    r"\b(ik ben|ben net|word|werd) (net )?(verkracht|aangerand|mishandeld|in elkaar geslagen)\b",
    r"\b(heeft|hebben) (me|mij) (net )?(geslagen|geschopt|gewurgd|verkracht|aangerand|"
    r"mishandeld)\b",
    r"\b(slaat|sloeg|schopt|schopte|wurgt|wurgde) (me|mij)\b",
    r"\b(threat\w*|going|gonna|wants|want|will|would|ll|said he would|said she would)( \w+){0,3} "
    r"(to )?(kill|hurt|harm|stab|shoot|beat|attack) (me|us|him|her|them|my \w+)\b",
    r"\b(kill|stab|shoot) (him|her|them|someone|my boss|my manager|my colleague)\b",
    r"\b(has|had|carries|carrying|brought|with) (a |his |her )?(knife|gun|weapon|firearm)\b",
    r"\b(death threat\w*|bomb|hostage)\b",
    r"\b(hit|punched|kicked|strangled|raped|assaulted|attacked) me\b",
    r"\bi (was|am being|got) (raped|assaulted|attacked|beaten)\b",
    r"\b112\b",
    r"\b(levens|lijfs)gevaar\w*\b",
    r"\b(ik ben|ik ben hier|we zijn|i am|i'm|im|we are) (nu )?in (acuut )?(gevaar|danger)\b",
)

_FIGURATIVE_RE = re.compile("|".join(f"(?:{p})" for p in _FIGURATIVE))
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    [("self", re.compile(p)) for p in _SELF] + [("threat", re.compile(p)) for p in _THREAT]
)


@dataclass(frozen=True)
class CrisisCheck:
    """The outcome: whether it fired, and which kind (self or threat) for auditing."""

    crisis: bool
    kind: str | None = None


def check(text: object) -> CrisisCheck:
    """Check one message; never raises."""
    cleaned = normalize(text) if isinstance(text, str) else ""
    if not cleaned:
        return CrisisCheck(False)
    literal = _FIGURATIVE_RE.sub(" ", cleaned)
    for kind, pattern in _RULES:
        if pattern.search(literal):
            return CrisisCheck(True, kind)
    return CrisisCheck(False)


def is_crisis(text: object) -> bool:
    """Shorthand used by the engines."""
    return check(text).crisis
