"""Cues: facts in a message that change the advice, found with plain rules.

The advice depends on a few facts more than on the topic: is the writer's own manager part of
the problem, do they want to talk or to report, do they want to stay anonymous, are they an
ex-employee or hired worker, do they write as a bystander or as a manager, is the public interest
at stake, is their health affected. Rules are used, not a model, because each fact must be
explainable ("you wrote 'mijn teamleider'") and because a wrong cue only skips or adds a question.
A cue is only set when the text says so; absent means unknown, and the bot asks. The names and
values are those of `bot.nlu.base.CUES`.
"""

from __future__ import annotations

import re

from bot.nlu.normalize import normalize

_MY = r"(mijn|m'n|mn|me|onze|ons|my|our)"
# "de directie", "een hogere manager": someone above the writer, in the writer's own line.
_ABOVE = r"(mijn|m'n|mn|me|onze|ons|my|our|de|het|the|hogere|hoger|higher|nieuwe|new)"
_MANAGER = (
    r"(eigen )?(directe )?(leidinggevende|leidinggevenden|manager|baas|teamleider|teamleidster|"
    r"teamlead|team lead|teammanager|afdelingshoofd|afdelingsmanager|hoofd|chef|directeur|"
    r"supervisor|coordinator|boss|line manager|team ?leader|head of department|director|mt ?lid|"
    r"directie|leiding|management|ploegchef|unitmanager|tl|lg)"
)
# "talking to my manager" is not "my manager is the problem".
_TO_MANAGER = re.compile(
    rf"\b(aan|met|bij|naar|tegen|voor|via|to|with|told|asked|tell|ask) {_ABOVE} {_MANAGER}\b"
)
# ... unless it is a conflict or a broken working relation with that manager.
_CONFLICT_WITH = re.compile(
    r"\b(ruzie|conflict\w*|botsing|botsen|botst|meningsverschil|onenigheid|problemen|probleem|"
    r"gedoe|geschil|niet uit|samenwerking|relatie|verhouding|contact|gesprek|spanning\w*|"
    r"clash|fight|argument|disagreement|relationship|issues|problems|trouble)( \w+){0,5} "
    rf"(met|with|tussen mij en|between me and) {_ABOVE} {_MANAGER}\b"
)
_MY_MANAGER = re.compile(rf"\b{_ABOVE} {_MANAGER}\b")
_FROM_ABOVE = re.compile(
    r"\b(van hogerop|van bovenaf|van boven af|from above|from the top|higher up)\b"
)
_MANAGER_NOT_INVOLVED = re.compile(
    rf"\b({_MY} {_MANAGER} (is|weet|staat|heeft|was) (er )?(niet|niets|nergens|geen|achter|"
    rf"aan mijn kant|not|nothing)|niet {_MY} {_MANAGER}|not {_MY} {_MANAGER}|"
    rf"(gaat|is) niet over {_MY} {_MANAGER})"
)
# The manager as adviser or as the one the writer already told: not a sign of involvement.
_MANAGER_NEUTRAL = re.compile(
    rf"\b{_ABOVE} {_MANAGER} (zegt|zei|vindt|vond|adviseert|adviseerde|raadt|raadde) "
    r"(me |mij )?(dat ik|om|het te melden|te melden)|"
    rf"\b{_ABOVE} {_MANAGER} (weet (er )?van|stuurde me door|stuurt me door|verwees|verwijst|"
    r"heeft me doorgestuurd|steunt me|staat achter|advised|told me to|suggested|supports)"
)
# Someone else's manager, or a manager outside: "de directeur van dat bedrijf".
_OTHER_MANAGER = re.compile(
    rf"\b(de|het|the|een|a) {_MANAGER} (van|of) (dat|dit|een|het|die|the|a|that)\b"
)
_MANAGER_ROLE_HINT = re.compile(
    rf"\b(mijn|m'n|mn|de|onze|een|hogere|nieuwe|andere)? ?{_MANAGER} (van|bij) (mij|me|ons)\b"
)

_NEGATED_REPORT = re.compile(
    r"\b(niet|geen|nog niet|zonder|not|don't|dont|do not|rather not|without)( \w+){0,3} "
    r"(melden|melding|aangeven|klacht|aangifte|report|reporting|complaint|formeel|officieel)"
)
_REPORT = re.compile(
    r"\b((wil|ga|gaan|willen|moet|kan|zou|graag|hoe)( \w+){0,4} (melden|aangeven|aanmelden)|"
    r"(melding|klacht|aangifte) (doen|maken|indienen|in ?dienen|neerleggen)|"
    r"(formele|officiele|officieel) (melding|klacht)|officieel (melden|maken)|"
    r"een (formele |officiele )?(melding|klacht) (in|over|tegen)|"
    r"(report|file|lodge|make) (it|this|a report|a complaint|a formal)|"
    r"(want|wish|going) to report|(officially|formally) report|whistle ?blow\w*)"
)
_TALK = re.compile(
    r"\b((eerst|alleen|even|graag|gewoon|liefst|vooral)( \w+){0,3} (praten|sparren|overleggen|"
    r"vertellen|mijn verhaal kwijt|een luisterend oor)|"
    r"(wil|willen|kan|zou)( \w+){0,3} (praten|sparren|mijn verhaal kwijt|in vertrouwen)|"
    r"vertrouwelijk (gesprek|praten|bespreken|advies)|luisterend oor|in vertrouwen|"
    r"iemand om mee te praten|met iemand (over )?(praten|overleggen|sparren)|"
    r"(talk|speak) (to|with) (someone|somebody|anyone)|in confidence|just (want to )?talk|"
    r"need advice|want advice|(first|just) talk)"
)
_COMPLAINT = re.compile(
    r"\b(klacht (indienen|in dienen|neerleggen|doen)|formele klacht|klachtencommissie|"
    r"officiele klacht|(file|lodge|make) a (formal )?complaint|complaints committee)"
)
_POLICE = re.compile(
    r"\b(aangifte (doen|gedaan|te doen|bij)|naar de politie|politie (inschakelen|bellen|erbij)|"
    r"(police|criminal) report|(report|go) to the police|call the police)"
)
_GIFT = re.compile(
    r"\b(geschenk\w*|cadeau\w*|kado\w*|kerst ?pakket\w*|relatiegeschenk\w*|fles wijn|"
    r"bonbons|uitnodiging\w*|uitgenodigd|etentje|diner|kaartjes|tickets|vip|gratis (reis|weekend|"
    r"cursus)|korting|gift|gifts|invited|bloemen|dinerbon|cadeaubon)\b"
)
_SIDE_JOB = re.compile(
    r"\b(nevenwerk\w*|nevenfunctie\w*|nevenactiviteit\w*|bijbaan|bijverdien\w*|"
    r"naast mijn (baan|werk)|eigen bedrijf\w*|zzp\w*|raad van toezicht|bestuurslid|"
    r"penningmeester|in het bestuur|side (job|business)|consultancy|freelance)"
)
_FINANCIAL = re.compile(
    r"\b(aandelen|beleggen|belegging\w*|crypto\w*|effecten|voorkennis|obligaties|opties|"
    r"financiele belangen|financieel belang|beurs\w*|shares|stocks|invest\w*|insider)"
)
_ANONYMOUS = re.compile(
    r"\b(anoniem\w*|anonymous\w*|anonymously|zonder (mijn |dat mijn )?naam|"
    r"(mijn|m'n|mn) naam (niet|buiten|geheim)|niemand (mag|hoeft|moet) (het )?weten|"
    r"niet (weten|merken|horen) dat ik( het)? (ben|was|gemeld)|onherkenbaar|"
    r"(weten|merken) dat ik het (ben|heb gemeld)|without my name|keep my name|"
    r"(nobody|no one) (may|can|should|must) know|identity (secret|hidden|protected)|"
    r"(niet|geen) herleidbaar|niet te herleiden)"
)
_EX_EMPLOYEE = re.compile(
    r"\b((oud|ex|voormalig|voormalige) ?-? ?(medewerker|collega|werknemer|ambtenaar|personeelslid|"
    r"employee|colleague)|niet meer in dienst|uit dienst (gegaan|getreden|sinds)|"
    r"ik (werk|zit) (\w+ ){0,4}niet meer( (bij|op|voor|in dienst|daar|er)|$)|"
    r"sinds ik (weg|vertrokken|ontslagen) (ben|ben gegaan)|"
    r"toen ik (er |daar |nog )*(werkte|in dienst was)|ben (vorig jaar |onlangs |net )?"
    r"(vertrokken|weggegaan|ontslagen|met pensioen)|gepensioneerd|"
    r"(former|ex) (employee|staff|civil servant)|no longer work|used to work|"
    r"(left|quit) (the|my) (job|ministry|department|organisation|organization)|retired)"
)
_HIRED = re.compile(
    r"\b(ingehuurd\w*|inhuurkracht\w*|inhuur ?(kracht|medewerker)|"
    r"ik ben (hier )?(een |als )?(externe|extern|zzp\w*|uitzendkracht|gedetacheerd\w*|"
    r"gedetacheerde|interim\w*|freelancer|freelance|inhuur\w*|consultant|contractor|"
    r"tijdelijke kracht|uitzendkracht)|"
    r"(werk|zit) (hier |daar |er )?(via|als) (een |het )?(uitzendbureau|detacheerder|"
    r"detacheringsbureau|bureau|externe|zzp\w*|inhuurkracht|interim\w*|freelancer|"
    r"gedetacheerde|uitzendkracht)|als (externe|inhuurkracht|zzp\w*|ingehuurde|uitzendkracht|"
    r"gedetacheerde|gedetacheerd|extern adviseur|extern medewerker)|uitzendkracht|"
    r"(i'?m|i am) (a |an )?(contractor|temp|freelancer|external|consultant|agency worker)|"
    r"(hired|placed) (through|via|by) (an|a) (agency|firm)|through a (staffing|temp) agency)"
)
_EMPLOYEE = re.compile(
    r"\b(ik (ben|zit|werk) (hier |al )?(\w+ )?(in (vaste )?dienst|ambtenaar)|"
    r"ik werk (al )?(\w+ )?(jaar |jaren )?(bij|op|voor) (de |het )?(belastingdienst|douane|"
    r"toeslagen|ministerie|rijksoverheid|rijk|bzk|financien|ezk|lnv|dienst|directie)|"
    r"(i'?m|i am) (a |an )?(civil servant|employee)|i work (at|for) the)"
)
_BYSTANDER = re.compile(
    r"\b(ik (zag|zie|heb gezien|hoorde|hoor|heb gehoord|merk|merkte|heb gemerkt)"
    r" (dat|hoe|een|iemand|mijn|m'n|mn|onze|collega|twee|de)\b|"
    r"ik (weet dat|vermoed dat|ontdekte|heb ontdekt|kreeg mee|was getuige)|getuige (van|geweest)|"
    r"(een |mijn |m'n |mn )?(collega|teamgenoot|stagiair|stagiaire)( van me| van mij)? "
    r"(wordt|werd|is|krijgt)( \w+){0,2} (gepest|uitgescholden|lastiggevallen|genegeerd|"
    r"geintimideerd|bedreigd|vernederd|buitengesloten|betast|aangeraakt)|"
    r"gaat niet over (mij|mezelf)|niet over mij( zelf|zelf)?|voor een collega|namens een collega|"
    r"i (saw|see|noticed|witnessed|heard|overheard|found out|discovered)|"
    r"my (colleague|coworker|co-worker|teammate) (is|was|gets|got) being|on behalf of a colleague)"
)
_AS_MANAGER = re.compile(
    r"\b(ik ben (zelf |de |een |hier )?(leidinggevende|manager|teamleider|teamleidster|"
    r"afdelingshoofd|directeur|teamlead|chef|teammanager|afdelingsmanager|mt ?lid)|"
    r"als (leidinggevende|manager|teamleider|teamleidster|afdelingshoofd|directeur|chef)|"
    r"(een|twee|een paar|drie|enkele) van mijn (medewerkers|teamleden|mensen)|"
    r"mijn (medewerker|medewerkers|teamlid|teamleden|ondergeschikte)\b|"
    r"in mijn team (zit|werkt|is|heb ik|zijn)|"
    r"(i'?m|i am) (a |the )?(manager|team ?leader|supervisor|head of|director)|"
    r"as (a |the )?(manager|team ?leader|supervisor)|"
    r"(one of )?my (staff|employees|team members|direct reports|reports)\b)"
)
_PUBLIC = re.compile(
    r"\b((maatschappelijk|publiek|algemeen) belang|gevaar voor (de )?(burgers|volksgezondheid|"
    r"samenleving|veiligheid|mensen|het milieu|milieu|dieren|voedselveiligheid|de democratie)|"
    r"volksgezondheid|voedselveiligheid|milieuschade|milieu|burgers (worden|zijn|werden) "
    r"(gedupeerd|benadeeld|misleid)|klokkenluider\w*|doofpot|toegedekt|onder de pet gehouden|"
    r"(kamer|tweede kamer|parlement|minister) (wordt|is|werd) (bewust )?(verkeerd|onjuist|niet|"
    r"misleidend)|misleid\w*|structureel (misbruik|fraude|weggekeken|genegeerd)|"
    r"public interest|public (health|safety)|endanger\w*|cover ?-?up|covered up|whistle ?blow\w*|"
    r"misleading parliament|the public is|citizens (are|were|being) (harmed|misled|cheated))"
)
_HEALTH = re.compile(
    r"\b(slaap (slecht|niet|nauwelijks)|kan (niet|nauwelijks) (meer )?slapen|slapeloos\w*|"
    r"ziek ?(gemeld|melding|thuis|geworden)|ziek (van|door)|burn ?-?out|overspannen|"
    r"stress\w*|angst\w*|paniek\w*|huil\w*|depress\w*|bedrijfsarts|uitgeput|"
    r"op (mijn|m'n|mn) tandvlees|mentaal|psychisch\w*|gezondheid|hartkloppingen|hoofdpijn|"
    r"buikpijn|maagpijn|lichamelijke klachten|bang|zie er tegenop|tegen op om naar|"
    r"doodsbang|onrustig|piekeren|pieker|kapot van|emotioneel|"
    r"can'?t sleep|sleepless|burnt? ?out|anxiety|anxious|panic|sick leave|on sick|"
    r"exhausted|mental health|crying|cry every|stressed|afraid|scared|my health)"
)


def _manager_cue(text: str) -> str | None:
    if _MANAGER_NOT_INVOLVED.search(text):
        return "nee"
    if _CONFLICT_WITH.search(text) or _FROM_ABOVE.search(text):
        return "ja"
    mentions = list(_MY_MANAGER.finditer(text)) + list(_MANAGER_ROLE_HINT.finditer(text))
    if not mentions:
        return None
    to_spans = [m.span() for m in _TO_MANAGER.finditer(text)]
    to_spans += [m.span() for m in _MANAGER_NEUTRAL.finditer(text)]
    to_spans += [m.span() for m in _OTHER_MANAGER.finditer(text)]
    for mention in mentions:
        start, end = mention.span()
        if not any(s <= start and end <= e for s, e in to_spans):
            return "ja"
    return None


def extract(text: object) -> dict[str, str]:
    """Every cue the message states, as name -> value (names and values as in base.CUES)."""
    norm = normalize(text) if isinstance(text, str) else ""
    if not norm:
        return {}
    cues: dict[str, str] = {}
    manager = _manager_cue(norm)
    if manager:
        cues["manager_involved"] = manager
    if _NEGATED_REPORT.search(norm):
        cues["goal"] = "praten"
    elif _COMPLAINT.search(norm):
        cues["goal"] = "klacht"
    elif _REPORT.search(norm):
        cues["goal"] = "melden"
    elif _TALK.search(norm):
        cues["goal"] = "praten"
    if _ANONYMOUS.search(norm):
        cues["anonymous"] = "ja"
    if _EX_EMPLOYEE.search(norm):
        cues["relation"] = "oud_medewerker"
    elif _HIRED.search(norm):
        cues["relation"] = "inhuur"
    elif _EMPLOYEE.search(norm):
        cues["relation"] = "medewerker"
    if _AS_MANAGER.search(norm):
        cues["role"] = "leidinggevende"
    elif _BYSTANDER.search(norm):
        cues["role"] = "omstander"
    if _PUBLIC.search(norm):
        cues["public_interest"] = "ja"
    if _HEALTH.search(norm):
        cues["health"] = "ja"
    if _FINANCIAL.search(norm):
        cues["interest_kind"] = "financieel"
    elif _SIDE_JOB.search(norm):
        cues["interest_kind"] = "nevenwerk"
    elif _GIFT.search(norm):
        cues["interest_kind"] = "geschenk"
    if _POLICE.search(norm):
        cues["aangifte"] = "ja"
    return cues
