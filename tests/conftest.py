"""Shared fixtures: the real content, the real embedded NLU engine, and a conversation driver."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.content.loader import Content, load_content
from bot.core.conversation import TEXT_IDS
from bot.settings import PROJECT_ROOT, Settings


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(PROJECT_ROOT, required_texts=TEXT_IDS)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = tmp_path_factory.mktemp("data")
    return Settings(data_dir=data, stats_db=data / "signalen.db")


@pytest.fixture(scope="session")
def nlu(settings: Settings):
    from bot.nlu.engines import load_engine

    return load_engine(settings)


@pytest.fixture()
def content_copy(tmp_path: Path) -> Iterator[Path]:
    """A writable copy of the content, for tests that break it on purpose."""
    import shutil

    for folder in ("kennisbank", "dialogen"):
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder)
    yield tmp_path


@pytest.fixture(scope="session")
def library():
    """The real dilemma library, loaded on its own: it must load without a single problem."""
    from bot.dilemmas.library import load_dilemmas
    from bot.dilemmas.vocab import known_ids

    lib, problems = load_dilemmas(PROJECT_ROOT, *known_ids(PROJECT_ROOT))
    assert problems == []
    assert lib is not None
    return lib


@pytest.fixture(scope="session")
def texts():
    """The dilemma screens' texts; every one must exist in Dutch and English."""
    from bot.dilemmas.texts import load_dilemma_texts

    loaded, problems = load_dilemma_texts(PROJECT_ROOT)
    assert problems == []
    return loaded
