"""The dilemma library: coverage of the GIR and the seeds' situations, and every content error."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bot.content.schema import PLACEHOLDER
from bot.dilemmas.library import DilemmaLibrary, load_dilemmas
from bot.dilemmas.model import MAX_OPTION_CHARS, TAGS
from bot.dilemmas.texts import load_dilemma_texts
from bot.dilemmas.vocab import DESKS, kennisbank_names
from bot.nlu.base import TOPICS
from bot.settings import PROJECT_ROOT

DILEMMA_DIR = PROJECT_ROOT / "kennisbank" / "dilemmas"


# --- the real library -----------------------------------------------------------------------


def test_enough_dilemmas_over_every_chapter(library: DilemmaLibrary) -> None:
    per_chapter = Counter(d.chapter for d in library.all())
    assert len(library.all()) >= 36
    assert set(per_chapter) >= {"2", "3", "4", "5", "6", "7", "8"}
    lightest_of_heavy = min(per_chapter[c] for c in ("4", "5", "6"))
    assert lightest_of_heavy > max(per_chapter[c] for c in ("2", "3", "7"))
    assert library.chapters() == sorted(per_chapter, key=int)


def test_the_seeds_situations_are_there(library: DilemmaLibrary) -> None:
    sections = {d.gir for d in library.all()}
    # gifts, invitations, resources, financial interests, side jobs, cooling off, lobbyists,
    # procurement, research, information, opinions, social media, behaviour, relations, abroad,
    # oath/intake, the good conversation, vulnerable positions, the confidential adviser, reports
    for section in (
        "4.1",
        "4.2",
        "4.3",
        "4.4",
        "4.5",
        "4.6",
        "4.7",
        "4.8",
        "4.9",
        "5.1",
        "5.2",
        "5.3",
        "6.1",
        "6.2",
        "7.1",
        "7.2",
        "8.1",
        "8.2",
        "8.3",
        "8.4",
        "8.5",
    ):
        assert section in sections, section
    topics = {d.onderwerp for d in library.all()}
    assert len(topics) >= 8
    tags = Counter(t for d in library.all() for t in d.tags)
    for tag in ("iedereen", "nieuw", "leidinggevenden", "omstander", "financien"):
        assert tags[tag] >= 3, tag


def test_every_option_is_discussed_in_both_languages(library: DilemmaLibrary) -> None:
    for dilemma in library.all():
        assert 3 <= len(dilemma.opties) <= 4, dilemma.id
        for option in dilemma.opties:
            for lang in ("nl", "en"):
                assert len(option.bespreking.get(lang)) > 40, (dilemma.id, option.id)
                assert len(option.tekst.get(lang)) <= MAX_OPTION_CHARS


def test_referenced_desks_and_topics_exist(library: DilemmaLibrary) -> None:
    desk_names, topic_names = kennisbank_names(PROJECT_ROOT)
    desks = set(desk_names) or set(DESKS)
    topics = set(topic_names) or set(TOPICS)
    for dilemma in library.all():
        assert dilemma.onderwerp in topics and dilemma.onderwerp in TOPICS
        for desk in dilemma.loketten:
            assert desk in desks and desk in DESKS, (dilemma.id, desk)
        assert library.gir_title(dilemma.gir) is not None
        assert set(dilemma.tags) <= TAGS


def test_no_duplicates(library: DilemmaLibrary) -> None:
    ids = [d.id for d in library.all()]
    assert len(ids) == len(set(ids))
    for lang in ("nl", "en"):
        situations = [d.situatie.get(lang).casefold() for d in library.all()]
        titles = [d.titel.get(lang).casefold() for d in library.all()]
        assert len(situations) == len(set(situations))
        assert len(titles) == len(set(titles))


def test_ministry_rules_are_not_generalised(library: DilemmaLibrary) -> None:
    """The €50 gift limit is EZK/LNV's; Belastingdienst/Douane situations are Financiën's."""
    for dilemma in library.all():
        texts = [dilemma.situatie.nl] + [o.bespreking.nl for o in dilemma.opties]
        for text in texts:
            if re.search(r"50 euro|€ ?50", text):
                assert "EZK" in text and "LNV" in text, dilemma.id
        if re.search(r"Belastingdienst|Douane|Toeslagen", dilemma.situatie.nl):
            assert "financien" in dilemma.tags, dilemma.id
        if "cif" in dilemma.loketten:
            assert "financien" in dilemma.tags or "Financiën" in " ".join(texts), dilemma.id


def test_no_invented_contact_details(library: DilemmaLibrary) -> None:
    for dilemma in library.all():
        blob = " ".join(
            [dilemma.situatie.nl, dilemma.situatie.en]
            + [o.bespreking.nl + o.bespreking.en for o in dilemma.opties]
        )
        assert not re.search(r"\d{3}[ -]?\d{3,}", blob), dilemma.id  # phone numbers
        assert "@" not in blob and "http" not in blob and "www." not in blob, dilemma.id


def test_plans_fit_a_session(library: DilemmaLibrary) -> None:
    onboarding = library.plan("onboarding")
    assert onboarding is not None and onboarding.minuten == 30
    assert 4 <= len(onboarding.dilemmas) <= 6
    chapters = {library.get(i).chapter for i in onboarding.dilemmas}  # type: ignore[union-attr]
    assert len(chapters) >= 3
    for plan in library.plans:
        assert all(library.get(i) for i in plan.dilemmas)


def test_lookup_and_draw(library: DilemmaLibrary) -> None:
    assert library.get("kerstpakket_leverancier") is not None
    assert library.get("nope") is None
    assert all(d.gir == "4.5" for d in library.by_chapter("4.5")) and library.by_chapter("4.5")
    assert all(d.chapter == "6" for d in library.by_chapter("6"))
    assert all(d.onderwerp == "informatie" for d in library.by_topic("informatie"))
    first = library.pick(7, chapter="5")
    assert first is not None and first.chapter == "5"
    assert library.pick(7, chapter="5") == first  # reproducible
    every_in_5 = [d.id for d in library.by_chapter("5")]
    assert library.pick(7, chapter="5", exclude=every_in_5[:-1]).id == every_in_5[-1]
    assert library.pick(7, chapter="5", exclude=every_in_5) is not None  # starts over
    assert library.pick(7, chapter="5", topic="misstand") is None
    assert library.pick(1, topic="misstand").onderwerp == "misstand"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        ("4", ("chapter", "4")),
        ("h4", ("chapter", "4")),
        ("Hoofdstuk 6", ("chapter", "6")),
        ("4.5", ("chapter", "4.5")),
        ("informatie", ("topic", "informatie")),
        ("kerstpakket_leverancier", ("dilemma", "kerstpakket_leverancier")),
        ("9", None),
        ("1", None),  # the introduction has no dilemmas
        ("bla bla", None),
        ("", None),
    ],
)
def test_resolve_an_argument(library: DilemmaLibrary, argument: str, expected) -> None:
    assert library.resolve(argument) == expected


def test_texts_are_complete_and_placeholders_match() -> None:
    texts, problems = load_dilemma_texts(PROJECT_ROOT)
    assert problems == []
    used: set[str] = set()
    for path in (PROJECT_ROOT / "bot" / "dilemmas").glob("*.py"):
        used |= set(re.findall(r'"(dilemma_[a-z0-9_]+)"', path.read_text(encoding="utf-8")))
    assert used and used <= set(texts), sorted(used - set(texts))
    for desk in DESKS:
        assert f"dilemma_loket_{desk}" in texts
    for topic in TOPICS:
        assert f"dilemma_onderwerp_{topic}" in texts
    for text_id, tekst in texts.items():
        assert set(PLACEHOLDER.findall(tekst.nl)) == set(PLACEHOLDER.findall(tekst.en)), text_id


# --- every kind of content error, with file and line -----------------------------------------


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    shutil.copytree(DILEMMA_DIR, tmp_path / "kennisbank" / "dilemmas")
    return tmp_path


def load(root: Path):
    return load_dilemmas(root, set(TOPICS), set(DESKS))


def edit(root: Path, name: str, change: Callable[[dict], object]) -> Path:
    path = root / "kennisbank" / "dilemmas" / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def only(root: Path, kind: str):
    library, problems = load(root)
    assert library is None
    found = [p for p in problems if p.kind == kind]
    assert found, f"no {kind} problem in {problems}"
    return found[0]


def line(path: Path, number: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[number - 1]


def test_copy_is_clean(root: Path) -> None:
    library, problems = load(root)
    assert problems == [] and library is not None


def test_yaml_syntax(root: Path) -> None:
    path = root / "kennisbank" / "dilemmas" / "hoofdstuk_5.yml"
    text = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, t in enumerate(text) if "id: verkeerd_gemaild" in t)
    text[number] = "  - id: [verkeerd_gemaild"
    path.write_text("\n".join(text), encoding="utf-8")
    problem = only(root, "yaml-syntax")
    assert problem.file.endswith("hoofdstuk_5.yml") and problem.line >= number + 1


def test_binary_file(root: Path) -> None:
    (root / "kennisbank" / "dilemmas" / "extra.yml").write_bytes(b"dilemmas:\x00\xff")
    assert only(root, "encoding").file.endswith("extra.yml")


def test_unknown_field(root: Path) -> None:
    path = edit(root, "hoofdstuk_2.yml", lambda d: d["dilemmas"][1].update(score=3))
    problem = only(root, "schema")
    assert "score" in problem.message and problem.file == str(path)


def test_wrong_top_level(root: Path) -> None:
    path = root / "kennisbank" / "dilemmas" / "hoofdstuk_3.yml"
    path.write_text("- just a list\n", encoding="utf-8")
    assert "dilemmas:" in only(root, "schema").message


def test_missing_translation(root: Path) -> None:
    path = edit(root, "hoofdstuk_4.yml", lambda d: d["dilemmas"][2]["situatie"].pop("en"))
    problem = only(root, "missing-translation")
    assert "situatie" in problem.message
    assert "situatie" in line(path, problem.line)


def test_empty_translation(root: Path) -> None:
    edit(root, "hoofdstuk_4.yml", lambda d: d["dilemmas"][0]["opties"][1]["tekst"].update(nl=" "))
    assert "opties.1.tekst.nl" in only(root, "missing-translation").message


def test_option_without_discussion(root: Path) -> None:
    path = edit(root, "hoofdstuk_6.yml", lambda d: d["dilemmas"][3]["opties"][2].pop("bespreking"))
    problem = only(root, "no-discussion")
    assert "opties.2" in problem.message
    assert "id:" in line(path, problem.line) or "tekst" in line(path, problem.line)


@pytest.mark.parametrize("count", [2, 5])
def test_option_count(root: Path, count: int) -> None:
    def change(data: dict) -> None:
        options = data["dilemmas"][0]["opties"]
        while len(options) > count:
            options.pop()
        while len(options) < count:
            options.append({**options[0], "id": f"extra{len(options)}"})

    path = edit(root, "hoofdstuk_7.yml", change)
    problem = only(root, "option-count")
    assert "opties" in line(path, problem.line)


def test_unknown_topic(root: Path) -> None:
    path = edit(root, "hoofdstuk_8.yml", lambda d: d["dilemmas"][1].update(onderwerp="roddel"))
    problem = only(root, "unknown-topic")
    assert "roddel" in problem.message and "onderwerp: roddel" in line(path, problem.line)


def test_unknown_desk(root: Path) -> None:
    path = edit(root, "hoofdstuk_8.yml", lambda d: d["dilemmas"][2]["loketten"].append("ombudsman"))
    problem = only(root, "unknown-desk")
    assert "ombudsman" in line(path, problem.line)


def test_unknown_gir_chapter(root: Path) -> None:
    path = edit(root, "hoofdstuk_3.yml", lambda d: d["dilemmas"][0].update(gir="4.12"))
    assert only(root, "schema")  # not even a section number
    edit(root, "hoofdstuk_3.yml", lambda d: d["dilemmas"][0].update(gir="5.7"))
    problem = only(root, "unknown-gir")
    assert "5.7" in line(path, problem.line)


def test_unknown_tag(root: Path) -> None:
    edit(root, "hoofdstuk_5.yml", lambda d: d["dilemmas"][0]["tags"].append("iedereenn"))
    assert "iedereenn" in only(root, "unknown-tag").message


def test_duplicate_id(root: Path) -> None:
    edit(root, "hoofdstuk_7.yml", lambda d: d["dilemmas"][0].update(id="kerstpakket_leverancier"))
    problem = only(root, "duplicate-id")
    assert problem.file.endswith("hoofdstuk_7.yml") and "hoofdstuk_4.yml" in problem.message


def test_duplicate_situation(root: Path) -> None:
    source = yaml.safe_load((DILEMMA_DIR / "hoofdstuk_2.yml").read_text(encoding="utf-8"))
    copied = source["dilemmas"][0]["situatie"]
    # the same words with other spacing and punctuation still count as the same situation
    copied = {"nl": copied["nl"].upper() + "!", "en": copied["en"]}
    edit(root, "hoofdstuk_3.yml", lambda d: d["dilemmas"][1].update(situatie=copied))
    problem = only(root, "duplicate-situation")
    assert "druk_rapport_aanpassen" in problem.message


def test_duplicate_option(root: Path) -> None:
    def change(data: dict) -> None:
        data["dilemmas"][0]["opties"][1]["id"] = data["dilemmas"][0]["opties"][0]["id"]

    edit(root, "hoofdstuk_6.yml", change)
    assert only(root, "duplicate-option")


def test_too_long_for_a_poll(root: Path) -> None:
    edit(
        root,
        "hoofdstuk_5.yml",
        lambda d: d["dilemmas"][0]["opties"][0]["tekst"].update(en="x" * 101),
    )
    assert "poll" in only(root, "too-long").message


def test_plan_with_unknown_dilemma(root: Path) -> None:
    path = edit(root, "plannen.yml", lambda d: d["plannen"][0]["dilemmas"].append("verzonnen"))
    problem = only(root, "unknown-dilemma")
    assert "verzonnen" in line(path, problem.line)


def test_missing_gir_file(root: Path) -> None:
    (root / "kennisbank" / "dilemmas" / "gir.yml").unlink()
    assert only(root, "missing-file")


def test_missing_folder(tmp_path: Path) -> None:
    library, problems = load_dilemmas(tmp_path / "nowhere", set(TOPICS), set(DESKS))
    assert library is None and problems[0].kind == "missing-dir"


def test_all_problems_at_once(root: Path) -> None:
    edit(root, "hoofdstuk_2.yml", lambda d: d["dilemmas"][0].update(onderwerp="x"))
    edit(root, "hoofdstuk_6.yml", lambda d: d["dilemmas"][0]["loketten"].append("y"))
    _, problems = load(root)
    assert {p.kind for p in problems} == {"unknown-topic", "unknown-desk"}
    assert all(re.match(r".+\.yml$", p.file) and p.line > 1 for p in problems)
