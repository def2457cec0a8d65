"""The embedded engine behind the NLU protocol: robust, calibrated, cached, and sensible."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlu.base import CONVERSATION_INTENTS, TOPICS, Interpretation
from bot.nlu.embedded import EmbeddedNLU, char_wb_ngrams, word_ngrams
from bot.nlu.engines import load_engine
from bot.settings import PROJECT_ROOT, Settings

DIALOGEN = PROJECT_ROOT / "dialogen"
KNOWN = set(TOPICS) | set(CONVERSATION_INTENTS)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedNLU:
    cache = tmp_path_factory.mktemp("nlu-cache")
    return EmbeddedNLU.from_dialogen(DIALOGEN, threshold=0.45, cache_dir=cache)


ODD_INPUT = [
    "",
    " ",
    "\n\t\r",
    "x" * 20000,
    "ik word gepest " * 2000,
    "\x00\x01\x02\x1b[31m",
    "😀😀😀",
    "🙈",
    "\ud800",
    "\u202eevil",
    bytes(range(256)).decode("latin-1"),
    "ﷺ" * 40,
    "12345 67890",
    "?!?!",
    "<script>alert(1)</script>",
    "'; DROP TABLE signalen; --",
]


@pytest.mark.parametrize("text", ODD_INPUT)
def test_never_raises_and_answers_in_the_contract(engine: EmbeddedNLU, text: str) -> None:
    result = engine.parse(text)
    assert isinstance(result, Interpretation)
    assert result.intent in KNOWN
    assert 0.0 <= result.confidence <= 1.0
    assert result.topic is None or result.topic in TOPICS
    assert all(name in KNOWN for name, _ in result.ranking)


def test_non_string_input_is_handled(engine: EmbeddedNLU) -> None:
    assert engine.parse(None).topic is None  # type: ignore[arg-type]
    assert engine.parse(42).intent == "out_of_scope"  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_random_text_never_raises(text: str) -> None:
    engine = _shared_engine()
    result = engine.parse(text)
    assert result.intent in KNOWN
    assert result.ranking == tuple(sorted(result.ranking, key=lambda r: -r[1])) or (
        result.ranking and result.ranking[0][0] == "out_of_scope"
    )


_ENGINE: list[EmbeddedNLU] = []


def _shared_engine() -> EmbeddedNLU:
    if not _ENGINE:
        _ENGINE.append(EmbeddedNLU.from_dialogen(DIALOGEN))
    return _ENGINE[0]


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("mn teamleider stuurt me s nachts appjes met hartjes", "ongewenste_omgangsvormen"),
        ("mag ik een kerstpakket van een leverancier houden?", "belangenverstrengeling"),
        ("I saw my colleague copy client files to a USB stick", "informatie"),
        ("een collega declareert ritten die hij nooit heeft gereden", "financiele_schending"),
        ("Mijn collega gebruikt de dienstauto voor zijn vakantie", "bedrijfsmiddelen"),
        ("ik heb ruzie met mijn leidinggevende over mijn beoordeling", "arbeidsconflict"),
        ("ik wil klokkenluider worden want burgers worden benadeeld", "misstand"),
        ("hoeveel vakantiedagen heb ik nog", "geen_integriteit"),
    ],
)
def test_typical_messages_get_their_topic(engine: EmbeddedNLU, text: str, topic: str) -> None:
    result = engine.parse(text)
    assert result.topic == topic, result.ranking


WORKPLACES = ("ik werk bij de Belastingdienst en ", "ik werk sinds drie jaar bij de Douane. ",
              "als nieuwe medewerker bij Toeslagen: ", "ik ben inhuurkracht bij Rijkswaterstaat. ")


@pytest.mark.parametrize("workplace", WORKPLACES)
@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("ik zag fraude", "financiele_schending"),
        ("een collega steelt geld", "financiele_schending"),
        ("ik krijg een cadeau van een bedrijf", "belangenverstrengeling"),
        ("iemand lekt informatie", "informatie"),
        ("ik word gepest", "ongewenste_omgangsvormen"),
    ],
)
def test_where_someone_works_does_not_change_the_topic(engine: EmbeddedNLU, workplace: str,
                                                       text: str, topic: str) -> None:
    # Examples about private conduct often name the workplace (it is what ties the conduct to
    # the job); naming one must not pull a short message about fraud or theft towards them.
    assert engine.parse(workplace + text).topic == topic


def test_typos_and_missing_accents_still_work(engine: EmbeddedNLU) -> None:
    clean = engine.parse("mag ik een cadeau van een leverancier aannemen")
    sloppy = engine.parse("mag ik een kado van een leverancer aannemenn")
    assert clean.topic == sloppy.topic == "belangenverstrengeling"
    assert engine.parse("prive gebruik van de dienstauto").topic == engine.parse(
        "privé gebruik van de dienstauto"
    ).topic


@pytest.mark.parametrize("text", ["asdfgh qwerty zxcv", "kjdshf kjshdf", "wat eten we vanavond"])
def test_gibberish_and_off_topic_are_rejected(engine: EmbeddedNLU, text: str) -> None:
    result = engine.parse(text)
    assert result.intent == "out_of_scope"
    assert result.topic is None
    assert result.ranking[1][0] == "geen_integriteit"  # the topic that fits "not integrity"


@pytest.mark.parametrize(
    ("text", "intent"),
    [("ja", "affirm"), ("nee hoor", "deny"), ("hoi", "greet"), ("bedankt!", "thanks"),
     ("stop", "stop"), ("weet ik niet", "dont_know"), ("ik wil eerst praten", "wants_talk"),
     ("ik wil het melden", "wants_report"), ("help", "help")],
)
def test_short_answers(engine: EmbeddedNLU, text: str, intent: str) -> None:
    result = engine.parse(text)
    assert result.intent == intent
    assert result.topic is None


def test_a_long_situation_with_a_wish_to_talk_gets_its_topic(engine: EmbeddedNLU) -> None:
    result = engine.parse("ik wil eerst even praten over een collega die me steeds uitscheldt")
    assert result.topic == "ongewenste_omgangsvormen"
    assert result.cues.get("goal") == "praten"


def test_topic_only_at_or_above_threshold(engine: EmbeddedNLU) -> None:
    text = "er gebeurt iets op mijn werk wat niet klopt"
    strict = EmbeddedNLU(engine.model, threshold=1.0).parse(text)
    loose = EmbeddedNLU(engine.model, threshold=0.0).parse(text)
    assert strict.topic is None
    assert strict.intent == loose.intent
    if loose.intent in TOPICS:
        assert loose.topic == loose.intent
    for result in (strict, loose):
        if result.topic is not None:
            assert result.confidence >= (1.0 if result is strict else 0.0)


def test_confidence_is_calibrated_not_always_certain(engine: EmbeddedNLU) -> None:
    vague = engine.parse("ik weet niet of dit hier hoort maar er speelt iets")
    clear = engine.parse("mijn collega maakt seksueel getinte opmerkingen over mijn lichaam")
    assert clear.confidence > vague.confidence
    assert clear.confidence >= 0.45
    assert 0.0 < engine.model.temperature < 5.0


def test_crisis_and_cues_come_with_every_parse(engine: EmbeddedNLU) -> None:
    result = engine.parse("mijn leidinggevende pest me en ik zie het niet meer zitten")
    assert result.crisis is True
    assert result.cues.get("manager_involved") == "ja"
    assert engine.parse("mijn collega pest me").crisis is False


def test_cache_is_used_and_holds_no_user_text(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = EmbeddedNLU.from_dialogen(DIALOGEN, cache_dir=cache)
    files = list(cache.glob("*.pkl"))
    assert len(files) == 1
    first.parse("CANARY-7f3a9 mijn baas pest me")
    stamp = files[0].stat().st_mtime_ns
    second = EmbeddedNLU.from_dialogen(DIALOGEN, cache_dir=cache)
    assert files[0].stat().st_mtime_ns == stamp  # loaded, not rewritten
    assert second.model.digest == first.model.digest
    assert b"CANARY-7f3a9" not in files[0].read_bytes()
    assert b"canary" not in files[0].read_bytes()


def test_broken_cache_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    EmbeddedNLU.from_dialogen(DIALOGEN, cache_dir=cache)
    [file] = list(cache.glob("*.pkl"))
    file.write_bytes(b"not a pickle")
    engine = EmbeddedNLU.from_dialogen(DIALOGEN, cache_dir=cache)
    assert engine.parse("mijn collega pest me").topic == "ongewenste_omgangsvormen"


def test_unwritable_cache_is_not_fatal(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    engine = EmbeddedNLU.from_dialogen(DIALOGEN, cache_dir=blocker / "sub")
    assert engine.parse("hoi").intent == "greet"


def test_changed_data_gives_a_new_cache_key(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(DIALOGEN, tmp_path / "dialogen")
    cache = tmp_path / "cache"
    before = EmbeddedNLU.from_dialogen(tmp_path / "dialogen", cache_dir=cache).model.digest
    extra = tmp_path / "dialogen" / "data" / "extra.yml"
    extra.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - goeiendag\n')
    after = EmbeddedNLU.from_dialogen(tmp_path / "dialogen", cache_dir=cache).model.digest
    assert before != after
    assert len(list(cache.glob("*.pkl"))) == 2  # a few versions are kept, not all


def test_fast_runtime_matches_scikit_learn_exactly() -> None:
    from bot.nlu.embedded_train import compile_fitted, fit
    from bot.nlu.training_data import load_training_data

    data = load_training_data(DIALOGEN)
    fitted, texts = fit(data, calibrate=False)
    model = compile_fitted(fitted, texts, data)
    samples = [*texts[::25], "ik wordt gepest door mn baas!!", "x" * 3000, "a", "😀", ""]
    word = fitted.word.build_analyzer()
    char = fitted.char.build_analyzer()
    for text in samples:
        prepared = model.prepare(text)
        assert sorted(word(prepared)) == sorted(word_ngrams(prepared))
        assert sorted(char(prepared)) == sorted(char_wb_ngrams(prepared))
        assert np.allclose(fitted.margins([prepared])[0], model.margins(prepared)[0])


def test_lean_complement_nb_equals_scikit_learns() -> None:
    from scipy import sparse
    from sklearn.naive_bayes import ComplementNB

    from bot.nlu.embedded_train import complement_nb_log_prob

    rng = np.random.default_rng(3)
    matrix = sparse.random(60, 40, density=0.2, format="csr", random_state=4)
    labels = rng.choice(np.array(["a", "b", "c", "d"]), size=60)
    reference = ComplementNB(alpha=0.3).fit(matrix, labels)
    ours = complement_nb_log_prob(matrix, labels, reference.classes_, 0.3)
    assert np.allclose(ours, reference.feature_log_prob_)


def test_running_needs_no_scikit_learn(tmp_path: Path) -> None:
    import subprocess
    import sys

    EmbeddedNLU.from_dialogen(DIALOGEN, cache_dir=tmp_path)  # fill the cache
    code = (
        "import sys; from pathlib import Path; from bot.nlu.embedded import EmbeddedNLU; "
        f"e = EmbeddedNLU.from_dialogen(Path({str(DIALOGEN)!r}), "
        f"cache_dir=Path({str(tmp_path)!r})); "
        "print(e.parse('mijn collega pest me').topic, 'sklearn' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, check=True)
    assert done.stdout.split() == ["ongewenste_omgangsvormen", "False"]


def test_load_engine_gives_the_embedded_engine_by_default(tmp_path: Path) -> None:
    engine = load_engine(Settings(data_dir=tmp_path))
    assert engine.name == "embedded"
    assert (tmp_path / "nlu-cache").is_dir()
