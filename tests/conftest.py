from __future__ import annotations

from pathlib import Path

import pytest

from transtutor.content.importer import Catalog
from transtutor.content.library import Library, bundled_exercises, bundled_rubrics, load_library
from transtutor.scoring.scorer import Scorer
from transtutor.storage import Storage


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(bundled_exercises(), bundled_rubrics())


@pytest.fixture(scope="session")
def catalog(library: Library) -> Catalog:
    return library.catalog


@pytest.fixture(scope="session")
def scorer(library: Library) -> Scorer:
    return Scorer(library.rubrics)


@pytest.fixture
def storage() -> Storage:
    store = Storage.memory()
    yield store
    store.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "transtutor.db"
